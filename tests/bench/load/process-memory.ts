/**
 * Memory of a server process as the kernel counts it, and a preload that lets
 * the bench ask that process for a full garbage collection first.
 */
import { readFileSync } from 'node:fs';
import type { ServerNode } from '../../support/server-node.js';

/** Resident set size of a process in KB (`VmRSS` of /proc/<pid>/status). */
export function residentKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]);
}

/**
 * Node flags for a server whose memory is measured: `gc()` on SIGUSR2 (see
 * gc-on-signal.ts). tsx comes first so that the preload, TypeScript, loads.
 */
export const GC_ON_SIGNAL_FLAGS = [
  '--expose-gc',
  '--import',
  'tsx',
  '--import',
  './tests/bench/load/gc-on-signal.ts',
];

export interface MemoryReading {
  rssKb: number;
  heapUsedKb: number;
}

/**
 * Asks the node for a full collection and waits for its own reading (printed
 * by gc-on-signal.ts after the collection), then reads its RSS from /proc.
 */
export async function memoryAfterGc(node: ServerNode, timeoutMs = 10_000): Promise<MemoryReading> {
  const before = node.output().length;
  node.process.kill('SIGUSR2');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = /"msg":"memory","heapUsed":(\d+)/.exec(node.output().slice(before));
    if (match) {
      return {
        rssKb: residentKb(node.process.pid!),
        heapUsedKb: Math.round(Number(match[1]) / 1024),
      };
    }
    if (Date.now() > deadline) throw new Error('the server did not report its memory');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
