/**
 * What each added node costs every commit: 1 to 4 server processes on one
 * PostgreSQL, first with the PostgreSQL adapter (NOTIFY/LISTEN), then with
 * the Redis Streams adapter (`REDIS_URL`), the same load on each.
 *
 * Commits come at a steady rate through node A (a principal's change, one
 * event, from this process). Every node holds panels of other spaces, which
 * those commits do not concern, as a node of a deployment does; the last node
 * (node A when alone) also holds panels of the changed space, whose delivery
 * latency is measured. The CPU of every process over the run, divided by the
 * commits, gives what a commit costs each node, PostgreSQL and Redis; the
 * slope of what the receiving side costs (every node but A, PostgreSQL,
 * Redis) against the number of nodes is what one more node costs every commit.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { createClient } from 'redis';
import { ADAPTER_APPLICATION_NAME } from '../../../server/realtime/attach-realtime.js';
import { PRESENCE_SETTLED_WITHIN_MS } from '../../../server/realtime/presence.js';
import { percentile, ratio, round, type Figure, type Measure, type Table } from '../measure.js';
import { startServerNode, type ServerNode } from '../../support/server-node.js';
import { createPostgresDatabase } from '../../support/postgres-database.js';
import { Cleanups } from '../load/cleanups.js';
import { startLoadGenerator, type LoadGenerator } from '../load/load-generators.js';
import { principalChanger, type PrincipalChanger } from '../load/principal-change.js';
import { cpuMs, measureCpu, postgresPids } from '../load/process-cpu.js';
import { now } from '../load/protocol.js';
import { seedSpaces } from '../load/seed-spaces.js';

type AdapterKind = 'postgres' | 'redis';

interface Point {
  adapter: AdapterKind;
  nodes: number;
  commits: number;
  /** Commits per second achieved (the changes are sent one at a time). */
  rate: number;
  /** CPU per commit (ms) of each node, node A first. */
  perNode: number[];
  postgres: number;
  /** Of PostgreSQL's, the adapter's own connections (its NOTIFYs, its LISTEN). */
  postgresAdapter: number;
  redis: number;
  /** Delivery latency (ms) to each panel of the changed space on the last node, every commit. */
  latencies: number[];
  missing: number;
}

const NODE_COUNTS = [1, 2, 3, 4];
const RATE_PER_S = 100;
/** Beyond the longest wait of a presence count (server/realtime/presence.ts), and the count itself. */
const PRESENCE_SETTLE_MS = PRESENCE_SETTLED_WITHIN_MS + 500;
const WARM_UP_S = 1;
/** Before the first measure of each adapter: node A's request path gets compiled first. */
const FIRST_WARM_UP_S = 3;
/** After the last change: its delivery on every node falls inside the CPU window. */
const DRAIN_MS = 500;
const COLLECT_TIMEOUT_MS = 5_000;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ADAPTER_NAMES: Record<AdapterKind, string> = {
  postgres: 'PostgreSQL adapter',
  redis: 'Redis Streams adapter',
};

export const measureNodeCount: Measure = async (context) => {
  const seconds = context.quick ? 4 : 10;
  const panelsOfChangedSpace = context.quick ? 10 : 20;
  const otherPanelsPerNode = context.quick ? 10 : 50;
  const maxNodes = Math.max(...NODE_COUNTS);
  const cleanups = new Cleanups();
  try {
    const redis = createClient({ url: REDIS_URL, socket: { reconnectStrategy: false } });
    redis.on('error', () => {});
    await redis.connect().catch((error: unknown) => {
      throw new Error(`Redis does not answer at ${REDIS_URL} (BENCH_REDIS_URL): ${String(error)}`);
    });
    cleanups.add(async () => redis.destroy());
    const redisPids = () => Promise.resolve(pidsOf('redis-server'));
    if (pidsOf('redis-server').length === 0)
      context.log('no redis-server process found here: Redis CPU counts 0');

    const database = await createPostgresDatabase(context.postgresUrl, {
      prefix: 'qrp_bench_nodes',
      poolSize: 4,
    });
    cleanups.add(() => database.close());
    const perSpace = panelsOfChangedSpace + 1;
    const [space, ...others] = await seedSpaces(database.db, {
      spaces: 1 + Math.ceil((maxNodes * otherPanelsPerNode) / perSpace),
      secondariesPerSpace: perSpace,
    });
    const watched = space!.secondaries.slice(0, panelsOfChangedSpace).map((s) => s.token);
    const otherTokens = others.flatMap((s) => s.secondaries.map((m) => m.token));
    const changer = principalChanger(database.db, space!);

    const far = startLoadGenerator();
    cleanups.add(() => far.stop());
    const elsewhere = startLoadGenerator();
    cleanups.add(() => elsewhere.stop());

    const points: Point[] = [];
    for (const adapter of ['postgres', 'redis'] as const) {
      const stream = `qrp-bench-${randomBytes(4).toString('hex')}`;
      if (adapter === 'redis') cleanups.add(() => redis.del(stream));
      const env: Record<string, string> = {
        DATABASE_URL: database.url,
        LOG_LEVEL: 'info',
        ...(adapter === 'redis' ? { REDIS_URL, REDIS_STREAM: stream } : {}),
      };
      const nodes: ServerNode[] = [];
      for (const count of NODE_COUNTS) {
        while (nodes.length < count) {
          const node = await startServerNode({ env });
          cleanups.add(() => node.stop());
          nodes.push(node);
        }
        await Promise.all([far.disconnect(), elsewhere.disconnect()]);
        for (const [i, node] of nodes.entries()) {
          const from = i * otherPanelsPerNode;
          await connect(elsewhere, node, otherTokens.slice(from, from + otherPanelsPerNode));
        }
        await connect(far, nodes.at(-1)!, watched);
        await new Promise((resolve) => setTimeout(resolve, PRESENCE_SETTLE_MS));

        const warmUp = count === NODE_COUNTS[0] ? FIRST_WARM_UP_S : WARM_UP_S;
        await sendAtRate(changer, nodes[0]!, warmUp);
        const point = await runAt(
          {
            adapter,
            nodes,
            changer,
            far,
            redisPids,
            postgresPids: pidsOfDatabase,
            adapterPids: pidsOfAdapter,
          },
          seconds,
        );
        points.push(point);
        context.log(
          `${ADAPTER_NAMES[adapter]}, ${count} node(s): ${point.commits} commits at ` +
            `${round(point.rate, 0)}/s; CPU per commit ${point.perNode.map((c) => round(c, 3)).join(' / ')} ms ` +
            `(nodes), ${round(point.postgres, 3)} ms (PostgreSQL), ${round(point.redis, 3)} ms (Redis); ` +
            `last node p50 ${round(percentile(point.latencies, 0.5), 1)} ms`,
        );
      }
      await Promise.all([far.disconnect(), elsewhere.disconnect()]);
      await Promise.all(nodes.map((node) => node.stop()));
    }

    return {
      id: 'realtime-node-count',
      title: 'Nodes: what each added server node costs every commit, PostgreSQL or Redis adapter',
      figures: figuresOf(points),
      tables: [tableOf(points)],
      notes: notesOf(points, { seconds, panelsOfChangedSpace, otherPanelsPerNode }),
    };

    function pidsOfDatabase(): Promise<number[]> {
      // Its own backends only: the background processes serve every database of the machine.
      return postgresPids(database.db, { background: false });
    }
    async function pidsOfAdapter(): Promise<number[]> {
      const { rows } = await sql<{ pid: number }>`
        select pid from pg_stat_activity
        where datname = current_database() and application_name = ${ADAPTER_APPLICATION_NAME}`.execute(
        database.db,
      );
      return rows.map((row) => row.pid);
    }
  } finally {
    await cleanups.run(context.log);
  }
};

interface Run {
  adapter: AdapterKind;
  nodes: ServerNode[];
  changer: PrincipalChanger;
  far: LoadGenerator;
  redisPids: () => Promise<number[]>;
  postgresPids: () => Promise<number[]>;
  adapterPids: () => Promise<number[]>;
}

async function runAt(run: Run, seconds: number): Promise<Point> {
  const nodeCpu = await Promise.all(
    run.nodes.map((node) => measureCpu(() => Promise.resolve([node.process.pid!]))),
  );
  const postgresCpu = await measureCpu(run.postgresPids);
  const adapterCpu = await measureCpu(run.adapterPids);
  const redisCpu = await measureCpu(run.redisPids);
  const head = await run.changer.head();
  const t0 = now();
  const started = await sendAtRate(run.changer, run.nodes[0]!, seconds);
  const elapsed = now() - t0;
  await new Promise((resolve) => setTimeout(resolve, DRAIN_MS));
  const perNodeMs = await Promise.all(nodeCpu.map((cpu) => cpu.stop()));
  const postgresMs = await postgresCpu.stop();
  const adapterMs = await adapterCpu.stop();
  const redisMs = await redisCpu.stop();
  const commits = (await run.changer.head()) - head;
  if (commits !== started.length) {
    throw new Error(`expected ${started.length} commits, found ${commits}`);
  }

  // Each change stored one event, in the order they were sent: its id is head + i + 1.
  const latencies: number[] = [];
  let missing = 0;
  for (const [i, start] of started.entries()) {
    const arrived = await run.far.collect(head + i + 1, i === 0 ? COLLECT_TIMEOUT_MS : 0);
    latencies.push(...arrived.times.map((t) => t - start));
    missing += arrived.missing;
  }
  return {
    adapter: run.adapter,
    nodes: run.nodes.length,
    commits,
    rate: (commits * 1000) / elapsed,
    perNode: perNodeMs.map((ms) => ms / commits),
    postgres: postgresMs / commits,
    postgresAdapter: adapterMs / commits,
    redis: redisMs / commits,
    latencies,
    missing,
  };
}

/**
 * Changes through `node` for `seconds`, one at a time, each started on its
 * tick or as soon as the last one answered: on a busy machine, fewer than
 * the rate asks, in the same time.
 */
async function sendAtRate(
  changer: PrincipalChanger,
  node: ServerNode,
  seconds: number,
): Promise<number[]> {
  const started: number[] = [];
  const t0 = now();
  const end = t0 + seconds * 1000;
  for (let i = 0; now() < end; i++) {
    const wait = t0 + (i * 1000) / RATE_PER_S - now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    started.push(now());
    await changer.change(node.url);
  }
  return started;
}

async function connect(generator: LoadGenerator, node: ServerNode, tokens: string[]) {
  const result = await generator.connect({
    url: node.url,
    tokens,
    live: false,
    reconnection: false,
    concurrency: 25,
    timeoutMs: 60_000,
  });
  if (result.failed > 0)
    throw new Error(`${result.failed} panels could not connect to ${node.url}: ${result.errors}`);
}

/** The processes of that name (Redis serves this machine: its CPU is read from /proc). */
function pidsOf(name: string): number[] {
  try {
    return execFileSync('pgrep', ['-x', name], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number)
      .filter((pid) => cpuMs(pid) !== null);
  } catch {
    return [];
  }
}

/**
 * What a commit costs beyond the commit itself: every receiving node, the
 * adapter's PostgreSQL connections and Redis. Node A and the business
 * connections of PostgreSQL do the same work whatever the number of nodes
 * (one message per commit); their figures are in the table.
 */
function receivingSide(point: Point): number {
  const nodes = point.perNode.slice(1).reduce((sum, ms) => sum + ms, 0);
  return nodes + point.postgresAdapter + point.redis;
}

/**
 * Least-squares slope of `y` against the number of nodes, from 2 nodes on:
 * what one more node adds. Alone, node A holds the watched panels that a
 * receiving node holds from 2 nodes on, so 1 node is left out.
 */
function slope(all: Point[], y: (point: Point) => number): number {
  const points = all.filter((p) => p.nodes >= 2);
  const xs = points.map((p) => p.nodes);
  const ys = points.map(y);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (const [i, x] of xs.entries()) {
    num += (x - mx) * (ys[i]! - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}

/** A receiving node that holds no panel of the changed space: nodes 2 to n − 1. */
function middleNodes(point: Point): number[] {
  return point.perNode.slice(1, -1);
}

function mean(values: number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

function figuresOf(points: Point[]): Figure[] {
  const of = (adapter: AdapterKind) => points.filter((p) => p.adapter === adapter);
  const lists = [
    ['postgres', of('postgres')],
    ['redis', of('redis')],
  ] as const;
  const pg = lists[0][1];
  const span = `${Math.max(2, NODE_COUNTS[0]!)} to ${NODE_COUNTS.at(-1)} nodes`;
  const versusPostgres = (adapter: AdapterKind, value: number) =>
    adapter === 'redis' ? { baseline: { label: ADAPTER_NAMES.postgres, value } } : {};
  const figures: Figure[] = [];
  for (const [adapter, list] of lists) {
    figures.push({
      label: `CPU per commit added by each node (receiving nodes + adapter's PostgreSQL connections + Redis, slope over ${span}), ${ADAPTER_NAMES[adapter]}`,
      value: round(slope(list, receivingSide), 3),
      unit: 'ms',
      ...versusPostgres(adapter, round(slope(pg, receivingSide), 3)),
    });
  }
  for (const [adapter, list] of lists) {
    const point = list.at(-1)!;
    figures.push({
      label: `CPU per commit of a receiving node holding no panel concerned, ${point.nodes} nodes, ${ADAPTER_NAMES[adapter]}`,
      value: round(mean(middleNodes(point)), 3),
      unit: 'ms',
      ...versusPostgres(adapter, round(mean(middleNodes(pg.at(-1)!)), 3)),
    });
  }
  for (const [name, pick] of [
    ['PostgreSQL (adapter connections)', (p: Point) => p.postgresAdapter],
    ['Redis', (p: Point) => p.redis],
  ] as const) {
    for (const [adapter, list] of lists) {
      figures.push({
        label: `${name} CPU per commit added by each node (slope over ${span}), ${ADAPTER_NAMES[adapter]}`,
        value: round(slope(list, pick), 3),
        unit: 'ms',
      });
    }
  }
  for (const [adapter, list] of lists) {
    const point = list.at(-1)!;
    figures.push({
      label: `CPU per commit of node A (the commit, and its message to the others), ${point.nodes} nodes, ${ADAPTER_NAMES[adapter]}`,
      value: round(point.perNode[0]!, 3),
      unit: 'ms',
      baseline: { label: 'one node', value: round(list[0]!.perNode[0]!, 3) },
    });
  }
  for (const q of [0.5, 0.99]) {
    for (const [adapter, list] of lists) {
      const point = list.at(-1)!;
      figures.push({
        label: `p${q * 100} delivery to a panel on the last node, ${point.nodes} nodes, ${ADAPTER_NAMES[adapter]}`,
        value: round(percentile(point.latencies, q), 1),
        unit: 'ms',
        baseline: { label: 'one node', value: round(percentile(list[0]!.latencies, q), 1) },
      });
    }
  }
  return figures;
}

function tableOf(points: Point[]): Table {
  const ms = (value: number) => (Number.isNaN(value) ? '—' : round(value, 3).toFixed(3));
  return {
    caption:
      'CPU per commit (ms) of each process, and delivery to the panels of the changed space on the last node:',
    head: [
      'adapter',
      'nodes',
      'commits/s',
      'node A (sends)',
      'other nodes, no panel concerned',
      'last node (panels)',
      'PostgreSQL (of which adapter)',
      'Redis',
      'receiving side',
      'p50 / p99 delivery',
      'missing',
    ],
    rows: points.map((p) => [
      ADAPTER_NAMES[p.adapter],
      String(p.nodes),
      String(round(p.rate, 0)),
      ms(p.perNode[0]!),
      middleNodes(p).map(ms).join(', ') || '—',
      p.nodes > 1 ? ms(p.perNode.at(-1)!) : '(node A)',
      `${ms(p.postgres)} (${ms(p.postgresAdapter)})`,
      ms(p.redis),
      ms(receivingSide(p)),
      `${round(percentile(p.latencies, 0.5), 1)} / ${round(percentile(p.latencies, 0.99), 1)} ms`,
      String(p.missing),
    ]),
  };
}

function notesOf(
  points: Point[],
  sizes: { seconds: number; panelsOfChangedSpace: number; otherPanelsPerNode: number },
): string[] {
  const of = (adapter: AdapterKind) => points.filter((p) => p.adapter === adapter);
  const slopes = (['postgres', 'redis'] as const).map((adapter) =>
    slope(of(adapter), receivingSide),
  );
  return [
    `Real PostgreSQL (fresh database) and the machine's Redis; server processes started from the ` +
      `built server/main.ts, 1 to ${NODE_COUNTS.at(-1)} at once, first all with the PostgreSQL adapter, ` +
      `then all with \`REDIS_URL\` (a stream of the run's own). Load generators and this process ` +
      `share the same 2 cores.`,
    `Commits: through node A for ${sizes.seconds} s (after ${WARM_UP_S} s of warm-up, ` +
      `${FIRST_WARM_UP_S} s at the first node count), one at a time, at most ${RATE_PER_S} a second: ` +
      `each the principal setting a secondary's SIRETs (one event, in detail for two members, ` +
      `\`hidden\` for the others). "commits/s" is the rate achieved: below ${RATE_PER_S}, a change ` +
      `took longer than its tick on this machine.`,
    `Panels: every node holds ${sizes.otherPanelsPerNode} panels of other spaces (no commit concerns ` +
      `them); the last node (node A when alone) also holds ${sizes.panelsOfChangedSpace} panels of the ` +
      `changed space. Delivery = arrival at those panels − start of the change's HTTP request.`,
    `CPU: user + system time from /proc of each node, of PostgreSQL (this database's backends, ` +
      `the adapter's LISTEN connections among them; not the background processes, which serve every ` +
      `database of the machine) and of the redis-server process, over the measured run plus ` +
      `${DRAIN_MS} ms, divided by the commits. Redis serves the whole machine: its figure includes ` +
      `whatever else used it then; under the PostgreSQL adapter it is that background alone.`,
    `Per added node: the least-squares slope, from 2 nodes on, of the receiving side (every node ` +
      `but A, the adapter's PostgreSQL connections, Redis) against the number of nodes: ${round(slopes[0]!, 3)} ms per ` +
      `commit with the PostgreSQL adapter, ${round(slopes[1]!, 3)} ms with Redis Streams ` +
      `(${ratio(slopes[1]!, slopes[0]!)} ×). Each node receives every commit and projects it for ` +
      `its own sockets, whether or not it holds any panel concerned. Node A and PostgreSQL's business ` +
      `connections do the same work per commit whatever the number of nodes: their figures (in the ` +
      `table) move with the rate achieved and the machine, not with the nodes.`,
    ...points
      .filter((p) => p.missing > 0)
      .map(
        (p) =>
          `${ADAPTER_NAMES[p.adapter]}, ${p.nodes} nodes: ${p.missing} deliveries missing after ${COLLECT_TIMEOUT_MS} ms.`,
      ),
  ];
}
