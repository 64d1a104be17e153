/**
 * Proving a SIRET (docs/domain.md rule 2), as adding a SIRET and signing up
 * both do: the SIRET's dossiers are locked, the unlock code typed is checked
 * against those in progress, and a proven SIRET joins the space with its
 * dossiers. The order of the other locks, and what is answered when the proof
 * fails, are each rule's own.
 */
import type { Transaction } from 'kysely';
import { isDossierInProgress } from '../../../shared/domain.js';
import type { DossierView, SiretView } from '../../../shared/views.js';
import { listDossiersOfSirets, lockDossiersOfSiret } from '../../db/queries/dossiers.js';
import { insertSiret, toSiretView } from '../../db/queries/sirets.js';
import type { Database, Dossier } from '../../db/schema.js';
import { draft, spaceStream, type EventDraft } from '../../events/append-events.js';
import { verifySecret } from '../../security/secrets.js';

/**
 * Locks every dossier of the SIRET (two proofs of one SIRET queue on these
 * locks) and returns those in progress: the ones whose code proves it.
 */
export async function lockDossiersInProgress(
  trx: Transaction<Database>,
  siret: string,
): Promise<Dossier[]> {
  const dossiers = await lockDossiersOfSiret(trx, siret);
  return dossiers.filter((d) => isDossierInProgress(d.status));
}

/**
 * True when `unlockCode` is the code of one of these dossiers. Every hash is
 * checked (argon2, constant time each), so the time taken does not tell which
 * dossier matched.
 */
export async function unlockCodeMatches(
  dossiers: readonly Dossier[],
  unlockCode: string,
): Promise<boolean> {
  let matched = false;
  for (const dossier of dossiers) {
    if (await verifySecret(dossier.unlockCodeHash, unlockCode)) matched = true;
  }
  return matched;
}

/**
 * Writes the proven SIRET into the space and returns its `siret.added` event
 * (the principal only) with every dossier of the SIRET, read under the
 * dossiers' locks: one added while the proof waited is included.
 */
export async function addProvenSiret(
  trx: Transaction<Database>,
  siret: string,
  spaceId: number,
): Promise<{ siret: SiretView; dossiers: DossierView[]; event: EventDraft }> {
  const added = toSiretView(await insertSiret(trx, siret, spaceId));
  const dossiers = await listDossiersOfSirets(trx, [siret]);
  const event = draft(spaceStream(spaceId), 'siret.added', { siret: added, dossiers }, []);
  return { siret: added, dossiers, event };
}
