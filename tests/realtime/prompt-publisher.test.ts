/**
 * The adapter's queries go out at once on a connection held for them, in the
 * order issued, and survive the loss of that connection; the pool alone
 * writes a query only after the caller's synchronous work is done.
 */
import pg from 'pg';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import {
  promptPublisher,
  type PromptPublisher,
} from '../../server/realtime/cluster/prompt-publisher.js';
import { createTestDatabase, hasPostgres, requirePostgresUrl } from '../support/databases.js';

const describeWithPostgres = hasPostgres() ? describe : describe.skip;
/** The synchronous work done right after issuing a query, as a request does after its commit. */
const BUSY_MS = 150;

function busyFor(ms: number): number {
  const end = Date.now() + ms;
  while (Date.now() < end);
  return Date.now();
}

/** When PostgreSQL ran a query issued just before `BUSY_MS` of synchronous work, against its end. */
async function ranAt(pool: pg.Pool): Promise<{ ran: number; busyEnded: number }> {
  const result = pool.query<{ at: Date }>('select clock_timestamp() as at');
  const busyEnded = busyFor(BUSY_MS);
  const { rows } = await result;
  return { ran: rows[0]!.at.getTime(), busyEnded };
}

const backendPid = async (pool: pg.Pool) =>
  (await pool.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;

describeWithPostgres('the adapter’s prompt publisher', () => {
  let url: string;
  let closeDatabase: () => Promise<void>;
  let pool: pg.Pool;
  let publisher: PromptPublisher;
  const errors: unknown[] = [];

  beforeAll(async () => {
    requirePostgresUrl();
    const database = await createTestDatabase('postgres', { poolSize: 2 });
    url = database.url!;
    closeDatabase = () => database.close();
  });
  afterAll(() => closeDatabase?.());

  const start = async () => {
    pool = new pg.Pool({ connectionString: url, max: 3 });
    publisher = promptPublisher(pool, (error) => errors.push(error));
    await publisher.ready();
  };
  afterEach(async () => {
    publisher.close();
    await pool.end();
    expect(errors).toEqual([]);
  });

  it('writes a query at once, where the pool alone waits for the caller’s work to end', async () => {
    await start();
    const prompt = await ranAt(publisher.pool);
    expect(prompt.ran).toBeLessThan(prompt.busyEnded - BUSY_MS / 2);

    const deferred = await ranAt(pool);
    expect(deferred.ran).toBeGreaterThanOrEqual(deferred.busyEnded - 5);
  });

  it('runs the queries in the order they were issued, on one connection', async () => {
    await start();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, n) =>
        publisher.pool.query<{ n: number; at: Date; pid: number }>(
          'select $1::int as n, clock_timestamp() as at, pg_backend_pid() as pid',
          [n],
        ),
      ),
    );
    const rows = results.map((r) => r.rows[0]!);
    expect(new Set(rows.map((r) => r.pid)).size).toBe(1);
    const byTime = [...rows].sort((a, b) => a.at.getTime() - b.at.getTime() || a.n - b.n);
    expect(byTime.map((r) => r.n)).toEqual(rows.map((r) => r.n));
  });

  it('holds a new connection once the held one is lost, and stays prompt', async () => {
    await start();
    const lost = await backendPid(publisher.pool);
    const killer = new pg.Client({ connectionString: url });
    await killer.connect();
    try {
      await killer.query('select pg_terminate_backend($1)', [lost]);
    } finally {
      await killer.end();
    }
    // Queries issued before the loss is noticed may fail (the adapter logs them); later ones
    // go through the pool, then through the new held connection.
    await expect
      .poll(() => backendPid(publisher.pool).catch(() => lost), { timeout: 10_000 })
      .not.toBe(lost);
    await publisher.ready();
    const prompt = await ranAt(publisher.pool);
    expect(prompt.ran).toBeLessThan(prompt.busyEnded - BUSY_MS / 2);
  });
});
