/**
 * Fixed-window counters kept in the database, so every node of a cluster
 * counts the same attempts.
 *
 * Most limits count failures, not attempts: an attempt takes its place in the
 * window before it is checked (so a thousand simultaneous guesses cannot all
 * pass a count that only grows once they are refused), and gives it back when
 * it succeeds.
 */
import type { Context } from 'hono';
import { sql, type Kysely } from 'kysely';
import type { RateLimitRule } from '../config.js';
import {
  forgetSignInAddressesBefore,
  SIGN_IN_ADDRESS_MEMORY_MS,
} from '../db/queries/sign-in-addresses.js';
import type { Database } from '../db/schema.js';
import { DomainError } from '../rules/domain-error.js';

export interface CountedAttempt {
  /** Attempts in the current window, this one included. */
  hits: number;
  /** Gives this attempt's place back (it succeeded): it no longer counts. */
  release(): Promise<void>;
}

/** Counts one attempt for `key` in the rule's current window, whatever the count. */
export async function countAttempt(
  db: Kysely<Database>,
  key: string,
  rule: RateLimitRule,
): Promise<CountedAttempt & { windowStart: Date }> {
  // The clock of this process for both branches: the window start read back is the one stored.
  const now = new Date();
  const expired = new Date(now.getTime() - rule.windowMs);
  const row = await db
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
  return {
    hits: row.hits,
    windowStart: row.windowStart,
    release: async () => {
      // Only from the window it was counted in: a newer window holds other attempts.
      await db
        .updateTable('rateLimits')
        .set({ hits: sql<number>`greatest(hits - 1, 0)` })
        .where('key', '=', key)
        .where('windowStart', '=', row.windowStart)
        .execute();
    },
  };
}

/**
 * Counts one attempt; past the rule's maximum, refuses it with RATE_LIMITED
 * (429) and a `Retry-After` saying when the window ends.
 */
export async function limitAttempt(
  c: Context,
  db: Kysely<Database>,
  key: string,
  rule: RateLimitRule,
): Promise<CountedAttempt> {
  const attempt = await countAttempt(db, key, rule);
  if (attempt.hits > rule.max) {
    const remainingMs = attempt.windowStart.getTime() + rule.windowMs - Date.now();
    // Whole minutes: the message says "quelques minutes", and two refusals a few
    // milliseconds apart (a known and an unknown e-mail) read the same.
    c.header('Retry-After', String(Math.max(1, Math.ceil(remainingMs / 60_000)) * 60));
    throw new DomainError('RATE_LIMITED');
  }
  return attempt;
}

/** Forgets a key's window: its failures no longer count. */
export async function clearRateLimit(db: Kysely<Database>, key: string): Promise<void> {
  await db.deleteFrom('rateLimits').where('key', '=', key).execute();
}

/** Old windows are dead weight: drop them now and then, with the addresses no longer remembered. */
export async function pruneRateLimits(db: Kysely<Database>, olderThanMs: number): Promise<void> {
  await db
    .deleteFrom('rateLimits')
    .where('windowStart', '<', new Date(Date.now() - olderThanMs))
    .execute();
  await forgetSignInAddressesBefore(db, new Date(Date.now() - SIGN_IN_ADDRESS_MEMORY_MS));
}
