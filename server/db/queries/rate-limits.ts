/**
 * Fixed-window counters of the HTTP rate limits (`server/http/rate-limit.ts`),
 * one row per key, so that every node of a cluster counts the same attempts.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

/**
 * Counts one hit for `key`: in its current window, or in a new one starting
 * at `now` when the stored window started before `now - windowMs`. Returns
 * the window as it now stands, this hit included.
 */
export async function countHitInWindow(
  db: Kysely<Database>,
  key: string,
  now: Date,
  windowMs: number,
): Promise<{ hits: number; windowStart: Date }> {
  // `now` from the caller for both branches: the window start read back is the one stored.
  const expired = new Date(now.getTime() - windowMs);
  return db
    .insertInto('rateLimits')
    .values({ key, windowStart: now, hits: 1 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        hits: sql<number>`case when rate_limits.window_start < ${expired} then 1 else rate_limits.hits + 1 end`,
        windowStart: sql<Date>`case when rate_limits.window_start < ${expired} then ${now} else rate_limits.window_start end`,
      }),
    )
    .returning(['hits', 'windowStart'])
    .executeTakeFirstOrThrow();
}

/** Takes one hit back from `key`, only from the window that started at `windowStart`. */
export async function uncountHitInWindow(
  db: Kysely<Database>,
  key: string,
  windowStart: Date,
): Promise<void> {
  await db
    .updateTable('rateLimits')
    .set({ hits: sql<number>`greatest(hits - 1, 0)` })
    .where('key', '=', key)
    .where('windowStart', '=', windowStart)
    .execute();
}

export async function deleteRateLimitWindow(db: Kysely<Database>, key: string): Promise<void> {
  await db.deleteFrom('rateLimits').where('key', '=', key).execute();
}

export async function deleteRateLimitWindowsBefore(
  db: Kysely<Database>,
  before: Date,
): Promise<void> {
  await db.deleteFrom('rateLimits').where('windowStart', '<', before).execute();
}
