/**
 * Runs a rule in one transaction and hands back what it committed. Failed
 * attempts (wrong unlock code, refused cession) are counted after the rollback,
 * in a transaction of their own; transient conflicts between concurrent
 * transactions are retried.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { StoredEvent } from '../events/append-events.js';
import { DomainError, isDomainError } from './domain-error.js';
import { recordFailedAttempt } from './record-failed-attempt.js';

export interface RuleResult {
  events: StoredEvent[];
}

/** Called with the events of each committed transaction (the realtime publisher). */
export type CommitListener = (events: StoredEvent[]) => void;

const SERIALIZATION_FAILURE = '40001';
const DEADLOCK_DETECTED = '40P01';
const UNIQUE_VIOLATION = '23505';
const MAX_TRIES = 4;

export async function runRule<R extends RuleResult>(
  db: Kysely<Database>,
  rule: (trx: Transaction<Database>) => Promise<R>,
  onCommit?: CommitListener,
): Promise<R> {
  for (let tries = 1; ; tries++) {
    try {
      const result = await db.transaction().execute(rule);
      if (onCommit && result.events.length > 0) onCommit(result.events);
      return result;
    } catch (error) {
      if (isDomainError(error) && error.attempt) {
        const recorded = await db
          .transaction()
          .execute((trx) => recordFailedAttempt(trx, error.attempt!));
        if (onCommit && recorded.events.length > 0) onCommit(recorded.events);
        if (recorded.locked) throw new DomainError('LOCKED');
        throw error;
      }
      const code = (error as { code?: unknown }).code;
      // A concurrent transaction won a lock or a unique index (same e-mail, same SIRET):
      // run the rule again on the new state, which then refuses with the precise reason.
      const isTransient =
        code === SERIALIZATION_FAILURE || code === DEADLOCK_DETECTED || code === UNIQUE_VIOLATION;
      if (isTransient && tries < MAX_TRIES) continue;
      if (isTransient) throw new DomainError('CONFLICT');
      throw error;
    }
  }
}
