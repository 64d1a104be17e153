/**
 * The command benchmark's comparison with the same-SQL peer, repeated: the
 * server and the peer take turns (server, peer, peer, server, …) on the same
 * workload at the same concurrency, so that a machine whose speed drifts
 * during the runs weighs on both alike. Prints each run, then the means and
 * their ratios. Not part of `npm run bench`:
 *
 *   npx tsx tests/bench/commands-alternating.ts [rounds, 2 by default] [seconds per run, 10]
 *
 * PostgreSQL from BENCH_DATABASE_URL, else the local test server.
 */
import { startServerNode } from '../support/server-node.js';
import { createPostgresDatabase } from '../support/postgres-database.js';
import { runChild, startListeningScript } from './child-process.js';
import type { LoadInput, LoadOutput } from './command-load.js';
import { seedSpaces } from './commands.js';
import { useBuiltServer } from './load/built-server.js';
import { measureCpu, postgresPids } from './load/process-cpu.js';
import { round } from './measure.js';

const rounds = Number(process.argv[2] ?? 2);
const durationMs = Number(process.argv[3] ?? 10) * 1000;
const CONCURRENCY = 32;
const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Run {
  perSecond: number;
  cpuMs: number;
  postgresMs: number;
}

await useBuiltServer();
const serverDatabase = await createPostgresDatabase(url, { prefix: 'qrp_alt_server', poolSize: 4 });
const peerDatabase = await createPostgresDatabase(url, { prefix: 'qrp_alt_same_sql', poolSize: 4 });
try {
  const spaces = {
    server: await seedSpaces(serverDatabase.db, CONCURRENCY * 2),
    peer: await seedSpaces(peerDatabase.db, CONCURRENCY * 2),
  };
  const runs: Record<'server' | 'peer', Run[]> = { server: [], peer: [] };
  const order = Array.from({ length: rounds }, () => ['server', 'peer', 'peer', 'server'] as const);
  for (const who of order.flat()) {
    const database = who === 'server' ? serverDatabase : peerDatabase;
    const target =
      who === 'server'
        ? await startServerNode({ env: { DATABASE_URL: database.url, LOG_LEVEL: 'info' } }).then(
            (node) => ({ url: node.url, pid: node.process.pid!, stop: () => node.stop() }),
          )
        : await startListeningScript('tests/bench/peers/same-sql-server.ts', {
            DATABASE_URL: database.url,
          });
    try {
      const cpu = await measureCpu(async () => [target.pid]);
      const postgres = await measureCpu(() => postgresPids(database.db, { background: true }));
      const load = await runChild<LoadInput, LoadOutput>('tests/bench/command-load.ts', {
        url: target.url,
        workload: 'commands',
        concurrency: CONCURRENCY,
        spaces: spaces[who],
        warmupMs: 2_000,
        durationMs,
      });
      if (load.errors > 0) throw new Error(`${who}: ${load.errorSample.join(' | ')}`);
      const run = {
        perSecond: load.perSecond,
        cpuMs: (await cpu.stop()) / load.total,
        postgresMs: (await postgres.stop()) / load.total,
      };
      runs[who].push(run);
      console.log(
        `${who.padEnd(6)} ${run.perSecond}/s, CPU ${run.cpuMs.toFixed(2)} ms per command, PostgreSQL ${run.postgresMs.toFixed(2)} ms`,
      );
    } finally {
      await target.stop();
    }
  }
  const mean = (list: Run[], key: keyof Run) => list.reduce((a, r) => a + r[key], 0) / list.length;
  const [server, peer] = [runs.server, runs.peer];
  console.log(
    `means over ${server.length} runs each: ${round(mean(server, 'perSecond'), 1)} against ${round(mean(peer, 'perSecond'), 1)} commands/s (${(mean(server, 'perSecond') / mean(peer, 'perSecond')).toFixed(2)} ×), CPU ${round(mean(server, 'cpuMs'), 2)} against ${round(mean(peer, 'cpuMs'), 2)} ms per command (${(mean(server, 'cpuMs') / mean(peer, 'cpuMs')).toFixed(2)} ×)`,
  );
} finally {
  await serverDatabase.close();
  await peerDatabase.close();
}
