/**
 * Rule-checked commands per second on a real PostgreSQL, each with its events,
 * through HTTP against the real server process, from a load generator in a
 * process of its own; beside it, the bare limit of HTTP + PostgreSQL on this
 * machine, driven by the same generator at the same concurrency.
 */
import { cpus } from 'node:os';
import { createSession } from '../../server/auth/sessions.js';
import { startServerNode } from '../support/server-node.js';
import { profilingFlags } from './load/profiling.js';
import { createPrincipalWithSpace, createSecondary } from '../support/fixtures.js';
import { createPostgresDatabase } from '../support/postgres-database.js';
import { runChild, startListeningScript } from './child-process.js';
import { measureCpu, postgresPids } from './load/process-cpu.js';
import type { LoadInput, LoadOutput, LoadSpace } from './command-load.js';
import { ratio, round, type BenchContext, type MeasureResult } from './measure.js';
import { countRoundTrips } from './round-trips.js';

const GOAL_PER_SECOND = 1500;
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
  const bareDatabase = await createPostgresDatabase(context.postgresUrl, {
    prefix: 'qrp_bench_bare',
    poolSize: 4,
  });
  try {
    context.log(`commands: ${spaceCount} spaces of ${SIRETS_PER_SPACE} SIRETs`);
    const spaces: LoadSpace[] = [];
    for (let s = 0; s < spaceCount; s++) {
      const space = await createPrincipalWithSpace(database.db, { sirets: SIRETS_PER_SPACE });
      const secondaryIds: number[] = [];
      for (let i = 0; i < SECONDARIES_PER_SPACE; i++)
        secondaryIds.push((await createSecondary(database.db, space)).user.id);
      const { token } = await createSession(database.db, space.principal.id);
      spaces.push({
        token,
        secondaryIds,
        lists: [space.sirets.slice(0, 3), space.sirets.slice(3, 6)],
      });
    }

    const trips = await countRoundTrips(database.url);
    const server = await startServerNode({
      // Another checkout's server, to compare two versions on the same machine and data.
      script: process.env.BENCH_SERVER_SCRIPT,
      env: { DATABASE_URL: database.url, LOG_LEVEL: 'info' },
      nodeFlags: profilingFlags(),
    });
    let rules: LoadOutput;
    let cpu: CpuPerCommand;
    try {
      context.log(`commands: ${concurrency} in flight for ${timing.durationMs / 1000} s`);
      const serverCpu = await measureCpu(async () => [server.process.pid!]);
      const postgresCpu = await measureCpu(() => postgresPids(database.db, { background: true }));
      rules = await runChild<LoadInput, LoadOutput>('tests/bench/command-load.ts', {
        url: server.url,
        workload: 'commands',
        concurrency,
        spaces,
        ...timing,
      });
      cpu = perCommand(rules, await serverCpu.stop(), await postgresCpu.stop());
    } finally {
      await server.stop();
    }

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
    const mixTrips =
      trips.authenticate +
      0.75 * trips.attributeSirets +
      0.125 * (trips.addSecondary + trips.removeSecondary);

    const errorFree = rules.errors === 0;
    return {
      id: 'commands',
      title: 'Rule-checked commands on PostgreSQL, through HTTP',
      figures: [
        {
          label: `commands per second, ${concurrency} in flight`,
          value: rules.perSecond,
          unit: 'per s',
          baseline: { label: 'bare HTTP + PostgreSQL transactions', value: bare.perSecond },
          goal: `≥ ${GOAL_PER_SECOND.toLocaleString('en')}/s`,
          pass: errorFree && rules.perSecond >= GOAL_PER_SECOND,
        },
        {
          label: 'p99 command latency',
          value: rules.latencyMs.p99,
          unit: 'ms',
          baseline: { label: 'bare transaction p99', value: bare.latencyMs.p99 },
          goal: `≤ ${GOAL_P99_MS} ms`,
          pass: errorFree && rules.latencyMs.p99 <= GOAL_P99_MS,
        },
        {
          label: 'p50 command latency',
          value: rules.latencyMs.p50,
          unit: 'ms',
          baseline: { label: 'bare transaction p50', value: bare.latencyMs.p50 },
        },
        {
          label: 'server CPU time per command',
          value: cpu.server,
          unit: 'ms',
          baseline: { label: 'bare peer CPU per transaction', value: bareCpu.server },
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
          label: 'database round trips per command (mix, session check included)',
          value: round(mixTrips, 2),
          unit: 'count',
          baseline: { label: 'bare transaction: BEGIN, UPDATE, INSERT, COMMIT', value: 4 },
        },
      ],
      notes: [
        `Mix: ${describeMix(rules.byKind)}; ${spaceCount} spaces of ${SIRETS_PER_SPACE} SIRETs (with a dossier each) and ${SECONDARIES_PER_SPACE} secondaries, each load worker on its own spaces.`,
        `Server: \`server/main.ts\` in its own process (DATABASE_URL, Socket.IO PostgreSQL adapter on, request log at info); load generator: ${concurrency} keep-alive fetch workers in another process; PostgreSQL on the same machine. ${timing.warmupMs / 1000} s warm-up, ${timing.durationMs / 1000} s counted.`,
        `Baseline: Hono + @hono/node-server + pg (pool of 10, like the server) answering a POST with BEGIN; one UPDATE; one INSERT; COMMIT — no rules, no authentication, no events. Rules/bare ratio: ${ratio(rules.perSecond, bare.perSecond)}.`,
        `Round trips (statements sent, BEGIN and COMMIT included): session check ${trips.authenticate}, attribute SIRETs ${trips.attributeSirets}, add secondary ${trips.addSecondary}, remove secondary ${trips.removeSecondary} — counted by running each rule once on a counting connection. CPU per command: the user + system time of the server process, of PostgreSQL (this database's backends and the server's background processes) and of the load generator over the whole load run (warm-up included), divided by the commands answered.`,
        `Latency p50/p95/p99/max: ${fmt(rules.latencyMs)} (bare: ${fmt(bare.latencyMs)}).`,
        ...(rules.perSecond < GOAL_PER_SECOND
          ? [
              `What stands in the way: a command costs ${cpu.total} ms of CPU in all (server ${cpu.server}, PostgreSQL ${cpu.postgres}, load generator ${cpu.generator}), so the ${cores} cores they share run at most about ${Math.round((cores * 1000) / cpu.total)} commands/s; ${GOAL_PER_SECOND.toLocaleString('en')}/s would need ${round((cores * 1000) / GOAL_PER_SECOND, 2)} ms or less. PostgreSQL alone spends ${cpu.postgres} ms per command (${round(mixTrips, 1)} statements: locks, checks, and the events in the same transaction), where a bare transaction of 4 statements costs it ${bareCpu.postgres} ms.${bare.perSecond < GOAL_PER_SECOND ? ` The bare peer itself reaches ${bare.perSecond}/s here: the goal of ${GOAL_PER_SECOND.toLocaleString('en')}/s is above the bare limit of HTTP + PostgreSQL on this machine.` : ''}`,
            ]
          : []),
        ...(errorFree
          ? []
          : [`${rules.errors} commands failed, e.g. ${rules.errorSample.join(' | ')}`]),
      ],
    };
  } finally {
    await database.close();
    await bareDatabase.close();
  }
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
