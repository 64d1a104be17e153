/**
 * What an idle authenticated socket costs the server in memory: 15,000
 * panels connected to one server process (the real entry point, real
 * PostgreSQL), against the same number on a bare Socket.IO server.
 *
 * Method: the server process is started with `--expose-gc` and a preload that
 * runs a full collection on SIGUSR2 (load/gc-on-signal.ts; the server code is
 * unchanged). RSS is read from /proc/<pid>/status after a collection, once
 * before the clients connect and once after they are all connected and the
 * server settled; the difference ÷ the number of sockets is the cost of one.
 */
import { round, type Figure, type Measure } from '../measure.js';
import { startServerNode, type ServerNode } from '../../support/server-node.js';
import { createPostgresDatabase } from '../../support/postgres-database.js';
import { Cleanups } from '../load/cleanups.js';
import { profilingFlags } from '../load/profiling.js';
import { startLoadGenerator, type LoadGenerator } from '../load/load-generators.js';
import { GC_ON_SIGNAL_FLAGS, memoryAfterGc, type MemoryReading } from '../load/process-memory.js';
import { measureCpu } from '../load/process-cpu.js';
import { now } from '../load/protocol.js';
import { seedSpaces } from '../load/seed-spaces.js';

/** Members per space (one principal and the secondaries): a large employer's team. */
const MEMBERS_PER_SPACE = 30;
/** Each load generator holds at most this many sockets (one descriptor each, 20,000 allowed). */
const SOCKETS_PER_GENERATOR = 7_500;
const SETTLE_MS = 3_000;

interface Held {
  sockets: number;
  before: MemoryReading;
  after: MemoryReading;
  connectMs: number;
  /** Server CPU spent while the sockets connected, in ms. */
  connectCpuMs: number;
}

export const measureIdleSockets: Measure = async (context) => {
  const total = context.quick ? 3_000 : 15_000;
  const spaces = Math.ceil(total / MEMBERS_PER_SPACE);
  const cleanups = new Cleanups();
  try {
    const database = await createPostgresDatabase(context.postgresUrl, {
      prefix: 'qrp_bench_idle',
      poolSize: 4,
    });
    cleanups.add(() => database.close());
    const seeded = await seedSpaces(database.db, {
      spaces,
      secondariesPerSpace: MEMBERS_PER_SPACE - 1,
    });
    const tokens = seeded
      .flatMap((space) => [space.principal, ...space.secondaries])
      .map((member) => member.token)
      .slice(0, total);
    const generators: LoadGenerator[] = [];
    for (let i = 0; i < Math.ceil(total / SOCKETS_PER_GENERATOR); i++) {
      const generator = startLoadGenerator();
      cleanups.add(() => generator.stop());
      generators.push(generator);
    }

    const server = await startServerNode({
      env: { DATABASE_URL: database.url, LOG_LEVEL: 'info' },
      nodeFlags: [...GC_ON_SIGNAL_FLAGS, ...profilingFlags()],
    });
    cleanups.add(() => server.stop());
    const ours = await holdSockets(server, generators, tokens, context.log);
    await server.stop();

    const bare = await startServerNode({
      script: 'tests/bench/peers/bare-socketio-server.ts',
      nodeFlags: GC_ON_SIGNAL_FLAGS,
    });
    cleanups.add(() => bare.stop());
    const baseline = await holdSockets(bare, generators, tokens, context.log);

    const perSocket = (held: Held, key: keyof MemoryReading) =>
      round((held.after[key] - held.before[key]) / held.sockets, 1);
    const count = total.toLocaleString('en');
    const figures: Figure[] = [
      {
        label: `server memory per idle socket (RSS), ${count} sockets`,
        value: perSocket(ours, 'rssKb'),
        unit: 'KB',
        baseline: { label: 'bare Socket.IO', value: perSocket(baseline, 'rssKb') },
        goal: '≤ 25 KB',
        pass: perSocket(ours, 'rssKb') <= 25,
      },
      {
        label: `server JS heap per idle socket, ${count} sockets`,
        value: perSocket(ours, 'heapUsedKb'),
        unit: 'KB',
        baseline: { label: 'bare Socket.IO', value: perSocket(baseline, 'heapUsedKb') },
      },
      {
        label: `server RSS with ${count} sockets`,
        value: round(ours.after.rssKb / 1024, 0),
        unit: 'MB',
        baseline: { label: 'bare Socket.IO', value: round(baseline.after.rssKb / 1024, 0) },
      },
      {
        label: `time to connect ${count} authenticated panels (snapshot received)`,
        value: round(ours.connectMs / 1000, 1),
        unit: 's',
        baseline: { label: 'bare Socket.IO', value: round(baseline.connectMs / 1000, 1) },
      },
      {
        label: 'server CPU per connection (handshake, rooms, snapshot, presence)',
        value: round(ours.connectCpuMs / ours.sockets, 2),
        unit: 'ms',
        baseline: {
          label: 'bare Socket.IO',
          value: round(baseline.connectCpuMs / baseline.sockets, 2),
        },
      },
    ];
    return {
      id: 'realtime-idle-sockets',
      title: 'Idle sockets: server memory per connected panel',
      figures,
      notes: [
        `${count} authenticated sockets held by one server process (server/main.ts, real ` +
          `PostgreSQL, the PostgreSQL adapter on as in any deployment on PostgreSQL), in ` +
          `${spaces} spaces of ${MEMBERS_PER_SPACE} members (one principal and secondaries with ` +
          `one SIRET each): many mid-sized teams, as employer spaces are, rather than one huge space.`,
        `Clients: real socket.io-client connections (WebSocket) in ${generators.length} load ` +
          `generator process(es) on the same machine, at most ${SOCKETS_PER_GENERATOR.toLocaleString('en')} each ` +
          `(one file descriptor per socket; the limit is 20,000 per process). Every client waited ` +
          `for its snapshot, so each socket has joined its rooms and been sent its presence.`,
        `Memory: the server runs with --expose-gc and a preload that runs two full collections ` +
          `on SIGUSR2 (server code unchanged); VmRSS is read from /proc/<pid>/status after the ` +
          `collection, before connecting and ${SETTLE_MS / 1000} s after the last client ` +
          `connected. Per socket = (after − before) ÷ ${count}. JS heap = process.memoryUsage().heapUsed ` +
          `after the same collection.`,
        `RSS after − before can come out below the heap's growth: pages the process already held ` +
          `(start-up, migrations) are reused before new ones are mapped. Both are given; the goal ` +
          `is on RSS.`,
        `Connecting is the costly part, not holding: each connection is a handshake (session ` +
          `lookup), a snapshot read in one statement that PostgreSQL answers as JSON ` +
          `(server/db/queries/snapshot.ts) and the presence of its space; the server CPU per ` +
          `connection is given beside the bare server's.`,
        `Baseline: a bare Socket.IO server (no auth, no database, no rooms) holding the same ` +
          `number of sockets from the same generators, measured the same way.`,
      ],
    };
  } finally {
    await cleanups.run(context.log);
  }
};

async function holdSockets(
  node: ServerNode,
  generators: LoadGenerator[],
  tokens: string[],
  log: (message: string) => void,
): Promise<Held> {
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const before = await memoryAfterGc(node);
  const cpu = await measureCpu(async () => [node.process.pid!]);
  const started = now();
  const share = Math.ceil(tokens.length / generators.length);
  const results = await Promise.all(
    generators.map((generator, i) =>
      generator.connect({
        url: node.url,
        tokens: tokens.slice(i * share, (i + 1) * share),
        live: false,
        reconnection: false,
        concurrency: 100,
        timeoutMs: 240_000,
      }),
    ),
  );
  const connectMs = now() - started;
  const connectCpuMs = await cpu.stop();
  const failed = results.reduce((sum, r) => sum + r.failed, 0);
  if (failed > 0)
    throw new Error(
      `${failed} sockets could not connect: ${results.flatMap((r) => r.errors).join('; ')}`,
    );
  log(`  ${tokens.length} sockets on ${node.url} in ${round(connectMs / 1000, 1)} s`);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const after = await memoryAfterGc(node);
  await Promise.all(generators.map((generator) => generator.disconnect()));
  return { sockets: tokens.length, before, after, connectMs, connectCpuMs };
}
