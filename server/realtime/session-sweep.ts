/**
 * Sign-outs and removals end sockets at once through the adapter; a broadcast
 * lost between nodes, or a session that simply expires, would otherwise leave a
 * socket open until its next `sync`. Each node therefore re-checks the sessions
 * of its own sockets now and then, in batches, and ends those no longer valid.
 */
import type { Kysely } from 'kysely';
import { findLiveSessionIds } from '../db/queries/sessions.js';
import type { Database } from '../db/schema.js';
import { ephemeralEvent } from './project-event.js';
import type { RealtimeServer } from './realtime-server.js';
import type { RealtimeLogger } from './realtime-logger.js';

/** Sessions checked per query. */
const BATCH = 1000;

export interface SessionSweep {
  /** One pass over this node's sockets; resolves with how many were ended. */
  sweep(): Promise<number>;
  stop(): void;
}

export function startSessionSweep(options: {
  io: RealtimeServer;
  db: Kysely<Database>;
  logger: RealtimeLogger;
  intervalMs: number;
}): SessionSweep {
  const { io, db, logger } = options;
  let running: Promise<number> | null = null;

  async function sweepOnce(): Promise<number> {
    const sockets = [...io.of('/').sockets.values()];
    const sessionIds = [...new Set(sockets.map((socket) => socket.data.viewer.sessionId))];
    const live = new Set<number>();
    for (let start = 0; start < sessionIds.length; start += BATCH) {
      const batch = sessionIds.slice(start, start + BATCH);
      for (const id of await findLiveSessionIds(db, batch)) live.add(id);
    }
    let ended = 0;
    for (const socket of sockets) {
      if (!socket.connected || live.has(socket.data.viewer.sessionId)) continue;
      socket.emit('event', ephemeralEvent('session.revoked', { reason: 'expired' }));
      socket.disconnect(true);
      ended++;
    }
    return ended;
  }

  const sweep = () => {
    running ??= sweepOnce().finally(() => (running = null));
    return running;
  };
  const timer = setInterval(() => {
    sweep().catch((error: unknown) => logger.warn({ err: error }, 'session sweep failed'));
  }, options.intervalMs);
  timer.unref();
  return { sweep, stop: () => clearInterval(timer) };
}
