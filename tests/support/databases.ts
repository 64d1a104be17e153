/**
 * Every database test runs on the embedded PGlite and, when
 * `TEST_DATABASE_URL` is set, on that real PostgreSQL too, each time in a
 * database of its own that is dropped afterwards.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../server/db/open-database.js';
import { createPostgresDatabase } from './postgres-database.js';

export type TestDatabaseKind = 'embedded' | 'postgres';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
export const IS_CI = process.env.CI === 'true';

export function testDatabaseKinds(): TestDatabaseKind[] {
  return TEST_DATABASE_URL ? ['embedded', 'postgres'] : ['embedded'];
}

/** A fresh, migrated database; `close()` also drops a PostgreSQL one. */
export async function createTestDatabase(
  kind: TestDatabaseKind,
  options: { poolSize?: number } = {},
): Promise<DatabaseHandle & { url: string | null }> {
  if (kind === 'embedded') {
    return { ...(await openDatabase({ kind: 'embedded', dataDir: null })), url: null };
  }
  return createPostgresDatabase(requirePostgresUrl(), {
    prefix: `qrp_test_${Date.now().toString(36)}`,
    poolSize: options.poolSize ?? 20,
  });
}

/**
 * Runs `body` once per database kind; `getDb` gives the current handle.
 * Data is not reset between tests: tests use unique e-mails and SIRETs.
 */
export function describeOnEachDatabase(
  title: string,
  body: (getHandle: () => DatabaseHandle, kind: TestDatabaseKind) => void,
): void {
  for (const kind of testDatabaseKinds()) {
    describe(`${title} [${kind}]`, () => {
      let handle: DatabaseHandle | undefined;
      beforeAll(async () => {
        handle = await createTestDatabase(kind);
      });
      afterAll(async () => {
        await handle?.close();
      });
      body(() => {
        if (!handle) throw new Error('database not open yet');
        return handle;
      }, kind);
    });
  }
}

/** The URL of the real PostgreSQL; under CI its absence is a failure, never a silent skip. */
export function requirePostgresUrl(): string {
  if (!TEST_DATABASE_URL) {
    throw new Error('TEST_DATABASE_URL is not set: these tests need a real PostgreSQL.');
  }
  return TEST_DATABASE_URL;
}

/** True when tests that need a real PostgreSQL must run (always under CI). */
export function hasPostgres(): boolean {
  return Boolean(TEST_DATABASE_URL) || IS_CI;
}
