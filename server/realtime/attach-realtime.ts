/**
 * Socket.IO on the HTTP server's own port: the live push of committed events
 * (snapshot on connect, then events, `sync` to catch up) and presence.
 *
 * The parts: the server and its gates (open-socket-server.ts), the nodes of a
 * cluster when there is a PostgreSQL URL, over PostgreSQL or Redis (cluster/), a session per socket
 * (accept-sockets.ts, socket-session.ts), presence counts (presence.ts) and
 * the periodic session check (session-sweep.ts). With the embedded database
 * there is one process and the in-memory adapter.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { StoredEvent } from '../events/append-events.js';
import { acceptSockets } from './accept-sockets.js';
import { relayCommits } from './cluster/commit-relay.js';
import { traceDelivery } from './cluster/delivery-trace.js';
import { attachPostgresAdapter } from './cluster/postgres-adapter.js';
import { attachRedisStreamsAdapter } from './cluster/redis-streams-adapter.js';
import { openSocketServer, type SocketServerOptions } from './open-socket-server.js';
import { createPresenceNotifier, listOnlineMembersOrLocal } from './presence.js';
import { endSession, publishEvents, type SessionEndReason } from './publish-events.js';
import type { RealtimeServer } from './realtime-server.js';
import { consoleLogger, type RealtimeLogger } from './realtime-logger.js';
import { startSessionSweep } from './session-sweep.js';
import { SYNC_BUDGET, type SyncBudgetOptions } from './sync-budget.js';

export { ADAPTER_APPLICATION_NAME } from './cluster/postgres-adapter.js';
export type { SessionEndReason } from './publish-events.js';
export type { RealtimeLogger } from './realtime-logger.js';
export type { RealtimeServer } from './realtime-server.js';

export type RealtimeAdapter =
  | { kind: 'memory' }
  | { kind: 'postgres'; url: string }
  | { kind: 'redis'; url: string; streamName: string };

export interface RealtimeOptions {
  httpServer: SocketServerOptions['httpServer'];
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
  /** The members of a space connected now, on every node (this node's alone if the others fail). */
  online(spaceId: number): Promise<number[]>;
  /** Ends this node's sockets whose session is no longer valid; resolves with how many. */
  sweepSessions(): Promise<number>;
  /** Disconnects this node's sockets and closes the adapter; the HTTP server stays the caller's. */
  close(): Promise<void>;
}

export function createRealtime(options: RealtimeOptions): Realtime {
  const logger = options.logger ?? consoleLogger;
  const io = openSocketServer({
    httpServer: options.httpServer,
    publicOrigin: options.publicOrigin ?? null,
    allowedOrigins: options.allowedOrigins ?? [],
  });

  let closing = false;
  const isClosing = () => closing;
  const adapter = options.adapter ?? { kind: 'memory' };
  const cluster =
    adapter.kind === 'memory'
      ? null
      : {
          adapter:
            adapter.kind === 'postgres'
              ? attachPostgresAdapter(io, adapter.url, logger, isClosing)
              : attachRedisStreamsAdapter(io, adapter, logger, isClosing),
          commits: relayCommits(io, logger, isClosing),
        };

  const presence = createPresenceNotifier(io, logger);
  const sessionSweep = startSessionSweep({
    io,
    db: options.db,
    logger,
    intervalMs: options.sessionSweepMs ?? 15_000,
  });
  acceptSockets(io, {
    db: options.db,
    presence,
    logger,
    syncBudget: options.syncBudget ?? SYNC_BUDGET,
  });

  return {
    io,
    publish(events) {
      if (closing) return;
      traceDelivery('published', events);
      publishEvents(io, events, logger);
      traceDelivery('delivered-here', events);
      cluster?.commits.send(events);
    },
    online: (spaceId) => listOnlineMembersOrLocal(io, spaceId, logger),
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
      if (cluster) await cluster.adapter.close();
      else await new Promise((resolve) => setTimeout(resolve, 0));
    },
  };
}
