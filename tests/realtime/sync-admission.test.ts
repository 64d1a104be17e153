/** Which of a socket's `sync`s run: the budget's refusals, and one waiting place. */
import { describe, expect, it } from 'vitest';
import type { SyncResponse } from '../../shared/events.js';
import { createSyncAdmission } from '../../server/realtime/sync-admission.js';

function request(since: number) {
  const answers: SyncResponse[] = [];
  return { request: { since }, ack: (response: SyncResponse) => answers.push(response), answers };
}

describe('sync admission', () => {
  it('keeps the newest request waiting and answers the one it replaces at once', () => {
    const admission = createSyncAdmission({ burst: 10, perSecond: 1, refusalsBeforeClose: 5 });
    const first = request(1);
    const second = request(2);
    expect(admission.offer(first)).toBe('waiting');
    expect(admission.offer(second)).toBe('replaced');
    expect(first.answers).toEqual([{ error: 'SYNC_SUPERSEDED' }]);
    expect(admission.take().request).toEqual({ since: 2 });
    expect(second.answers).toEqual([]);
    // Taken: the place is free again, and the next request needs a run of its own.
    expect(admission.offer(request(3))).toBe('waiting');
  });

  it('refuses beyond the budget, then calls the socket flooding', () => {
    const admission = createSyncAdmission({ burst: 1, perSecond: 0.01, refusalsBeforeClose: 2 });
    expect(admission.offer(request(1))).toBe('waiting');
    const refused = request(2);
    expect(admission.offer(refused)).toBe('refused');
    expect(refused.answers).toEqual([
      { error: 'SYNC_RATE_LIMITED', retryAfterMs: expect.any(Number) as number },
    ]);
    expect(admission.offer(request(3))).toBe('refused');
    expect(admission.offer(request(4))).toBe('flooding');
    // A refused request never takes the waiting place.
    expect(admission.take().request).toEqual({ since: 1 });
  });
});
