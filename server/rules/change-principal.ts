/**
 * Support makes another member the principal of a space (docs/domain.md,
 * « Support acts »): the principal left the company. The chosen secondary
 * becomes principal (they see every SIRET, so their own list goes); the former
 * principal stays, as a secondary with no SIRET, until the new principal
 * decides (they may attribute SIRETs or remove them).
 */
import type { Transaction } from 'kysely';
import { lockSpacesEvenDissolved } from '../db/queries/spaces.js';
import { findPrincipalOfSpace, lockSecondaryOfSpace, swapPrincipal } from '../db/queries/users.js';
import type { Database } from '../db/schema.js';
import { appendEvents, draft, spaceStream, type StoredEvent } from '../events/append-events.js';
import { actorOfUser } from '../events/event-actor.js';
import { requireAdmin, type Actor } from './actor.js';
import { DomainError } from './domain-error.js';

export async function changePrincipal(
  trx: Transaction<Database>,
  actor: Actor,
  input: { spaceId: number; userId: number; reason: string },
): Promise<{ events: StoredEvent[] }> {
  const agent = await requireAdmin(trx, actor);
  // Every change to a space's members takes the space's lock first.
  const dissolved = await lockSpacesEvenDissolved(trx, [input.spaceId]);
  const former = await findPrincipalOfSpace(trx, input.spaceId);
  if (!former || dissolved.includes(input.spaceId)) throw new DomainError('NOT_FOUND');
  const chosen = await lockSecondaryOfSpace(trx, input.spaceId, input.userId);
  if (!chosen || chosen.status !== 'active') throw new DomainError('PRINCIPAL_CANDIDATE_INVALID');

  await swapPrincipal(trx, { principalId: chosen.id, formerPrincipalId: former.id });
  const data = {
    principalId: chosen.id,
    principalEmail: chosen.email,
    formerPrincipalId: former.id,
    formerPrincipalEmail: former.email,
  };
  const events = await appendEvents(
    trx,
    [draft(spaceStream(input.spaceId), 'space.principal_changed', data, null)],
    actorOfUser(agent, input.reason),
  );
  return { events };
}
