/**
 * The bare limit of HTTP + PostgreSQL on this machine, the baseline of the
 * command benchmark: Hono on @hono/node-server with a `pg` pool of the same
 * size as the server's, answering `POST /bump/:id` with one transaction of a
 * command's size (BEGIN; one UPDATE; one INSERT; COMMIT) and no rules, no
 * authentication, no events, no logging.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import pg from 'pg';

const ROWS = 1024;
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
await pool.query(`
  create table if not exists counters (id int primary key, n int not null default 0);
  create table if not exists bumps (id bigserial primary key, counter int not null, note text not null,
    at timestamptz not null default now());
  insert into counters (id) select generate_series(1, ${ROWS}) on conflict do nothing;`);

const app = new Hono();
app.get('/health', (c) => c.json({ ok: true }));
app.post('/bump/:id', async (c) => {
  const id = Number(c.req.param('id'));
  const { note } = await c.req.json<{ note: string }>();
  const client = await pool.connect();
  try {
    await client.query('begin');
    const { rows } = await client.query<{ n: number }>(
      'update counters set n = n + 1 where id = $1 returning n',
      [id],
    );
    await client.query('insert into bumps (counter, note) values ($1, $2)', [id, note]);
    await client.query('commit');
    return c.json({ n: rows[0]?.n ?? 0 });
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
});

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
  console.log(JSON.stringify({ msg: 'listening', port: info.port })),
);
process.on('SIGTERM', () => {
  server.close();
  void pool.end().then(() => process.exit(0));
});
