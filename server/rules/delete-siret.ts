/**
 * "Supprimer un SIRET" (docs/domain.md rule 3): refused while any dossier of the
 * SIRET is still at "Compléter dossier"; otherwise the SIRET leaves the space
 * and every secondary user's list.
 */
import type { Transaction } from 'kysely';
import { lockDossiersOfSiret } from '../db/queries/dossiers.js';
import { deleteSiretRow, findSiretOwner, listHoldersOfSiret } from '../db/queries/sirets.js';
import { listAttributedSirets } from '../db/queries/users.js';
import type { Database } from '../db/schema.js';
import {
  appendEvents,
  draft,
  spaceStream,
  type EventDraft,
  type StoredEvent,
} from '../events/append-events.js';
import { actorOfUser } from '../events/event-actor.js';
import { lockActorSpace, type Actor } from './actor.js';
import { DomainError } from './domain-error.js';

/**
 * Deletes a SIRET of the principal's space. Refuses `FORBIDDEN` (not the
 * principal), `NOT_FOUND` (not in their space), `SIRET_DELETE_NOT_ALLOWED`.
 */
export async function deleteSiret(
  trx: Transaction<Database>,
  actor: Actor,
  input: { siret: string },
): Promise<{ events: StoredEvent[] }> {
  const { user: principal, spaceId } = await lockActorSpace(trx, actor, 'principal');
  const { siret } = input;
  if ((await findSiretOwner(trx, siret)) !== spaceId) throw new DomainError('NOT_FOUND');
  // Locked so that a status change in flight is either seen here or waits for the deletion.
  const dossiers = await lockDossiersOfSiret(trx, siret);
  if (dossiers.some((d) => d.status === 'completer_dossier')) {
    throw new DomainError('SIRET_DELETE_NOT_ALLOWED');
  }

  const holders = await listHoldersOfSiret(trx, siret);
  await deleteSiretRow(trx, siret);
  const drafts: EventDraft[] = [draft(spaceStream(spaceId), 'siret.removed', { siret }, [])];
  for (const userId of holders) {
    const sirets = await listAttributedSirets(trx, userId);
    drafts.push(
      draft(
        spaceStream(spaceId),
        'secondary.sirets_changed',
        { userId, sirets, dossiers: [], withdrawn: [siret], deleted: true },
        [userId],
      ),
    );
  }
  return { events: await appendEvents(trx, drafts, actorOfUser(principal)) };
}
