/**
 * docs/domain.md, « Support accounts »: support agents are created by another
 * agent (or at start, `ADMIN_EMAIL`), never by sign-up. A new agent chooses
 * their password through an e-mailed link, as an invited secondary does; a
 * deactivated agent loses every session at once. Each act is an event of the
 * admin stream, with the acting agent and the reason they gave.
 */
import type { Transaction } from 'kysely';
import type { AgentView } from '../../shared/views.js';
import {
  insertAgentInvitation,
  insertPendingAgent,
  lockActiveAgentIds,
  lockAgent,
  lockAgentInvitationByTokenHash,
  markAgentInvitationAccepted,
  revokeAgentInvitations,
  toAgentView,
} from '../db/queries/agents.js';
import type { IssuedInvitation } from '../db/queries/invitations.js';
import { activateUser, findUserByEmail, removeUserAndEndSessions } from '../db/queries/users.js';
import type { Database, User } from '../db/schema.js';
import { ADMIN_STREAM, appendEvents, draft, type StoredEvent } from '../events/append-events.js';
import { actorOfUser } from '../events/event-actor.js';
import { hashToken } from '../security/secrets.js';
import { requireAdmin, type Actor } from './actor.js';
import { DomainError } from './domain-error.js';

/**
 * Creates a pending agent and their link (support only). `EMAIL_ALREADY_USED`
 * when anyone, member or agent, holds the address.
 */
export async function createAgent(
  trx: Transaction<Database>,
  actor: Actor,
  input: { email: string; reason: string; now?: Date },
): Promise<{ events: StoredEvent[]; agent: AgentView; invitation: IssuedInvitation }> {
  const creator = await requireAdmin(trx, actor);
  // A concurrent creation of the same address loses on the unique index; run-rule.ts
  // runs this again, which then refuses here.
  if (await findUserByEmail(trx, input.email)) throw new DomainError('EMAIL_ALREADY_USED');
  const user = await insertPendingAgent(trx, input.email.toLowerCase());
  const invitation = await insertAgentInvitation(trx, {
    userId: user.id,
    email: user.email,
    invitedBy: creator,
    now: input.now ?? new Date(),
  });
  const agent = toAgentView(user);
  const events = await appendEvents(
    trx,
    [draft(ADMIN_STREAM, 'agent.created', { agent })],
    actorOfUser(creator, input.reason),
  );
  return { events, agent, invitation };
}

/**
 * The new agent chooses their password through their link (no actor: the
 * token is the proof). `INVITATION_INVALID` for a link unknown, used, revoked
 * or run out, or of an agent deactivated meanwhile.
 */
export async function acceptAgentInvitation(
  trx: Transaction<Database>,
  input: { token: string; passwordHash: string; now?: Date },
): Promise<{ events: StoredEvent[]; user: User }> {
  const now = input.now ?? new Date();
  const found = await lockAgentInvitationByTokenHash(trx, hashToken(input.token));
  if (
    !found ||
    found.status !== 'pending' ||
    found.expiresAt.getTime() <= now.getTime() ||
    found.agent.status !== 'pending'
  ) {
    throw new DomainError('INVITATION_INVALID');
  }
  const user = await activateUser(trx, found.agent.id, input.passwordHash);
  await markAgentInvitationAccepted(trx, found.invitationId, now);
  const events = await appendEvents(
    trx,
    [draft(ADMIN_STREAM, 'agent.activated', { userId: user.id })],
    actorOfUser(user),
  );
  return { events, user };
}

/**
 * Deactivates an agent (support only): they can no longer sign in, their
 * sessions end, their pending link stops working; the row stays for the
 * history. Refused for the last active agent (`LAST_ACTIVE_AGENT`) and for
 * oneself (`AGENT_SELF_DEACTIVATION`); `NOT_FOUND` unless the id is an agent's
 * account not deactivated yet.
 */
export async function deactivateAgent(
  trx: Transaction<Database>,
  actor: Actor,
  input: { userId: number; reason: string },
): Promise<{ events: StoredEvent[]; revokedSessionIds: number[] }> {
  // Every active agent's row first, in id order (the actor's among them), then the target.
  const activeIds = await lockActiveAgentIds(trx);
  const deactivator = await requireAdmin(trx, actor);
  const agent = await lockAgent(trx, input.userId);
  if (!agent) throw new DomainError('NOT_FOUND');
  // The caller is active, so the last active agent can only be the caller: that is
  // said first, as it tells the agent what to do (create another agent).
  if (agent.status === 'active' && activeIds.every((id) => id === agent.id)) {
    throw new DomainError('LAST_ACTIVE_AGENT');
  }
  if (agent.id === deactivator.id) throw new DomainError('AGENT_SELF_DEACTIVATION');
  const revokedSessionIds = await removeUserAndEndSessions(trx, agent.id);
  await revokeAgentInvitations(trx, agent.id);
  const events = await appendEvents(
    trx,
    [draft(ADMIN_STREAM, 'agent.deactivated', { userId: agent.id })],
    actorOfUser(deactivator, input.reason),
  );
  return { events, revokedSessionIds };
}
