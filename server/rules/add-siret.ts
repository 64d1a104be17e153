/**
 * "Ajouter un SIRET" (docs/domain.md rule 2): the principal proves the employer
 * handles the SIRET with the unlock code of one of its dossiers in progress.
 * Wrong codes are counted per space and SIRET; the fifth locks until an admin
 * reset.
 */
import type { Transaction } from 'kysely';
import { isDossierInProgress } from '../../shared/domain.js';
import type { SiretView } from '../../shared/views.js';
import { listDossiersOfSirets, lockDossiersOfSiret } from '../db/queries/dossiers.js';
import { attributeSirets, findSiretOwner, insertSiret, toSiretView } from '../db/queries/sirets.js';
import { listAttributedSirets, listSecondaries } from '../db/queries/users.js';
import type { Database, Dossier } from '../db/schema.js';
import {
  appendEvents,
  draft,
  spaceStream,
  type EventDraft,
  type StoredEvent,
} from '../events/append-events.js';
import { verifySecret } from '../security/secrets.js';
import { lockActorSpace, type Actor } from './actor.js';
import { DomainError, type AttemptKey } from './domain-error.js';
import { clearFailedAttempts, lockAttemptCounter } from './record-failed-attempt.js';

export interface AddSiretInput {
  siret: string;
  /** As typed: checked against the dossiers' hashes. */
  unlockCode: string;
  /** "Ajouter ce SIRET à tous les utilisateurs secondaires". */
  assignToAllSecondaries: boolean;
}

/**
 * Adds a SIRET to the principal's space. Refuses, in this order: `FORBIDDEN`
 * (not the principal), `LOCKED`, `SIRET_ALREADY_MANAGED` (by any space),
 * `SIRET_NO_DOSSIER_IN_PROGRESS`, `SIRET_UNLOCK_CODE_INVALID` (counted).
 */
export async function addSiret(
  trx: Transaction<Database>,
  actor: Actor,
  input: AddSiretInput,
): Promise<{ events: StoredEvent[]; siret: SiretView }> {
  const { user, orgId } = await lockActorSpace(trx, actor, 'principal');
  const { siret } = input;
  const subject = `space:${orgId}:${siret}`;
  const attempt: AttemptKey = { scope: 'add_siret', subject, userId: user.id, siret };
  if (await lockAttemptCounter(trx, attempt)) throw new DomainError('LOCKED');

  // Space first, then the SIRET's dossiers: the order every rule takes these locks in.
  const dossiers = await lockDossiersOfSiret(trx, siret);
  const owner = await findSiretOwner(trx, siret);
  if (owner !== undefined) {
    throw new DomainError('SIRET_ALREADY_MANAGED', {
      message: owner === orgId ? 'Ce SIRET fait déjà partie de votre espace employeur.' : undefined,
    });
  }
  const inProgress = dossiers.filter((d) => isDossierInProgress(d.status));
  if (inProgress.length === 0) throw new DomainError('SIRET_NO_DOSSIER_IN_PROGRESS');
  if (!(await unlockCodeMatches(inProgress, input.unlockCode))) {
    throw new DomainError('SIRET_UNLOCK_CODE_INVALID', { attempt });
  }

  const siretRow = await insertSiret(trx, siret, orgId);
  await clearFailedAttempts(trx, 'add_siret', subject);
  // Read after the lock: a dossier added while we waited is included.
  const views = await listDossiersOfSirets(trx, [siret]);
  const added = toSiretView(siretRow);
  const drafts: EventDraft[] = [
    draft(spaceStream(orgId), 'siret.added', { siret: added, dossiers: views }, []),
  ];
  if (input.assignToAllSecondaries) {
    for (const secondary of await listSecondaries(trx, orgId)) {
      await attributeSirets(trx, secondary.id, [siret]);
      const sirets = await listAttributedSirets(trx, secondary.id);
      drafts.push(
        draft(
          spaceStream(orgId),
          'secondary.sirets_changed',
          { userId: secondary.id, sirets, dossiers: views },
          [secondary.id],
        ),
      );
    }
  }
  return { events: await appendEvents(trx, drafts), siret: added };
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
