/** Which benchmark figures moved between two runs (tests/bench/report/compare-runs.ts). */
import { expect, it } from 'vitest';
import type { MeasureResult } from './measure.js';
import { compareRuns } from './report/compare-runs.js';

function run(figures: MeasureResult['figures']): MeasureResult[] {
  return [{ id: 'commands', title: 'Commands', figures, notes: [] }];
}

it('judges a figure by its ratio to its baseline, and tells worse from better', () => {
  const before = run([
    { label: 'p99', value: 10, unit: 'ms', baseline: { label: 'bare', value: 5 } },
    { label: 'rate', value: 400, unit: 'per s' },
    { label: 'cpu', value: 2, unit: 'ms' },
  ]);
  const now = run([
    // A slower machine: both doubled, the ratio stays.
    { label: 'p99', value: 20, unit: 'ms', baseline: { label: 'bare', value: 10 } },
    { label: 'rate', value: 300, unit: 'per s' },
    { label: 'cpu', value: 1.5, unit: 'ms' },
  ]);
  const { moved, steady } = compareRuns(before, now);
  expect(steady).toBe(1);
  expect(moved.map((m) => [m.label, m.compared, Math.round(m.change * 100), m.worse])).toEqual([
    ['rate', 'value', -25, true],
    ['cpu', 'value', -25, false],
  ]);
});
