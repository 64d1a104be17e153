/**
 * The Socket.IO server on the HTTP server's own port, before any socket comes
 * in: where it listens, which origins may open a transport, and the
 * libraries' own refusals put in the project's terms.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Http2SecureServer, Http2Server } from 'node:http2';
import type { Server as HttpsServer } from 'node:https';
import { Server } from 'socket.io';
import { createOriginPolicy } from '../extension-origins.js';
import { allowedOriginsOf, createOriginCheck } from './check-origin.js';
import { sendProtocolRefusalsInFrench } from './french-protocol-messages.js';
import type { RealtimeServer } from './realtime-server.js';

export interface SocketServerOptions {
  httpServer: HttpServer | HttpsServer | Http2Server | Http2SecureServer;
  /** The server's own origin; null when only the listed origins may connect. */
  publicOrigin: string | null;
  /** Origins allowed besides the server's own. */
  allowedOrigins: readonly string[];
}

export function openSocketServer(options: SocketServerOptions): RealtimeServer {
  const { publicOrigin, allowedOrigins } = options;
  const isAllowedOrigin = createOriginPolicy(allowedOriginsOf(publicOrigin, allowedOrigins));
  const io: RealtimeServer = new Server(options.httpServer, {
    path: '/socket.io',
    serveClient: false,
    allowRequest: createOriginCheck(publicOrigin, allowedOrigins),
    // Only for HTTP long polling; WebSockets are checked by allowRequest above.
    cors: {
      origin: (origin, callback) =>
        callback(null, origin !== undefined && isAllowedOrigin(origin) ? origin : false),
    },
  });

  sendProtocolRefusalsInFrench(io);

  // Engine.IO answers a long-polling request of any other method with a 500:
  // refuse it first, as the bad request it is (400).
  io.engine.use((req: IncomingMessage, _res: unknown, next: (error?: Error) => void) => {
    next(req.method === 'GET' || req.method === 'POST' ? undefined : new Error('bad method'));
  });
  return io;
}
