/**
 * Invitations of secondary users. The token of a link is shown once, to the
 * person who receives the e-mail; the table keeps its SHA-256 only, so a copy
 * of the database never lets anyone accept an invitation.
 */
import type { Kysely, Transaction } from 'kysely';
import { INVITATION_TTL_DAYS, type InvitationStatus } from '../../../shared/domain.js';
import type { InvitationView } from '../../../shared/views.js';
import { hashToken, newToken } from '../../security/secrets.js';
import { compiledOnce, onlyRow } from '../compiled-once.js';
import type { Database, Invitation } from '../schema.js';

type Db = Kysely<Database> | Transaction<Database>;

const DAY_MS = 24 * 60 * 60 * 1000;

/** An invitation row with the e-mail of the user who sent it. */
export type InvitationWithInviter = Invitation & { invitedBy: string };

/** What the invitee is told about a link (`GET /api/v1/invitations/:token`). */
export interface InvitationPreview {
  email: string;
  invitedBy: string;
  expiresAt: string;
}

/** What the sender needs to e-mail the link; the clear token exists only here. */
export interface IssuedInvitation {
  token: string;
  email: string;
  expiresAt: string;
  invitedBy: string;
}

function selectWithInviter(db: Db) {
  return db
    .selectFrom('invitations as i')
    .innerJoin('users as inviter', 'inviter.id', 'i.invitedById')
    .selectAll('i')
    .select('inviter.email as invitedBy');
}

export function toInvitationView(row: InvitationWithInviter): InvitationView {
  return {
    id: row.id,
    spaceId: row.spaceId,
    userId: row.userId,
    email: row.email,
    invitedBy: row.invitedBy,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    acceptedAt: row.acceptedAt ? row.acceptedAt.toISOString() : null,
  };
}

/** The invitation behind a link, only while it can still be accepted. */
export async function findInvitationByToken(
  db: Db,
  token: string,
  now: Date = new Date(),
): Promise<InvitationPreview | undefined> {
  const row = await selectWithInviter(db)
    .innerJoin('users as invitee', 'invitee.id', 'i.userId')
    .where('i.tokenHash', '=', hashToken(token))
    .where('i.status', '=', 'pending')
    .where('i.expiresAt', '>', now)
    .where('invitee.status', '=', 'pending')
    .executeTakeFirst();
  if (!row) return undefined;
  return { email: row.email, invitedBy: row.invitedBy, expiresAt: row.expiresAt.toISOString() };
}

export interface InvitationsFilter {
  status?: InvitationStatus | undefined;
  /** Several statuses at once (the support desk's page of a space: pending and expired). */
  statuses?: readonly InvitationStatus[] | undefined;
  /** One space's invitations only. */
  spaceId?: number | undefined;
  /** Part of the invitee's or the sender's e-mail, any case. */
  q?: string | undefined;
  limit: number;
}

/**
 * The admins' feed: invitations of every space, newest first, each space named
 * by its principal's e-mail (`spaceName`, null once dissolved): support never
 * reads a space's number.
 */
export async function listInvitationViews(
  db: Db,
  filter: InvitationsFilter,
): Promise<InvitationView[]> {
  let query = selectWithInviter(db)
    .leftJoin('users as principal', (join) =>
      join
        .onRef('principal.spaceId', '=', 'i.spaceId')
        .on('principal.role', '=', 'principal')
        .on('principal.status', '<>', 'removed'),
    )
    .select('principal.email as spaceName');
  if (filter.status) query = query.where('i.status', '=', filter.status);
  if (filter.statuses) query = query.where('i.status', 'in', [...filter.statuses]);
  if (filter.spaceId !== undefined) query = query.where('i.spaceId', '=', filter.spaceId);
  if (filter.q) {
    const pattern = `%${escapeLike(filter.q.toLowerCase())}%`;
    query = query.where((eb) =>
      eb.or([eb('i.email', 'like', pattern), eb('inviter.email', 'like', pattern)]),
    );
  }
  const rows = await query
    .orderBy('i.createdAt', 'desc')
    .orderBy('i.id', 'desc')
    .limit(filter.limit)
    .execute();
  return rows.map((row) => ({ ...toInvitationView(row), spaceName: row.spaceName }));
}

/**
 * The principal's panel: the latest invitation the space sent to each of its
 * pending secondaries, whatever its status (pending, expired or revoked), newest
 * first, so a link that ran out shows as such until a new one is sent. One per
 * secondary: a new link is always the latest. An invitation sent by another
 * space before a cession is not listed (only pending ones follow their secondary).
 */
export async function listLatestInvitationViews(
  db: Db,
  spaceId: number,
): Promise<InvitationView[]> {
  const rows = await selectWithInviter(db)
    .innerJoin('users as invitee', 'invitee.id', 'i.userId')
    .where('i.spaceId', '=', spaceId)
    .where('invitee.spaceId', '=', spaceId)
    .where('invitee.status', '=', 'pending')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('invitations as newer')
            .select('newer.id')
            .whereRef('newer.userId', '=', 'i.userId')
            .whereRef('newer.id', '>', 'i.id'),
        ),
      ),
    )
    .orderBy('i.createdAt', 'desc')
    .orderBy('i.id', 'desc')
    .execute();
  return rows.map(toInvitationView);
}

/**
 * Writes a new pending invitation valid `INVITATION_TTL_DAYS` from `now`.
 * Returns the row and the clear token, which the caller e-mails and forgets.
 */
export async function insertInvitation(
  trx: Transaction<Database>,
  values: { userId: number; spaceId: number; email: string; invitedById: number; now: Date },
): Promise<{ invitation: InvitationWithInviter; token: string }> {
  const token = newToken();
  const written = await insertInvitationRow(trx, {
    ...values,
    tokenHash: hashToken(token),
    expiresAt: new Date(values.now.getTime() + INVITATION_TTL_DAYS * DAY_MS),
  });
  return { invitation: onlyRow(written, 'insert into invitations'), token };
}

// Written and read back with the sender's e-mail in one statement.
const insertInvitationRow = compiledOnce(
  (
    db,
    slot: {
      userId: number;
      spaceId: number;
      email: string;
      invitedById: number;
      tokenHash: string;
      now: Date;
      expiresAt: Date;
    },
  ) =>
    db
      .with('i', (db) =>
        db
          .insertInto('invitations')
          .values({
            userId: slot.userId,
            spaceId: slot.spaceId,
            email: slot.email,
            invitedById: slot.invitedById,
            tokenHash: slot.tokenHash,
            status: 'pending',
            createdAt: slot.now,
            expiresAt: slot.expiresAt,
          })
          .returningAll(),
      )
      .selectFrom('i')
      .innerJoin('users as inviter', 'inviter.id', 'i.invitedById')
      .selectAll('i')
      .select('inviter.email as invitedBy'),
);

/** The sender's copy of an invitation just issued. */
export function toIssuedInvitation(
  invitation: InvitationWithInviter,
  token: string,
): IssuedInvitation {
  return {
    token,
    email: invitation.email,
    expiresAt: invitation.expiresAt.toISOString(),
    invitedBy: invitation.invitedBy,
  };
}

/** The invitation of a token, unlocked: only tells which space to lock first. */
export async function findInvitationByTokenHash(
  db: Db,
  tokenHash: string,
): Promise<Invitation | undefined> {
  return db
    .selectFrom('invitations')
    .selectAll()
    .where('tokenHash', '=', tokenHash)
    .executeTakeFirst();
}

/** Re-reads an invitation under its row lock (after its space is locked). */
export async function lockInvitation(
  trx: Transaction<Database>,
  id: number,
): Promise<Invitation | undefined> {
  return trx
    .selectFrom('invitations')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/** The pending invitations of a user, locked, oldest first. */
export async function lockPendingInvitationsOfUser(
  trx: Transaction<Database>,
  userId: number,
): Promise<Invitation[]> {
  return selectPendingInvitationsForUpdate(trx, { userId });
}

const selectPendingInvitationsForUpdate = compiledOnce((db, slot: { userId: number }) =>
  db
    .selectFrom('invitations')
    .selectAll()
    .where('userId', '=', slot.userId)
    .where('status', '=', 'pending')
    .orderBy('id')
    .forUpdate(),
);

/** Pending invitations whose link ran out (`expiresAt <= now`), locked, oldest first. */
export async function lockExpiredPendingInvitations(
  trx: Transaction<Database>,
  now: Date,
  spaceIds: readonly number[],
): Promise<Invitation[]> {
  if (spaceIds.length === 0) return [];
  return trx
    .selectFrom('invitations')
    .selectAll()
    .where('status', '=', 'pending')
    .where('expiresAt', '<=', now)
    .where('spaceId', 'in', spaceIds)
    .orderBy('id')
    .forUpdate()
    .execute();
}

/** The spaces that hold pending invitations run out at `now` (unlocked: they are locked next). */
export async function listSpacesWithExpiredInvitations(db: Db, now: Date): Promise<number[]> {
  const rows = await db
    .selectFrom('invitations')
    .select('spaceId')
    .distinct()
    .where('status', '=', 'pending')
    .where('expiresAt', '<=', now)
    .orderBy('spaceId')
    .execute();
  return rows.map((r) => r.spaceId);
}

export async function markInvitationAccepted(
  trx: Transaction<Database>,
  id: number,
  acceptedAt: Date,
): Promise<void> {
  await trx
    .updateTable('invitations')
    .set({ status: 'accepted', acceptedAt })
    .where('id', '=', id)
    .execute();
}

/** Moves pending invitations to a final status (revoked or expired). */
export async function closeInvitations(
  trx: Transaction<Database>,
  ids: readonly number[],
  status: 'revoked' | 'expired',
): Promise<void> {
  if (ids.length === 0) return;
  await trx
    .updateTable('invitations')
    .set({ status })
    .where('id', 'in', ids)
    .where('status', '=', 'pending')
    .execute();
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Cession: the pending invitations of a space follow their secondaries to the
 * target space, so a link sent before the cession keeps working.
 */
export async function moveInvitations(
  trx: Transaction<Database>,
  fromSpaceId: number,
  toSpaceId: number,
): Promise<void> {
  await trx
    .updateTable('invitations')
    .set({ spaceId: toSpaceId })
    .where('spaceId', '=', fromSpaceId)
    .where('status', '=', 'pending')
    .execute();
}
