/**
 * Rule-checked commands per second on a real PostgreSQL, each with its events,
 * through HTTP against the real server process, from a load generator in a
 * process of its own; beside it, two peers driven by the same generator at the
 * same concurrency: the same SQL without any framework (peers/same-sql-server.ts),
 * and the bare limit of HTTP + PostgreSQL on this machine.
 */
import { cpus } from 'node:os';
import type { Kysely } from 'kysely';
import { createSession } from '../../server/auth/sessions.js';
import type { Database } from '../../server/db/schema.js';
import { startServerNode } from '../support/server-node.js';
import { profilingFlags } from './load/profiling.js';
import { createPrincipalWithSpace, createSecondary } from '../support/fixtures.js';
import { createPostgresDatabase } from '../support/postgres-database.js';
import { runChild, startListeningScript } from './child-process.js';
import { measureCpu, postgresPids } from './load/process-cpu.js';
import type { LoadInput, LoadOutput, LoadSpace } from './command-load.js';
import { ratio, round, type BenchContext, type MeasureResult } from './measure.js';
import { countRoundTrips, type RoundTrips } from './round-trips.js';
import type { SameSqlStatements } from './peers/same-sql-server.js';

/** The server's rate against the same SQL sent without any framework. */
const GOAL_RATE_RATIO = 0.8;
/** The server's own CPU per command against the same-SQL peer's. */
const GOAL_CPU_RATIO = 1.5;
const GOAL_P99_MS = 50;
const SIRETS_PER_SPACE = 10;
const SECONDARIES_PER_SPACE = 4;

export async function measureCommands(context: BenchContext): Promise<MeasureResult> {
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
  const cores = cpus().length;
  const spaceCount = concurrency * 2;
  const timing = context.quick
    ? { warmupMs: 1_000, durationMs: 4_000 }
    : { warmupMs: 3_000, durationMs: 12_000 };

  const database = await createPostgresDatabase(context.postgresUrl, {
    prefix: 'qrp_bench_commands',
    poolSize: 4,
  });
  const sameSqlDatabase = await createPostgresDatabase(context.postgresUrl, {
    prefix: 'qrp_bench_same_sql',
    poolSize: 4,
  });
  const bareDatabase = await createPostgresDatabase(context.postgresUrl, {
    prefix: 'qrp_bench_bare',
    poolSize: 4,
  });
  try {
    context.log(`commands: ${spaceCount} spaces of ${SIRETS_PER_SPACE} SIRETs, twice`);
    const spaces = await seedSpaces(database.db, spaceCount);
    const sameSqlSpaces = await seedSpaces(sameSqlDatabase.db, spaceCount);

    const trips = await countRoundTrips(database.url);
    // A command's CPU against the peer's moves with the machine's speed, which drifts
    // within minutes here: the two take turns (server, peer, peer, server) so that a
    // drift weighs on both alike, each turn as long as one run, its warm-up included.
    const turn = timing;
    const serverTurn = async (): Promise<Turn> => {
      const server = await startServerNode({
        // Another checkout's server, to compare two versions on the same machine and data.
        script: process.env.BENCH_SERVER_SCRIPT,
        env: { DATABASE_URL: database.url, LOG_LEVEL: 'info' },
        nodeFlags: profilingFlags(),
      });
      try {
        const serverCpu = await measureCpu(async () => [server.process.pid!]);
        const postgresCpu = await measureCpu(() => postgresPids(database.db, { background: true }));
        const load = await runChild<LoadInput, LoadOutput>('tests/bench/command-load.ts', {
          url: server.url,
          workload: 'commands',
          concurrency,
          spaces,
          ...turn,
        });
        return { load, processMs: await serverCpu.stop(), postgresMs: await postgresCpu.stop() };
      } finally {
        await server.stop();
      }
    };
    let sent: SameSqlStatements | undefined;
    let peerTrips: RoundTrips | undefined;
    const peerTurn = async (last: boolean): Promise<Turn> => {
      const sameSqlPeer = await startListeningScript('tests/bench/peers/same-sql-server.ts', {
        DATABASE_URL: sameSqlDatabase.url,
      });
      try {
        const peerCpu = await measureCpu(async () => [sameSqlPeer.pid]);
        const postgresCpu = await measureCpu(() =>
          postgresPids(sameSqlDatabase.db, { background: true }),
        );
        const load = await runChild<LoadInput, LoadOutput>('tests/bench/command-load.ts', {
          url: sameSqlPeer.url,
          workload: 'commands',
          concurrency,
          spaces: sameSqlSpaces,
          ...turn,
        });
        const result = {
          load,
          processMs: await peerCpu.stop(),
          postgresMs: await postgresCpu.stop(),
        };
        const statements = await statementsSentBy(sameSqlPeer.url);
        sent = sent ? addStatements(sent, statements) : statements;
        if (last) peerTrips = await countPeerStatements(sameSqlPeer.url, sameSqlSpaces[0]!);
        return result;
      } finally {
        await sameSqlPeer.stop();
      }
    };
    context.log(
      `commands: ${concurrency} in flight, server and same-SQL peer in turns of ${turn.durationMs / 1000} s`,
    );
    const serverTurns = [await serverTurn()];
    const peerTurns = [await peerTurn(false), await peerTurn(true)];
    serverTurns.push(await serverTurn());
    const rules = combined(serverTurns.map((t) => t.load));
    const cpu = perCommandOf(serverTurns);
    const sameSql = combined(peerTurns.map((t) => t.load));
    const sameSqlCpu = perCommandOf(peerTurns);

    const peer = await startListeningScript('tests/bench/bare-http-postgres.ts', {
      DATABASE_URL: bareDatabase.url,
    });
    let bare: LoadOutput;
    let bareCpu: CpuPerCommand;
    try {
      context.log('commands: bare HTTP + PostgreSQL peer');
      const peerCpu = await measureCpu(async () => [peer.pid]);
      const postgresCpu = await measureCpu(() =>
        postgresPids(bareDatabase.db, { background: true }),
      );
      bare = await runChild<LoadInput, LoadOutput>('tests/bench/command-load.ts', {
        url: peer.url,
        workload: 'bare',
        concurrency,
        bareRows: spaceCount,
        ...timing,
      });
      bareCpu = perCommand(bare, await peerCpu.stop(), await postgresCpu.stop());
    } finally {
      await peer.stop();
    }
    if (!sent || !peerTrips) throw new Error('the same-SQL peer never ran');
    context.log(
      `commands: errors — server ${rules.errors}, same SQL ${sameSql.errors} (NOTIFY ${sent.notifyErrors}), bare ${bare.errors}`,
    );
    const mix = (counts: RoundTrips) =>
      counts.authenticate +
      0.75 * counts.attributeSirets +
      0.125 * (counts.addSecondary + counts.removeSecondary);
    const mixTrips = mix(trips);
    const peerMixTrips = mix(peerTrips);

    const errorFree = rules.errors === 0 && sameSql.errors === 0 && sent.notifyErrors === 0;
    const rateRatio = ratio(rules.perSecond, sameSql.perSecond);
    const cpuRatio = ratio(cpu.server, sameSqlCpu.server);
    const sameSqlLabel = 'same SQL, node:http + pg';
    return {
      id: 'commands',
      title: 'Rule-checked commands on PostgreSQL, through HTTP',
      figures: [
        {
          label: `commands per second, ${concurrency} in flight, vs the same SQL without framework`,
          value: rules.perSecond,
          unit: 'per s',
          baseline: { label: sameSqlLabel, value: sameSql.perSecond },
          goal: `≥ ${GOAL_RATE_RATIO} × baseline`,
          pass: errorFree && rules.perSecond >= GOAL_RATE_RATIO * sameSql.perSecond,
        },
        {
          label: `commands per second, ${concurrency} in flight`,
          value: rules.perSecond,
          unit: 'per s',
          baseline: { label: 'bare HTTP + PostgreSQL transactions', value: bare.perSecond },
        },
        {
          label: `p99 command latency, ${concurrency} in flight, vs the same SQL without framework`,
          value: rules.latencyMs.p99,
          unit: 'ms',
          baseline: { label: `${sameSqlLabel}, p99`, value: sameSql.latencyMs.p99 },
          goal: `≤ ${GOAL_P99_MS} ms`,
          pass: errorFree && rules.latencyMs.p99 <= GOAL_P99_MS,
        },
        {
          label: 'p99 command latency',
          value: rules.latencyMs.p99,
          unit: 'ms',
          baseline: { label: 'bare transaction p99', value: bare.latencyMs.p99 },
        },
        {
          label: 'p50 command latency',
          value: rules.latencyMs.p50,
          unit: 'ms',
          baseline: { label: 'bare transaction p50', value: bare.latencyMs.p50 },
        },
        {
          label: 'server CPU time per command, vs the same SQL without framework',
          value: cpu.server,
          unit: 'ms',
          baseline: { label: `${sameSqlLabel}: its process`, value: sameSqlCpu.server },
          goal: `≤ ${GOAL_CPU_RATIO} × baseline`,
          pass: errorFree && cpu.server <= GOAL_CPU_RATIO * sameSqlCpu.server,
        },
        {
          label: 'server CPU time per command',
          value: cpu.server,
          unit: 'ms',
          baseline: { label: 'bare peer CPU per transaction', value: bareCpu.server },
        },
        {
          label: 'PostgreSQL CPU time per command, vs the same SQL without framework',
          value: cpu.postgres,
          unit: 'ms',
          baseline: { label: sameSqlLabel, value: sameSqlCpu.postgres },
        },
        {
          label: 'PostgreSQL CPU time per command',
          value: cpu.postgres,
          unit: 'ms',
          baseline: { label: 'per bare transaction', value: bareCpu.postgres },
        },
        {
          label: 'load generator CPU time per command',
          value: cpu.generator,
          unit: 'ms',
          baseline: { label: 'per bare transaction', value: bareCpu.generator },
        },
        {
          label:
            'statements per command (mix, session check included), vs the same SQL without framework',
          value: round(mixTrips, 2),
          unit: 'count',
          baseline: { label: sameSqlLabel, value: round(peerMixTrips, 2) },
        },
        {
          label: 'database round trips per command (mix, session check included)',
          value: round(mixTrips, 2),
          unit: 'count',
          baseline: { label: 'bare transaction: BEGIN, UPDATE, INSERT, COMMIT', value: 4 },
        },
      ],
      notes: [
        `Mix: ${describeMix(rules.byKind)}; ${spaceCount} spaces of ${SIRETS_PER_SPACE} SIRETs (with a dossier each) and ${SECONDARIES_PER_SPACE} secondaries, each load worker on its own spaces.`,
        `Server: \`server/main.ts\` in its own process (DATABASE_URL, Socket.IO PostgreSQL adapter on, request log at info); load generator: ${concurrency} keep-alive fetch workers in another process; PostgreSQL on the same machine. The server and the same-SQL peer take turns (server, peer, peer, server), so that the machine's drift in speed weighs on both alike; each turn, and the bare peer's one run, ${timing.warmupMs / 1000} s of warm-up and ${timing.durationMs / 1000} s counted.`,
        `Same-SQL peer (\`tests/bench/peers/same-sql-server.ts\`): \`node:http\` + pg (pool of 10, like the server) answering the same three routes with the statements the server sends for them — same text, parameters, order and transactions, named prepared statements like the server's: the session check (batched alike), the locks, the checks, the writes, the events and their keys, then one NOTIFY per commit with the adapter's message on a held connection, which it LISTENs to and parses back as a node does; after adding a secondary, the same invitation e-mail through the server's mailer. It is the cost of the work itself, without Hono, zod, Kysely, the request log or Socket.IO; its database is seeded like the server's and driven by the same workload. Server/same-SQL ratio: ${rateRatio} of its rate, ${cpuRatio} of its CPU per command.`,
        `Bare peer (\`tests/bench/bare-http-postgres.ts\`): Hono + @hono/node-server + pg (pool of 10) answering a POST with BEGIN; one UPDATE; one INSERT; COMMIT — no rules, no authentication, no events: the limit of HTTP + PostgreSQL on this machine. Rules/bare ratio: ${ratio(rules.perSecond, bare.perSecond)}.`,
        `Statements (BEGIN and COMMIT included): session check ${trips.authenticate}, attribute SIRETs ${trips.attributeSirets}, add secondary ${trips.addSecondary}, remove secondary ${trips.removeSecondary} — counted by running each rule once on a counting connection; the same-SQL peer's, counted by the peer as it sent one request of each kind alone after the load: session check ${peerTrips.authenticate}, attribute SIRETs ${peerTrips.attributeSirets}, add secondary ${peerTrips.addSecondary}, remove secondary ${peerTrips.removeSecondary}. Under load, session checks arriving together share one statement: the peer sent ${sent.sessionStatements.toLocaleString('en')} for ${sent.requests.toLocaleString('en')} requests. Each commit with events adds one NOTIFY on another connection, not counted (the peer sent ${sent.notifies.toLocaleString('en')}). CPU per command: the user + system time of the server (or peer) process, of PostgreSQL (this database's backends and the server's background processes) and of the load generator over the whole load run (warm-up included), divided by the commands answered.`,
        `Latency p50/p95/p99/max (server and same-SQL peer: the mean of their two turns' percentiles, the higher max): ${fmt(rules.latencyMs)} (same SQL: ${fmt(sameSql.latencyMs)}; bare: ${fmt(bare.latencyMs)}).`,
        ...(rateRatio < GOAL_RATE_RATIO || cpuRatio > GOAL_CPU_RATIO
          ? [
              `What stands in the way: the server answers ${rateRatio} × the same-SQL peer's rate (goal ≥ ${GOAL_RATE_RATIO}) and spends ${cpu.server} ms of its own CPU per command where the peer spends ${sameSqlCpu.server} ms for the same statements (${cpuRatio} ×, goal ≤ ${GOAL_CPU_RATIO}): the ${round(cpu.server - sameSqlCpu.server, 2)} ms between them is what the server adds around the same work (Hono's routing, zod's validation, Kysely, the request log, Socket.IO; \`tests/bench/load/profile-ledger.ts\` splits a profile of each process by layer). PostgreSQL spends ${cpu.postgres} ms per command for the server and ${sameSqlCpu.postgres} ms for the peer; a command costs ${cpu.total} ms of CPU in all (peer: ${sameSqlCpu.total} ms), so the ${cores} cores they share run at most about ${Math.round((cores * 1000) / cpu.total)} commands/s (peer: ${Math.round((cores * 1000) / sameSqlCpu.total)}).`,
            ]
          : []),
        ...(rules.latencyMs.p99 > GOAL_P99_MS
          ? [
              `Why p99 ≤ ${GOAL_P99_MS} ms at ${concurrency} in flight is out of reach here: by Little's law, ${concurrency} commands in flight answered within ${GOAL_P99_MS} ms is ${Math.round((concurrency * 1000) / GOAL_P99_MS)} commands/s, while a command costs ${cpu.total} ms of CPU in all (server ${cpu.server}, PostgreSQL ${cpu.postgres}, load generator ${cpu.generator}) and the ${cores} cores they share run at most about ${Math.round((cores * 1000) / cpu.total)} a second; the same-SQL peer, at ${sameSqlCpu.total} ms in all, runs at most about ${Math.round((cores * 1000) / sameSqlCpu.total)} and its own p99 is ${sameSql.latencyMs.p99} ms.`,
            ]
          : []),
        ...failures('the server', rules),
        ...failures('the same-SQL peer', sameSql),
        ...failures('the bare peer', bare),
        ...(sent.notifyErrors > 0
          ? [`The same-SQL peer's NOTIFY failed ${sent.notifyErrors} times.`]
          : []),
      ],
    };
  } finally {
    await database.close();
    await sameSqlDatabase.close();
    await bareDatabase.close();
  }
}

/** The spaces of the workload, each with its principal's session: the same for the server and the same-SQL peer. */
export async function seedSpaces(db: Kysely<Database>, count: number): Promise<LoadSpace[]> {
  const spaces: LoadSpace[] = [];
  for (let s = 0; s < count; s++) {
    const space = await createPrincipalWithSpace(db, { sirets: SIRETS_PER_SPACE });
    const secondaryIds: number[] = [];
    for (let i = 0; i < SECONDARIES_PER_SPACE; i++)
      secondaryIds.push((await createSecondary(db, space)).user.id);
    const { token } = await createSession(db, space.principal.id);
    spaces.push({
      token,
      secondaryIds,
      lists: [space.sirets.slice(0, 3), space.sirets.slice(3, 6)],
    });
  }
  return spaces;
}

async function statementsSentBy(url: string): Promise<SameSqlStatements> {
  return (await (await fetch(`${url}/statements`)).json()) as SameSqlStatements;
}

/**
 * The same-SQL peer's statements per command, as round-trips.ts counts the
 * server's: one request of each kind sent alone (a change of list, a secondary
 * added and removed again), each read from what the peer says it sent.
 */
async function countPeerStatements(url: string, space: LoadSpace): Promise<RoundTrips> {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${space.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`same-SQL peer: ${method} ${path} → ${res.status} ${text}`);
    return text;
  };
  const counted = async (kind: string, send: () => Promise<string>) => {
    const before = await statementsSentBy(url);
    const text = await send();
    const after = await statementsSentBy(url);
    const inTransaction = (s: SameSqlStatements) => s.byKind[kind]?.statements ?? 0;
    return {
      text,
      statements: inTransaction(after) - inTransaction(before),
      session: after.sessionStatements - before.sessionStatements,
    };
  };
  const sirets = `/secondaries/${space.secondaryIds[0]}/sirets`;
  // Whatever the secondary holds, the second PUT changes the list.
  await call('PUT', sirets, { sirets: space.lists[0] });
  const put = await counted('attribute SIRETs', () =>
    call('PUT', sirets, { sirets: space.lists[1] }),
  );
  const post = await counted('add secondary', () =>
    call('POST', '/secondaries', { email: `bench.count.${process.pid}@example.fr` }),
  );
  const { id } = JSON.parse(post.text) as { id: number };
  const remove = await counted('remove secondary', () => call('DELETE', `/secondaries/${id}`));
  return {
    authenticate: remove.session,
    attributeSirets: put.statements,
    addSecondary: post.statements,
    removeSecondary: remove.statements,
  };
}

function failures(who: string, run: LoadOutput): string[] {
  return run.errors === 0
    ? []
    : [`${run.errors} commands failed against ${who}, e.g. ${run.errorSample.join(' | ')}`];
}

/** One turn of the server or of the same-SQL peer under the load. */
interface Turn {
  load: LoadOutput;
  /** CPU of the server (or peer) process over the turn, ms. */
  processMs: number;
  postgresMs: number;
}

/** A process's turns as one run: counts and CPU added, rates and latency percentiles averaged. */
function combined(loads: LoadOutput[]): LoadOutput {
  const sum = (pick: (load: LoadOutput) => number) => loads.reduce((a, l) => a + pick(l), 0);
  const mean = (pick: (load: LoadOutput) => number) => round(sum(pick) / loads.length, 2);
  const byKind: Record<string, number> = {};
  for (const load of loads)
    for (const [kind, n] of Object.entries(load.byKind)) byKind[kind] = (byKind[kind] ?? 0) + n;
  return {
    completed: sum((l) => l.completed),
    total: sum((l) => l.total),
    perSecond: round(sum((l) => l.perSecond) / loads.length, 1),
    latencyMs: {
      p50: mean((l) => l.latencyMs.p50),
      p95: mean((l) => l.latencyMs.p95),
      p99: mean((l) => l.latencyMs.p99),
      max: Math.max(...loads.map((l) => l.latencyMs.max)),
    },
    byKind,
    errors: sum((l) => l.errors),
    errorSample: loads.flatMap((l) => l.errorSample).slice(0, 3),
    cpuMs: sum((l) => l.cpuMs),
  };
}

function perCommandOf(turns: Turn[]): CpuPerCommand {
  const sum = (pick: (turn: Turn) => number) => turns.reduce((a, t) => a + pick(t), 0);
  return perCommand(
    combined(turns.map((t) => t.load)),
    sum((t) => t.processMs),
    sum((t) => t.postgresMs),
  );
}

function addStatements(a: SameSqlStatements, b: SameSqlStatements): SameSqlStatements {
  const byKind = { ...a.byKind };
  for (const [kind, counted] of Object.entries(b.byKind)) {
    const before = byKind[kind] ?? { commands: 0, statements: 0 };
    byKind[kind] = {
      commands: before.commands + counted.commands,
      statements: before.statements + counted.statements,
    };
  }
  return {
    byKind,
    requests: a.requests + b.requests,
    sessionStatements: a.sessionStatements + b.sessionStatements,
    notifies: a.notifies + b.notifies,
    notifyErrors: a.notifyErrors + b.notifyErrors,
  };
}

interface CpuPerCommand {
  server: number;
  postgres: number;
  generator: number;
  total: number;
}

function perCommand(run: LoadOutput, serverMs: number, postgresMs: number): CpuPerCommand {
  const per = (ms: number) => round(ms / run.total, 2);
  return {
    server: per(serverMs),
    postgres: per(postgresMs),
    generator: per(run.cpuMs),
    total: per(serverMs + postgresMs + run.cpuMs),
  };
}

function describeMix(byKind: Record<string, number>): string {
  const total = Object.values(byKind).reduce((a, b) => a + b, 0);
  return Object.entries(byKind)
    .map(([kind, n]) => `${kind} ${Math.round((n / total) * 100)} %`)
    .join(', ');
}

function fmt(l: LoadOutput['latencyMs']): string {
  return `${l.p50} / ${l.p95} / ${l.p99} / ${l.max} ms`;
}
