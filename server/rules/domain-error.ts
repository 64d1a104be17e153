import { ERRORS, type ErrorCode } from '../../shared/errors.js';
import type { LockScope } from '../../shared/domain.js';

/** What a refused attempt counts against (DOMAIN.md: 5 failures lock the scope). */
export interface AttemptKey {
  scope: LockScope;
  subject: string;
  userId: number | null;
  siret: string | null;
}

/**
 * A refusal of a rule: a code of the wire contract and its French message.
 * With `attempt`, the refusal also counts as a failed attempt, recorded in a
 * transaction of its own since the rule's transaction is rolled back.
 */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly attempt: AttemptKey | undefined;

  constructor(code: ErrorCode, options: { message?: string; attempt?: AttemptKey } = {}) {
    super(options.message ?? ERRORS[code].message);
    this.name = 'DomainError';
    this.code = code;
    this.attempt = options.attempt;
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
