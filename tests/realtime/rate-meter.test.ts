import { describe, expect, it } from 'vitest';
import { createRateMeter } from '../../server/realtime/rate-meter.js';

describe('rate meter', () => {
  it('counts what happened in the last second and forgets what is older', () => {
    let clock = 10_000;
    const meter = createRateMeter(() => clock);
    expect(meter.lastSecond()).toBe(0);
    for (let i = 0; i < 30; i++) {
      meter.add();
      clock += 10;
    }
    expect(meter.lastSecond()).toBe(30);
    clock += 750;
    meter.add();
    // The first ten adds (clock 10,000–10,090) are now over a second old.
    expect(meter.lastSecond()).toBe(21);
    clock += 5_000;
    expect(meter.lastSecond()).toBe(0);
    meter.add();
    expect(meter.lastSecond()).toBe(1);
  });
});
