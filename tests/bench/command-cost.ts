/**
 * Where the CPU of one command goes, one request at a time on an idle
 * machine: the rule in its transaction, the same number of statements sent
 * raw through `pg`, the session check, and through a real server process the
 * whole PUT and a bare `GET /health`; then the same PUT through the same-SQL
 * peer (peers/same-sql-server.ts); each on the Node side and in PostgreSQL.
 * Not part of `npm run bench`:
 *
 *   npx tsx tests/bench/command-cost.ts
 *
 * PostgreSQL from BENCH_DATABASE_URL, else the local test server;
 * BENCH_CPU_PROF_DIR=<dir> also writes a CPU profile of the server process.
 */
import pg from 'pg';
import { authenticateToken, createSession } from '../../server/auth/sessions.js';
import { runRule } from '../../server/rules/run-rule.js';
import { setSecondarySirets } from '../../server/rules/set-secondary-sirets.js';
import { createPrincipalWithSpace, createSecondary } from '../support/fixtures.js';
import { createPostgresDatabase } from '../support/postgres-database.js';
import { startServerNode } from '../support/server-node.js';
import { cpuMs, measureCpu, postgresPids } from './load/process-cpu.js';
import { profilingFlags } from './load/profiling.js';
import { useBuiltServer } from './load/built-server.js';
import { startListeningScript } from './child-process.js';

const RUNS = 2_000;
const WARM_UP = 300;
const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

await useBuiltServer();
const database = await createPostgresDatabase(url, { prefix: 'qrp_bench_cost', poolSize: 4 });
try {
  const space = await createPrincipalWithSpace(database.db, { sirets: 6 });
  const secondary = await createSecondary(database.db, space);
  const { token } = await createSession(database.db, space.principal.id);
  // Each run changes the list: three SIRETs taken, three given, as in the benchmark.
  const listOf = (i: number) => space.sirets.slice(i % 2 ? 0 : 3, i % 2 ? 3 : 6);

  const inProcess = async (label: string, run: (i: number) => Promise<unknown>) => {
    for (let i = 0; i < WARM_UP; i++) await run(i);
    const postgres = await measureCpu(() => postgresPids(database.db, { background: true }));
    const before = process.cpuUsage();
    for (let i = 0; i < RUNS; i++) await run(i);
    const used = process.cpuUsage(before);
    report(label, (used.user + used.system) / 1000 / RUNS, (await postgres.stop()) / RUNS);
  };
  await inProcess('rule "Liste SIRETs" in its transaction (runRule, 8 statements)', (i) =>
    runRule(database.db, (trx) =>
      setSecondarySirets(trx, space.actor, { userId: secondary.user.id, sirets: listOf(i) }),
    ),
  );
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  await inProcess('8 statements sent raw through pg (BEGIN, 6 selects, COMMIT)', async () => {
    const client = await pool.connect();
    try {
      await client.query('begin');
      for (let k = 0; k < 6; k++) await client.query('select $1::int as k', [k]);
      await client.query('commit');
    } finally {
      client.release();
    }
  });
  await pool.end();
  await inProcess('session check (one statement)', () => authenticateToken(database.db, token));

  const putThrough = (url: string, i: number) =>
    fetch(`${url}/api/v1/secondaries/${secondary.user.id}/sirets`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sirets: listOf(i) }),
    });
  const throughProcess = async (
    label: string,
    pid: number,
    request: (i: number) => Promise<Response>,
  ) => {
    for (let i = 0; i < WARM_UP; i++) await (await request(i)).arrayBuffer();
    const postgres = await measureCpu(() => postgresPids(database.db, { background: true }));
    const before = cpuMs(pid)!;
    const answeredMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      const answer = await request(i);
      await answer.arrayBuffer();
      if (answer.status >= 300) throw new Error(`${label}: ${answer.status}`);
      answeredMs.push(performance.now() - started);
    }
    const processMs = cpuMs(pid)! - before;
    report(label, processMs / RUNS, (await postgres.stop()) / RUNS);
    answeredMs.sort((a, b) => a - b);
    console.log(`  ${answeredMs[RUNS / 2]!.toFixed(2)} ms answer, median (wall time)`);
  };

  const server = await startServerNode({
    env: { DATABASE_URL: database.url, LOG_LEVEL: 'info' },
    nodeFlags: profilingFlags(),
  });
  try {
    await throughProcess(
      'server process: PUT /secondaries/:id/sirets, whole',
      server.process.pid!,
      (i) => putThrough(server.url, i),
    );
    await throughProcess('server process: GET /health (one statement)', server.process.pid!, () =>
      fetch(`${server.url}/health`),
    );
  } finally {
    await server.stop();
  }
  // The same PUTs on the same database through the peer that sends the server's SQL and nothing else.
  const peer = await startListeningScript('tests/bench/peers/same-sql-server.ts', {
    DATABASE_URL: database.url,
  });
  try {
    await throughProcess('same-SQL peer: PUT /secondaries/:id/sirets, whole', peer.pid, (i) =>
      putThrough(peer.url, i),
    );
  } finally {
    await peer.stop();
  }
} finally {
  await database.close();
}

function report(label: string, nodeMsPerRun: number, postgresMsPerRun: number): void {
  const ms = (value: number) => value.toFixed(2).padStart(5);
  console.log(`${ms(nodeMsPerRun)} ms CPU, PostgreSQL ${ms(postgresMsPerRun)} ms  ${label}`);
}
