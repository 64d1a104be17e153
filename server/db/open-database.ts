/**
 * The one place that opens the database: a real PostgreSQL when a URL is
 * given, otherwise the embedded PGlite kept in a data folder. Both go through
 * Kysely's own PostgresDialect over a `pg` pool, so every query runs the same
 * code and returns the same types.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { CamelCasePlugin, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import type { Database } from './schema.js';
import { acquireDataDirLock } from './data-dir-lock.js';
import { migrateToLatest } from './migrate.js';
import { PreparingClient } from './prepared-statements.js';

export type DatabaseKind = 'postgres' | 'embedded';

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseKind;
  close(): Promise<void>;
}

export type DatabaseTarget =
  | { kind: 'postgres'; url: string; poolSize?: number }
  /** `dataDir: null` keeps the embedded database in memory (tests). */
  | { kind: 'embedded'; dataDir: string | null };

/** Names the server's business connections in `pg_stat_activity`. */
export const SERVER_APPLICATION_NAME = 'qrp-server';

const DATE_OID = 1082;
const INT8_OID = 20;

/** `date` stays `YYYY-MM-DD` (no time zone shift); `count(*)` and other int8 become numbers. */
export const SERVER_TYPE_PARSERS = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === DATE_OID) return (value: string) => value;
    if (oid === INT8_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

/** `DATABASE_URL` → PostgreSQL; none → embedded database in `DATA_DIR` (default `./data`). */
export function targetFromEnv(env: NodeJS.ProcessEnv = process.env): DatabaseTarget {
  if (env.DATABASE_URL) return { kind: 'postgres', url: env.DATABASE_URL };
  return { kind: 'embedded', dataDir: resolve(env.DATA_DIR ?? './data', 'pglite') };
}

export async function openDatabase(
  target: DatabaseTarget,
  options: { migrate?: boolean } = {},
): Promise<DatabaseHandle> {
  const handle =
    target.kind === 'postgres'
      ? openPostgres(target.url, target.poolSize)
      : await openEmbedded(target.dataDir);
  if (options.migrate ?? true) {
    try {
      await migrateToLatest(handle.db as Kysely<unknown>);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }
  return handle;
}

function openPostgres(url: string, poolSize = 10): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    types: SERVER_TYPE_PARSERS,
    Client: PreparingClient,
    application_name: SERVER_APPLICATION_NAME,
  });
  // An idle connection closed by the server (restart, dropped database) must not crash
  // the process: the pool discards it and the next query opens a new one.
  pool.on('error', () => {});
  // The same for a connection lost while checked out (between two queries of a transaction),
  // which the pool does not listen to: the next query fails instead, and the pool drops it.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    plugins: [new CamelCasePlugin()],
  });
  return { db, kind: 'postgres', close: () => db.destroy() };
}

async function openEmbedded(dataDir: string | null): Promise<DatabaseHandle> {
  let releaseLock = () => {};
  if (dataDir !== null) {
    mkdirSync(dataDir, { recursive: true });
    releaseLock = acquireDataDirLock(dataDir);
  }
  try {
    const pglite = await PGlite.create(dataDir ?? 'memory://');
    // One connection: PGlite is single-session, so transactions queue up here.
    const pool = new pg.Pool({
      ...createPgConfig(pglite),
      types: SERVER_TYPE_PARSERS,
      Client: PreparingClient,
    } as pg.PoolConfig);
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool }),
      plugins: [new CamelCasePlugin()],
    });
    return {
      db,
      kind: 'embedded',
      async close() {
        await db.destroy();
        await pglite.close();
        releaseLock();
      },
    };
  } catch (error) {
    releaseLock();
    throw error;
  }
}
