/**
 * Changes that come from no user (an invitation expiring) take the same path
 * as the others: a rule, its events, their publication. The same tick throws
 * away what is kept for a time only: rate-limit windows, remembered sign-in
 * addresses, and history older than `HISTORY_DAYS`.
 */
import type { Kysely } from 'kysely';
import { purgeEventsBefore } from './db/queries/history.js';
import { deleteRateLimitWindowsBefore } from './db/queries/rate-limits.js';
import {
  forgetSignInAddressesBefore,
  SIGN_IN_ADDRESS_MEMORY_MS,
} from './db/queries/sign-in-addresses.js';
import type { Database } from './db/schema.js';
import type { StoredEvent } from './events/append-events.js';
import type { Logger } from './logger.js';
import { expireInvitations } from './rules/expire-invitations.js';
import { runRule } from './rules/run-rule.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Events purged per statement, and statements per tick: a first purge of a large store spreads over ticks. */
const PURGE_BATCH = 5_000;
const PURGE_BATCHES_PER_TICK = 20;

/** Deletes the history older than `days`; returns how many events went. */
export async function purgeOldHistory(db: Kysely<Database>, days: number, now = new Date()) {
  const before = new Date(now.getTime() - days * DAY_MS);
  let purged = 0;
  for (let batch = 0; batch < PURGE_BATCHES_PER_TICK; batch++) {
    const count = await purgeEventsBefore(db, before, PURGE_BATCH);
    purged += count;
    if (count < PURGE_BATCH) break;
  }
  return purged;
}

export function startJobs(options: {
  db: Kysely<Database>;
  logger: Logger;
  publish: (events: StoredEvent[]) => void;
  intervalMs: number;
  historyDays: number;
}): { stop(): void } {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const { expired } = await runRule(
        options.db,
        (trx) => expireInvitations(trx, {}),
        options.publish,
      );
      if (expired > 0) options.logger.info({ expired }, 'invitations expired');
      // Old rate-limit windows and addresses no longer remembered are dead weight.
      await deleteRateLimitWindowsBefore(options.db, new Date(Date.now() - DAY_MS));
      await forgetSignInAddressesBefore(
        options.db,
        new Date(Date.now() - SIGN_IN_ADDRESS_MEMORY_MS),
      );
      const purged = await purgeOldHistory(options.db, options.historyDays);
      if (purged > 0) options.logger.info({ purged }, 'history purged');
    } catch (error) {
      options.logger.error({ err: error }, 'background job failed');
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
