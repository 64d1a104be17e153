/**
 * Fixed-window counters kept in the database (`db/queries/rate-limits.ts`), so
 * every node of a cluster counts the same attempts.
 *
 * Most limits count failures, not attempts: an attempt takes its place in the
 * window before it is checked (so a thousand simultaneous guesses cannot all
 * pass a count that only grows once they are refused), and gives it back when
 * it succeeds.
 */
import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import type { RateLimitRule } from '../config.js';
import {
  countHitInWindow,
  deleteRateLimitWindow,
  uncountHitInWindow,
} from '../db/queries/rate-limits.js';
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
  const row = await countHitInWindow(db, key, new Date(), rule.windowMs);
  return {
    hits: row.hits,
    windowStart: row.windowStart,
    // Only from the window it was counted in: a newer window holds other attempts.
    release: () => uncountHitInWindow(db, key, row.windowStart),
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
  await deleteRateLimitWindow(db, key);
}
