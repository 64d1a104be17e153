/**
 * A node restarts under 10,000 connected panels. Two server processes share
 * one PostgreSQL; half the clients reach node A through a TCP front standing
 * for the load balancer, the other half are on node B. Node A is stopped
 * (SIGTERM: a deploy or a restart by the supervisor); the front then sends
 * new connections to B, A's clients reconnect there with the extension's own
 * reconnection delays, and A starts again on its port. Changes keep being
 * made through B the whole time A is down.
 *
 * Measured: from A's stop until every client is connected and stands at the
 * head of its space's stream in the database. Every client runs the panel's
 * sync protocol (shared/live-sync.ts) and counts holes, duplicates and
 * snapshots that took it backwards.
 */
import { percentile, round, type Figure, type Measure } from '../measure.js';
import { startServerNode, startTcpFront } from '../../support/server-node.js';
import { createPostgresDatabase, type PostgresDatabase } from '../../support/postgres-database.js';
import { Cleanups } from '../load/cleanups.js';
import { profilingFlags } from '../load/profiling.js';
import { startLoadGenerator } from '../load/load-generators.js';
import { principalChanger, type PrincipalChanger } from '../load/principal-change.js';
import { postgresPids, cpuMs, measureCpu } from '../load/process-cpu.js';
import { now, type WatchResult } from '../load/protocol.js';
import { seedSpaces } from '../load/seed-spaces.js';

const MEMBERS_PER_SPACE = 25;
/** Changes in flight at once through the surviving node while A is down. */
const CHANGES_IN_FLIGHT = 4;
const SYNC_TIMEOUT_MS = 60_000;

export const measureNodeRestart: Measure = async (context) => {
  const total = context.quick ? 1_000 : 10_000;
  const spaces = Math.ceil(total / MEMBERS_PER_SPACE);
  const cleanups = new Cleanups();
  try {
    const database = await createPostgresDatabase(context.postgresUrl, {
      prefix: 'qrp_bench_restart',
      poolSize: 4,
    });
    cleanups.add(() => database.close());
    const seeded = await seedSpaces(database.db, {
      spaces,
      secondariesPerSpace: MEMBERS_PER_SPACE - 1,
    });
    const tokens = seeded.flatMap((space) =>
      [space.principal, ...space.secondaries].map((member) => member.token),
    );
    const changers = seeded.map((space) => principalChanger(database.db, space));

    const env = { DATABASE_URL: database.url, LOG_LEVEL: 'info' };
    let nodeA = await startServerNode({ env, nodeFlags: profilingFlags() });
    cleanups.add(() => nodeA.stop());
    const nodeB = await startServerNode({ env, nodeFlags: profilingFlags() });
    cleanups.add(() => nodeB.stop());
    let frontTarget = nodeA.port;
    const front = await startTcpFront(() => frontTarget);
    cleanups.add(() => front.close());
    const viaFront = startLoadGenerator();
    cleanups.add(() => viaFront.stop());
    const onB = startLoadGenerator();
    cleanups.add(() => onB.stop());

    // Each space has members on both nodes: its events cross the adapter.
    const half = { front: [] as string[], b: [] as string[] };
    tokens.forEach((token, i) => (i % 2 === 0 ? half.front : half.b).push(token));
    const connectStarted = now();
    const connected = await Promise.all([
      viaFront.connect(connectRequest(front.url, half.front)),
      onB.connect(connectRequest(nodeB.url, half.b)),
    ]);
    const failed = connected.reduce((sum, r) => sum + r.failed, 0);
    if (failed > 0)
      throw new Error(
        `${failed} clients could not connect: ${connected.flatMap((r) => r.errors).join('; ')}`,
      );
    context.log(`  ${total} live clients in ${round((now() - connectStarted) / 1000, 1)} s`);

    // A few changes before the stop, every client at its head: the starting line.
    await makeChanges(changers.slice(0, 20), nodeB.url, () => false, 20);
    await watchAll([viaFront, onB], await streamHeads(database), SYNC_TIMEOUT_MS);

    const cpu = {
      nodeB: await measureCpu(async () => [nodeB.process.pid!]),
      postgres: await measureCpu(() => postgresPids(database.db, { background: false })),
      viaFront: await measureCpu(async () => [viaFront.pid]),
      onB: await measureCpu(async () => [onB.pid]),
      // The TCP front and the principals' changes run in this process.
      bench: await measureCpu(async () => [process.pid]),
    };
    const stoppedAt = now();
    frontTarget = nodeB.port;
    const stopping = nodeA.stop();
    let restarted = false;
    const changes = makeChanges(changers, nodeB.url, () => restarted, Number.POSITIVE_INFINITY);
    let downMs: number;
    let restartedMs: number;
    try {
      await stopping;
      downMs = now() - stoppedAt;
      nodeA = await startServerNode({ env, port: nodeA.port, nodeFlags: profilingFlags() });
      restartedMs = now() - stoppedAt;
    } finally {
      // The changes stop with the restart, and also when it failed.
      restarted = true;
    }
    const { made: changed, failed: changesFailed } = await changes;
    const heads = await streamHeads(database);
    const watched = await watchAll([viaFront, onB], heads, SYNC_TIMEOUT_MS);
    const syncedS = watched.allSyncedAt === null ? null : (watched.allSyncedAt - stoppedAt) / 1000;
    const recoveryS = (now() - stoppedAt) / 1000;
    const cpuS = {
      nodeB: (await cpu.nodeB.stop()) / 1000,
      postgres: (await cpu.postgres.stop()) / 1000,
      viaFront: (await cpu.viaFront.stop()) / 1000,
      onB: (await cpu.onB.stop()) / 1000,
      bench: (await cpu.bench.stop()) / 1000,
      // The restarted node, from its start: loading the code and opening its pools.
      nodeA: (cpuMs(nodeA.process.pid!) ?? 0) / 1000,
    };
    context.log(`  all synced ${syncedS ?? 'never'} s after the stop`);
    const sinceStop = (at: number) => round((at - stoppedAt) / 1000, 2);
    const reconnectP50 = sinceStop(percentile(watched.reconnectedAt, 0.5));
    const reconnectP90 = sinceStop(percentile(watched.reconnectedAt, 0.9));
    const handshakeP50 = round(percentile(watched.reconnectHandshakeMs, 0.5) / 1000, 2);
    const handshakeP90 = round(percentile(watched.reconnectHandshakeMs, 0.9) / 1000, 2);
    const refusals = Object.entries(watched.connectErrors)
      .map(([message, n]) => `${n} × ${message}`)
      .join(', ');
    context.log(
      `  reconnected p50 ${reconnectP50} s, p90 ${reconnectP90} s; refused attempts: ${refusals || 'none'}`,
    );

    const missing = watched.clients - watched.synced + watched.holes;
    const figures: Figure[] = [
      {
        label: `all ${total.toLocaleString('en')} clients reconnected and synced after a node stop`,
        value: syncedS === null ? Number.NaN : round(syncedS, 2),
        unit: 's',
        goal: '≤ 10 s',
        pass: syncedS !== null && syncedS <= 10,
      },
      {
        label: 'clients missing an event (not at the stream head, or a hole applied)',
        value: missing,
        unit: 'count',
        goal: '0',
        pass: missing === 0,
      },
      {
        label: 'events applied twice',
        value: watched.duplicates,
        unit: 'count',
        goal: '0',
        pass: watched.duplicates === 0,
      },
      { label: 'clients that reconnected', value: watched.reconnected, unit: 'count' },
      {
        label: 'their connection to the stopped node closed, last of them, after the stop',
        value: watched.lostAt.length > 0 ? sinceStop(Math.max(...watched.lostAt)) : Number.NaN,
        unit: 's',
      },
      {
        label: 'the stopped node’s process gone, after the stop',
        value: round(downMs / 1000, 2),
        unit: 's',
      },
      { label: 'half of them connected again after the stop', value: reconnectP50, unit: 's' },
      { label: '90 % of them connected again after the stop', value: reconnectP90, unit: 's' },
      {
        label: 'their successful attempt, from its start to connected, median',
        value: handshakeP50,
        unit: 's',
      },
      { label: 'the same, 90th percentile', value: handshakeP90, unit: 's' },
      {
        label: 'last of them connected again after the stop',
        value: round((watched.lastReconnectAt - stoppedAt) / 1000, 2),
        unit: 's',
      },
      { label: 'changes committed while the node was down', value: changed, unit: 'count' },
      { label: 'changes that failed while the node was down', value: changesFailed, unit: 'count' },
      {
        label: 'node back on its port after the stop',
        value: round(restartedMs / 1000, 2),
        unit: 's',
      },
    ];
    return {
      id: 'realtime-node-restart',
      title: 'Node restart: every panel back and caught up',
      figures,
      notes: [
        `${total.toLocaleString('en')} clients in ${spaces} spaces of ${MEMBERS_PER_SPACE} members, ` +
          `each a real socket.io-client connection run by the panel's sync protocol ` +
          `(attachLiveSync), in two load generator processes on the same machine as the two ` +
          `server processes and PostgreSQL (2 cores).`,
        `Deployment: two nodes on one PostgreSQL (PostgreSQL adapter). Half the clients (every ` +
          `other member of each space) reach node A through a TCP front standing for the load ` +
          `balancer, the other half are connected to node B. Node A gets SIGTERM (graceful stop: ` +
          `it closes its sockets and tells the other node it leaves); the front sends new ` +
          `connections to B at once, as a load balancer does once its health check fails; A ` +
          `starts again on its port (${round(restartedMs / 1000, 1)} s after the stop, ` +
          `${round(downMs / 1000, 2)} s to stop).`,
        `Reconnection delays are the extension's (extension/panel/realtime.ts uses ` +
          `socket.io-client's defaults): first attempt after 1 s ± 50 %, doubling up to 5 s.`,
        `While A was down and until it listened again, the principals changed their ` +
          `secondaries' SIRETs through B (${CHANGES_IN_FLIGHT} in flight, spaces in turn): ` +
          `${changed} changes. Synced = connected and position == head of the space's stream ` +
          `read from the database after the last change; the time is when the last client got there, ` +
          `so it is never below A's restart time (changes go on until then).`,
        `Where the time went, from the stop until every client was synced (${round(recoveryS, 1)} s ` +
          `of wall time, 2 cores): node B used ${round(cpuS.nodeB, 1)} s of CPU (handshakes, ` +
          `snapshots, syncs of ${watched.reconnected} clients taking over, changes), PostgreSQL ` +
          `backends ${round(cpuS.postgres, 1)} s, the load generator of the clients taking over ` +
          `${round(cpuS.viaFront, 1)} s and the other one ${round(cpuS.onB, 1)} s, the bench process ` +
          `(TCP front, principals' changes) ${round(cpuS.bench, 1)} s, and node A ` +
          `${round(cpuS.nodeA, 1)} s to start again.`,
        `Failed connection attempts during the takeover (connect_error): ${refusals || 'none'}.`,
        `Checks on every client: applied ids contiguous from each snapshot (holes: ` +
          `${watched.holes}), no id applied twice (${watched.duplicates}), no snapshot behind the ` +
          `position (${watched.backwardSnapshots}); ${watched.synced} of ${watched.clients} at the head.`,
      ],
    };
  } finally {
    await cleanups.run(context.log);
  }
};

function connectRequest(url: string, tokens: string[]) {
  return { url, tokens, live: true, reconnection: true, concurrency: 100, timeoutMs: 180_000 };
}

/**
 * Changes through `url`, spaces in turn, until `stop()` (or `limit` changes).
 * Never throws: a change refused or cut off is counted, not fatal (the heads
 * are read back from the database afterwards anyway).
 */
async function makeChanges(
  changers: PrincipalChanger[],
  url: string,
  stop: () => boolean,
  limit: number,
): Promise<{ made: number; failed: number }> {
  const counts = { made: 0, failed: 0 };
  let next = 0;
  const worker = async () => {
    while (!stop() && counts.made + counts.failed < limit) {
      const changer = changers[next++ % changers.length]!;
      try {
        await changer.change(url);
        counts.made++;
      } catch {
        counts.failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: CHANGES_IN_FLIGHT }, worker));
  return counts;
}

async function streamHeads(database: PostgresDatabase): Promise<Record<string, number>> {
  const rows = await database.db.selectFrom('eventStreams').select(['stream', 'head']).execute();
  return Object.fromEntries(rows.map((row) => [row.stream.replace('space:', ''), row.head]));
}

async function watchAll(
  generators: { watch(heads: Record<string, number>, timeoutMs: number): Promise<WatchResult> }[],
  heads: Record<string, number>,
  timeoutMs: number,
): Promise<WatchResult> {
  const results = await Promise.all(generators.map((g) => g.watch(heads, timeoutMs)));
  return results.reduce((sum, r) => ({
    allSyncedAt:
      sum.allSyncedAt === null || r.allSyncedAt === null
        ? null
        : Math.max(sum.allSyncedAt, r.allSyncedAt),
    clients: sum.clients + r.clients,
    synced: sum.synced + r.synced,
    reconnected: sum.reconnected + r.reconnected,
    lastReconnectAt: Math.max(sum.lastReconnectAt, r.lastReconnectAt),
    lostAt: [...sum.lostAt, ...r.lostAt],
    reconnectedAt: [...sum.reconnectedAt, ...r.reconnectedAt],
    reconnectHandshakeMs: [...sum.reconnectHandshakeMs, ...r.reconnectHandshakeMs],
    connectErrors: addCounts(sum.connectErrors, r.connectErrors),
    holes: sum.holes + r.holes,
    duplicates: sum.duplicates + r.duplicates,
    backwardSnapshots: sum.backwardSnapshots + r.backwardSnapshots,
  }));
}

function addCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const sum = { ...a };
  for (const [key, n] of Object.entries(b)) sum[key] = (sum[key] ?? 0) + n;
  return sum;
}
