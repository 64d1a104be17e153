/**
 * Socket.IO on the HTTP server's own port: the live push of committed events
 * (snapshot on connect, then events, `sync` to catch up) and presence.
 *
 * With a PostgreSQL URL, nodes reach each other's sockets through the official
 * PostgreSQL adapter, on a pool of its own: its NOTIFYs must never run inside a
 * business transaction (a commit with a pending NOTIFY takes a global lock).
 * With the embedded database there is one process and the in-memory adapter.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Http2SecureServer, Http2Server } from 'node:http2';
import type { Server as HttpsServer } from 'node:https';
import { createAdapter } from '@socket.io/postgres-adapter';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { Server } from 'socket.io';
import type { Database } from '../db/schema.js';
import type { StoredEvent } from '../events/append-events.js';
import {
  createOriginCheck,
  createSocketAuthentication,
  normalizeOrigin,
} from './authenticate-socket.js';
import { deliverHereFirst } from './deliver-here-first.js';
import { sendProtocolRefusalsInFrench } from './french-protocol-messages.js';
import { traceDelivery } from './delivery-trace.js';
import { handleConnection } from './handle-connection.js';
import { SYNC_BUDGET, type SyncBudgetOptions } from './sync-budget.js';
import { createPresenceNotifier } from './presence.js';
import { promptPublisher, type PromptPublisher } from './prompt-publisher.js';
import { endSession, publishEvents, type SessionEndReason } from './publish-events.js';
import type { RealtimeServer } from './realtime-server.js';
import { startSessionSweep } from './session-sweep.js';
import { consoleLogger, type RealtimeLogger } from './realtime-logger.js';

export type { SessionEndReason } from './publish-events.js';
export type { RealtimeLogger } from './realtime-logger.js';
export type { RealtimeServer } from './realtime-server.js';

export type RealtimeAdapter = { kind: 'memory' } | { kind: 'postgres'; url: string };

export interface RealtimeOptions {
  httpServer: HttpServer | HttpsServer | Http2Server | Http2SecureServer;
  db: Kysely<Database>;
  /** Origins allowed besides the server's own (the extension's, `chrome-extension://<id>`). */
  allowedOrigins?: readonly string[];
  /** The server's own origin (`PUBLIC_URL`); null when only the listed origins may connect. */
  publicOrigin?: string | null;
  /** Default: in memory (one process). */
  adapter?: RealtimeAdapter;
  /** How often this node re-checks the sessions of its sockets (default 15 s). */
  sessionSweepMs?: number;
  /** How many `sync`s a socket may ask for (default `SYNC_BUDGET`). */
  syncBudget?: SyncBudgetOptions;
  logger?: RealtimeLogger;
}

export interface Realtime {
  io: RealtimeServer;
  /** Sends committed events to the sockets concerned, on every node (`runRule`'s `onCommit`). */
  publish(events: readonly StoredEvent[]): void;
  /** Tells the sockets of a session that it ended, then disconnects them, on every node. */
  endSession(sessionId: number, reason: SessionEndReason): void;
  /** Ends this node's sockets whose session is no longer valid; resolves with how many. */
  sweepSessions(): Promise<number>;
  /** Disconnects this node's sockets and closes the adapter; the HTTP server stays the caller's. */
  close(): Promise<void>;
}

/** Pool of the adapter: one connection listens, one publishes, the others stand in while it reopens. */
const ADAPTER_POOL_SIZE = 4;
/** Names the adapter's connections in `pg_stat_activity`, apart from the business pool's. */
export const ADAPTER_APPLICATION_NAME = 'qrp-realtime-adapter';

export function createRealtime(options: RealtimeOptions): Realtime {
  const logger = options.logger ?? consoleLogger;
  const allowedOrigins = options.allowedOrigins ?? [];
  const publicOrigin = options.publicOrigin ?? null;
  const io: RealtimeServer = new Server(options.httpServer, {
    path: '/socket.io',
    serveClient: false,
    allowRequest: createOriginCheck(publicOrigin, allowedOrigins),
    // Only for HTTP long polling; WebSockets are checked by allowRequest above.
    cors: {
      origin: [publicOrigin, ...allowedOrigins]
        .filter((o): o is string => Boolean(o))
        .map(normalizeOrigin),
    },
  });

  sendProtocolRefusalsInFrench(io);

  // Engine.IO answers a long-polling request of any other method with a 500:
  // refuse it first, as the bad request it is (400).
  io.engine.use((req: IncomingMessage, _res: unknown, next: (error?: Error) => void) => {
    next(req.method === 'GET' || req.method === 'POST' ? undefined : new Error('bad method'));
  });

  let closing = false;
  let adapterPool: pg.Pool | null = null;
  let publisher: PromptPublisher | null = null;
  if (options.adapter?.kind === 'postgres') {
    adapterPool = new pg.Pool({
      connectionString: options.adapter.url,
      max: ADAPTER_POOL_SIZE,
      application_name: ADAPTER_APPLICATION_NAME,
    });
    // An idle connection dropped by the server must not crash the process; the adapter reconnects.
    adapterPool.on('error', (error) =>
      logger.warn({ err: error }, 'realtime adapter connection lost'),
    );
    // The adapter keeps its LISTEN connection checked out, where the pool's listener does not
    // reach: a restart of PostgreSQL would crash the process with an unhandled 'error'. The
    // adapter itself reconnects on the connection's 'end'.
    adapterPool.on('connect', (client) =>
      client.on('error', (error) =>
        logger.warn({ err: error }, 'realtime adapter connection lost'),
      ),
    );
    const onAdapterError = (error: unknown) => {
      if (!closing) logger.warn({ err: error }, 'realtime adapter error');
    };
    publisher = promptPublisher(adapterPool, onAdapterError);
    io.adapter(
      deliverHereFirst(
        createAdapter(publisher.pool, {
          heartbeatInterval: 2000,
          heartbeatTimeout: 6000,
          errorHandler: onAdapterError,
        }),
        onAdapterError,
      ),
    );
  }

  io.on('committed', (events) => {
    if (closing) return;
    traceDelivery('received-from-node', events);
    publishEvents(io.local, events, logger);
    traceDelivery('delivered-from-node', events);
  });

  const presence = createPresenceNotifier(io, logger);
  const sessionSweep = startSessionSweep({
    io,
    db: options.db,
    logger,
    intervalMs: options.sessionSweepMs ?? 15_000,
  });
  io.use(createSocketAuthentication(options.db, logger));
  io.on('connection', (socket) =>
    handleConnection(
      { io, db: options.db, presence, logger, syncBudget: options.syncBudget ?? SYNC_BUDGET },
      socket,
    ),
  );

  return {
    io,
    publish(events) {
      if (closing) return;
      traceDelivery('published', events);
      publishEvents(io.local, events, logger);
      traceDelivery('delivered-here', events);
      // One message per commit for the other nodes, which project the events for
      // their own sockets, instead of one per broadcast.
      if (adapterPool) {
        io.serverSideEmit('committed', [...events]);
        traceDelivery('sent-to-nodes', events);
      }
    },
    endSession(sessionId, reason) {
      if (!closing) endSession(io, sessionId, reason);
    },
    sweepSessions: () => sessionSweep.sweep(),
    async close() {
      if (closing) return;
      closing = true;
      presence.stop();
      sessionSweep.stop();
      // Closing the connections (not a Socket.IO "disconnect", which tells a
      // client to stay away) lets the panels reconnect to the restarted server
      // or another node, then catch up with `sync`.
      io.engine.close();
      await io.of('/').adapter.close();
      // Lets the adapter's farewell to the other nodes leave before its pool ends.
      await new Promise((resolve) => setTimeout(resolve, adapterPool ? 50 : 0));
      publisher?.close();
      await adapterPool?.end();
    },
  };
}
