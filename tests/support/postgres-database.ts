/**
 * A fresh, migrated database of its own on a PostgreSQL server, dropped by
 * `close()`: for the tests and the benchmarks alike (no test-runner import here).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../../server/db/open-database.js';

export interface PostgresDatabase extends DatabaseHandle {
  /** The URL of this database, for a server process. */
  url: string;
  /** Closes the handle and drops the database. */
  close(): Promise<void>;
}

export async function createPostgresDatabase(
  serverUrl: string,
  options: { prefix: string; poolSize: number },
): Promise<PostgresDatabase> {
  const name = `${options.prefix}_${randomBytes(4).toString('hex')}`;
  await withClient(serverUrl, (client) => client.query(`create database ${name}`));
  const target = new URL(serverUrl);
  target.pathname = `/${name}`;
  const url = target.toString();
  const handle = await openDatabase({ kind: 'postgres', url, poolSize: options.poolSize });
  return {
    ...handle,
    url,
    async close() {
      await handle.close();
      await withClient(serverUrl, (client) =>
        client.query(`drop database if exists ${name} with (force)`),
      );
    },
  };
}

/** Runs `fn` with one connection to `url`, closed afterwards. */
export async function withClient<T>(
  url: string,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
