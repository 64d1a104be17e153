/**
 * "Ajouter un SIRET" (docs/domain.md rule 2): the principal proves the employer
 * handles the SIRET with the unlock code of one of its dossiers in progress.
 * Wrong codes are counted per space and SIRET; the fifth locks until an admin
 * reset.
 */
import type { Transaction } from 'kysely';
import type { SiretView } from '../../shared/views.js';
import { attributeSirets, findSiretOwner } from '../db/queries/sirets.js';
import { listAttributedSirets, listSecondaries } from '../db/queries/users.js';
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
import { DomainError, type AttemptKey } from './domain-error.js';
import { clearFailedAttempts, lockAttemptCounter } from './record-failed-attempt.js';
import { addProvenSiret, lockDossiersInProgress, unlockCodeMatches } from './shared/siret-proof.js';

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
  const { user, spaceId } = await lockActorSpace(trx, actor, 'principal');
  const { siret } = input;
  const attempt: AttemptKey = {
    scope: 'add_siret',
    subject: `space:${spaceId}:${siret}`,
    userId: user.id,
    siret,
  };
  if (await lockAttemptCounter(trx, attempt)) throw new DomainError('LOCKED');

  // Space first, then the SIRET's dossiers: the order every rule takes these locks in.
  const inProgress = await lockDossiersInProgress(trx, siret);
  const owner = await findSiretOwner(trx, siret);
  if (owner !== undefined) {
    throw new DomainError('SIRET_ALREADY_MANAGED', {
      message:
        owner === spaceId ? 'Ce SIRET fait déjà partie de votre espace employeur.' : undefined,
    });
  }
  if (inProgress.length === 0) throw new DomainError('SIRET_NO_DOSSIER_IN_PROGRESS');
  if (!(await unlockCodeMatches(inProgress, input.unlockCode))) {
    throw new DomainError('SIRET_UNLOCK_CODE_INVALID', { attempt });
  }

  const { siret: added, dossiers: views, event } = await addProvenSiret(trx, siret, spaceId);
  await clearFailedAttempts(trx, attempt);
  const drafts: EventDraft[] = [event];
  if (input.assignToAllSecondaries) {
    for (const secondary of await listSecondaries(trx, spaceId)) {
      await attributeSirets(trx, secondary.id, [siret]);
      const sirets = await listAttributedSirets(trx, secondary.id);
      drafts.push(
        draft(
          spaceStream(spaceId),
          'secondary.sirets_changed',
          { userId: secondary.id, sirets, dossiers: views, attributed: [siret] },
          [secondary.id],
        ),
      );
    }
  }
  return { events: await appendEvents(trx, drafts, actorOfUser(user)), siret: added };
}
