import type { Transaction } from 'kysely';
import { lockDossiersOfSiret } from '../../db/queries/dossiers.js';
import { findSiretOwner } from '../../db/queries/sirets.js';
import { lockSpaces } from '../../db/queries/spaces.js';
import type { Database } from '../../db/schema.js';
import { lockUntilStable, MOVED } from './lock-until-stable.js';

/**
 * Locks the space managing a SIRET (if any), then the SIRET's dossiers, and
 * returns that space's id as it stands under the locks. The same order as
 * adding or deleting a SIRET (space, then dossiers), so that a dossier change
 * and a SIRET joining or leaving a space are ordered and never deadlock.
 */
export async function lockSiretOwnerSpace(
  trx: Transaction<Database>,
  siret: string,
): Promise<number | undefined> {
  return lockUntilStable(async () => {
    const owner = await findSiretOwner(trx, siret);
    if (owner !== undefined) await lockSpaces(trx, [owner]);
    await lockDossiersOfSiret(trx, siret);
    // A cession, an added or a deleted SIRET may have committed while we waited.
    return (await findSiretOwner(trx, siret)) === owner ? owner : MOVED;
  });
}
