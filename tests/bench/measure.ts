/**
 * What every benchmark returns, so that `run.ts` can print one table, write
 * one JSON file and one report whatever was measured.
 */

export interface Figure {
  /** What was measured, in words: "p99 delivery, N = 1,000". */
  label: string;
  value: number;
  unit: 'ms' | 's' | 'KB' | 'MB' | 'per s' | 'count';
  /** The bare limit measured in the same run, beside this figure. */
  baseline?: { label: string; value: number };
  /** The goal in words ("≤ 50 ms", "≤ 1.5 × baseline") and whether this run met it. */
  goal?: string;
  pass?: boolean;
}

export interface Series {
  name: string;
  points: { x: number; y: number }[];
}

export interface MeasureResult {
  id: string;
  title: string;
  figures: Figure[];
  /** How it was measured, and what stands in the way when a goal is missed. */
  notes: string[];
  /** Latency (ms) against clients, for the chart. */
  series?: Series[];
  /** Where a figure's time goes, stage by stage. */
  tables?: Table[];
}

export interface Table {
  caption: string;
  head: string[];
  rows: string[][];
}

export interface BenchContext {
  /** A PostgreSQL server URL; each measure creates and drops its own databases there. */
  postgresUrl: string;
  /** Smaller sizes, for a quick look; the report says when a run was quick. */
  quick: boolean;
  log(message: string): void;
}

export type Measure = (context: BenchContext) => Promise<MeasureResult>;

/** `value / baseline`, rounded to two decimals. */
export function ratio(value: number, baseline: number): number {
  return baseline === 0 ? Number.POSITIVE_INFINITY : Math.round((value / baseline) * 100) / 100;
}

export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export function round(value: number, decimals = 2): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
