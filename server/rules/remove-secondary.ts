/**
 * docs/domain.md rule 4, "Supprimer" (after confirmation): the secondary loses
 * access at once. The account row stays, marked removed, for the history; the
 * e-mail becomes free for another space.
 */
import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { lockSecondaryOfSpace, removeUserAndEndSessions } from '../db/queries/users.js';
import { appendEvents, draft, spaceStream, type StoredEvent } from '../events/append-events.js';
import { actorOfUser } from '../events/event-actor.js';
import { lockActorSpace, type Actor } from './actor.js';
import { DomainError } from './domain-error.js';
import { revokePendingInvitations } from './shared/revoke-pending-invitations.js';

export interface RemoveSecondaryResult {
  events: StoredEvent[];
  /** Sessions ended by the removal: their sockets are to be closed after commit. */
  revokedSessionIds: number[];
}

/**
 * Removes a secondary of the actor's space (principal only): their SIRETs,
 * sessions and pending invitations go with them. `NOT_FOUND` unless the user
 * is a secondary of that space not removed yet.
 */
export async function removeSecondary(
  trx: Transaction<Database>,
  actor: Actor,
  input: { userId: number },
): Promise<RemoveSecondaryResult> {
  const { user: principal, spaceId } = await lockActorSpace(trx, actor, 'principal');
  const secondary = await lockSecondaryOfSpace(trx, spaceId, input.userId);
  if (!secondary) throw new DomainError('NOT_FOUND');

  const revokedSessionIds = await removeUserAndEndSessions(trx, secondary.id);
  const revoked = await revokePendingInvitations(trx, spaceId, secondary.id);

  const events = await appendEvents(
    trx,
    [draft(spaceStream(spaceId), 'secondary.removed', { userId: secondary.id }, null), ...revoked],
    actorOfUser(principal),
  );
  return { events, revokedSessionIds };
}
