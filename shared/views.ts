/**
 * The shapes the server sends: HTTP responses, snapshots and event payloads
 * share them. Each is a zod schema, the types are read from it: the OpenAPI
 * document and the check of every answer (tests/http/typed-answers.test.ts) use
 * the very shapes the code is typed with. The panel imports the types only.
 */
import { z } from 'zod';
import {
  DOSSIER_KINDS,
  DOSSIER_STATUSES,
  INVITATION_STATUSES,
  LOCK_SCOPES,
  ROLES,
  USER_STATUSES,
} from './domain.js';
import { ACTOR_ROLES, STORED_EVENT_TYPES } from './events.js';

const id = z.number().int().positive();
const email = z.string();
const siret = z.string().regex(/^\d{14}$/);
/** An instant as `Date.prototype.toISOString()` writes it. */
const instant = z.iso.datetime();
const userStatus = z.enum(USER_STATUSES);

/** The signed-in user (`GET /api/v1/me`). `spaceId` is null for an admin. */
export const meView = z.strictObject({
  id,
  email,
  role: z.enum(ROLES),
  status: userStatus,
  spaceId: id.nullable(),
  isAdmin: z.boolean(),
});
export type MeView = z.output<typeof meView>;

export const sessionView = z.strictObject({ token: z.string(), user: meView });
export type SessionView = z.output<typeof sessionView>;

export const siretView = z.strictObject({ siret, addedAt: instant });
export type SiretView = z.output<typeof siretView>;

/** `GET /api/v1/sirets` item: a SIRET of the space with its dossier counts. */
export const siretWithCountsView = siretView.extend({
  dossiers: z.strictObject({
    inProgress: z.number().int().nonnegative(),
    toComplete: z.number().int().nonnegative(),
  }),
});
export type SiretWithCountsView = z.output<typeof siretWithCountsView>;

export const dossierView = z.strictObject({
  id,
  reference: z.string(),
  siret,
  kind: z.enum(DOSSIER_KINDS),
  status: z.enum(DOSSIER_STATUSES),
  /** ISO date (YYYY-MM-DD). */
  openedAt: z.iso.date(),
  /** ISO date (YYYY-MM-DD): the end of the questionnaire's jours francs. */
  dueAt: z.iso.date(),
});
export type DossierView = z.output<typeof dossierView>;

/**
 * A member of a space as another member sees them. `sirets` is the list of
 * SIRETs attributed to a secondary; it is `null` when the viewer may not see it
 * (a secondary never sees another secondary's list).
 */
export const memberView = z.strictObject({
  id,
  email,
  role: z.enum(['principal', 'secondary']),
  status: userStatus,
  sirets: z.array(siret).nullable(),
});
export type MemberView = z.output<typeof memberView>;

/** `GET /api/v1/secondaries` item. */
export const secondaryView = z.strictObject({
  id,
  email,
  status: userStatus,
  sirets: z.array(siret),
});
export type SecondaryView = z.output<typeof secondaryView>;

export const invitationView = z.strictObject({
  id,
  spaceId: id,
  userId: id,
  email,
  invitedBy: email,
  status: z.enum(INVITATION_STATUSES),
  createdAt: instant,
  expiresAt: instant,
  acceptedAt: instant.nullable(),
  /**
   * Support only: the space named by its principal's e-mail, null when it has
   * none (dissolved). Members' views leave it out.
   */
  spaceName: email.nullable().optional(),
});
export type InvitationView = z.output<typeof invitationView>;

/**
 * A support agent's account (`GET /api/v1/admin/agents`): `pending` until they
 * chose their password through their link, `removed` once deactivated.
 */
export const agentView = z.strictObject({
  id,
  email,
  status: userStatus,
  createdAt: instant,
});
export type AgentView = z.output<typeof agentView>;

/** A failed-attempt counter that reached its limit (admin view). */
export const lockView = z.strictObject({
  id,
  scope: z.enum(LOCK_SCOPES),
  /** The principal concerned, when there is one (a signup lock has none). */
  userId: id.nullable(),
  email: email.nullable(),
  siret: siret.nullable(),
  failures: z.number().int().nonnegative(),
  lockedAt: instant,
  /**
   * Support lists only: the space of a space's counter (cession, added SIRET)
   * and its principal's e-mail (null once dissolved); absent for a signup's.
   */
  spaceId: id.optional(),
  spaceName: email.nullable().optional(),
});
export type LockView = z.output<typeof lockView>;

/** One page of a list: its schema is `pageOf(item)`. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.strictObject({
    items: z.array(item),
    total: z.number().int().nonnegative(),
    page: z.number().int().positive(),
    pageSize: z.number().int().positive(),
  });
}
export type Page<T> = Omit<z.output<ReturnType<typeof pageOf>>, 'items'> & { items: T[] };

/**
 * One change of the history (`GET /api/v1/history`): who made it and, in
 * words, what it was (shared/history-text.ts). `id` is the page cursor.
 */
export const historyEntryView = z.strictObject({
  id,
  at: instant,
  type: z.enum(STORED_EVENT_TYPES),
  actor: z.strictObject({ email: email.nullable(), role: z.enum(ACTOR_ROLES) }),
  text: z.string(),
});
export type HistoryEntryView = z.output<typeof historyEntryView>;

/** A page of the history, newest first; `next` is the `before` of the next page, null at the end. */
export const historyPageView = z.strictObject({
  entries: z.array(historyEntryView),
  next: id.nullable(),
});
export type HistoryPageView = z.output<typeof historyPageView>;

/**
 * What an undo (or a refusal) of a cession would leave behind: SIRETs deleted
 * or ceded on since, secondaries removed since; `blockedBy` when nothing can
 * come back at all (server/rules/revert-cession.ts).
 */
export const cessionRevertView = z.strictObject({
  possible: z.boolean(),
  blockedBy: z.string().nullable(),
  missingSirets: z.array(siret),
  missingMembers: z.array(email),
});
export type CessionRevertView = z.output<typeof cessionRevertView>;

/** A cession as support finds it (`GET /api/v1/admin/cessions`). */
export const cessionView = z.strictObject({
  id,
  cededAt: instant,
  fromSpaceId: id,
  toSpaceId: id,
  fromPrincipalEmail: email,
  toPrincipalEmail: email,
  sirets: z.array(siret),
  secondaryCount: z.number().int().nonnegative(),
  revertedAt: instant.nullable(),
  revertedHow: z.enum(['undone', 'refused']).nullable(),
  revertedByEmail: email.nullable(),
  reason: z.string().nullable(),
  /** Null once reverted. */
  revert: cessionRevertView.nullable(),
});
export type CessionView = z.output<typeof cessionView>;

/** A cession the receiving principal may still refuse (their snapshot). */
export const receivedCessionView = z.strictObject({
  id,
  cededAt: instant,
  refusableUntil: instant,
  fromPrincipalEmail: email,
  sirets: z.array(siret),
  secondaryCount: z.number().int().nonnegative(),
});
export type ReceivedCessionView = z.output<typeof receivedCessionView>;

// ── Support desk (docs/api.md, « Support desk ») ──────────────────────────────

/**
 * An account as the support desk finds it (`GET /api/v1/admin/accounts`):
 * `spaceName` is its space's principal's e-mail (null without a space or once
 * the space is dissolved), `lockCount` its current locks, `lastActivityAt` its
 * latest sign-in or change made.
 */
export const supportAccountView = z.strictObject({
  id,
  email,
  role: z.enum(ROLES),
  spaceId: id.nullable(),
  spaceName: email.nullable(),
  status: userStatus,
  lockCount: z.number().int().nonnegative(),
  lastActivityAt: instant.nullable(),
});
export type SupportAccountView = z.output<typeof supportAccountView>;

/** A space seen whole by the support desk (`GET /api/v1/admin/spaces/:id`). */
export const supportSpaceView = z.strictObject({
  id,
  /** The principal's e-mail; null once dissolved. */
  name: email.nullable(),
  dissolvedAt: instant.nullable(),
  principal: z.strictObject({ id, email }).nullable(),
  sirets: z.array(siretView.extend({ dossiers: z.array(dossierView) })),
  /** Every secondary the space holds, removed ones included, by e-mail. */
  secondaries: z.array(secondaryView),
  /** Pending and expired invitations, newest first. */
  invitations: z.array(invitationView),
  locks: z.array(lockView),
  /** The space's last history entries, newest first, as support sees them. */
  history: z.array(historyEntryView),
  /** The ids of the members connected now. */
  online: z.array(id),
});
export type SupportSpaceView = z.output<typeof supportSpaceView>;

const count = z.number().int().nonnegative();

/** The support desk's figures (`GET /api/v1/admin/overview`); days are French calendar days. */
export const supportOverviewView = z.strictObject({
  pendingInvitations: count,
  validatedToday: count,
  /** Expired since Monday (French time). */
  expiredThisWeek: count,
  /** Accounts with at least one locked counter. */
  lockedAccounts: count,
  /** The last 30 days, oldest first, every day present. */
  days: z.array(
    z.strictObject({ date: z.iso.date(), sent: count, validated: count, expired: count }),
  ),
});
export type SupportOverviewView = z.output<typeof supportOverviewView>;
