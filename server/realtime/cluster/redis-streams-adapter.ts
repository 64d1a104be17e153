/**
 * With `REDIS_URL`, nodes reach each other's sockets through the official
 * Redis Streams adapter instead of the PostgreSQL one: PostgreSQL then
 * carries no NOTIFY, and sending each commit to every node is Redis's work
 * (what each choice costs: docs/scaling.md). As over PostgreSQL, this node's
 * own sockets get each broadcast without waiting for Redis
 * (deliver-here-first.ts).
 *
 * What travels how, as the adapter does it (checked against
 * `@socket.io/redis-streams-adapter` 0.3.1): broadcasts and socket
 * management (a session's end: its `session.revoked`, then the
 * disconnection of its sockets) are appended to one Redis stream that every
 * node reads in order, and reads again from where it was after a lost
 * connection; `serverSideEmit` (the commit relay, commit-relay.ts) and the
 * requests of `online()` go through Redis PUB/SUB, at most once, as they do
 * over NOTIFY. The nodes counted are the subscribers of the adapter's
 * channel. The stream's name also prefixes the channels, so that
 * deployments sharing one Redis never see each other's messages.
 *
 * The adapter ignores the errors of the connections it opens and lets a
 * failed PUBLISH reject where nobody waits for it (an unhandled rejection
 * ends the process): here every connection's errors are logged, a failed
 * PUBLISH is reported to the adapter's error handler, and a connection still
 * opening when the node closes is let go quietly. What this relies on in the
 * adapter is checked by tests/realtime/redis-multi-node.test.ts, which fails
 * when an upgrade changes it.
 */
import { createRequire } from 'node:module';
import type { createClient as CreateClient } from 'redis';
import type { createAdapter as CreateAdapter } from '@socket.io/redis-streams-adapter';
import type { Namespace } from 'socket.io';
import type { RealtimeServer } from '../realtime-server.js';
import type { RealtimeLogger } from '../realtime-logger.js';
import { deliverHereFirst } from './deliver-here-first.js';

// Both packages are CommonJS, loaded when a node is started with REDIS_URL: a server on
// PostgreSQL alone does not parse them at every start (`npm start` → /health, BENCHMARKS.md).
const require = createRequire(import.meta.url);
const loadRedis = () => ({
  createClient: (require('redis') as { createClient: typeof CreateClient }).createClient,
  createAdapter: (
    require('@socket.io/redis-streams-adapter') as { createAdapter: typeof CreateAdapter }
  ).createAdapter,
});

/** What is used here of a `redis` client (its own types differ between a client and its duplicates). */
interface RedisClient {
  on(event: 'error', listener: (error: unknown) => void): unknown;
  connect(): Promise<unknown>;
  duplicate(): RedisClient;
  publish(channel: string, message: string | Buffer): Promise<number>;
  close(): Promise<void>;
  destroy(): void;
}
type Adapter = Namespace['adapter'];

/** `MessageType.SERVER_SIDE_EMIT` of `socket.io-adapter` (2.5.9): the adapter's message for `serverSideEmit`. */
const SERVER_SIDE_EMIT = 9;
/** How long a closing node waits for its last commands to reach Redis. */
const CLOSE_GRACE_MS = 1000;

export interface RedisStreamsAdapterOptions {
  url: string;
  /** The stream, and the prefix of the PUB/SUB channels: one per deployment. */
  streamName: string;
}

export interface RedisStreamsAdapterHandle {
  /** Once the adapter itself is closed: lets its last commands leave, then ends its connections. */
  close(): Promise<void>;
}

export function attachRedisStreamsAdapter(
  io: RealtimeServer,
  options: RedisStreamsAdapterOptions,
  logger: RealtimeLogger,
  isClosing: () => boolean,
): RedisStreamsAdapterHandle {
  const onAdapterError = (error: unknown) => {
    if (!isClosing()) logger.warn({ err: error }, 'realtime adapter error');
  };
  const duplicates: RedisClient[] = [];
  // A connection lost is retried by the client itself (exponential back-off, 2 s at most).
  const logErrors = (client: RedisClient) =>
    client.on('error', (error: unknown) => {
      if (!isClosing()) logger.warn({ err: error }, 'realtime adapter connection lost');
    });

  const { createClient, createAdapter } = loadRedis();
  const client: RedisClient = createClient({ url: options.url });
  logErrors(client);
  // Commands sent before the connection is up wait in the client's queue.
  client.connect().catch(onAdapterError);

  const forAdapter = new Proxy(client, {
    get(target, property) {
      if (property === 'duplicate') return () => duplicate(target);
      if (property === 'publish') {
        return (channel: string, message: string | Buffer) =>
          target.publish(channel, message).catch((error: unknown) => {
            onAdapterError(error);
            return 0;
          });
      }
      const value = Reflect.get(target, property) as unknown;
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
  /** The adapter's own connections (its stream reader, its subscriber), watched like ours. */
  const duplicate = (original: RedisClient): RedisClient => {
    const copy = original.duplicate();
    logErrors(copy);
    duplicates.push(copy);
    const connect = copy.connect.bind(copy);
    // Closed before it ever connected (Redis unreachable): the adapter's wait for it never
    // ends rather than failing where nothing catches it.
    copy.connect = () =>
      connect().catch((error: unknown) => {
        onAdapterError(error);
        return new Promise<never>(() => {});
      });
    return copy;
  };

  const perNamespace = createAdapter(forAdapter, {
    streamName: options.streamName,
    channelPrefix: options.streamName,
    // Committed events and socket data are plain JSON: no search for binary parts.
    onlyPlaintext: true,
  });
  io.adapter(
    deliverHereFirst(
      (nsp) => withJsonServerSideEmit(perNamespace(nsp) as unknown as Adapter),
      onAdapterError,
    ),
  );

  return {
    async close() {
      // The adapter stopped reading (its `close()`); a read still blocked in Redis ends here.
      for (const copy of duplicates) copy.destroy();
      const closed = client.close().catch(() => {});
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS))]);
      client.destroy();
    },
  };
}

/**
 * The adapter sends `serverSideEmit` in MessagePack, where a property set to
 * `undefined` arrives as `null`; over PostgreSQL (JSON) it is left out, as it
 * is on the way to the clients. The committed events then reach the other
 * nodes exactly as JSON gives them.
 */
function withJsonServerSideEmit(adapter: Adapter): Adapter {
  const publishing = adapter as Adapter & {
    doPublish(message: { type: number; data?: unknown }): Promise<unknown>;
  };
  const publish = publishing.doPublish.bind(adapter);
  publishing.doPublish = (message) =>
    publish(
      message.type === SERVER_SIDE_EMIT && message.data !== undefined
        ? { ...message, data: JSON.parse(JSON.stringify(message.data)) as unknown }
        : message,
    );
  return adapter;
}
