/**
 * `npm run bench`: every measure of the project, one after another (never in
 * parallel: they share this machine's cores), each beside its bare baseline
 * measured in the same run. Prints a table, writes `benchmarks/results.json`
 * and `BENCHMARKS.md` (with the chart `benchmarks/latency-vs-clients.svg`).
 * Loopback only; stops by itself.
 *
 *   npm run bench
 *   BENCH_ONLY=commands,cession npm run bench     # some measures
 *   BENCH_QUICK=1 npm run bench                   # smaller sizes
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench
 *   BENCH_SERVER_SCRIPT=../other/server/main.ts BENCH_ONLY=commands npm run bench
 *                        # another version's server, for a before/after on this machine
 */
import type { BenchContext, Measure, MeasureResult } from './measure.js';
import { measureCommands } from './commands.js';
import { measureCession } from './cession.js';
import { measureAttributionsImport } from './attributions-import.js';
import { measureHistory } from './history.js';
import { measurePanelBundle } from './panel-bundle.js';
import { measurePanelOpen } from './panel-open.js';
import { measurePanelLarge } from './panel-large.js';
import { measureSecondStart } from './second-start.js';
import { measureFanout } from './realtime/fanout.js';
import { measureIdleSockets } from './realtime/idle-sockets.js';
import { measureNodeRestart } from './realtime/node-restart.js';
import { measureNodeCount } from './realtime/node-count.js';
import { waitForQuietMachine } from './load/quiet-machine.js';
import { collectMachine } from './report/machine.js';
import { printTable } from './report/table.js';
import { writeReport } from './report/write-report.js';
import { useBuiltServer } from './load/built-server.js';

interface NamedMeasure {
  id: string;
  run: Measure;
}

const MEASURES: NamedMeasure[] = [
  { id: 'commands', run: measureCommands },
  { id: 'cession', run: measureCession },
  { id: 'attributions-import', run: measureAttributionsImport },
  { id: 'history', run: measureHistory },
  { id: 'realtime-fanout', run: measureFanout },
  { id: 'realtime-idle-sockets', run: measureIdleSockets },
  { id: 'realtime-node-restart', run: measureNodeRestart },
  { id: 'realtime-node-count', run: measureNodeCount },
  { id: 'panel-bundle', run: measurePanelBundle },
  { id: 'panel-open', run: measurePanelOpen },
  { id: 'panel-large', run: measurePanelLarge },
  { id: 'second-start', run: measureSecondStart },
];

const postgresUrl =
  process.env.BENCH_DATABASE_URL ??
  process.env.DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test';
const quick = process.env.BENCH_QUICK === '1';
const only = (process.env.BENCH_ONLY ?? '')
  .split(',')
  .map((id) => id.trim())
  .filter(Boolean);
const selected = only.length > 0 ? MEASURES.filter((m) => only.includes(m.id)) : MEASURES;
const unknown = only.filter((id) => !MEASURES.some((m) => m.id === id));
if (unknown.length > 0) {
  console.error(
    `Unknown measures: ${unknown.join(', ')}. Known: ${MEASURES.map((m) => m.id).join(', ')}`,
  );
  process.exit(2);
}

const context: BenchContext = {
  postgresUrl,
  quick,
  log: (message) => console.log(`  · ${message}`),
};

/** A measure that hangs is reported as failed and the run goes on (the process exits at the end). */
const MEASURE_TIMEOUT_MS = 10 * 60 * 1000;

function withTimeout<T>(promise: Promise<T>, ms: number, id: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${id} did not finish within ${ms / 60_000} min`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

await useBuiltServer();
const started = new Date();
const results: MeasureResult[] = [];
const errors: { id: string; error: string }[] = [];
for (const measure of selected) {
  console.log(`▶ ${measure.id}`);
  const settled = await waitForQuietMachine(postgresUrl);
  context.log(
    settled.quiet
      ? `machine quiet after ${(settled.waitedMs / 1000).toFixed(1)} s`
      : `machine still busy after ${(settled.waitedMs / 1000).toFixed(0)} s: measuring anyway`,
  );
  const t0 = performance.now();
  try {
    results.push(await withTimeout(measure.run(context), MEASURE_TIMEOUT_MS, measure.id));
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.error(`✖ ${measure.id} failed: ${message}`);
    errors.push({ id: measure.id, error: message });
  }
  console.log(`  ${measure.id}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

const machine = await collectMachine(postgresUrl);
printTable(results, errors);
const written = await writeReport({
  machine,
  date: started.toISOString(),
  command: describeCommand(),
  quick,
  durationS: Math.round((Date.now() - started.getTime()) / 1000),
  results,
  errors,
  // A partial run (BENCH_ONLY) keeps the other measures' last results in the report.
  partial: selected.length < MEASURES.length,
});
console.log(`\nWrote ${written.join(', ')}`);
// Socket.IO clients or pools left by a failed measure must not keep the run alive. A
// missed goal is a result; a measure that could not run is a failure of the run.
process.exit(errors.length > 0 ? 1 : 0);

function describeCommand(): string {
  const env = [
    'BENCH_ONLY',
    'BENCH_QUICK',
    'BENCH_DATABASE_URL',
    'BENCH_CONCURRENCY',
    'BENCH_SERVER_SCRIPT',
  ]
    .filter((name) => process.env[name])
    .map((name) => `${name}=${process.env[name]}`);
  return [...env, 'npm run bench'].join(' ');
}
