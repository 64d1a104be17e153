/**
 * Fixed-window counters kept in the database, so every node of a cluster
 * counts the same attempts.
 */
import { sql, type Kysely } from 'kysely';
import type { RateLimitRule } from '../config.js';
import type { Database } from '../db/schema.js';
import { DomainError } from '../rules/domain-error.js';

/** Counts one hit for `key`; throws RATE_LIMITED past the rule's maximum within its window. */
export async function hitRateLimit(
  db: Kysely<Database>,
  key: string,
  rule: RateLimitRule,
): Promise<void> {
  const windowStart = new Date(Date.now() - rule.windowMs);
  const row = await db
    .insertInto('rateLimits')
    .values({ key, windowStart: new Date(), hits: 1 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        hits: sql<number>`case when rate_limits.window_start < ${windowStart} then 1 else rate_limits.hits + 1 end`,
        windowStart: sql<Date>`case when rate_limits.window_start < ${windowStart} then now() else rate_limits.window_start end`,
      }),
    )
    .returning('hits')
    .executeTakeFirstOrThrow();
  if (row.hits > rule.max) throw new DomainError('RATE_LIMITED');
}

/** Old windows are dead weight: drop them now and then. */
export async function pruneRateLimits(db: Kysely<Database>, olderThanMs: number): Promise<void> {
  await db
    .deleteFrom('rateLimits')
    .where('windowStart', '<', new Date(Date.now() - olderThanMs))
    .execute();
}
