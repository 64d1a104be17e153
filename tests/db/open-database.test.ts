import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, targetFromEnv } from '../../server/db/open-database.js';
import { describeOnEachDatabase } from '../support/databases.js';

describeOnEachDatabase('openDatabase', (getHandle) => {
  it('runs the migrations: every table of the schema exists', async () => {
    const { db } = getHandle();
    const { rows } = await sql<{ tablename: string }>`
      select tablename from pg_tables where schemaname = 'public' order by tablename`.execute(db);
    expect(rows.map((r) => r.tablename)).toEqual(
      expect.arrayContaining([
        'attributions',
        'dossiers',
        'event_streams',
        'events',
        'failed_attempts',
        'invitations',
        'rate_limits',
        'sessions',
        'sirets',
        'socket_io_attachments',
        'spaces',
        'users',
      ]),
    );
  });

  it('reads dates as YYYY-MM-DD and counts as numbers on this database', async () => {
    const { db } = getHandle();
    const { rows } = await sql<{
      d: string;
      n: number;
    }>`select '2026-03-02'::date as d, count(*) as n from spaces`.execute(db);
    expect(rows[0]).toEqual({ d: '2026-03-02', n: 0 });
  });
});

describe('the embedded database in a data folder', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps its data across restarts and refuses a second opener of the same folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qrp-data-'));
    dirs.push(dir);
    const first = await openDatabase({ kind: 'embedded', dataDir: dir });
    await first.db.insertInto('spaces').defaultValues().execute();
    await expect(openDatabase({ kind: 'embedded', dataDir: dir })).rejects.toThrow(
      /already used by another server/,
    );
    await first.close();

    const second = await openDatabase({ kind: 'embedded', dataDir: dir });
    const spaces = await second.db.selectFrom('spaces').select('id').execute();
    expect(spaces).toHaveLength(1);
    await second.close();
  });

  it('chooses PostgreSQL when DATABASE_URL is set, the data folder otherwise', () => {
    expect(targetFromEnv({ DATABASE_URL: 'postgres://x/y' })).toEqual({
      kind: 'postgres',
      url: 'postgres://x/y',
    });
    expect(targetFromEnv({ DATA_DIR: '/tmp/qrp' })).toEqual({
      kind: 'embedded',
      dataDir: '/tmp/qrp/pglite',
    });
  });
});
