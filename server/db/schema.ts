/** The database's tables as Kysely sees them: one place for every row type. */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { ActorRole } from '../../shared/events.js';
import type {
  DossierKind,
  DossierStatus,
  InvitationStatus,
  LockScope,
  Role,
  UserStatus,
} from '../../shared/domain.js';

/** A `timestamptz` read as a Date; optional on insert when the column has a default. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<
  Date | null,
  Date | string | null | undefined,
  Date | string | null
>;
/** `date` columns are read as `YYYY-MM-DD` strings (type parser set in open-database.ts). */
type DateOnly = ColumnType<string, string, string>;

export interface SpacesTable {
  id: Generated<number>;
  createdAt: DefaultTimestamp;
  /** Set when a cession emptied the space: it keeps its history but no member. */
  dissolvedAt: NullableTimestamp;
}

export interface UsersTable {
  id: Generated<number>;
  /** Lower-cased; unique among users that are not removed. */
  email: string;
  role: Role;
  status: UserStatus;
  /** Null for admins, and for a pending secondary's account before acceptance. */
  passwordHash: string | null;
  spaceId: number | null;
  createdAt: DefaultTimestamp;
  updatedAt: DefaultTimestamp;
}

export interface SiretsTable {
  /** 14 digits; the primary key makes "a SIRET is managed by at most one space" hold. */
  siret: string;
  spaceId: number;
  addedAt: DefaultTimestamp;
}

export interface AttributionsTable {
  userId: number;
  siret: string;
  attributedAt: DefaultTimestamp;
}

export interface DossiersTable {
  id: Generated<number>;
  reference: string;
  /** Not a foreign key: dossiers exist for SIRETs no space manages yet. */
  siret: string;
  kind: DossierKind;
  status: DossierStatus;
  unlockCodeHash: string;
  openedAt: DateOnly;
  dueAt: DateOnly;
  createdAt: DefaultTimestamp;
  updatedAt: DefaultTimestamp;
}

export interface InvitationsTable {
  id: Generated<number>;
  userId: number;
  spaceId: number;
  email: string;
  invitedById: number;
  /** SHA-256 of the token sent by e-mail; the token itself is never stored. */
  tokenHash: string;
  status: InvitationStatus;
  createdAt: DefaultTimestamp;
  expiresAt: Timestamp;
  acceptedAt: NullableTimestamp;
}

export interface SessionsTable {
  id: Generated<number>;
  userId: number;
  /** SHA-256 of the bearer token. */
  tokenHash: string;
  createdAt: DefaultTimestamp;
  expiresAt: Timestamp;
  revokedAt: NullableTimestamp;
}

export interface FailedAttemptsTable {
  id: Generated<number>;
  scope: LockScope;
  /**
   * What is counted: `space:<id>` for a cession, `space:<id>:<siret>` for an
   * added SIRET, `siret:<siret>:<client address>` for a signup, `siret:<siret>`
   * for a SIRET's signups from every address (`signup_alert`).
   */
  subject: string;
  /** The principal the counter belongs to, when there is one (admin reset by user). */
  userId: number | null;
  siret: string | null;
  failures: number;
  lockedAt: NullableTimestamp;
  /** When a counter that never locks (`signup_alert`) alerted the support agents. */
  alertedAt: NullableTimestamp;
  updatedAt: DefaultTimestamp;
}

export interface RateLimitsTable {
  key: string;
  windowStart: Timestamp;
  hits: number;
}

export interface SignInAddressesTable {
  /** SHA-256 of the e-mail and the client address (`db/queries/sign-in-addresses.ts`). */
  keyHash: string;
  lastSignedInAt: DefaultTimestamp;
}

export interface EventStreamsTable {
  /** `space:<id>` or `admin`. */
  stream: string;
  /** The last sequence number given out in this stream. */
  head: ColumnType<number, number, number>;
}

export interface EventsTable {
  /** One number over every stream (migration 0006): the support history's cursor. */
  id: Generated<number>;
  stream: string;
  seq: ColumnType<number, number, never>;
  type: string;
  at: ColumnType<Date, string | undefined, never>;
  data: ColumnType<unknown, string, never>;
  /**
   * Who may see the event in detail besides the space's principal: null means
   * every member of the space; otherwise these user ids only.
   */
  audience: number[] | null;
  /** Who made the change (shared/events.ts, `ActorView`); `system` for no person. */
  actorRole: ColumnType<ActorRole, ActorRole | undefined, never>;
  actorId: ColumnType<number | null, number | null | undefined, never>;
  actorEmail: ColumnType<string | null, string | null | undefined, never>;
  /** What a support agent typed as the reason of their action. */
  reason: ColumnType<string | null, string | null | undefined, never>;
}

/** A cession as it was made (migration 0007), for its undo or refusal. */
export interface CessionsTable {
  id: Generated<number>;
  fromSpaceId: number;
  toSpaceId: number;
  fromPrincipalId: number;
  toPrincipalId: number;
  cededAt: DefaultTimestamp;
  sirets: string[];
  /** The secondaries (active and pending) who moved with the SIRETs. */
  memberIds: number[];
  /** Who held which SIRET at the cession, among those secondaries: `[userId, siret]` pairs. */
  attributions: ColumnType<[number, string][], string, never>;
  revertedAt: NullableTimestamp;
  revertedHow: 'undone' | 'refused' | null;
  revertedById: number | null;
  reason: string | null;
}

/** A support agent's link to choose their password (migration 0008); like `InvitationsTable`, without a space. */
export interface AgentInvitationsTable {
  id: Generated<number>;
  userId: number;
  invitedById: number;
  /** SHA-256 of the token sent by e-mail; the token itself is never stored. */
  tokenHash: string;
  status: 'pending' | 'accepted' | 'revoked';
  createdAt: DefaultTimestamp;
  expiresAt: Timestamp;
  acceptedAt: NullableTimestamp;
}

/** What an event is about (server/events/event-keys.ts), for the history's searches. */
export interface EventKeysTable {
  key: string;
  eventId: ColumnType<number, number, never>;
}

export interface Database {
  spaces: SpacesTable;
  users: UsersTable;
  sirets: SiretsTable;
  attributions: AttributionsTable;
  dossiers: DossiersTable;
  invitations: InvitationsTable;
  sessions: SessionsTable;
  failedAttempts: FailedAttemptsTable;
  rateLimits: RateLimitsTable;
  signInAddresses: SignInAddressesTable;
  eventStreams: EventStreamsTable;
  events: EventsTable;
  eventKeys: EventKeysTable;
  cessions: CessionsTable;
  agentInvitations: AgentInvitationsTable;
}

export type Space = Selectable<SpacesTable>;
export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type SiretRow = Selectable<SiretsTable>;
export type Dossier = Selectable<DossiersTable>;
export type Invitation = Selectable<InvitationsTable>;
export type Session = Selectable<SessionsTable>;
export type FailedAttempt = Selectable<FailedAttemptsTable>;
export type EventRow = Selectable<EventsTable>;
export type Cession = Selectable<CessionsTable>;
