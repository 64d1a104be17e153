/**
 * Waits until the machine is quiet before a measure starts: the processes of
 * the measure before it (their exit, PostgreSQL dropping their database and
 * writing it out) must not take the cores the next one measures. PostgreSQL
 * is asked for a checkpoint first, so that one does not fall inside the
 * measure either.
 */
import { readFileSync } from 'node:fs';
import { withClient } from '../../support/postgres-database.js';

/** Busy share of all cores below which the machine counts as quiet. */
const QUIET_BELOW = 0.1;
const SAMPLE_MS = 500;
/** Quiet samples in a row needed. */
const QUIET_SAMPLES = 2;
const GIVE_UP_MS = 30_000;

function cpuTicks(): { busy: number; total: number } {
  // First line of /proc/stat: user nice system idle iowait irq softirq steal ...
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/);
  const ticks = fields.slice(1, 9).map(Number);
  const total = ticks.reduce((sum, t) => sum + t, 0);
  const idle = ticks[3]! + ticks[4]!;
  return { busy: total - idle, total };
}

/** Resolves with the time waited (ms) and whether the machine became quiet before giving up. */
export async function waitForQuietMachine(
  postgresUrl: string,
): Promise<{ waitedMs: number; quiet: boolean }> {
  const started = performance.now();
  await withClient(postgresUrl, (client) => client.query('checkpoint'));
  let quietSamples = 0;
  let previous = cpuTicks();
  while (performance.now() - started < GIVE_UP_MS) {
    await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
    const current = cpuTicks();
    const total = current.total - previous.total;
    const busyShare = total > 0 ? (current.busy - previous.busy) / total : 0;
    previous = current;
    quietSamples = busyShare < QUIET_BELOW ? quietSamples + 1 : 0;
    if (quietSamples >= QUIET_SAMPLES)
      return { waitedMs: performance.now() - started, quiet: true };
  }
  return { waitedMs: performance.now() - started, quiet: false };
}
