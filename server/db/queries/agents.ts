/**
 * Support agents (docs/domain.md, « Support accounts »): admin accounts, and
 * the links a new agent chooses their password through. As for secondaries'
 * invitations, a link's token is shown once, in the e-mail; the table keeps
 * its SHA-256 only.
 */
import type { Kysely, Transaction } from 'kysely';
import { INVITATION_TTL_DAYS } from '../../../shared/domain.js';
import type { AgentView } from '../../../shared/views.js';
import { hashToken, newToken } from '../../security/secrets.js';
import type { Database, User } from '../schema.js';
import type { InvitationPreview, IssuedInvitation } from './invitations.js';

type Db = Kysely<Database> | Transaction<Database>;

const DAY_MS = 24 * 60 * 60 * 1000;

export function toAgentView(user: Pick<User, 'id' | 'email' | 'status' | 'createdAt'>): AgentView {
  return {
    id: user.id,
    email: user.email,
    status: user.status,
    createdAt: user.createdAt.toISOString(),
  };
}

/** Every support account, deactivated ones included, oldest first. */
export async function listAgentViews(db: Db): Promise<AgentView[]> {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'email', 'status', 'createdAt'])
    .where('role', '=', 'admin')
    .orderBy('createdAt')
    .orderBy('id')
    .execute();
  return rows.map(toAgentView);
}

/** A new agent's account, pending until they choose their password. */
export async function insertPendingAgent(trx: Transaction<Database>, email: string): Promise<User> {
  return trx
    .insertInto('users')
    .values({ email, role: 'admin', status: 'pending', passwordHash: null, spaceId: null })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** An agent's account not deactivated yet, under its row lock. */
export async function lockAgent(
  trx: Transaction<Database>,
  userId: number,
): Promise<User | undefined> {
  return trx
    .selectFrom('users')
    .selectAll()
    .where('id', '=', userId)
    .where('role', '=', 'admin')
    .where('status', '<>', 'removed')
    .forUpdate()
    .executeTakeFirst();
}

/**
 * The ids of the active agents, every row locked in id order: two agents
 * deactivating each other at once queue here, and the second sees the first's
 * change, so the support desk never loses its last agent.
 */
export async function lockActiveAgentIds(trx: Transaction<Database>): Promise<number[]> {
  const rows = await trx
    .selectFrom('users')
    .select('id')
    .where('role', '=', 'admin')
    .where('status', '=', 'active')
    .orderBy('id')
    .forUpdate()
    .execute();
  return rows.map((row) => row.id);
}

/** Writes a pending link valid `INVITATION_TTL_DAYS` from `now`; the clear token is returned once. */
export async function insertAgentInvitation(
  trx: Transaction<Database>,
  values: { userId: number; email: string; invitedBy: Pick<User, 'id' | 'email'>; now: Date },
): Promise<IssuedInvitation> {
  const token = newToken();
  const row = await trx
    .insertInto('agentInvitations')
    .values({
      userId: values.userId,
      invitedById: values.invitedBy.id,
      tokenHash: hashToken(token),
      status: 'pending',
      createdAt: values.now,
      expiresAt: new Date(values.now.getTime() + INVITATION_TTL_DAYS * DAY_MS),
    })
    .returning('expiresAt')
    .executeTakeFirstOrThrow();
  return {
    token,
    email: values.email,
    expiresAt: row.expiresAt.toISOString(),
    invitedBy: values.invitedBy.email,
  };
}

/** The agent's link behind a token, only while it can still be accepted. */
export async function findAgentInvitationByToken(
  db: Db,
  token: string,
  now: Date = new Date(),
): Promise<InvitationPreview | undefined> {
  const row = await db
    .selectFrom('agentInvitations as i')
    .innerJoin('users as invitee', 'invitee.id', 'i.userId')
    .innerJoin('users as inviter', 'inviter.id', 'i.invitedById')
    .select(['invitee.email as email', 'inviter.email as invitedBy', 'i.expiresAt'])
    .where('i.tokenHash', '=', hashToken(token))
    .where('i.status', '=', 'pending')
    .where('i.expiresAt', '>', now)
    .where('invitee.status', '=', 'pending')
    .executeTakeFirst();
  if (!row) return undefined;
  return { email: row.email, invitedBy: row.invitedBy, expiresAt: row.expiresAt.toISOString() };
}

/** An agent's link and its agent, both under their row locks. */
export async function lockAgentInvitationByTokenHash(
  trx: Transaction<Database>,
  tokenHash: string,
): Promise<{ invitationId: number; status: string; expiresAt: Date; agent: User } | undefined> {
  const row = await trx
    .selectFrom('agentInvitations as i')
    .innerJoin('users as u', 'u.id', 'i.userId')
    .selectAll('u')
    .select([
      'i.id as invitationId',
      'i.status as invitationStatus',
      'i.expiresAt as linkExpiresAt',
    ])
    .where('i.tokenHash', '=', tokenHash)
    .forUpdate()
    .executeTakeFirst();
  if (!row) return undefined;
  const { invitationId, invitationStatus, linkExpiresAt, ...agent } = row;
  return { invitationId, status: invitationStatus, expiresAt: linkExpiresAt, agent };
}

export async function markAgentInvitationAccepted(
  trx: Transaction<Database>,
  invitationId: number,
  acceptedAt: Date,
): Promise<void> {
  await trx
    .updateTable('agentInvitations')
    .set({ status: 'accepted', acceptedAt })
    .where('id', '=', invitationId)
    .execute();
}

/** A deactivated agent's links stop working. */
export async function revokeAgentInvitations(
  trx: Transaction<Database>,
  userId: number,
): Promise<void> {
  await trx
    .updateTable('agentInvitations')
    .set({ status: 'revoked' })
    .where('userId', '=', userId)
    .where('status', '=', 'pending')
    .execute();
}
