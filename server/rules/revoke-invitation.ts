/**
 * docs/domain.md ("Beyond the portal"): the principal may revoke a pending
 * invitation. The secondary stays "En attente de validation": the principal
 * may send a new link or remove them.
 */
import type { Transaction } from 'kysely';
import type { ActorView } from '../../shared/events.js';
import type { Database } from '../db/schema.js';
import { lockSecondaryOfSpace } from '../db/queries/users.js';
import { appendEvents, type StoredEvent } from '../events/append-events.js';
import { actorOfUser } from '../events/event-actor.js';
import { lockActorSpace, type Actor } from './actor.js';
import { DomainError } from './domain-error.js';
import { revokePendingInvitations } from './shared/revoke-pending-invitations.js';

/** Revokes the pending invitation of a secondary of the actor's space (principal only). */
export async function revokeInvitation(
  trx: Transaction<Database>,
  actor: Actor,
  input: { userId: number },
): Promise<{ events: StoredEvent[] }> {
  const { user: principal, spaceId } = await lockActorSpace(trx, actor, 'principal');
  return revokeInvitationOf(trx, { spaceId, userId: input.userId, by: actorOfUser(principal) });
}

/**
 * The revocation itself, for the principal and for support
 * (support-invitations.ts): the caller holds the space's lock, `by` asked.
 */
export async function revokeInvitationOf(
  trx: Transaction<Database>,
  input: { spaceId: number; userId: number; by: ActorView },
): Promise<{ events: StoredEvent[] }> {
  const secondary = await lockSecondaryOfSpace(trx, input.spaceId, input.userId);
  if (!secondary) throw new DomainError('NOT_FOUND');
  const drafts = await revokePendingInvitations(trx, input.spaceId, secondary.id);
  if (drafts.length === 0) throw new DomainError('NOT_FOUND');
  return { events: await appendEvents(trx, drafts, input.by) };
}
