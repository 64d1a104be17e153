/**
 * docs/domain.md rule 4, "Gestion sirets" → "Liste SIRETs": the principal ticks the
 * space's SIRETs a secondary handles. The secondary is told at once and gets
 * the dossiers of the SIRETs just attributed.
 */
import type { Transaction } from 'kysely';
import type { SecondaryView } from '../../shared/views.js';
import type { Database } from '../db/schema.js';
import { readAttributionChange } from '../db/queries/sirets.js';
import { lockSecondaryOfSpace } from '../db/queries/users.js';
import type { StoredEvent } from '../events/append-events.js';
import { lockActorSpace, type Actor } from './actor.js';
import { DomainError } from './domain-error.js';
import { writeAttributions } from './shared/attribution-writes.js';

/**
 * Replaces the SIRETs attributed to a secondary of the actor's space
 * (principal only). `NOT_FOUND` unless a secondary of that space not removed;
 * `SIRET_NOT_IN_SPACE` if any SIRET is not the space's. The same list again
 * changes nothing and writes no event.
 */
export async function setSecondarySirets(
  trx: Transaction<Database>,
  actor: Actor,
  input: { userId: number; sirets: readonly string[] },
): Promise<{ events: StoredEvent[]; sirets: string[]; secondary: SecondaryView }> {
  // The space lock orders this against deleteSiret, addSiret and cession, so the
  // invariant "a secondary's SIRETs are a subset of the space's" holds at commit.
  const { user: principal, spaceId } = await lockActorSpace(trx, actor, 'principal');
  const secondary = await lockSecondaryOfSpace(trx, spaceId, input.userId);
  if (!secondary) throw new DomainError('NOT_FOUND');

  const wanted = [...new Set(input.sirets)].sort();
  const { owned, current } = await readAttributionChange(trx, spaceId, secondary.id, wanted);
  if (owned.length !== wanted.length) throw new DomainError('SIRET_NOT_IN_SPACE');
  const { events } = await writeAttributions(trx, {
    spaceId,
    principal,
    targets: [{ id: secondary.id, email: secondary.email, current, wanted }],
  });
  // The secondary as this transaction leaves them: the HTTP answer, read under the lock.
  const view: SecondaryView = {
    id: secondary.id,
    email: secondary.email,
    status: secondary.status,
    sirets: wanted,
  };
  return { events, sirets: wanted, secondary: view };
}
