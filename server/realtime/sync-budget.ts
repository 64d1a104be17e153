/**
 * How many `sync`s one socket may ask for: a token bucket. A panel asks for
 * one over a gap, on reconnect, after a cession, and waits before retrying a
 * failed one (shared/live-sync.ts), which stays far below the rate. Beyond the
 * bucket a request is refused without touching the database; a socket refused
 * many times in a row is flooding, and is to be closed.
 */
export interface SyncBudgetOptions {
  /** Requests that may come at once. */
  burst: number;
  /** Requests a second, on average, once the burst is spent. */
  perSecond: number;
  /** Refusals in a row (no request admitted in between) after which the socket is flooding. */
  refusalsBeforeClose: number;
}

export const SYNC_BUDGET: SyncBudgetOptions = {
  burst: 30,
  perSecond: 5,
  refusalsBeforeClose: 100,
};

export type SyncAdmission =
  { admitted: true } | { admitted: false; retryAfterMs: number; flooding: boolean };

export interface SyncBudget {
  /** Takes one request from the bucket, or says how long until one is free. */
  take(): SyncAdmission;
}

export function createSyncBudget(
  options: SyncBudgetOptions = SYNC_BUDGET,
  now: () => number = () => performance.now(),
): SyncBudget {
  let tokens = options.burst;
  let filledAt = now();
  let refusedInARow = 0;
  return {
    take() {
      const time = now();
      tokens = Math.min(options.burst, tokens + ((time - filledAt) / 1000) * options.perSecond);
      filledAt = time;
      if (tokens >= 1) {
        tokens -= 1;
        refusedInARow = 0;
        return { admitted: true };
      }
      refusedInARow += 1;
      return {
        admitted: false,
        retryAfterMs: Math.ceil(((1 - tokens) * 1000) / options.perSecond),
        flooding: refusedInARow > options.refusalsBeforeClose,
      };
    },
  };
}
