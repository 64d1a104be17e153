/**
 * Which figures moved since the previous run. The machine's speed varies from
 * one run to the next (a neighbour on the host, another CPU model), so a
 * figure with a baseline is judged by its ratio to that baseline, measured in
 * the same run; one without, by its value. Within ±20 % is noise on these
 * 2 shared cores (BENCHMARKS.md shows runs of the same code that far apart).
 */
import { ratio, type Figure, type MeasureResult } from '../measure.js';

export const NOISE = 0.2;

export interface Movement {
  measure: string;
  label: string;
  unit: Figure['unit'];
  before: number;
  now: number;
  /** What is compared: the ratio to the baseline when both runs have one, else the value. */
  compared: 'ratio' | 'value';
  /** Relative change of what is compared: +0.35 is 35 % higher. */
  change: number;
  /** Outside the noise, in the direction that is worse (higher time or memory, lower rate). */
  worse: boolean;
}

export function compareRuns(
  previous: readonly MeasureResult[],
  fresh: readonly MeasureResult[],
): { moved: Movement[]; steady: number } {
  const moved: Movement[] = [];
  let steady = 0;
  for (const result of fresh) {
    const before = previous.find((p) => p.id === result.id);
    for (const figure of result.figures) {
      const old = before?.figures.find((f) => f.label === figure.label && f.unit === figure.unit);
      if (!old || old.value === 0) continue;
      const byRatio = figure.baseline !== undefined && old.baseline !== undefined;
      const then = byRatio ? Number(ratio(old.value, old.baseline!.value)) : old.value;
      const now = byRatio ? Number(ratio(figure.value, figure.baseline!.value)) : figure.value;
      if (!Number.isFinite(then) || !Number.isFinite(now) || then === 0) continue;
      const change = now / then - 1;
      if (Math.abs(change) <= NOISE) {
        steady += 1;
        continue;
      }
      const higherIsBetter = figure.unit === 'per s';
      moved.push({
        measure: result.id,
        label: figure.label,
        unit: figure.unit,
        before: old.value,
        now: figure.value,
        compared: byRatio ? 'ratio' : 'value',
        change,
        worse: higherIsBetter ? change < 0 : change > 0,
      });
    }
  }
  return { moved, steady };
}
