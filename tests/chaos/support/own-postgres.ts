/**
 * A PostgreSQL cluster of the chaos suite's own, in a temporary folder, on a
 * free loopback port: it can be restarted or crashed without touching the
 * machine's PostgreSQL. Stopped and deleted afterwards, even when a test fails
 * or the process exits early.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { IS_CI } from '../../support/databases.js';
import { freePort } from '../../support/free-port.js';

export const POSTGRES_BIN = process.env.POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';

/** True when the suite must run: the binaries are there, or CI demands it (and then fails without them). */
export function hasPostgresBinaries(): boolean {
  return existsSync(join(POSTGRES_BIN, 'initdb')) || IS_CI;
}

export interface OwnPostgres {
  port: number;
  /** URL of a database of the cluster (created by `createDatabase`). */
  url(database: string): string;
  createDatabase(database: string): Promise<string>;
  /** `pg_ctl restart`: `fast` ends sessions cleanly, `immediate` crashes and recovers. */
  restart(mode: 'fast' | 'immediate'): Promise<void>;
  /** Ends every backend of this `application_name`; returns how many. */
  terminateBackends(applicationName: string): Promise<number>;
  /** Stops the cluster and deletes its folder; safe to call twice. */
  destroy(): Promise<void>;
}

/** Runs a PostgreSQL binary as the `postgres` user (initdb and postgres refuse root). */
function asPostgres(binary: string, args: string[]): [string, string[]] {
  const path = join(POSTGRES_BIN, binary);
  if (process.getuid?.() === 0) return ['runuser', ['-u', 'postgres', '--', path, ...args]];
  return [path, args];
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  if (!existsSync(join(POSTGRES_BIN, 'initdb'))) {
    throw new Error(
      `PostgreSQL binaries not found in ${POSTGRES_BIN}: the chaos suite needs them.`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'qrp-chaos-pg-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  let destroyed = false;
  const logTail = () => {
    try {
      return readFileSync(logFile, 'utf8').slice(-2000);
    } catch {
      return '';
    }
  };
  // No pipes: the postmaster that pg_ctl starts would inherit them and keep them open.
  const runQuiet = (binary: string, args: string[]) =>
    new Promise<void>((resolve, reject) => {
      const [command, commandArgs] = asPostgres(binary, args);
      const child = spawn(command, commandArgs, { stdio: 'ignore' });
      child.once('error', reject);
      child.once('exit', (code) =>
        code === 0
          ? resolve()
          : reject(new Error(`${binary} ${args.join(' ')} failed (${code}):\n${logTail()}`)),
      );
    });
  const pgCtl = (args: string[]) => runQuiet('pg_ctl', ['-D', dataDir, '-l', logFile, ...args]);
  // Last resort when the test process ends without `destroy()` (a crash, a hard timeout).
  const onExit = () => {
    if (destroyed) return;
    try {
      execFileSync(...asPostgres('pg_ctl', ['-D', dataDir, 'stop', '-m', 'immediate']), {
        stdio: 'ignore',
      });
    } catch {
      // Not running.
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);

  const destroy = async () => {
    if (destroyed) return;
    destroyed = true;
    process.removeListener('exit', onExit);
    await pgCtl(['stop', '-m', 'immediate', '-w']).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await runQuiet('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres']);
    const port = await freePort();
    // Only PostgreSQL crashes here, never the machine: what reached the kernel survives, so no
    // fsync. But every commit must be in the WAL before it is acknowledged (synchronous_commit
    // stays on): an immediate restart would otherwise lose acknowledged, published changes.
    const options = [
      `-p ${port}`,
      `-k ${dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c max_connections=300',
      '-c fsync=off',
      '-c full_page_writes=off',
    ].join(' ');
    await pgCtl(['start', '-w', '-t', '60', '-o', options]);
    const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
    const admin = async <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => {
      const client = new pg.Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        return await fn(client);
      } finally {
        await client.end();
      }
    };
    return {
      port,
      url,
      async createDatabase(database) {
        await admin((client) => client.query(`create database ${database}`));
        return url(database);
      },
      async restart(mode) {
        await pgCtl(['restart', '-m', mode, '-w', '-t', '60']);
      },
      async terminateBackends(applicationName) {
        const { rows } = await admin((client) =>
          client.query<{ ended: boolean }>(
            'select pg_terminate_backend(pid) as ended from pg_stat_activity where application_name = $1',
            [applicationName],
          ),
        );
        return rows.filter((r) => r.ended).length;
      },
      destroy,
    };
  } catch (error) {
    await destroy();
    throw error;
  }
}
