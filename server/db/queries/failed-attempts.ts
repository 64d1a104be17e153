/**
 * The counters of failed attempts (wrong unlock codes, refused cession
 * addresses, a SIRET's signups from every address) as rules take, bump and
 * clear them. What the support agents see of them, and their reset, is in
 * `locks.ts`.
 */
import { sql, type Transaction } from 'kysely';
import type { LockScope } from '../../../shared/domain.js';
import type { Database } from '../schema.js';

/** Which counter: unique by scope and subject. */
export interface FailureCounterKey {
  scope: LockScope;
  subject: string;
  userId: number | null;
  siret: string | null;
}

/** Only the key's columns, whatever else the object passed in carries. */
function counterColumns(key: FailureCounterKey): FailureCounterKey {
  return { scope: key.scope, subject: key.subject, userId: key.userId, siret: key.siret };
}

export interface FailureCount {
  id: number;
  failures: number;
  lockedAt: Date | null;
  alertedAt: Date | null;
}

/** Adds one failure to a counter (created at one); holds its row lock until commit. */
export async function addFailure(
  trx: Transaction<Database>,
  key: FailureCounterKey,
): Promise<FailureCount> {
  return trx
    .insertInto('failedAttempts')
    .values({ ...counterColumns(key), failures: 1 })
    .onConflict((oc) =>
      oc.columns(['scope', 'subject']).doUpdateSet({
        failures: sql<number>`failed_attempts.failures + 1`,
        updatedAt: sql<Date>`now()`,
      }),
    )
    .returning(['id', 'failures', 'lockedAt', 'alertedAt'])
    .executeTakeFirstOrThrow();
}

export async function markCounterLocked(trx: Transaction<Database>, id: number): Promise<void> {
  await trx
    .updateTable('failedAttempts')
    .set({ lockedAt: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

export async function markCounterAlerted(trx: Transaction<Database>, id: number): Promise<void> {
  await trx
    .updateTable('failedAttempts')
    .set({ alertedAt: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

/**
 * Takes a counter's row lock for the rest of the transaction, creating it at
 * zero failures (the no-op update is what takes the lock of an existing row).
 * Returns when it locked the scope, if it did.
 */
export async function takeFailureCounter(
  trx: Transaction<Database>,
  key: FailureCounterKey,
): Promise<{ lockedAt: Date | null }> {
  return trx
    .insertInto('failedAttempts')
    .values({ ...counterColumns(key), failures: 0 })
    .onConflict((oc) =>
      oc
        .columns(['scope', 'subject'])
        .doUpdateSet({ failures: sql<number>`failed_attempts.failures` }),
    )
    .returning('lockedAt')
    .executeTakeFirstOrThrow();
}

/** Deletes a counter, unless it locked or alerted: those wait for a support reset. */
export async function deleteUnflaggedCounter(
  trx: Transaction<Database>,
  scope: LockScope,
  subject: string,
): Promise<void> {
  await trx
    .deleteFrom('failedAttempts')
    .where('scope', '=', scope)
    .where('subject', '=', subject)
    .where('lockedAt', 'is', null)
    .where('alertedAt', 'is', null)
    .execute();
}
