/**
 * Fan-out: a principal's HTTP change → its event at every one of N connected
 * clients of the space, on real PostgreSQL, the server as its own process
 * (the real entry point) and the clients in a load generator process.
 *
 * With the clients on node B, a change sent to B gives the single-node figure
 * and the same change sent to node A the cross-node one (through the
 * PostgreSQL adapter); both are taken on the same connected clients, change
 * after change, so that they see the same conditions. The bare Socket.IO
 * server (peers/bare-socketio-server.ts) with the same load generator and the
 * same N gives the baseline.
 */
import { PRESENCE_SETTLED_WITHIN_MS } from '../../../server/realtime/presence.js';
import { percentile, ratio, round, type Figure, type Measure, type Series } from '../measure.js';
import { startServerNode, type ServerNode } from '../../support/server-node.js';
import { createPostgresDatabase } from '../../support/postgres-database.js';
import { Cleanups } from '../load/cleanups.js';
import { profilingFlags } from '../load/profiling.js';
import { startLoadGenerator, type LoadGenerator } from '../load/load-generators.js';
import { principalChanger } from '../load/principal-change.js';
import { now } from '../load/protocol.js';
import { seedSpaces } from '../load/seed-spaces.js';
import { deliveryTracing, splitTable, type TracedChange } from './delivery-split.js';

interface Latencies {
  /** Every client's delivery latency, every change. */
  perClient: number[];
  /** The last client's latency, one per change. */
  lastClient: number[];
  /** From the start of the change's request to its HTTP answer, one per change. */
  answered: number[];
  missing: number;
}

interface Point {
  n: number;
  single: Latencies;
  cross: Latencies;
  bare: Latencies;
  /** The bare peer from one node to the sockets of another, through the PostgreSQL adapter. */
  bareCross: Latencies;
}

const WARM_UP_CHANGES = 3;
/** Beyond the longest wait of a presence count (server/realtime/presence.ts), and the count itself. */
const PRESENCE_SETTLE_MS = PRESENCE_SETTLED_WITHIN_MS + 500;
const COLLECT_TIMEOUT_MS = 10_000;
/** Against the changer's own alternation (none, one SIRET, none, …): both kinds through each node. */
const THROUGH_ORDER = ['B', 'A', 'A', 'B'] as const;
const BARE_PEER = 'tests/bench/peers/bare-socketio-server.ts';

export const measureFanout: Measure = async (context) => {
  const sizes = context.quick ? [10, 100] : [10, 100, 300, 1000];
  const changes = context.quick ? 15 : 100;
  const cleanups = new Cleanups();
  try {
    const database = await createPostgresDatabase(context.postgresUrl, {
      prefix: 'qrp_bench_fanout',
      poolSize: 4,
    });
    cleanups.add(() => database.close());
    const maxN = Math.max(...sizes);
    // One space: N connected secondaries, plus the one whose SIRETs change. Another space's
    // panels keep node A as busy as B (see `idleOnA`).
    const [space, elsewhere] = await seedSpaces(database.db, {
      spaces: 2,
      secondariesPerSpace: maxN + 1,
    });
    const tokens = space!.secondaries.slice(0, maxN).map((s) => s.token);
    const tokensElsewhere = elsewhere!.secondaries.slice(0, maxN).map((s) => s.token);
    const changer = principalChanger(database.db, space!);

    const env = { DATABASE_URL: database.url, LOG_LEVEL: 'info' };
    const tracing = deliveryTracing();
    const traceA = tracing.node('a');
    const traceB = tracing.node('b');
    const nodeA = await startServerNode({
      env: { ...env, ...traceA.env },
      nodeFlags: [...profilingFlags(), ...traceA.nodeFlags],
    });
    cleanups.add(() => nodeA.stop());
    const nodeB = await startServerNode({
      env: { ...env, ...traceB.env },
      nodeFlags: [...profilingFlags(), ...traceB.nodeFlags],
    });
    cleanups.add(() => nodeB.stop());
    const bare = await startServerNode({ script: BARE_PEER });
    cleanups.add(() => bare.stop());
    const generator = startLoadGenerator();
    cleanups.add(() => generator.stop());
    const generatorElsewhere = startLoadGenerator();
    cleanups.add(() => generatorElsewhere.stop());

    const ours = new Map<number, { single: Latencies; cross: Latencies }>();
    const traced: TracedChange[] = [];
    // Node A holds as many panels as B, of another space that the changes do not concern,
    // as any node of a deployment holds panels: a node holding none ran the same request
    // 0.4 to 2 ms slower (benchmarks/analysis.md), which is not the hop being measured.
    let idleOnA = 0;
    const alsoOnA = async (n: number) => {
      await connectClients(generatorElsewhere, nodeA, tokensElsewhere.slice(idleOnA, n));
      idleOnA = n;
    };
    await rampUp(
      generator,
      nodeB,
      tokens,
      sizes,
      context.log,
      async (n) => {
        const single = emptyLatencies();
        const cross = emptyLatencies();
        // Each change stores one event: its id is known without asking the database while
        // the event is on its way, which would take a core from the delivery it measures.
        let eventId = await changer.head();
        for (let i = 0; i < WARM_UP_CHANGES + changes * 2; i++) {
          // Alternate the node the change goes through, B (the clients' own) or A, so that
          // each gets as many of the two kinds of change (none, one SIRET): B, A, A, B, …
          const through = THROUGH_ORDER[i % THROUGH_ORDER.length] === 'B' ? nodeB : nodeA;
          const started = now();
          await changer.change(through.url);
          const answered = now();
          const seq = ++eventId;
          const arrived = await generator.collect(seq, COLLECT_TIMEOUT_MS);
          if (i < WARM_UP_CHANGES) continue;
          const path = through === nodeB ? 'single' : 'cross';
          record(path === 'single' ? single : cross, started, answered, arrived);
          traced.push({ n, path, seq, started, arrivals: arrived.times });
        }
        const head = await changer.head();
        if (head !== eventId) throw new Error(`expected the stream at ${eventId}, found ${head}`);
        ours.set(n, { single, cross });
      },
      alsoOnA,
    );
    await generator.disconnect();
    await generatorElsewhere.stop();
    // The nodes write their stamps as they exit; they are done, and the bare peers get the cores.
    await Promise.all([nodeA.stop(), nodeB.stop()]);
    const split = splitTable(traced, tracing.read(traceA.file), tracing.read(traceB.file));

    let bareId = 0;
    /** The bare peer's broadcast, sent through `emitter` to clients connected to `node`. */
    const measureBare = async (node: ServerNode, emitter: ServerNode) => {
      const results = new Map<number, Latencies>();
      await rampUp(generator, node, tokens, sizes, context.log, async (n) => {
        const latencies = emptyLatencies();
        for (let i = 0; i < WARM_UP_CHANGES + changes; i++) {
          const id = ++bareId;
          const started = now();
          const response = await fetch(`${emitter.url}/emit`, {
            method: 'POST',
            body: JSON.stringify({ id }),
          });
          await response.arrayBuffer();
          const answered = now();
          const arrived = await generator.collect(id, COLLECT_TIMEOUT_MS);
          if (i >= WARM_UP_CHANGES) record(latencies, started, answered, arrived);
        }
        results.set(n, latencies);
      });
      await generator.disconnect();
      return results;
    };
    const bareResults = await measureBare(bare, bare);
    await bare.stop();
    // Two bare nodes on the PostgreSQL adapter: clients on one, the emit through the other.
    const bareEnv = { DATABASE_URL: database.url };
    const bareA = await startServerNode({ script: BARE_PEER, env: bareEnv });
    cleanups.add(() => bareA.stop());
    const bareB = await startServerNode({ script: BARE_PEER, env: bareEnv });
    cleanups.add(() => bareB.stop());
    const bareCrossResults = await measureBare(bareB, bareA);

    const points: Point[] = sizes.map((n) => ({
      n,
      ...ours.get(n)!,
      bare: bareResults.get(n)!,
      bareCross: bareCrossResults.get(n)!,
    }));
    return {
      id: 'realtime-fanout',
      title: 'Fan-out: a principal’s change to every connected panel of the space',
      figures: figuresOf(points, context.quick),
      series: seriesOf(points),
      tables: [split],
      notes: [
        `Real PostgreSQL (fresh database), server processes started from server/main.ts; ` +
          `clients are real socket.io-client connections (WebSocket) held by a load generator ` +
          `in its own process on the same machine (2 cores shared by server, PostgreSQL and clients).`,
        `One space with N connected secondaries (N = ${sizes.join(', ')}); ${changes} changes per N ` +
          `and per node (after ${WARM_UP_CHANGES} warm-up changes): the principal sets another ` +
          `secondary's SIRETs (PUT /api/v1/secondaries/:id/sirets, alternately none and one), whose ` +
          `event reaches every member (as \`hidden\` for those not concerned). Each N is measured ` +
          `${PRESENCE_SETTLE_MS / 1000} s after its clients connected, once the presence counts of ` +
          `their arrival are over (the bare peer has none).`,
        `Latency = arrival at the client − start of the principal's HTTP request, both stamped with ` +
          `performance.timeOrigin + performance.now() (one clock across processes). "Last client" = ` +
          `the slowest client of each change.`,
        `Single node: clients on node B, change sent to B. Cross node: same clients, change sent to ` +
          `node A, delivered through the PostgreSQL adapter (NOTIFY/LISTEN). Both nodes run the ` +
          `adapter, as any deployment on PostgreSQL does, and both hold N panels: node A those of ` +
          `another space, which the changes do not concern, from a second load generator process. ` +
          `Changes alternate between the two (B, A, A, B, …), so that each node gets as many ` +
          `changes of each kind.`,
        `Baseline: a bare Socket.IO server (plain node:http + socket.io, no auth, no database) ` +
          `emitting to all on an HTTP POST, same load generator, same N. The bare path has no ` +
          `transaction and no event row, so the ratio also counts our commit.`,
        `Bare across nodes: two processes of the same bare peer sharing broadcasts through ` +
          `@socket.io/postgres-adapter with its defaults (its own channel, same database), the ` +
          `clients on one, the POST to the other: what the hop between nodes costs with nothing ` +
          `else, beside the bare single node. The emitting bare node holds no panels: its ` +
          `broadcast goes to every socket of every node, so panels there would take its delivery.`,
        ...floorNotes(points),
        ...missingNotes(points),
      ],
    };
  } finally {
    await cleanups.run(context.log);
  }
};

/** Connects clients up to each size in turn and measures at each. */
async function rampUp(
  generator: LoadGenerator,
  node: ServerNode,
  tokens: string[],
  sizes: number[],
  log: (message: string) => void,
  measureAt: (n: number) => Promise<void>,
  /** Connects whatever else must be there at each size, before the presence counts settle. */
  alongside?: (n: number) => Promise<void>,
): Promise<void> {
  let connected = 0;
  for (const n of sizes) {
    const started = now();
    await connectClients(generator, node, tokens.slice(connected, n));
    connected = n;
    await alongside?.(n);
    log(`  ${n} clients on ${node.url} (+${round(now() - started, 0)} ms)`);
    // The presence counts of the arrivals (one to every client of the space each time)
    // come to an end first: what is measured is a change reaching panels already there.
    await new Promise((resolve) => setTimeout(resolve, PRESENCE_SETTLE_MS));
    await measureAt(n);
  }
}

/** Connects one client per token to `node`, without reconnection; any failure fails the measure. */
async function connectClients(
  generator: LoadGenerator,
  node: ServerNode,
  tokens: string[],
): Promise<void> {
  const result = await generator.connect({
    url: node.url,
    tokens,
    live: false,
    reconnection: false,
    concurrency: 50,
    timeoutMs: 60_000,
  });
  if (result.failed > 0)
    throw new Error(
      `${result.failed} clients could not connect to ${node.url}: ${result.errors.join('; ')}`,
    );
}

function emptyLatencies(): Latencies {
  return { perClient: [], lastClient: [], answered: [], missing: 0 };
}

function record(
  into: Latencies,
  started: number,
  answered: number,
  arrived: { times: number[]; missing: number },
): void {
  into.answered.push(answered - started);
  const latencies = arrived.times.map((t) => t - started);
  into.perClient.push(...latencies);
  into.lastClient.push(Math.max(...latencies));
  into.missing += arrived.missing;
}

function figuresOf(points: Point[], quick: boolean): Figure[] {
  const reported = quick ? [points.at(-1)!] : points.filter((p) => p.n === 100 || p.n === 1000);
  const figures: Figure[] = [];
  const last = reported.at(-1)!;
  figures.push({
    label: `p50 HTTP answer of the change (commit included), N = ${last.n.toLocaleString('en')}, one node`,
    value: round(percentile(last.single.answered, 0.5)),
    unit: 'ms',
    baseline: { label: 'bare Socket.IO POST', value: round(percentile(last.bare.answered, 0.5)) },
  });
  for (const point of reported) {
    const n = point.n.toLocaleString('en');
    const big = point.n >= 1000;
    for (const [q, name, absolute] of [
      [0.5, 'p50', 10],
      [0.99, 'p99', 50],
    ] as const) {
      for (const [kind, pick] of [
        ['delivery per client', (l: Latencies) => l.perClient],
        ['last client', (l: Latencies) => l.lastClient],
      ] as const) {
        const value = round(percentile(pick(point.single), q));
        const bare = round(percentile(pick(point.bare), q));
        const relative = value <= 1.5 * bare;
        const perClient = kind === 'delivery per client';
        const withAbsolute = big && perClient;
        figures.push({
          label: `${name} ${kind}, N = ${n}, one node`,
          value,
          unit: 'ms',
          baseline: { label: 'bare Socket.IO', value: bare },
          goal: withAbsolute ? `≤ ${absolute} ms and ≤ 1.5 × bare` : '≤ 1.5 × bare',
          pass: withAbsolute ? relative && value <= absolute : relative,
        });
        const cross = round(percentile(pick(point.cross), q));
        figures.push({
          label: `${name} ${kind}, N = ${n}, across nodes`,
          value: cross,
          unit: 'ms',
          baseline: { label: 'one node', value },
          goal: `≤ 1.2 × one node (${ratio(cross, value)} ×)`,
          pass: cross <= 1.2 * value,
        });
        if (perClient) {
          // What the hop between nodes costs with nothing but Socket.IO and the adapter.
          figures.push({
            label: `${name} ${kind}, N = ${n}, across nodes, bare Socket.IO and PostgreSQL adapter`,
            value: round(percentile(pick(point.bareCross), q)),
            unit: 'ms',
            baseline: { label: 'bare Socket.IO, one node', value: bare },
          });
        }
      }
    }
  }
  return figures;
}

function seriesOf(points: Point[]): Series[] {
  const line = (name: string, pick: (p: Point) => number[], q: number): Series => ({
    name,
    points: points.map((p) => ({ x: p.n, y: round(percentile(pick(p), q)) })),
  });
  return [
    line('one node p50', (p) => p.single.perClient, 0.5),
    line('one node p99', (p) => p.single.perClient, 0.99),
    line('across nodes p50', (p) => p.cross.perClient, 0.5),
    line('across nodes p99', (p) => p.cross.perClient, 0.99),
    line('bare Socket.IO p50', (p) => p.bare.perClient, 0.5),
    line('bare Socket.IO p99', (p) => p.bare.perClient, 0.99),
    line('bare Socket.IO across nodes p50', (p) => p.bareCross.perClient, 0.5),
  ];
}

function missingNotes(points: Point[]): string[] {
  return points.flatMap((p) =>
    (['single', 'cross', 'bare', 'bareCross'] as const)
      .filter((k) => p[k].missing > 0)
      .map(
        (k) =>
          `N = ${p.n}, ${k}: ${p[k].missing} deliveries missing after ${COLLECT_TIMEOUT_MS} ms.`,
      ),
  );
}

/** What bounds the figures on this machine, from the measured baseline itself. */
function floorNotes(points: Point[]): string[] {
  const top = points.at(-1)!;
  const at = (l: Latencies, q: number) => round(percentile(l.perClient, q), 1);
  return [
    `At N = ${top.n.toLocaleString('en')} the bare server itself gives p50 ${at(top.bare, 0.5)} ms ` +
      `and p99 ${at(top.bare, 0.99)} ms: one load generator process needs that long to take ` +
      `${top.n.toLocaleString('en')} WebSocket messages in, on cores it shares with the server ` +
      `and PostgreSQL. An absolute goal below the bare figure cannot be met on this machine, ` +
      `whatever the server does.`,
    `Our extra time is the change itself: authentication, the rule's transaction and commit ` +
      `(p50 HTTP answer ${round(percentile(top.single.answered, 0.5), 1)} ms at N = ` +
      `${top.n.toLocaleString('en')}, ${round(percentile(points[0]!.single.answered, 0.5), 1)} ms at ` +
      `N = ${points[0]!.n}); the event is published right after the commit, before the answer, ` +
      `encoded once per broadcast (one for the detail rooms, one \`hidden\` for the rest); this ` +
      `node's sockets get it at once, the NOTIFY to the other node follows.`,
  ];
}
