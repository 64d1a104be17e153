/**
 * CPU time used by processes, from /proc: what a server node and the
 * PostgreSQL backends of a bench database spent during a phase, to tell
 * where the time of a slow phase went on a shared machine.
 */
import { readFileSync } from 'node:fs';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../server/db/schema.js';

const TICKS_PER_SECOND = 100;

/** User + system CPU time of a process so far, in ms (null once it is gone). */
export function cpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/**
 * The PostgreSQL backends serving the database `db` is connected to; with
 * `background`, also the server's own background processes (WAL writer,
 * checkpointer…), whose work under a write load is part of its cost.
 */
export async function postgresPids(
  db: Kysely<Database>,
  options: { background: boolean },
): Promise<number[]> {
  const { rows } = await sql<{ pid: number }>`
    select pid from pg_stat_activity
    where datname = current_database() or (${options.background} and datname is null)`.execute(db);
  return rows.map((row) => row.pid);
}

/** Starts counting the CPU (ms) of the given processes; their ids are read at both ends. */
export async function measureCpu(
  pids: () => Promise<number[]>,
): Promise<{ stop(): Promise<number> }> {
  const before = new Map((await pids()).map((pid) => [pid, cpuMs(pid) ?? 0]));
  return {
    async stop() {
      let total = 0;
      // A process gone by now (a backend closed by its pool) is left out.
      for (const pid of new Set([...before.keys(), ...(await pids())]))
        total += Math.max(0, (cpuMs(pid) ?? before.get(pid) ?? 0) - (before.get(pid) ?? 0));
      return total;
    },
  };
}
