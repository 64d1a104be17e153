/**
 * Runs one realtime measure alone, for development:
 *
 *   npx tsx tests/bench/realtime/dev.ts fanout|idle-sockets|node-restart|node-count [--quick]
 *
 * PostgreSQL from BENCH_POSTGRES_URL (default the local test server);
 * BENCH_CPU_PROF_DIR=<dir> also writes a CPU profile of each server process.
 */
import type { Measure } from '../measure.js';
import { measureFanout } from './fanout.js';
import { measureIdleSockets } from './idle-sockets.js';
import { measureNodeRestart } from './node-restart.js';
import { measureNodeCount } from './node-count.js';
import { useBuiltServer } from '../load/built-server.js';

const measures: Record<string, Measure> = {
  fanout: measureFanout,
  'idle-sockets': measureIdleSockets,
  'node-restart': measureNodeRestart,
  'node-count': measureNodeCount,
};

const name = process.argv[2] ?? '';
const measure = measures[name];
if (!measure) {
  console.error(`usage: dev.ts ${Object.keys(measures).join('|')} [--quick]`);
  process.exit(2);
}
await useBuiltServer();
const started = performance.now();
const result = await measure({
  postgresUrl: process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  quick: process.argv.includes('--quick'),
  log: (message) => console.error(message),
});
console.log(JSON.stringify(result, null, 2));
console.error(`${name}: ${Math.round((performance.now() - started) / 1000)} s`);
