/**
 * Splits the fan-out's latency, change by change, into the stages the server
 * nodes stamped (tests/bench/load/trace-delivery.ts) between the bench's
 * request and the clients' arrivals: all on one clock, so each stage is a
 * difference of two stamps and the stages add up to the whole.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile, round, type Table } from '../measure.js';
import type { TraceStamp } from '../load/trace-delivery.js';

const PRELOAD = fileURLToPath(new URL('../load/trace-delivery.ts', import.meta.url));

/** One measured change, as the bench saw it. */
export interface TracedChange {
  n: number;
  /** Single: committed on the clients' node (B). Cross: on node A, then through the adapter. */
  path: 'single' | 'cross';
  /** The change's event, by its place in the space's stream. */
  seq: number;
  started: number;
  /** Every client's arrival. */
  arrivals: number[];
}

export interface DeliveryTracing {
  /** Node flags and environment that make a server node stamp its stages into `file`. */
  node(name: string): { nodeFlags: string[]; env: Record<string, string>; file: string };
  read(file: string): TraceStamp[];
}

export function deliveryTracing(): DeliveryTracing {
  const dir = mkdtempSync(join(tmpdir(), 'qrp-trace-'));
  return {
    node(name) {
      const file = join(dir, `${name}.json`);
      return {
        nodeFlags: ['--import', 'tsx', '--import', PRELOAD],
        env: { TRACE_DELIVERY_FILE: file },
        file,
      };
    },
    read: (file) => JSON.parse(readFileSync(file, 'utf8')) as TraceStamp[],
  };
}

/** The stamps of one node, looked up by event. */
class NodeStamps {
  private readonly byStage = new Map<string, Map<number, number>>();
  private readonly requests: number[];
  private readonly answers: number[];

  constructor(stamps: readonly TraceStamp[]) {
    const sorted = [...stamps].sort((a, b) => a.at - b.at);
    this.requests = sorted.filter((s) => s.stage === 'request').map((s) => s.at);
    this.answers = sorted.filter((s) => s.stage === 'answered').map((s) => s.at);
    for (const stamp of sorted) {
      if (stamp.seq === undefined) continue;
      let stage = this.byStage.get(stamp.stage);
      if (!stage) this.byStage.set(stamp.stage, (stage = new Map()));
      stage.set(stamp.seq, stamp.at);
    }
  }

  at(stage: TraceStamp['stage'], seq: number): number {
    const at = this.byStage.get(stage)?.get(seq);
    if (at === undefined) throw new Error(`no "${stage}" stamp for event ${seq}`);
    return at;
  }

  /** The start of the request that committed `seq`: the last one before its publish. */
  requestOf(seq: number): number {
    const published = this.at('published', seq);
    const start = this.requests.findLast((at) => at <= published);
    if (start === undefined) throw new Error(`no request before event ${seq}`);
    return start;
  }

  /** When the answer to the request that committed `seq` was written. */
  answerOf(seq: number): number {
    const published = this.at('published', seq);
    const end = this.answers.find((at) => at >= published);
    if (end === undefined) throw new Error(`no answer after event ${seq}`);
    return end;
  }
}

interface Stages {
  /** Bench's request start → the committing node's request start. */
  reach: number;
  /** → the commit's events reach the realtime side (authentication, rule, commit). */
  commit: number;
  /** Cross only: → handed to the adapter (the local publish, then encoding). */
  send: number;
  /** Cross only: → node B has them (NOTIFY, PostgreSQL, B's LISTEN connection). */
  hop: number;
  /** → B has written them to its sockets. */
  write: number;
  /** → the median client has it. */
  clientsMedian: number;
  /** → the last client has it. */
  clientsLast: number;
  /** Committing node: its publish → its HTTP answer written. */
  answer: number;
}

function stagesOf(change: TracedChange, a: NodeStamps, b: NodeStamps): Stages {
  const committer = change.path === 'single' ? b : a;
  const request = committer.requestOf(change.seq);
  const published = committer.at('published', change.seq);
  let sent = published;
  let received = published;
  let delivered: number;
  if (change.path === 'single') {
    delivered = b.at('delivered-here', change.seq);
  } else {
    sent = a.at('sent-to-nodes', change.seq);
    received = b.at('received-from-node', change.seq);
    delivered = b.at('delivered-from-node', change.seq);
  }
  return {
    reach: request - change.started,
    commit: published - request,
    send: sent - published,
    hop: received - sent,
    write: delivered - received,
    clientsMedian: percentile(change.arrivals, 0.5) - delivered,
    clientsLast: Math.max(...change.arrivals) - delivered,
    answer: committer.answerOf(change.seq) - published,
  };
}

/** The median of each stage, per N and path, as a table for the report. */
export function splitTable(
  changes: readonly TracedChange[],
  stampsA: readonly TraceStamp[],
  stampsB: readonly TraceStamp[],
): Table {
  const a = new NodeStamps(stampsA);
  const b = new NodeStamps(stampsB);
  const rows: string[][] = [];
  const sizes = [...new Set(changes.map((c) => c.n))];
  for (const n of sizes) {
    for (const path of ['single', 'cross'] as const) {
      const stages = changes
        .filter((c) => c.n === n && c.path === path)
        .map((c) => stagesOf(c, a, b));
      if (stages.length === 0) continue;
      const median = (pick: (s: Stages) => number) => round(percentile(stages.map(pick), 0.5));
      const total = median((s) => s.reach + s.commit + s.send + s.hop + s.write + s.clientsMedian);
      const crossOnly = (value: number) => (path === 'cross' ? String(value) : '');
      rows.push([
        n.toLocaleString('en'),
        path === 'single' ? 'one node' : 'across nodes',
        String(median((s) => s.reach)),
        String(median((s) => s.commit)),
        crossOnly(median((s) => s.send)),
        crossOnly(median((s) => s.hop)),
        String(median((s) => s.write)),
        String(median((s) => s.clientsMedian)),
        String(median((s) => s.clientsLast)),
        String(total),
        String(median((s) => s.answer)),
      ]);
    }
  }
  return {
    caption:
      'Where the time goes, stage by stage: the median over the changes, in ms, of each stage ' +
      'from the end of the one before it, stamped by the server nodes on the clock of the bench ' +
      '(`tests/bench/load/trace-delivery.ts`). "A → B": from node A handing the commit to the ' +
      'adapter to node B receiving it. "HTTP answer": when the committing node wrote its answer, ' +
      'after its publish; on one node it comes after the writes to the sockets.',
    head: [
      'N',
      'path',
      'request reaches the node',
      'authentication, rule, commit',
      'to the adapter',
      'A → B',
      'B writes to its sockets',
      'to the median client',
      'to the last client',
      'total, median client',
      'HTTP answer, after the publish',
    ],
    rows,
  };
}
