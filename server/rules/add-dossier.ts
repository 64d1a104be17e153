/**
 * A dossier arrives from the insurer's systems (admin stand-in). Its due date
 * is counted in jours francs from its opening; the space managing its SIRET,
 * if any, sees it live.
 */
import type { Transaction } from 'kysely';
import type { DossierKind, DossierStatus } from '../../shared/domain.js';
import { dossierDueDate, todayInFrance } from '../../shared/jours-francs.js';
import type { DossierView } from '../../shared/views.js';
import { hasDossierWithReference, insertDossier, toDossierView } from '../db/queries/dossiers.js';
import { listHoldersOfSiret } from '../db/queries/sirets.js';
import type { Database } from '../db/schema.js';
import { appendEvents, draft, spaceStream, type StoredEvent } from '../events/append-events.js';
import { actorOfUser } from '../events/event-actor.js';
import { requireAdmin, type Actor } from './actor.js';
import { DomainError } from './domain-error.js';
import { lockSiretOwnerSpace } from './shared/lock-siret-owner-space.js';

export interface AddDossierInput {
  reference: string;
  siret: string;
  kind: DossierKind;
  status: DossierStatus;
  /** The unlock code printed on the dossier's letter, already hashed. */
  unlockCodeHash: string;
  /** ISO date; today in France when absent. */
  openedAt?: string;
  /** Why the support agent opens it, kept with the event; the insurer's systems give none. */
  reason?: string;
}

/**
 * Opens a dossier. Refuses `FORBIDDEN` (not an admin) and `CONFLICT` (the
 * reference exists). Emits `dossier.added` only when a space manages the
 * SIRET: before that, nobody may see the dossier.
 */
export async function addDossier(
  trx: Transaction<Database>,
  actor: Actor,
  input: AddDossierInput,
): Promise<{ events: StoredEvent[]; dossier: DossierView }> {
  const agent = await requireAdmin(trx, actor);
  if (await hasDossierWithReference(trx, input.reference)) throw new DomainError('CONFLICT');
  const openedAt = input.openedAt ?? todayInFrance();
  const spaceId = await lockSiretOwnerSpace(trx, input.siret);
  const row = await insertDossier(trx, {
    reference: input.reference,
    siret: input.siret,
    kind: input.kind,
    status: input.status,
    unlockCodeHash: input.unlockCodeHash,
    openedAt,
    dueAt: dossierDueDate(openedAt, input.kind),
  });
  const dossier = toDossierView(row);
  if (spaceId === undefined) return { events: [], dossier };
  const audience = await listHoldersOfSiret(trx, input.siret);
  const events = await appendEvents(
    trx,
    [draft(spaceStream(spaceId), 'dossier.added', { dossier }, audience)],
    actorOfUser(agent, input.reason),
  );
  return { events, dossier };
}
