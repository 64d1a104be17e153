/**
 * Changes that come from no user (an invitation expiring) take the same path
 * as the others: a rule, its events, their publication.
 */
import type { Kysely } from 'kysely';
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

export function startJobs(options: {
  db: Kysely<Database>;
  logger: Logger;
  publish: (events: StoredEvent[]) => void;
  intervalMs: number;
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
