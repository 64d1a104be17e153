/**
 * Signing up as a new principal (docs/domain.md rule 2, API `POST /auth/signup`):
 * the same proof as adding a SIRET (a dossier in progress for the SIRET and
 * its unlock code) creates a new employer space holding that SIRET.
 *
 * The caller is anonymous, so until the code is proved nothing is said about
 * the SIRET: unknown, already managed, without a dossier in progress or with
 * a wrong code, the answer is the same (`SIGNUP_PROOF_REFUSED`), after the
 * same work (an argon2 verification at least, a decoy's when no dossier is
 * there to check), and each refusal is counted alike. Counting per SIRET and
 * client address lets a stranger's guesses lock only the stranger's address;
 * the count across all addresses alerts the support agents and locks nothing.
 */
import type { Transaction } from 'kysely';
import { SIGNUP_ALERT_FAILURES } from '../../shared/domain.js';
import { findSiretOwner } from '../db/queries/sirets.js';
import { insertSpace } from '../db/queries/spaces.js';
import { findUserByEmail, insertUser } from '../db/queries/users.js';
import type { Database, Dossier, User } from '../db/schema.js';
import { appendEvents, type StoredEvent } from '../events/append-events.js';
import { actorOfUser } from '../events/event-actor.js';
import { decoySecretHash, verifySecret } from '../security/secrets.js';
import { DomainError, type AttemptKey } from './domain-error.js';
import { clearFailedAttempts, lockAttemptCounter } from './record-failed-attempt.js';
import { addProvenSiret, lockDossiersInProgress, unlockCodeMatches } from './shared/siret-proof.js';

export interface SignUpPrincipalInput {
  /** Lower-cased by the request schema. */
  email: string;
  passwordHash: string;
  siret: string;
  /** As typed: checked against the dossiers' hashes. */
  unlockCode: string;
  /** Where the request comes from (`c.get('clientAddress')`): wrong codes are counted per address. */
  clientAddress: string;
}

/**
 * Creates the space, its active principal and its first SIRET. Refuses
 * `LOCKED` (after 5 wrong codes for that SIRET from that address),
 * `SIGNUP_PROOF_REFUSED` (counted) for every case where the code is not
 * proved; then, to the holder of the code only, `SIRET_ALREADY_MANAGED` and
 * `EMAIL_ALREADY_USED`.
 */
export async function signUpPrincipal(
  trx: Transaction<Database>,
  input: SignUpPrincipalInput,
): Promise<{ events: StoredEvent[]; user: User }> {
  const { email, siret } = input;
  const attempt = signupAttempt(siret, input.clientAddress);
  // Two signups (or a signup and an added SIRET) for one SIRET queue on its dossiers;
  // the primary key of `sirets` and the e-mail's unique index stay the last guards.
  const inProgress = await lockDossiersInProgress(trx, siret);
  if (await lockAttemptCounter(trx, attempt)) throw new DomainError('LOCKED');

  // Read whatever the outcome, so that every unproven case runs the same queries.
  const owner = await findSiretOwner(trx, siret);
  if (!(await provesSiret(inProgress, input.unlockCode))) {
    throw new DomainError('SIGNUP_PROOF_REFUSED', { attempt });
  }
  // Only after the proof: the holder of the letter may learn why they cannot go on,
  // nobody else whether the SIRET uses the portal or who has an account.
  if (owner !== undefined) throw new DomainError('SIRET_ALREADY_MANAGED');
  if (await findUserByEmail(trx, email)) throw new DomainError('EMAIL_ALREADY_USED');

  const spaceId = await insertSpace(trx);
  const user = await insertUser(trx, {
    email,
    role: 'principal',
    status: 'active',
    passwordHash: input.passwordHash,
    spaceId,
  });
  const { event } = await addProvenSiret(trx, siret, spaceId);
  await clearFailedAttempts(trx, attempt);
  const events = await appendEvents(trx, [event], actorOfUser(user));
  return { events, user };
}

/** What a wrong signup code counts against: this SIRET from this address, and this SIRET. */
function signupAttempt(siret: string, clientAddress: string): AttemptKey {
  return {
    scope: 'signup',
    subject: `siret:${siret}:${clientAddress}`,
    userId: null,
    siret,
    alsoCounts: {
      scope: 'signup_alert',
      subject: `siret:${siret}`,
      siret,
      alertAfter: SIGNUP_ALERT_FAILURES,
    },
  };
}

/**
 * True when `unlockCode` is the code of one of these dossiers in progress.
 * With none, a decoy hash is verified all the same: an unknown SIRET, one
 * without a dossier in progress and a wrong code cost the same argon2 work.
 */
async function provesSiret(inProgress: readonly Dossier[], unlockCode: string): Promise<boolean> {
  if (inProgress.length === 0) {
    await verifySecret(await decoySecretHash(), unlockCode);
    return false;
  }
  return unlockCodeMatches(inProgress, unlockCode);
}
