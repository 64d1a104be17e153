/**
 * A broadcast reaches this node's own sockets without waiting for its NOTIFY
 * to the other nodes: with every publishing connection of the adapter's pool
 * busy, the PostgreSQL adapter alone holds the delivery back until one frees
 * up, and the wrapped adapter delivers at once and in order.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdapter } from '@socket.io/postgres-adapter';
import pg from 'pg';
import { Server, type Namespace } from 'socket.io';
import { io as connectClient, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { deliverHereFirst } from '../../server/realtime/cluster/deliver-here-first.js';
import { createTestDatabase, hasPostgres, requirePostgresUrl } from '../support/databases.js';

const describeWithPostgres = hasPostgres() ? describe : describe.skip;
const BUSY_MS = 1_500;

interface Node {
  pool: pg.Pool;
  io: Server;
  http: HttpServer;
  client: Socket;
}

/** One Socket.IO node on a real port, its adapter on a pool of two: one listens, one publishes. */
async function startNode(
  url: string,
  wrap: (
    create: (nsp: Namespace) => Namespace['adapter'],
  ) => (nsp: Namespace) => Namespace['adapter'],
): Promise<Node> {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  // Dropping the test database at the end cuts the LISTEN connection the adapter may
  // still hold: expected then, as the server's own adapter pool expects it.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const http = createServer();
  const io = new Server(http);
  io.adapter(wrap(createAdapter(pool, { heartbeatInterval: 60_000 })));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const client = connectClient(`http://127.0.0.1:${port}`, { transports: ['websocket'] });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', resolve);
    client.once('connect_error', reject);
  });
  // The adapter's LISTEN connection stays checked out for good once it listens.
  const listening = async () =>
    (
      await pool.query(`select 1 from pg_stat_activity where datname = current_database()
      and query ilike 'listen %'`)
    ).rowCount;
  await expect.poll(listening, { timeout: 10_000 }).toBe(1);
  return { pool, io, http, client };
}

/** Occupies the pool's only free connection; resolves when it is free again. */
function occupyPublisher(pool: pg.Pool): Promise<number> {
  return pool.query(`select pg_sleep(${BUSY_MS / 1000})`).then(() => performance.now());
}

function received(client: Socket, count: number): Promise<{ ids: number[]; at: number }> {
  const ids: number[] = [];
  return new Promise((resolve) => {
    client.on('event', (event: { id: number }) => {
      ids.push(event.id);
      if (ids.length === count) resolve({ ids, at: performance.now() });
    });
  });
}

describeWithPostgres('local delivery through the PostgreSQL adapter', () => {
  let node: Node | undefined;
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  afterEach(async () => {
    node?.client.close();
    await node?.io.close();
    await node?.pool.end();
    await database?.close();
    node = undefined;
  });

  async function measure(wrap: Parameters<typeof startNode>[1]) {
    requirePostgresUrl();
    database = await createTestDatabase('postgres');
    node = await startNode(database.url!, wrap);
    const freed = occupyPublisher(node.pool);
    const arrival = received(node.client, 3);
    for (const id of [1, 2, 3]) node.io.emit('event', { id });
    const { ids, at } = await arrival;
    return { ids, beforePublisherFreed: at < (await freed) };
  }

  it('is held back by a busy pool with the adapter alone', async () => {
    const { ids, beforePublisherFreed } = await measure((create) => create);
    expect(ids.sort()).toEqual([1, 2, 3]);
    expect(beforePublisherFreed).toBe(false);
  }, 30_000);

  it('happens at once and in the order sent with deliverHereFirst', async () => {
    const errors: unknown[] = [];
    const { ids, beforePublisherFreed } = await measure((create) =>
      deliverHereFirst(create, (error) => errors.push(error)),
    );
    expect(ids).toEqual([1, 2, 3]);
    expect(beforePublisherFreed).toBe(true);
    expect(errors).toEqual([]);
  }, 30_000);
});
