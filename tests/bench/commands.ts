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
import { cpuTimeMs, runChild, startListeningScript } from './child-process.js';
import type { LoadInput, LoadOutput, LoadSpace } from './command-load.js';
import { ratio, round, type BenchContext, type MeasureResult } from './measure.js';
import { countRoundTrips } from './round-trips.js';

const GOAL_PER_SECOND = 1500;
const GOAL_P99_MS = 50;
const SIRETS_PER_SPACE = 10;
const SECONDARIES_PER_SPACE = 4;

export async function measureCommands(context: BenchContext): Promise<MeasureResult> {
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
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
    let serverCpuMs: number;
    try {
      context.log(`commands: ${concurrency} in flight for ${timing.durationMs / 1000} s`);
      const cpuBefore = cpuTimeMs(server.process.pid!);
      rules = await runChild<LoadInput, LoadOutput>('tests/bench/command-load.ts', {
        url: server.url,
        workload: 'commands',
        concurrency,
        spaces,
        ...timing,
      });
      serverCpuMs = cpuTimeMs(server.process.pid!) - cpuBefore;
    } finally {
      await server.stop();
    }

    const peer = await startListeningScript('tests/bench/bare-http-postgres.ts', {
      DATABASE_URL: bareDatabase.url,
    });
    let bare: LoadOutput;
    let bareCpuMs: number;
    try {
      context.log('commands: bare HTTP + PostgreSQL peer');
      const cpuBefore = cpuTimeMs(peer.pid);
      bare = await runChild<LoadInput, LoadOutput>('tests/bench/command-load.ts', {
        url: peer.url,
        workload: 'bare',
        concurrency,
        bareRows: spaceCount,
        ...timing,
      });
      bareCpuMs = cpuTimeMs(peer.pid) - cpuBefore;
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
          value: round(serverCpuMs / rules.total, 2),
          unit: 'ms',
          baseline: {
            label: 'bare peer CPU per transaction',
            value: round(bareCpuMs / bare.total, 2),
          },
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
        `Round trips (statements sent, BEGIN and COMMIT included): session check ${trips.authenticate}, attribute SIRETs ${trips.attributeSirets}, add secondary ${trips.addSecondary}, remove secondary ${trips.removeSecondary} — counted by running each rule once on a counting connection. Server CPU per command: the server process's user + system time over the whole load run (warm-up included) divided by the commands it answered.`,
        `Latency p50/p95/p99/max: ${fmt(rules.latencyMs)} (bare: ${fmt(bare.latencyMs)}).`,
        ...(rules.perSecond < GOAL_PER_SECOND
          ? [
              `What stands in the way: the server spends ${round(serverCpuMs / rules.total, 2)} ms of CPU per command (the bare peer ${round(bareCpuMs / bare.total, 2)} ms), so one core serves at most about ${Math.round(rules.total / (serverCpuMs / 1000))} commands/s before PostgreSQL and the load generator, which share the same ${cpus().length} cores, take their part; a rule-checked command also sends ${round(mixTrips, 1)} statements where the bare transaction sends 4 (locks, checks, and the events in the same transaction).${bare.perSecond < GOAL_PER_SECOND ? ` The bare peer itself reaches ${bare.perSecond}/s here: the goal of ${GOAL_PER_SECOND.toLocaleString('en')}/s is above the bare limit of HTTP + PostgreSQL on this machine.` : ''}`,
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

function describeMix(byKind: Record<string, number>): string {
  const total = Object.values(byKind).reduce((a, b) => a + b, 0);
  return Object.entries(byKind)
    .map(([kind, n]) => `${kind} ${Math.round((n / total) * 100)} %`)
    .join(', ');
}

function fmt(l: LoadOutput['latencyMs']): string {
  return `${l.p50} / ${l.p95} / ${l.p99} / ${l.max} ms`;
}
