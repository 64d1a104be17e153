/**
 * A dossier moves through its stages (Compléter dossier, Consultation,
 * Clôturé) in the insurer's systems; the admin stands in for them here.
 */
import type { Transaction } from 'kysely';
import type { DossierStatus } from '../../shared/domain.js';
import type { DossierView } from '../../shared/views.js';
import {
  findDossierById,
  lockDossierById,
  toDossierView,
  updateDossierStatus,
} from '../db/queries/dossiers.js';
import { listHoldersOfSiret } from '../db/queries/sirets.js';
import type { Database } from '../db/schema.js';
import { appendEvents, draft, spaceStream, type StoredEvent } from '../events/append-events.js';
import { actorOfUser } from '../events/event-actor.js';
import { requireAdmin, type Actor } from './actor.js';
import { DomainError } from './domain-error.js';
import { lockSiretOwnerSpace } from './shared/lock-siret-owner-space.js';

/**
 * Sets a dossier's status. Refuses `FORBIDDEN` (not an admin) and
 * `NOT_FOUND`. Unchanged status: nothing written, no event.
 */
export async function changeDossierStatus(
  trx: Transaction<Database>,
  actor: Actor,
  /** `reason`: why the support agent moves it, kept with the event (the insurer gives none). */
  input: { dossierId: number; status: DossierStatus; reason?: string },
): Promise<{ events: StoredEvent[]; dossier: DossierView }> {
  const agent = await requireAdmin(trx, actor);
  const found = await findDossierById(trx, input.dossierId);
  if (!found) throw new DomainError('NOT_FOUND');
  // Locked like a deletion of its SIRET does: the deletion sees this status or waits for it.
  const spaceId = await lockSiretOwnerSpace(trx, found.siret);
  const current = await lockDossierById(trx, input.dossierId);
  if (!current) throw new DomainError('NOT_FOUND');
  if (current.status === input.status) return { events: [], dossier: toDossierView(current) };

  const row = await updateDossierStatus(trx, current.id, input.status);
  if (spaceId === undefined) return { events: [], dossier: toDossierView(row) };
  const audience = await listHoldersOfSiret(trx, row.siret);
  const events = await appendEvents(
    trx,
    [
      draft(
        spaceStream(spaceId),
        'dossier.status_changed',
        { dossierId: row.id, siret: row.siret, status: row.status },
        audience,
      ),
    ],
    actorOfUser(agent, input.reason),
  );
  return { events, dossier: toDossierView(row) };
}
