/**
 * docs/domain.md ("Beyond the portal"): the principal may revoke a pending
 * invitation. The secondary stays "En attente de validation": the principal
 * may send a new link or remove them.
 */
import type { Transaction } from 'kysely';
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
  const secondary = await lockSecondaryOfSpace(trx, spaceId, input.userId);
  if (!secondary) throw new DomainError('NOT_FOUND');
  const drafts = await revokePendingInvitations(trx, spaceId, secondary.id);
  if (drafts.length === 0) throw new DomainError('NOT_FOUND');
  return { events: await appendEvents(trx, drafts, actorOfUser(principal)) };
}
