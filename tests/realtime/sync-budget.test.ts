/** The token bucket bounding each socket's `sync`s. */
import { describe, expect, it } from 'vitest';
import { createSyncBudget } from '../../server/realtime/sync-budget.js';

describe('sync budget', () => {
  const options = { burst: 3, perSecond: 2, refusalsBeforeClose: 4 };

  it('admits a burst, then one request per refill, and says how long until the next one', () => {
    let time = 0;
    const budget = createSyncBudget(options, () => time);
    expect([budget.take(), budget.take(), budget.take()]).toEqual(
      Array.from({ length: 3 }, () => ({ admitted: true })),
    );
    expect(budget.take()).toEqual({ admitted: false, retryAfterMs: 500, flooding: false });
    time += 200;
    expect(budget.take()).toEqual({ admitted: false, retryAfterMs: 300, flooding: false });
    time += 300;
    expect(budget.take()).toEqual({ admitted: true });
    // A quiet while fills the bucket again, never beyond the burst.
    time += 60_000;
    for (let i = 0; i < 3; i++) expect(budget.take().admitted).toBe(true);
    expect(budget.take().admitted).toBe(false);
  });

  it('calls flooding a socket refused more times in a row than allowed, not one that slows down', () => {
    let time = 0;
    const budget = createSyncBudget(options, () => time);
    for (let i = 0; i < 3; i++) budget.take();
    const refusals = Array.from({ length: 5 }, () => budget.take());
    expect(refusals.map((r) => !r.admitted && r.flooding)).toEqual([
      false,
      false,
      false,
      false,
      true,
    ]);
    // An admitted request starts the count again.
    time += 500;
    expect(budget.take().admitted).toBe(true);
    const next = budget.take();
    expect(!next.admitted && next.flooding).toBe(false);
  });
});
