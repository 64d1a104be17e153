/**
 * The bench side of the load generators: starts them as child processes,
 * asks them to connect, collect arrivals or watch convergence, and stops
 * them (also when the bench fails: the generator exits when its parent goes).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type {
  CollectResult,
  ConnectRequest,
  ConnectResult,
  Counts,
  GeneratorMessage,
  GeneratorReply,
  GeneratorRequest,
  WatchResult,
} from './protocol.js';

const ENTRY = fileURLToPath(new URL('./load-generator.ts', import.meta.url));

export interface LoadGenerator {
  pid: number;
  connect(request: Omit<ConnectRequest, 'op'>): Promise<ConnectResult>;
  collect(eventId: number, timeoutMs: number): Promise<CollectResult>;
  watch(heads: Record<string, number>, timeoutMs: number): Promise<WatchResult>;
  disconnect(): Promise<void>;
  counts(): Promise<Counts>;
  stop(): Promise<void>;
}

export function startLoadGenerator(): LoadGenerator {
  const child: ChildProcess = fork(ENTRY, [], {
    execArgv: ['--import', 'tsx', '--max-old-space-size=6144'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 1;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.on('message', (reply: GeneratorReply) => {
    const waiting = pending.get(reply.id);
    if (!waiting) return;
    pending.delete(reply.id);
    if (reply.ok) waiting.resolve(reply.result);
    else waiting.reject(new Error(`load generator: ${reply.error}`));
  });
  void exited.then(() => {
    for (const waiting of pending.values()) waiting.reject(new Error('load generator exited'));
    pending.clear();
  });
  const ask = <T>(request: GeneratorRequest): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, request } satisfies GeneratorMessage);
    });
  return {
    pid: child.pid!,
    connect: (request) => ask({ op: 'connect', ...request }),
    collect: (eventId, timeoutMs) => ask({ op: 'collect', eventId, timeoutMs }),
    watch: (heads, timeoutMs) => ask({ op: 'watch', heads, timeoutMs }),
    disconnect: () => ask({ op: 'disconnect' }),
    counts: () => ask({ op: 'counts' }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
