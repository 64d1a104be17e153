/**
 * The whole server in this process over a test database: the HTTP routes of
 * the HTTP harness served on a real port, with Socket.IO attached to the same
 * port, so that what a route commits reaches real sockets. Errors logged by
 * either side are kept: a security test checks that none was unexpected.
 */
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Kysely } from 'kysely';
import type { Database } from '../../../server/db/schema.js';
import { createRealtime, type Realtime } from '../../../server/realtime/attach-realtime.js';
import type { RealtimeLogger } from '../../../server/realtime/realtime-logger.js';
import {
  createHttpHarness,
  EXTENSION_ORIGIN,
  PUBLIC_URL,
  type HttpHarness,
} from '../../support/http-harness.js';

export interface LiveServer {
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

export async function startLiveServer(db: Kysely<Database>): Promise<LiveServer> {
  const bound: { realtime?: Realtime } = {};
  const http = createHttpHarness(db, {
    realtime: {
      publish: (events) => bound.realtime?.publish(events),
      endSession: (sessionId, reason) => bound.realtime?.endSession(sessionId, reason),
    },
  });
  const httpServer = await new Promise<HttpServer>((resolve, reject) => {
    const server = serve({ fetch: http.app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(server as HttpServer),
    ) as HttpServer;
    server.once('error', reject);
  });
  const realtimeErrors: string[] = [];
  const logger: RealtimeLogger = {
    info() {},
    warn() {},
    error: (_details, message) => void realtimeErrors.push(String(message)),
  };
  const realtime = createRealtime({
    httpServer,
    db,
    allowedOrigins: [EXTENSION_ORIGIN],
    publicOrigin: PUBLIC_URL,
    adapter: { kind: 'memory' },
    logger,
  });
  bound.realtime = realtime;
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    http,
    realtime,
    realtimeErrors,
    httpErrors: () => http.logLines.filter((line) => /"level":(50|60)/.test(line)),
    async close() {
      await realtime.close();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
