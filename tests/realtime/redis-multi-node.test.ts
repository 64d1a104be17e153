/**
 * Two server processes (the real entry point) on one PostgreSQL with
 * `REDIS_URL`: they reach each other's sockets through the Redis Streams
 * adapter, not through NOTIFY. A change made through one node reaches the
 * sockets of the other, presence counts both nodes, a session ended
 * through one node closes its socket on the other, and the nodes carry on
 * once their connections to Redis were cut. Before them, without Redis: the
 * configuration, and what server/realtime/cluster/redis-streams-adapter.ts
 * relies on in the adapter.
 */
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import { MessageType } from 'socket.io-adapter';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../server/config.js';
import type { DatabaseHandle } from '../../server/db/open-database.js';
import { ADAPTER_APPLICATION_NAME } from '../../server/realtime/attach-realtime.js';
import {
  createTestDatabase,
  hasPostgres,
  IS_CI,
  requirePostgresUrl,
} from '../support/databases.js';
import { callOverHttp } from '../support/http-client.js';
import {
  startServerNode,
  startTcpFront,
  type ServerNode,
  type TcpFront,
} from '../support/server-node.js';
import { createPrincipalWithSpace, createSecondary } from '../support/fixtures.js';
import { TestClient, tokenFor } from '../support/socket-clients.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** A stream (and channel prefix) of this run's own: parallel runs on one Redis never meet. */
const STREAM = `qrp-test-${Date.now().toString(36)}-${process.pid}`;

/** A client that gives up at once when Redis does not answer. */
async function openRedis() {
  const client = createClient({ url: REDIS_URL, socket: { reconnectStrategy: false } });
  client.on('error', () => {});
  await client.connect();
  return client;
}

async function redisAnswers(): Promise<boolean> {
  try {
    const client = await openRedis();
    await client.ping();
    client.destroy();
    return true;
  } catch {
    return false;
  }
}

describe('REDIS_URL', () => {
  const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/app';

  it('chooses the Redis Streams adapter over NOTIFY/LISTEN', () => {
    expect(configFromEnv({ DATABASE_URL }).adapter).toEqual({
      kind: 'postgres',
      url: DATABASE_URL,
    });
    expect(configFromEnv({ DATABASE_URL, REDIS_URL: 'redis://cache:6379/2' }).adapter).toEqual({
      kind: 'redis',
      url: 'redis://cache:6379/2',
      streamName: 'qrp-realtime',
    });
    expect(configFromEnv({}).adapter).toBeNull();
  });

  it('stops the server at start on a malformed value, without repeating a password', () => {
    const start = (env: Record<string, string>) => () => configFromEnv({ DATABASE_URL, ...env });
    expect(start({ REDIS_URL: 'cache:6379' })).toThrow(/REDIS_URL must be a redis:\/\//);
    expect(start({ REDIS_URL: 'http://cache:6379' })).toThrow(/REDIS_URL must be a redis:\/\//);
    expect(start({ REDIS_URL: 'not a url at all' })).toThrow(/REDIS_URL must be a URL/);
    expect(start({ REDIS_URL: 'redis://:s3cret@cache:6379/x' })).toThrow(/database number/);
    expect(start({ REDIS_URL: 'redis://:s3cret@cache:6379/x' })).not.toThrow(/s3cret/);
    expect(start({ REDIS_URL: 'redis://cache', REDIS_STREAM: 'a b' })).toThrow(/REDIS_STREAM/);
    expect(start({ REDIS_STREAM: 'qrp' })).toThrow(/REDIS_STREAM goes with REDIS_URL/);
    expect(() => configFromEnv({ REDIS_URL: 'redis://cache' })).toThrow(/needs DATABASE_URL/);
  });
});

/** A stand-in for a `redis` client: records what the adapter does with it, reads nothing. */
function fakeRedis(log: string[]) {
  const connection = () => ({
    on: () => {},
    connect: async () => void log.push('connect'),
    sSubscribe: () => {},
    subscribe: (channels: string[]) => void log.push(`subscribe ${channels[0]}`),
    xRead: () => new Promise(() => {}),
    disconnect: () => {},
  });
  return {
    ...connection(),
    duplicate: () => {
      log.push('duplicate');
      return connection();
    },
    publish: async (channel: string) => {
      log.push(`publish ${channel}`);
      return 1;
    },
    xAdd: async () => {
      log.push('xAdd');
      return '1-0';
    },
  };
}

// server/realtime/cluster/redis-streams-adapter.ts watches the connections the adapter opens
// (through `duplicate`), catches its PUBLISHes, and rewrites `serverSideEmit` messages by
// their type: an upgrade of the adapter that changes any of it fails here.
describe('the Redis Streams adapter, as redis-streams-adapter.ts relies on it', () => {
  it('opens its connections with duplicate() and sends serverSideEmit with publish()', async () => {
    const log: string[] = [];
    const io = new Server();
    io.adapter(createAdapter(fakeRedis(log), { streamName: 'probe', channelPrefix: 'probe' }));
    const adapter = io.of('/').adapter as unknown as { doPublish(m: { type: number }): unknown };
    const types: number[] = [];
    const doPublish = adapter.doPublish.bind(adapter);
    adapter.doPublish = (message) => {
      types.push(message.type);
      return doPublish(message);
    };
    await new Promise((resolve) => setTimeout(resolve, 10));
    log.length = 0;
    io.serverSideEmit('committed', [{ seq: 1 }]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(types).toEqual([MessageType.SERVER_SIDE_EMIT]);
    expect(MessageType.SERVER_SIDE_EMIT).toBe(9);
    expect(log).toEqual(['publish probe#/#']);
    io.of('/').adapter.close();
  });

  it('opens a stream reader and a subscriber, each through duplicate()', async () => {
    const log: string[] = [];
    const io = new Server();
    io.adapter(createAdapter(fakeRedis(log), { streamName: 'probe', channelPrefix: 'probe' }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(log.filter((entry) => entry === 'duplicate')).toHaveLength(2);
    expect(log.filter((entry) => entry === 'connect')).toHaveLength(2);
    expect(log).toContain('subscribe probe#/#');
    io.of('/').adapter.close();
  });
});

// Needs a real PostgreSQL and Redis: under CI their absence fails here instead of skipping.
const redisUp = hasPostgres() ? await redisAnswers() : false;
const describeWithRedis = hasPostgres() && (redisUp || IS_CI) ? describe : describe.skip;

describeWithRedis('several server processes on one PostgreSQL, through Redis Streams', () => {
  let database: DatabaseHandle & { url: string | null };
  let nodeA: ServerNode;
  let nodeB: ServerNode;
  /** Between the nodes and Redis, cut as a Redis restart or a network loss would. */
  let relay: TcpFront;
  beforeAll(async () => {
    requirePostgresUrl();
    if (!redisUp) throw new Error(`Redis does not answer at ${REDIS_URL}: these tests need it.`);
    database = await createTestDatabase('postgres');
    relay = await startTcpFront(() => Number(new URL(REDIS_URL).port || 6379));
    const env = {
      DATABASE_URL: database.url!,
      REDIS_URL: `redis://127.0.0.1:${relay.port}`,
      REDIS_STREAM: STREAM,
    };
    nodeA = await startServerNode({ env });
    nodeB = await startServerNode({ env });
  }, 90_000);
  afterAll(async () => {
    await Promise.all([nodeA, nodeB].map((node) => (node as ServerNode | undefined)?.stop()));
    await relay?.close();
    await database?.close();
    if (redisUp) {
      const redis = await openRedis();
      await redis.del(STREAM);
      redis.destroy();
    }
  }, 60_000);

  it('pushes a change made through one node to the sockets of the other', async () => {
    const { db } = database;
    const space = await createPrincipalWithSpace(db, { sirets: 2 });
    const secondary = await createSecondary(db, space, { sirets: [space.sirets[0]!] });
    const principalToken = await tokenFor(db, space.principal.id);
    const onB = await TestClient.connect(nodeB.url, await tokenFor(db, secondary.user.id));
    const principalOnB = await TestClient.connect(nodeB.url, principalToken);
    try {
      const answer = await callOverHttp(
        nodeA.url,
        'PUT',
        `/api/v1/secondaries/${secondary.user.id}/sirets`,
        { token: principalToken, body: { sirets: space.sirets } },
      );
      expect(answer.status).toBe(200);
      const changed = await onB.nextOfType('secondary.sirets_changed');
      expect(changed.data).toMatchObject({ userId: secondary.user.id, sirets: space.sirets });
      const seen = await principalOnB.eventWithId(changed.id);
      expect(seen.type).toBe('secondary.sirets_changed');
    } finally {
      onB.close();
      principalOnB.close();
    }
  });

  it('counts as online the members connected to either node', async () => {
    const { db } = database;
    const space = await createPrincipalWithSpace(db, { sirets: 1 });
    const secondary = await createSecondary(db, space);
    const onB = await TestClient.connect(nodeB.url, await tokenFor(db, secondary.user.id));
    try {
      const onA = await TestClient.connect(nodeA.url, await tokenFor(db, space.principal.id));
      expect(onA.snapshot).toMatchObject({
        online: [space.principal.id, secondary.user.id].sort((a, b) => a - b),
      });
      onA.close();
    } finally {
      onB.close();
    }
  });

  it('closes on the other node the sockets of a session ended through one node', async () => {
    const { db } = database;
    const space = await createPrincipalWithSpace(db, { sirets: 1 });
    const secondary = await createSecondary(db, space);
    const leaving = await tokenFor(db, secondary.user.id);
    const leavingOnB = await TestClient.connect(nodeB.url, leaving);
    const stayingOnB = await TestClient.connect(nodeB.url, await tokenFor(db, secondary.user.id));
    try {
      const response = await callOverHttp(nodeA.url, 'POST', '/api/v1/auth/logout', {
        token: leaving,
      });
      expect(response.status).toBe(204);
      await leavingOnB.disconnected();
      // `logout`, not the periodic check's `expired`: the end came through Redis.
      expect(leavingOnB.ofType('session.revoked').map((e) => e.data)).toEqual([
        { reason: 'logout' },
      ]);
      await stayingOnB.barrier();
      expect(stayingOnB.ofType('session.revoked')).toEqual([]);
    } finally {
      leavingOnB.close();
      stayingOnB.close();
    }
  });

  it('carries on once its connections to Redis were cut', async () => {
    const { db } = database;
    const space = await createPrincipalWithSpace(db, { sirets: 2 });
    const secondary = await createSecondary(db, space, { sirets: [] });
    const principalToken = await tokenFor(db, space.principal.id);
    const onB = await TestClient.connect(nodeB.url, await tokenFor(db, secondary.user.id));
    try {
      // Both nodes' connections: the adapter's own client, its stream reader, its subscriber.
      expect(relay.cut()).toBeGreaterThanOrEqual(2 * 3 * 2);
      // A message sent while a node is away is lost (the panels catch up with `sync`): the
      // changes go on until one arrives, once the clients have reconnected and subscribed again.
      const arrived = () => onB.ofType('secondary.sirets_changed').length > 0;
      const deadline = Date.now() + 15_000;
      for (let i = 0; !arrived(); i++) {
        if (Date.now() > deadline) throw new Error('no change reached node B after the cut');
        const answer = await callOverHttp(
          nodeA.url,
          'PUT',
          `/api/v1/secondaries/${secondary.user.id}/sirets`,
          { token: principalToken, body: { sirets: i % 2 === 0 ? [space.sirets[0]!] : [] } },
        );
        expect(answer.status).toBe(200);
        await onB.until(arrived, 'the change on node B', 500).catch(() => {});
      }
      expect(nodeA.process.exitCode).toBeNull();
      expect(nodeB.process.exitCode).toBeNull();
    } finally {
      onB.close();
    }
  }, 30_000);

  it('goes through Redis, never through NOTIFY', async () => {
    const { rows } = await sql<{ count: string }>`
      select count(*) as count from pg_stat_activity
      where datname = current_database() and application_name = ${ADAPTER_APPLICATION_NAME}`.execute(
      database.db,
    );
    expect(Number(rows[0]!.count)).toBe(0);
    // The session ended above went into this test's own stream.
    const redis = await openRedis();
    try {
      expect(await redis.xLen(STREAM)).toBeGreaterThan(0);
    } finally {
      redis.destroy();
    }
  });
});
