/**
 * The load generator of the command benchmark, run in a process of its own
 * (see child-process.ts): `concurrency` workers, each looping over requests on
 * keep-alive connections for a fixed time, and the latency of every answer
 * counted after a warm-up. Two workloads:
 *
 * - `commands`: the side panel's commands against the real server — mostly
 *   "Liste SIRETs" (PUT /secondaries/:id/sirets), and in each cycle of eight
 *   one secondary added (POST /secondaries) and removed again (DELETE). Each
 *   worker keeps to its own spaces, as the employers of a real server do.
 * - `bare`: one POST per request against the bare HTTP + PostgreSQL peer.
 */
import { percentile, round } from './measure.js';
import { readInput, writeOutput } from './child-process.js';

export interface LoadSpace {
  token: string;
  secondaryIds: number[];
  /** Two lists of the space's SIRETs the PUTs alternate between. */
  lists: [string[], string[]];
}

export interface LoadInput {
  url: string;
  workload: 'commands' | 'bare';
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** `commands`: the spaces, shared out between workers. */
  spaces?: LoadSpace[];
  /** `bare`: how many rows the peer's POSTs spread over. */
  bareRows?: number;
}

export interface LoadOutput {
  /** Answers inside the counted window. */
  completed: number;
  /** Successful answers of the whole run, warm-up included. */
  total: number;
  perSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  byKind: Record<string, number>;
  errors: number;
  errorSample: string[];
  /** This generator's own CPU time (user + system, ms) over the whole run, warm-up included. */
  cpuMs: number;
}

const input = await readInput<LoadInput>();
const cpuAtStart = process.cpuUsage();
const latencies: number[] = [];
const byKind: Record<string, number> = {};
const errorSample: string[] = [];
let errors = 0;
let total = 0;
let measuring = false;
const started = performance.now();
const measureFrom = started + input.warmupMs;
const stopAt = measureFrom + input.durationMs;
let emailCounter = 0;
/** The secondaries each space's worker added and has yet to remove. */
const added = new Map<LoadSpace, number[]>();

async function send(
  kind: string,
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
) {
  const t0 = performance.now();
  const res = await fetch(`${input.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const t1 = performance.now();
  if (res.status >= 300) {
    errors += 1;
    if (errorSample.length < 5)
      errorSample.push(`${method} ${path} → ${res.status} ${text.slice(0, 200)}`);
    return null;
  }
  total += 1;
  if (t0 >= measureFrom && t1 <= stopAt) {
    measuring = true;
    latencies.push(t1 - t0);
    byKind[kind] = (byKind[kind] ?? 0) + 1;
  }
  return text;
}

async function commandsWorker(spaces: LoadSpace[]): Promise<void> {
  for (const space of spaces) added.set(space, []);
  const steps = new Map<LoadSpace, number>(spaces.map((space) => [space, 0]));
  for (let i = 0; performance.now() < stopAt; i++) {
    const space = spaces[i % spaces.length]!;
    // Each space goes through its own cycle of eight: six PUTs, one POST, one DELETE.
    const step = steps.get(space)!;
    steps.set(space, step + 1);
    if (step % 8 === 2) {
      emailCounter += 1;
      const email = `bench.${process.pid}.${emailCounter}@example.fr`;
      const text = await send('add secondary', 'POST', '/api/v1/secondaries', space.token, {
        email,
      });
      // Remembered for the DELETE of this cycle, which removes it again.
      if (text) added.get(space)!.push((JSON.parse(text) as { id: number }).id);
    } else if (step % 8 === 6) {
      const id = added.get(space)!.pop();
      if (id !== undefined)
        await send('remove secondary', 'DELETE', `/api/v1/secondaries/${id}`, space.token);
    } else {
      const target = space.secondaryIds[step % space.secondaryIds.length]!;
      // Each PUT changes the list: the secondary's previous PUT set the other one.
      const list = space.lists[Math.floor(step / space.secondaryIds.length) % 2]!;
      await send('attribute SIRETs', 'PUT', `/api/v1/secondaries/${target}/sirets`, space.token, {
        sirets: list,
      });
    }
  }
}

async function bareWorker(worker: number): Promise<void> {
  const rows = input.bareRows ?? 64;
  for (let i = 0; performance.now() < stopAt; i++) {
    const row = ((worker + i * input.concurrency) % rows) + 1;
    await send('bare transaction', 'POST', `/bump/${row}`, null, { note: 'x'.repeat(64) });
  }
}

const workers = Array.from({ length: input.concurrency }, (_, w) => {
  if (input.workload === 'bare') return bareWorker(w);
  const spaces = input.spaces ?? [];
  // Worker w takes spaces w, w + concurrency, …: no two workers share a space.
  const own = spaces.filter((_, s) => s % input.concurrency === w);
  return commandsWorker(own.length > 0 ? own : [spaces[w % spaces.length]!]);
});
await Promise.all(workers);

const output: LoadOutput = {
  completed: latencies.length,
  total,
  perSecond: round((latencies.length / input.durationMs) * 1000, 1),
  latencyMs: {
    p50: round(percentile(latencies, 0.5)),
    p95: round(percentile(latencies, 0.95)),
    p99: round(percentile(latencies, 0.99)),
    max: round(Math.max(...latencies)),
  },
  byKind,
  errors,
  errorSample: measuring ? errorSample : [...errorSample, 'no request finished inside the window'],
  cpuMs: cpuMsOf(process.cpuUsage(cpuAtStart)),
};
writeOutput(output);

function cpuMsOf(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}
