/**
 * Signing up as a new principal (DOMAIN.md rule 2, API `POST /auth/signup`):
 * the same proof as adding a SIRET (a dossier in progress for the SIRET and
 * its unlock code) creates a new employer space holding that SIRET.
 */
import type { Transaction } from 'kysely';
import { isDossierInProgress } from '../../shared/domain.js';
import { listDossiersOfSirets, lockDossiersOfSiret } from '../db/queries/dossiers.js';
import { findSiretOwner, insertSiret, toSiretView } from '../db/queries/sirets.js';
import { findUserByEmail } from '../db/queries/users.js';
import type { Database, User } from '../db/schema.js';
import { appendEvents, draft, spaceStream, type StoredEvent } from '../events/append-events.js';
import { unlockCodeMatches } from './add-siret.js';
import { DomainError, type AttemptKey } from './domain-error.js';
import { clearFailedAttempts, lockAttemptCounter } from './record-failed-attempt.js';

export interface SignUpPrincipalInput {
  /** Lower-cased by the request schema. */
  email: string;
  passwordHash: string;
  siret: string;
  /** As typed: checked against the dossiers' hashes. */
  unlockCode: string;
}

/**
 * Creates the space, its active principal and its first SIRET. Refuses
 * `LOCKED` (after 5 wrong codes for that SIRET), `SIRET_ALREADY_MANAGED`,
 * `SIRET_NO_DOSSIER_IN_PROGRESS`, `SIRET_UNLOCK_CODE_INVALID` (counted), then
 * `EMAIL_ALREADY_USED`: an address is only said to be taken to someone who
 * proved they handle the SIRET.
 */
export async function signUpPrincipal(
  trx: Transaction<Database>,
  input: SignUpPrincipalInput,
): Promise<{ events: StoredEvent[]; user: User }> {
  const { email, siret } = input;
  const subject = `siret:${siret}`;
  // Two signups (or a signup and an added SIRET) for one SIRET queue on its dossiers;
  // the primary key of `sirets` and the e-mail's unique index stay the last guards.
  const dossiers = await lockDossiersOfSiret(trx, siret);

  const attempt: AttemptKey = { scope: 'signup', subject, userId: null, siret };
  if (await lockAttemptCounter(trx, attempt)) throw new DomainError('LOCKED');
  if ((await findSiretOwner(trx, siret)) !== undefined) {
    throw new DomainError('SIRET_ALREADY_MANAGED');
  }
  const inProgress = dossiers.filter((d) => isDossierInProgress(d.status));
  if (inProgress.length === 0) throw new DomainError('SIRET_NO_DOSSIER_IN_PROGRESS');
  if (!(await unlockCodeMatches(inProgress, input.unlockCode))) {
    throw new DomainError('SIRET_UNLOCK_CODE_INVALID', { attempt });
  }
  // Only after the proof: otherwise anyone could ask, address by address, who has an account.
  if (await findUserByEmail(trx, email)) throw new DomainError('EMAIL_ALREADY_USED');

  const space = await trx
    .insertInto('spaces')
    .values({ dissolvedAt: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  const user = await trx
    .insertInto('users')
    .values({
      email,
      role: 'principal',
      status: 'active',
      passwordHash: input.passwordHash,
      orgId: space.id,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const siretRow = await insertSiret(trx, siret, space.id);
  await clearFailedAttempts(trx, 'signup', subject);

  const events = await appendEvents(trx, [
    draft(
      spaceStream(space.id),
      'siret.added',
      { siret: toSiretView(siretRow), dossiers: await listDossiersOfSirets(trx, [siret]) },
      [],
    ),
  ]);
  return { events, user };
}
