/**
 * Nodes reach each other's sockets through the official PostgreSQL adapter
 * (NOTIFY/LISTEN on the database they already share), on a pool of its own:
 * its NOTIFYs must never run inside a business transaction (a commit with a
 * pending NOTIFY takes a global lock). Its publishes go out on one held
 * connection (prompt-publisher.ts), and this node's own sockets get each
 * broadcast without waiting for them (deliver-here-first.ts).
 */
import { createAdapter } from '@socket.io/postgres-adapter';
import pg from 'pg';
import type { RealtimeServer } from '../realtime-server.js';
import type { RealtimeLogger } from '../realtime-logger.js';
import { deliverHereFirst } from './deliver-here-first.js';
import { promptPublisher } from './prompt-publisher.js';

/** Pool of the adapter: one connection listens, one publishes, the others stand in while it reopens. */
const ADAPTER_POOL_SIZE = 4;
/** Names the adapter's connections in `pg_stat_activity`, apart from the business pool's. */
export const ADAPTER_APPLICATION_NAME = 'qrp-realtime-adapter';

export interface PostgresAdapterHandle {
  /** Once the adapter itself is closed: lets its farewell leave, then ends its pool. */
  close(): Promise<void>;
}

export function attachPostgresAdapter(
  io: RealtimeServer,
  url: string,
  logger: RealtimeLogger,
  isClosing: () => boolean,
): PostgresAdapterHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: ADAPTER_POOL_SIZE,
    application_name: ADAPTER_APPLICATION_NAME,
  });
  // An idle connection dropped by the server must not crash the process; the adapter reconnects.
  pool.on('error', (error) => logger.warn({ err: error }, 'realtime adapter connection lost'));
  // The adapter keeps its LISTEN connection checked out, where the pool's listener does not
  // reach: a restart of PostgreSQL would crash the process with an unhandled 'error'. The
  // adapter itself reconnects on the connection's 'end'.
  pool.on('connect', (client) =>
    client.on('error', (error) => logger.warn({ err: error }, 'realtime adapter connection lost')),
  );
  const onAdapterError = (error: unknown) => {
    if (!isClosing()) logger.warn({ err: error }, 'realtime adapter error');
  };
  const publisher = promptPublisher(pool, onAdapterError);
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
  return {
    async close() {
      // Lets the adapter's farewell to the other nodes leave before its pool ends.
      await new Promise((resolve) => setTimeout(resolve, 50));
      publisher.close();
      await pool.end();
    },
  };
}
