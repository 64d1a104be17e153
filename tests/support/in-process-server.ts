/**
 * The whole server in this process over a test database: the HTTP routes of
 * the HTTP harness served on a real port of the loopback interface, with
 * Socket.IO attached to the same port, so that what a route commits reaches
 * real sockets. The test keeps the database handle, for its fixtures.
 *
 * Where a test needs the server as a process of its own (stopped, killed,
 * restarted on its port), it starts `server/main.ts` instead (`server-node.ts`).
 */
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Kysely } from 'kysely';
import type { Database } from '../../server/db/schema.js';
import {
  createRealtime,
  type Realtime,
  type RealtimeAdapter,
} from '../../server/realtime/attach-realtime.js';
import type { SyncBudgetOptions } from '../../server/realtime/sync-budget.js';
import { testLogger } from '../security/support/secrets-log-files.js';
import {
  createHttpHarness,
  EXTENSION_ORIGIN,
  PUBLIC_URL,
  type HttpHarness,
} from './http-harness.js';

export interface InProcessServer {
  /** `http://127.0.0.1:<port>`: HTTP routes, `/health` and `/socket.io/` on one port. */
  url: string;
  port: number;
  http: HttpHarness;
  realtime: Realtime;
  /** Messages the realtime side logged at `error` level. */
  realtimeErrors: string[];
  /** Lines the HTTP side logged at `error` level (an unexpected error, a 500). */
  httpErrors(): string[];
  close(): Promise<void>;
}

export interface InProcessServerOptions {
  /** Default: the extension's origin of the HTTP harness. */
  allowedOrigins?: string[];
  /** Default: the public URL of the HTTP harness. */
  publicOrigin?: string | null;
  /** Default: one node, in memory. */
  adapter?: RealtimeAdapter;
  syncBudget?: SyncBudgetOptions;
}

/** A log line at `error` or `fatal` level (pino's 50 and 60). */
const isErrorLine = (line: string) => /"level":(50|60)\b/.test(line);

export async function startInProcessServer(
  db: Kysely<Database>,
  options: InProcessServerOptions = {},
): Promise<InProcessServer> {
  // Socket.IO attaches to the HTTP server, which needs the app first: the app
  // reaches the realtime side through this binding, set right after.
  const bound: { realtime?: Realtime } = {};
  const http = createHttpHarness(db, {
    realtime: {
      publish: (events) => bound.realtime?.publish(events),
      endSession: (sessionId, reason) => bound.realtime?.endSession(sessionId, reason),
      online: async (spaceId) => (bound.realtime ? bound.realtime.online(spaceId) : []),
    },
  });
  const httpServer = await new Promise<HttpServer>((resolve, reject) => {
    const server = serve({ fetch: http.app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(server as HttpServer),
    ) as HttpServer;
    server.once('error', reject);
  });
  const realtimeErrors: string[] = [];
  const realtime = createRealtime({
    httpServer,
    db,
    allowedOrigins: options.allowedOrigins ?? [EXTENSION_ORIGIN],
    publicOrigin: options.publicOrigin === undefined ? PUBLIC_URL : options.publicOrigin,
    adapter: options.adapter ?? { kind: 'memory' },
    ...(options.syncBudget ? { syncBudget: options.syncBudget } : {}),
    // Tests run the session check themselves (`sweepSessions`), when they mean to.
    sessionSweepMs: 60 * 60 * 1000,
    // Written to this run's log files, which are scanned for secrets after the suite.
    logger: testLogger('realtime', (line) => {
      if (isErrorLine(line))
        realtimeErrors.push(String((JSON.parse(line) as { msg?: unknown }).msg));
    }),
  });
  bound.realtime = realtime;
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    http,
    realtime,
    realtimeErrors,
    httpErrors: () => http.logLines.filter(isErrorLine),
    async close() {
      await realtime.close();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
