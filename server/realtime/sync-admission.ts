/**
 * Which of a socket's `sync`s get to run. Each costs the server whatever it
 * asks, so the budget (sync-budget.ts) refuses those beyond its rate with
 * `SYNC_RATE_LIMITED`, without touching the database. Of the admitted ones,
 * one runs at a time (the session's queue) and one more waits: a newer
 * request takes the waiting one's place, and the one replaced is answered
 * `SYNC_SUPERSEDED` at once, since only the newest is worth its cost.
 */
import type { ErrorCode } from '../../shared/errors.js';
import type { SyncRequest, SyncResponse } from '../../shared/events.js';
import { createSyncBudget, type SyncBudgetOptions } from './sync-budget.js';

export interface WaitingSync {
  request: SyncRequest;
  ack: (response: SyncResponse) => void;
}

/**
 * What became of an offered request:
 * - `refused`: answered `SYNC_RATE_LIMITED` already;
 * - `flooding`: the same, and the socket is to be closed;
 * - `replaced`: it took the place of the waiting one, whose run is already queued;
 * - `waiting`: it waits alone; a run is to be queued, which will `take()` it.
 */
export type SyncOffer = 'refused' | 'flooding' | 'replaced' | 'waiting';

export interface SyncAdmission {
  offer(sync: WaitingSync): SyncOffer;
  /** The request to run now, freeing the waiting place. */
  take(): WaitingSync;
}

export function createSyncAdmission(options: SyncBudgetOptions): SyncAdmission {
  const budget = createSyncBudget(options);
  let waiting: WaitingSync | null = null;
  return {
    offer(sync) {
      const admission = budget.take();
      if (!admission.admitted) {
        sync.ack({
          error: 'SYNC_RATE_LIMITED' satisfies ErrorCode,
          retryAfterMs: admission.retryAfterMs,
        });
        return admission.flooding ? 'flooding' : 'refused';
      }
      const replaced = waiting;
      waiting = sync;
      if (!replaced) return 'waiting';
      replaced.ack({ error: 'SYNC_SUPERSEDED' satisfies ErrorCode });
      return 'replaced';
    },
    take() {
      const sync = waiting!;
      waiting = null;
      return sync;
    },
  };
}
