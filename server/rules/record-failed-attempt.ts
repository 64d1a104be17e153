/**
 * DOMAIN.md: refused cessions and wrong unlock codes are counted; the fifth
 * failure locks the scope until an admin reset ("contactez le 3679").
 */
import { sql, type Transaction } from 'kysely';
import { MAX_FAILED_ATTEMPTS } from '../../shared/domain.js';
import type { Database } from '../db/schema.js';
import { ADMIN_STREAM, appendEvents, draft, type StoredEvent } from '../events/append-events.js';
import type { AttemptKey } from './domain-error.js';
import { findLockView } from '../db/queries/locks.js';

export async function recordFailedAttempt(
  trx: Transaction<Database>,
  key: AttemptKey,
): Promise<{ events: StoredEvent[]; locked: boolean }> {
  const row = await trx
    .insertInto('failedAttempts')
    .values({ ...key, failures: 1 })
    .onConflict((oc) =>
      oc.columns(['scope', 'subject']).doUpdateSet({
        failures: sql<number>`failed_attempts.failures + 1`,
        updatedAt: sql<Date>`now()`,
      }),
    )
    .returning(['id', 'failures', 'lockedAt'])
    .executeTakeFirstOrThrow();
  if (row.lockedAt !== null || row.failures < MAX_FAILED_ATTEMPTS) {
    return { events: [], locked: row.lockedAt !== null };
  }
  await trx
    .updateTable('failedAttempts')
    .set({ lockedAt: sql<Date>`now()` })
    .where('id', '=', row.id)
    .execute();
  const lock = await findLockView(trx, row.id);
  const events = lock
    ? await appendEvents(trx, [draft(ADMIN_STREAM, 'lock.locked', { lock })])
    : [];
  return { events, locked: true };
}

/**
 * Takes the counter of a scope for the rest of the transaction (creating it
 * at zero failures) and says whether the scope is locked; call it before
 * checking the attempt. Concurrent tries of one scope queue here, and since
 * `runRule` counts a refused try in the try's own transaction, each one sees
 * the failures of those before it: a burst of guesses gets no more checks
 * than the limit.
 */
export async function lockAttemptCounter(
  trx: Transaction<Database>,
  key: AttemptKey,
): Promise<boolean> {
  const row = await trx
    .insertInto('failedAttempts')
    .values({ ...key, failures: 0 })
    .onConflict((oc) =>
      oc
        .columns(['scope', 'subject'])
        .doUpdateSet({ failures: sql<number>`failed_attempts.failures` }),
    )
    .returning('lockedAt')
    .executeTakeFirstOrThrow();
  return row.lockedAt !== null;
}

/** A success forgets the failures counted so far (unless already locked). */
export async function clearFailedAttempts(
  trx: Transaction<Database>,
  scope: AttemptKey['scope'],
  subject: string,
): Promise<void> {
  await trx
    .deleteFrom('failedAttempts')
    .where('scope', '=', scope)
    .where('subject', '=', subject)
    .where('lockedAt', 'is', null)
    .execute();
}
