import { ERRORS, type ErrorCode, type ErrorDetails } from '../../shared/errors.js';
import type { LockScope } from '../../shared/domain.js';
import { plural } from '../../shared/french-format.js';

/** What a refused attempt counts against (docs/domain.md: 5 failures lock the scope). */
export interface AttemptKey {
  scope: LockScope;
  subject: string;
  userId: number | null;
  siret: string | null;
  /** A wider count the same failure adds to, which never locks (see `AlertKey`). */
  alsoCounts?: AlertKey;
}

/**
 * A count of failures across many attempt keys (a SIRET's signups from every
 * address): reaching `alertAfter` alerts the support agents once, and locks
 * nothing, so that guesses spread over many addresses are seen without
 * anyone being able to lock the right code out.
 */
export interface AlertKey {
  scope: LockScope;
  subject: string;
  siret: string | null;
  alertAfter: number;
}

/**
 * A refusal of a rule: a code of the wire contract and its French message.
 * With `attempt`, the refusal also counts as a failed attempt, recorded in a
 * transaction of its own since the rule's transaction is rolled back.
 */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly attempt: AttemptKey | undefined;
  /** Once counted: how many more refusals the scope allows before it locks. */
  readonly remainingAttempts: number | undefined;
  /** What the refusal tells besides its message (the conflicting rows, the wrong lines). */
  readonly details: Pick<ErrorDetails, 'conflicts' | 'lines'> | undefined;

  constructor(
    code: ErrorCode,
    options: {
      message?: string;
      attempt?: AttemptKey;
      remainingAttempts?: number;
      details?: Pick<ErrorDetails, 'conflicts' | 'lines'>;
    } = {},
  ) {
    super(options.message ?? ERRORS[code].message);
    this.name = 'DomainError';
    this.code = code;
    this.attempt = options.attempt;
    this.remainingAttempts = options.remainingAttempts;
    this.details = options.details;
  }
}

/**
 * A member's counted refusal tells how many tries are left before the lock.
 * An anonymous signup's does not: its answer stays the same whatever the SIRET
 * (docs/domain.md rule 2).
 */
const TELLS_REMAINING_ATTEMPTS: ReadonlySet<LockScope> = new Set(['add_siret', 'cession']);

/** The refusal as answered once counted, with the tries left when its scope tells them. */
export function withRemainingAttempts(refusal: DomainError, remaining: number): DomainError {
  if (!refusal.attempt || !TELLS_REMAINING_ATTEMPTS.has(refusal.attempt.scope)) return refusal;
  const message = /[.!?…]$/.test(refusal.message) ? refusal.message : `${refusal.message}.`;
  return new DomainError(refusal.code, {
    message: `${message} Il vous reste ${plural(remaining, 'essai', 'essais')}.`,
    attempt: refusal.attempt,
    remainingAttempts: remaining,
  });
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
