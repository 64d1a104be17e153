/**
 * Runs a rule in one transaction and hands back what it committed. A failed
 * attempt (wrong unlock code, refused cession) is counted in the attempt's own
 * transaction, which then commits the count alone; transient conflicts between
 * concurrent transactions are retried.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { StoredEvent } from '../events/append-events.js';
import { DomainError, isDomainError, withRemainingAttempts } from './domain-error.js';
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

type Outcome<R> =
  | { kind: 'done'; result: R }
  | {
      kind: 'refused';
      refusal: DomainError;
      recorded: { events: StoredEvent[]; locked: boolean; remainingAttempts: number };
    };

export async function runRule<R extends RuleResult>(
  db: Kysely<Database>,
  rule: (trx: Transaction<Database>) => Promise<R>,
  onCommit?: CommitListener,
): Promise<R> {
  for (let tries = 1; ; tries++) {
    try {
      const outcome = await db.transaction().execute(async (trx): Promise<Outcome<R>> => {
        try {
          return { kind: 'done', result: await rule(trx) };
        } catch (error) {
          if (!isDomainError(error) || !error.attempt) throw error;
          // Counted before the rule's locks are let go: a concurrent try of the same
          // scope waits on its counter (lockAttemptCounter) and then sees this failure.
          // A counted refusal comes before any write of its rule, so committing this
          // transaction commits the count alone.
          const recorded = await recordFailedAttempt(trx, error.attempt);
          return { kind: 'refused', refusal: error, recorded };
        }
      });
      if (outcome.kind === 'refused') {
        const { refusal, recorded } = outcome;
        if (onCommit && recorded.events.length > 0) onCommit(recorded.events);
        if (recorded.locked) throw new DomainError('LOCKED');
        throw withRemainingAttempts(refusal, recorded.remainingAttempts);
      }
      if (onCommit && outcome.result.events.length > 0) onCommit(outcome.result.events);
      return outcome.result;
    } catch (error) {
      if (isDomainError(error)) throw error;
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
