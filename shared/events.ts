/**
 * The realtime contract: events pushed over Socket.IO, the snapshot sent on
 * connect, and the `sync` exchange. One file for both sides.
 *
 * A connection follows one ordered stream: a member follows their space's
 * stream, an admin the admin stream. Ids are the stream's sequence: they only
 * increase, without holes. An event the viewer may not see in detail arrives
 * as `hidden` (same id, no data) so that holes always mean "missed something".
 * Ephemeral events (presence, session end) are not stored and carry `id: 0`.
 */
import type { DossierStatus, LockScope, Role, UserStatus } from './domain.js';
import type {
  AgentView,
  DossierView,
  InvitationView,
  LockView,
  MemberView,
  MeView,
  ReceivedCessionView,
  SiretView,
} from './views.js';

export interface EventPayloads {
  /** A SIRET joined the space, with the dossiers it brings (principal only). */
  'siret.added': { siret: SiretView; dossiers: DossierView[] };
  /** A SIRET left the space (principal only; secondaries get `secondary.sirets_changed`). */
  'siret.removed': { siret: string };
  'secondary.added': { member: MemberView };
  'secondary.removed': { userId: number };
  'secondary.status_changed': { userId: number; status: UserStatus };
  /**
   * The SIRETs attributed to a secondary changed (seen by the principal and
   * that secondary). `dossiers` are the dossiers of the SIRETs just attributed.
   */
  'secondary.sirets_changed': {
    userId: number;
    sirets: string[];
    dossiers: DossierView[];
    /** When each SIRET just attributed joined the space (absent when none was; older events). */
    addedAt?: Record<string, string>;
    /** The SIRETs this change attributed and took away (absent in older events). */
    attributed?: string[];
    withdrawn?: string[];
    /** Set when the SIRETs were taken away because the principal deleted them. */
    deleted?: boolean;
  };
  /**
   * Every SIRET and member of `fromSpaceId` moved to `toSpaceId`; the former
   * principal is now a secondary there. Views change wholesale: a client asks
   * for a fresh snapshot (`sync` with `since: null`).
   */
  'space.ceded': {
    /** The cession's record, to undo or refuse it (absent in older events). */
    cessionId?: number;
    fromSpaceId: number;
    toSpaceId: number;
    formerPrincipalId: number;
    sirets: string[];
    /** The secondaries who moved with the SIRETs, former principal excluded (absent in older events). */
    secondaryCount?: number;
    /** The receiving principal's e-mail (absent in older events). */
    toPrincipalEmail?: string;
  };
  /**
   * A cession put back (support's undo, or the receiver's refusal): what was
   * still in the receiving space returned to `fromSpaceId`, whose former
   * principal is principal again. Views change wholesale, as for `space.ceded`.
   */
  'space.cession_reverted': {
    cessionId: number;
    how: 'undone' | 'refused';
    fromSpaceId: number;
    toSpaceId: number;
    formerPrincipalId: number;
    formerPrincipalEmail: string;
    toPrincipalEmail: string;
    /** The SIRETs that returned. */
    sirets: string[];
    secondaryCount: number;
    /** What could not come back (deleted or ceded on since; removed since). */
    missingSirets: string[];
    missingMembers: string[];
  };
  /**
   * Support made a secondary the space's principal; the former principal is a
   * secondary now, with no SIRET. Views change wholesale.
   */
  'space.principal_changed': {
    principalId: number;
    principalEmail: string;
    formerPrincipalId: number;
    formerPrincipalEmail: string;
  };
  'dossier.added': { dossier: DossierView };
  'dossier.status_changed': { dossierId: number; siret: string; status: DossierStatus };
  'invitation.created': { invitation: InvitationView };
  'invitation.accepted': { invitationId: number; userId: number; acceptedAt: string };
  'invitation.expired': { invitationId: number; userId: number };
  'invitation.revoked': { invitationId: number; userId: number };
  /**
   * A failed-attempt counter reached its limit (admin stream): a lock, or for
   * scope `signup_alert` an alert that blocks nobody. A lock of a space's
   * counter (`add_siret`, `cession`) is also written to that space's stream,
   * for its principal only.
   */
  'lock.locked': { lock: LockView };
  /**
   * An admin lifted a lock (admin stream; and, for a space's counter, that
   * space's stream, principal only, with the counter's `scope` and `siret`).
   */
  'lock.reset': { lockId: number; scope?: LockScope; siret?: string | null };
  /** A support agent created another agent's account (admin stream); their link is on its way. */
  'agent.created': { agent: AgentView };
  /** The new agent chose their password through their link (admin stream). */
  'agent.activated': { userId: number };
  /** A support agent deactivated another (admin stream); that agent's sockets then close. */
  'agent.deactivated': { userId: number };
  /** Stands for an event of the stream this viewer may not see; it only moves the id on. */
  hidden: Record<string, never>;
  /** Ephemeral: the members of the space connected now. */
  'presence.changed': { online: number[] };
  /** Ephemeral: this session ended (sign-out, removal); the socket closes next. */
  'session.revoked': { reason: 'logout' | 'removed' | 'expired' };
}

export type EventType = keyof EventPayloads;

export const EPHEMERAL_EVENT_TYPES = ['presence.changed', 'session.revoked'] as const;
export type EphemeralEventType = (typeof EPHEMERAL_EVENT_TYPES)[number];
/** Types written to a stream (`hidden` only exists on the wire). */
export type StoredEventType = Exclude<EventType, EphemeralEventType | 'hidden'>;

export const STORED_EVENT_TYPES = [
  'siret.added',
  'siret.removed',
  'secondary.added',
  'secondary.removed',
  'secondary.status_changed',
  'secondary.sirets_changed',
  'space.ceded',
  'space.cession_reverted',
  'space.principal_changed',
  'dossier.added',
  'dossier.status_changed',
  'invitation.created',
  'invitation.accepted',
  'invitation.expired',
  'invitation.revoked',
  'lock.locked',
  'lock.reset',
  'agent.created',
  'agent.activated',
  'agent.deactivated',
] as const satisfies readonly StoredEventType[];

// Every stored type is listed above: adding one to EventPayloads without listing it fails here.
type Unlisted = Exclude<StoredEventType, (typeof STORED_EVENT_TYPES)[number]>;
const everyStoredTypeListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyStoredTypeListed;

/**
 * Events after which a member's whole view changes (who is in the space, who
 * is its principal): the client drops what it holds and asks for a fresh
 * snapshot (shared/live-sync.ts).
 */
export const VIEW_CHANGING_EVENT_TYPES = [
  'space.ceded',
  'space.cession_reverted',
  'space.principal_changed',
] as const satisfies readonly StoredEventType[];

export function changesViewWholesale(event: { type: string }): boolean {
  return (VIEW_CHANGING_EVENT_TYPES as readonly string[]).includes(event.type);
}

/**
 * Who made a change (docs/domain.md, « Historique »): a member of the space, a
 * support agent, or the system (an invitation expiring, a counter locking).
 * A viewer only learns an e-mail they could see anyway: members see each
 * other's, a support agent is only « le support » to them
 * (shared/visibility.ts).
 */
export const ACTOR_ROLES = ['principal', 'secondary', 'support', 'system'] as const;
export type ActorRole = (typeof ACTOR_ROLES)[number];

export interface ActorView {
  id: number | null;
  email: string | null;
  role: ActorRole;
  /** What the support agent typed as the reason of their action (support viewers only). */
  reason?: string;
}

/**
 * The wire envelope of one event (`event` message). Stored events name their
 * `actor`; `hidden` and ephemeral events do not.
 */
export type ServerEvent = {
  [T in EventType]: { id: number; type: T; at: string; data: EventPayloads[T]; actor?: ActorView };
}[EventType];

export type EventOf<T extends EventType> = Extract<ServerEvent, { type: T }>;

/** The scopes counted per space: what its principal may find locked. */
export type SpaceLockScope = Extract<LockScope, 'add_siret' | 'cession'>;

/** A locked counter of the space, as its principal sees it (until a support reset). */
export interface MemberLockView {
  id: number;
  scope: SpaceLockScope;
  /** The SIRET an `add_siret` lock is about; null for `cession`. */
  siret: string | null;
  lockedAt: string;
}

/** Everything a member's panel shows, as of `lastEventId` of their space's stream. */
export interface MemberSnapshot {
  kind: 'member';
  me: MeView;
  spaceId: number;
  /** Principal: every SIRET of the space. Secondary: those attributed to them. */
  sirets: SiretView[];
  /** Every member of the space, the viewer included. */
  members: MemberView[];
  /** The dossiers of the SIRETs above. */
  dossiers: DossierView[];
  /**
   * The latest invitation of each pending secondary, pending, expired or revoked
   * (principal only; empty for a secondary). At most one is pending per secondary.
   */
  invitations: InvitationView[];
  /** The space's locked counters (principal only; empty for a secondary). */
  locks: MemberLockView[];
  /** Cessions into the space its principal may still refuse (principal only). */
  receivedCessions: ReceivedCessionView[];
  online: number[];
  lastEventId: number;
}

/** Everything an admin's panel shows, as of `lastEventId` of the admin stream. */
export interface AdminSnapshot {
  kind: 'admin';
  me: MeView;
  /** The most recent invitations of every space, newest first. */
  invitations: InvitationView[];
  locks: LockView[];
  lastEventId: number;
}

export type Snapshot = MemberSnapshot | AdminSnapshot;

/**
 * Where a reconnecting client stands: the view its state belongs to and the
 * last id it applied. When the server finds the user in that same view, it
 * skips the snapshot and the client's `sync { since }` brings what it missed.
 */
export interface ResumePoint {
  spaceId: number | null;
  role: Role;
  lastEventId: number;
}

/** The handshake's `auth` payload. */
export interface HandshakeAuth {
  token: string;
  resume?: ResumePoint;
}

/** Client → server `sync` payload; `since: null` asks for a fresh snapshot. */
export interface SyncRequest {
  since: number | null;
}

/**
 * Server's ack to `sync`: the missed events in order, or a snapshot when too far
 * behind, or a refusal; `retryAfterMs` says how long to wait before asking again.
 */
export type SyncResponse =
  { events: ServerEvent[] } | { snapshot: Snapshot } | { error: string; retryAfterMs?: number };

export interface ServerToClientEvents {
  snapshot: (snapshot: Snapshot) => void;
  event: (event: ServerEvent) => void;
  /** To a support agent watching a space (`watch-space`): something changed there; read it again. */
  'space-touched': (touched: { spaceId: number }) => void;
}

export interface ClientToServerEvents {
  sync: (request: SyncRequest, ack: (response: SyncResponse) => void) => void;
  /**
   * A support agent's panel shows this space's page (`null`: none): it is told
   * of each change there with `space-touched`. Ignored from anyone else.
   */
  'watch-space': (spaceId: number | null) => void;
}
