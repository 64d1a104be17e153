/**
 * Starts the whole server on one port: database (migrated), HTTP routes,
 * Socket.IO, background jobs. `close()` stops it cleanly: no new connection,
 * requests in flight finish, sockets close, then the database.
 */
import type { AddressInfo } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import { serve } from '@hono/node-server';
import type { ServerConfig } from './config.js';
import { openDatabase, type DatabaseHandle } from './db/open-database.js';
import type { StoredEvent } from './events/append-events.js';
import { createApp } from './http/create-app.js';
import type { RealtimePort } from './http/context.js';
import { createLogger, type Logger } from './logger.js';
import { createMailer, type Mailer } from './mail/mailer.js';
import { createRealtime } from './realtime/attach-realtime.js';
import { ensureAdmin } from './ensure-admin.js';
import { startJobs } from './jobs.js';
import { killAfterCommits } from './failpoint.js';

export interface RunningServer {
  url: string;
  port: number;
  database: DatabaseHandle;
  mailer: Mailer;
  logger: Logger;
  close(): Promise<void>;
}

const SHUTDOWN_GRACE_MS = 10_000;

export async function startServer(
  config: ServerConfig,
  options: { logger?: Logger } = {},
): Promise<RunningServer> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const database = await openDatabase(config.database);
  try {
    if (config.admin) await ensureAdmin(database.db, config.admin);
  } catch (error) {
    await database.close();
    throw error;
  }
  const mailer = createMailer({ smtpUrl: config.smtpUrl, mailDir: config.mailDir });

  // Socket.IO attaches to the HTTP server, which needs the app first: the app
  // reaches the realtime side through this port, bound right after.
  const bound: { realtime?: ReturnType<typeof createRealtime> } = {};
  const afterCommit = killAfterCommits();
  const port: RealtimePort = {
    publish: (events: StoredEvent[]) => {
      afterCommit();
      bound.realtime?.publish(events);
    },
    endSession: (sessionId, reason) => bound.realtime?.endSession(sessionId, reason),
    online: async (spaceId) => (bound.realtime ? bound.realtime.online(spaceId) : []),
  };
  const { app } = createApp({ db: database.db, config, mailer, logger, realtime: port });

  const httpServer = await new Promise<HttpServer>((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () =>
      resolve(server as HttpServer),
    ) as HttpServer;
    server.once('error', reject);
  });
  const realtime = createRealtime({
    httpServer,
    db: database.db,
    allowedOrigins: config.allowedOrigins,
    publicOrigin: new URL(config.publicUrl).origin,
    adapter: config.adapter ?? { kind: 'memory' },
    logger,
  });
  bound.realtime = realtime;
  const jobs = startJobs({
    db: database.db,
    logger,
    publish: port.publish,
    intervalMs: config.expiryIntervalMs,
    historyDays: config.historyDays,
  });

  const address = httpServer.address() as AddressInfo;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${address.port}`;
  logger.info({ url, port: address.port, database: database.kind }, 'listening');
  // Whoever started the server waits for this line: it does not wait for the next batch.
  logger.flush();

  let closing: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    database,
    mailer,
    logger,
    close() {
      closing ??= (async () => {
        jobs.stop();
        const httpClosed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        httpServer.closeIdleConnections();
        const force = setTimeout(() => httpServer.closeAllConnections(), SHUTDOWN_GRACE_MS);
        await realtime.close();
        await httpClosed;
        clearTimeout(force);
        mailer.close();
        await database.close();
        logger.info('stopped');
      })();
      return closing;
    },
  };
}
