/**
 * The cluster plumbing (server/realtime/cluster/) patches members of its
 * libraries that no API promises: the PostgreSQL adapter's use of its pool
 * (prompt-publisher.ts) and the adapter's protected `doPublish`
 * (deliver-here-first.ts). These checks need no database; each one fails
 * with a message naming what changed, so that an upgrade of
 * `@socket.io/postgres-adapter`, `socket.io-adapter` or `pg` is caught here
 * rather than by a slow or silent cluster.
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { createAdapter, PostgresAdapter } from '@socket.io/postgres-adapter';
import pg from 'pg';
import { Server, type Namespace } from 'socket.io';
import { Adapter, ClusterAdapter } from 'socket.io-adapter';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deliverHereFirst } from '../../server/realtime/cluster/deliver-here-first.js';
import { promptPublisher } from '../../server/realtime/cluster/prompt-publisher.js';

/** The versions the header comments of the patching modules name. */
const CHECKED_AGAINST: Record<string, string> = {
  '@socket.io/postgres-adapter': '0.5.0',
  'socket.io-adapter': '2.5.9',
  pg: '8.23.1',
};

function installedVersion(name: string): string {
  const url = new URL(`../../node_modules/${name}/package.json`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}

/** Says, on failure, which library changed and what the patch was checked against. */
function because(name: string, expectation: string): string {
  return (
    `${name} ${installedVersion(name)} (checked against ${CHECKED_AGAINST[name]}): ${expectation}. ` +
    'The patch in server/realtime/cluster/ relies on it: read its header comment before upgrading.'
  );
}

/** A stand-in for a pool client: records its queries, never answers them. */
class FakeClient extends EventEmitter {
  readonly queries: unknown[][] = [];
  released = false;
  query(...args: unknown[]): Promise<never> {
    this.queries.push(args);
    return new Promise<never>(() => {});
  }
  release(): void {
    this.released = true;
  }
}

/** A stand-in for `pg.Pool`: hands out fake clients, records its own queries, answers none. */
function fakePool() {
  const clients: FakeClient[] = [];
  const queries: unknown[][] = [];
  const pool = Object.assign(new EventEmitter(), {
    connect: () => {
      const client = new FakeClient();
      clients.push(client);
      return Promise.resolve(client);
    },
    query: (...args: unknown[]) => {
      queries.push(args);
      return new Promise<never>(() => {});
    },
  });
  return { pool: pool as unknown as pg.Pool, clients, queries };
}

const isNotifyOf = (text: string) => (args: unknown[]) =>
  typeof args[0] === 'string' &&
  args[0].includes('pg_notify') &&
  JSON.stringify(args[1] ?? null).includes(text);

describe('the library internals the cluster plumbing patches', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    // No HTTP server, no engine: closing the adapter stops its timers.
    for (const io of servers.splice(0)) await io.of('/').adapter.close();
  });

  function serverWith(adapter: (nsp: Namespace) => Namespace['adapter']): Server {
    const io = new Server();
    servers.push(io);
    io.adapter(adapter);
    return io;
  }

  it('pg: a pool has the `query` and `connect` the prompt publisher wraps', () => {
    expect(typeof pg.Pool.prototype.query, because('pg', 'Pool.prototype.query is a method')).toBe(
      'function',
    );
    expect(
      typeof pg.Pool.prototype.connect,
      because('pg', 'Pool.prototype.connect is a method'),
    ).toBe('function');
    const pool = new pg.Pool({ max: 1 });
    expect(
      pool,
      because('pg', 'a Pool is an event emitter (its `on` is bound through the proxy)'),
    ).toBeInstanceOf(EventEmitter);
    void pool.end();
  });

  it('@socket.io/postgres-adapter: publishes with `pool.query` and listens on `pool.connect`', async () => {
    const { pool, clients, queries } = fakePool();
    const io = serverWith(createAdapter(pool, { heartbeatInterval: 60_000 }));
    await vi.waitFor(() =>
      expect(
        clients.some((client) =>
          client.queries.some((args) => String(args[0]).startsWith('LISTEN')),
        ),
        because('@socket.io/postgres-adapter', 'its LISTEN runs on a client from pool.connect()'),
      ).toBe(true),
    );
    io.serverSideEmit('probe-pool-query');
    await vi.waitFor(() =>
      expect(
        queries.some(isNotifyOf('probe-pool-query')),
        because(
          '@socket.io/postgres-adapter',
          'a message to the other nodes is sent with pool.query("SELECT pg_notify($1, $2)", …)',
        ),
      ).toBe(true),
    );
  });

  it('the prompt publisher: the adapter’s NOTIFYs reach the held connection through the proxy', async () => {
    const { pool, clients, queries } = fakePool();
    const publisher = promptPublisher(pool, (error) => {
      throw error;
    });
    await publisher.ready();
    const held = clients[0]!;
    const io = serverWith(createAdapter(publisher.pool, { heartbeatInterval: 60_000 }));
    io.serverSideEmit('probe-held-connection');
    await vi.waitFor(() =>
      expect(
        held.queries.some(isNotifyOf('probe-held-connection')),
        because(
          '@socket.io/postgres-adapter',
          'the adapter reads `query` off the pool it was given at each publish',
        ),
      ).toBe(true),
    );
    expect(queries.some(isNotifyOf('probe-held-connection'))).toBe(false);
    publisher.close();
    expect(held.released).toBe(true);
  });

  it('socket.io-adapter: `doPublish` is the hook every message to the other nodes goes through', () => {
    expect(
      typeof (PostgresAdapter.prototype as unknown as Record<string, unknown>).doPublish,
      because('@socket.io/postgres-adapter', 'PostgresAdapter implements doPublish(message)'),
    ).toBe('function');
    expect(
      (PostgresAdapter.prototype as unknown as { doPublish: (m: unknown) => unknown }).doPublish
        .length,
      because('@socket.io/postgres-adapter', 'doPublish takes the message alone'),
    ).toBe(1);
    expect(
      PostgresAdapter.prototype instanceof ClusterAdapter,
      because('socket.io-adapter', 'PostgresAdapter is a ClusterAdapter'),
    ).toBe(true);
  });

  it('socket.io-adapter: a broadcast waits for `doPublish`, and a patched one is the one called', async () => {
    const localDelivery = vi.spyOn(Adapter.prototype, 'broadcast');
    const broadcastTo = (io: Server) =>
      void io.of('/').adapter.broadcast(
        { type: 2, data: ['event', { id: 1 }], nsp: '/' },
        {
          rooms: new Set(),
          except: new Set(),
          flags: {},
        },
      );
    const tick = () => new Promise((resolve) => setImmediate(resolve));

    // The adapter alone: the NOTIFY never answers, so this node's sockets never get it.
    const alone = serverWith(createAdapter(fakePool().pool, { heartbeatInterval: 60_000 }));
    broadcastTo(alone);
    await tick();
    expect(
      localDelivery,
      because(
        'socket.io-adapter',
        'ClusterAdapter.broadcast awaits doPublish before delivering to this node (else deliverHereFirst is pointless)',
      ),
    ).not.toHaveBeenCalled();

    const errors: unknown[] = [];
    const wrapped = serverWith(
      deliverHereFirst(createAdapter(fakePool().pool, { heartbeatInterval: 60_000 }), (error) =>
        errors.push(error),
      ),
    );
    broadcastTo(wrapped);
    await tick();
    expect(
      localDelivery,
      because(
        'socket.io-adapter',
        'ClusterAdapter.broadcast calls this.doPublish, so the instance’s own doPublish replaces the prototype’s',
      ),
    ).toHaveBeenCalledTimes(1);
    expect(errors).toEqual([]);
  });
});
