/**
 * One socket's life: join the rooms of the viewer, send the snapshot (unless a
 * reconnecting client resumes in the same view), answer
 * `sync`, leave. What a socket follows is decided from the database each time
 * (on connect and on every `sync`), never trusted from an earlier answer: a
 * cession can turn a principal into a secondary of another space at any time.
 *
 * A socket's `sync`s cost the server whatever it asks, so they are bounded: one
 * runs at a time, one more waits (a newer request takes its place, the older
 * one is answered `SYNC_SUPERSEDED`), and beyond a rate (sync-budget.ts) they
 * are refused with `SYNC_RATE_LIMITED`; a socket that keeps flooding is closed.
 */
import type { Kysely } from 'kysely';
import type { Snapshot, SyncRequest, SyncResponse } from '../../shared/events.js';
import type { ErrorCode } from '../../shared/errors.js';
import { authenticateToken } from '../auth/sessions.js';
import type { Database } from '../db/schema.js';
import { ADMIN_STREAM, spaceStream, type StreamKey } from '../events/append-events.js';
import { resumePointOf, tokenOf, viewerOf } from './authenticate-socket.js';
import { buildSnapshot } from './build-snapshot.js';
import { findJoinPosition } from './join-position.js';
import type { PresenceNotifier } from './presence.js';
import { projectEvent } from './project-event.js';
import type { RealtimeServer, RealtimeSocket } from './realtime-server.js';
import type { RealtimeLogger } from './realtime-logger.js';
import { isSameView, roomsOf, type Viewer } from './rooms.js';
import { createSyncBudget, type SyncBudgetOptions } from './sync-budget.js';
import { parseSince, readStreamSince } from './sync-events.js';

export interface ConnectionContext {
  io: RealtimeServer;
  db: Kysely<Database>;
  presence: PresenceNotifier;
  logger: RealtimeLogger;
  syncBudget: SyncBudgetOptions;
}

interface SyncAnswer {
  response: SyncResponse;
  /** Set when the answer is a snapshot: what follows it is sent after the ack. */
  snapshot?: Snapshot;
}

function streamOf(viewer: Viewer): StreamKey {
  return viewer.orgId === null ? ADMIN_STREAM : spaceStream(viewer.orgId);
}

export function handleConnection(context: ConnectionContext, socket: RealtimeSocket): void {
  const { db, logger, presence } = context;
  const token = tokenOf(socket) ?? '';
  // Connect and each sync move rooms and build snapshots: one at a time per socket.
  let queue: Promise<void> = Promise.resolve();
  const serially = (task: () => Promise<void>) => {
    queue = queue.then(task).catch((error: unknown) => {
      logger.error({ err: error, userId: socket.data.viewer.userId }, 'socket task failed');
    });
  };

  const budget = createSyncBudget(context.syncBudget);
  /** The `sync` queued behind the running task, not started yet. */
  let waitingSync: { request: SyncRequest; ack: (response: SyncResponse) => void } | null = null;
  let flooding = false;

  socket.on('sync', (request, ack) => {
    if (typeof ack !== 'function') return;
    const admission = budget.take();
    if (!admission.admitted) {
      ack({ error: 'SYNC_RATE_LIMITED' satisfies ErrorCode, retryAfterMs: admission.retryAfterMs });
      if (admission.flooding) closeFlooding();
      return;
    }
    if (waitingSync) {
      // Only the newest request is worth its cost; the one it replaces is told so at once.
      waitingSync.ack({ error: 'SYNC_SUPERSEDED' satisfies ErrorCode });
      waitingSync = { request, ack };
      return;
    }
    waitingSync = { request, ack };
    serially(async () => {
      const { request, ack } = waitingSync!;
      waitingSync = null;
      const sent = watchSentEvents(socket);
      let answer: SyncAnswer;
      try {
        answer = await answerSync(request);
      } catch (error) {
        logger.error({ err: error }, 'sync failed');
        answer = { response: { error: 'INTERNAL' satisfies ErrorCode } };
      }
      ack(answer.response);
      const highestSent = sent.stop();
      if (answer.snapshot) afterSnapshot(answer.snapshot, highestSent);
    });
  });

  /** Closes the socket once the `sync`s already admitted are answered. */
  function closeFlooding(): void {
    if (flooding) return;
    flooding = true;
    logger.warn({ userId: socket.data.viewer.userId }, 'sync flood: socket closed');
    serially(async () => {
      // After the last ack: engine.io flushes what it holds before it closes.
      setImmediate(() => socket.disconnect(true));
    });
  }

  socket.on('disconnect', () => {
    const { orgId } = socket.data.viewer;
    if (orgId !== null) presence.changed(orgId);
  });

  const resume = resumePointOf(socket);
  serially(async () => {
    const viewer = socket.data.viewer;
    if (resume && resume.orgId === viewer.orgId && resume.role === viewer.role) {
      // Same view as before the cut: the client's own `sync { since }`, queued
      // behind this task, brings what it missed at a fraction of a snapshot's cost.
      await moveRooms(viewer);
      if (viewer.orgId !== null) presence.changed(viewer.orgId);
      return;
    }
    const sent = watchSentEvents(socket);
    const snapshot = await enterView(viewer);
    if (!snapshot) {
      sent.stop();
      socket.disconnect(true);
      return;
    }
    socket.emit('snapshot', snapshot);
    afterSnapshot(snapshot, sent.stop());
  });

  /**
   * The session is checked again (sign-out, removal) and the user re-read: a
   * viewer whose space or role changed gets the snapshot of their new view.
   */
  async function answerSync(request: unknown): Promise<SyncAnswer> {
    const since = parseSince(request);
    if (since === undefined)
      return { response: { error: 'VALIDATION_FAILED' satisfies ErrorCode } };
    const auth = token ? await authenticateToken(db, token) : null;
    if (!auth) return refuse();
    const viewer = viewerOf(auth);
    if (since !== null && isSameView(viewer, socket.data.viewer)) {
      const missed = await readStreamSince(db, streamOf(viewer), since);
      if (missed.kind === 'events') {
        const joinedAt = missed.events.length > 0 ? await joinPositionOf(viewer) : 0;
        return {
          response: {
            events: missed.events.map((event) => projectEvent(event, viewer, joinedAt)),
          },
        };
      }
    }
    const snapshot = await enterView(viewer);
    if (!snapshot) return refuse();
    return { response: { snapshot }, snapshot };
  }

  /** Read once per view: a member's join position does not move while they stay. */
  let joined: { viewer: Viewer; position: number } | null = null;
  async function joinPositionOf(viewer: Viewer): Promise<number> {
    if (joined && isSameView(joined.viewer, viewer)) return joined.position;
    const position = await findJoinPosition(db, viewer);
    joined = { viewer, position };
    return position;
  }

  function refuse(): SyncAnswer {
    // After the ack: engine.io flushes what it holds before it closes.
    setImmediate(() => socket.disconnect(true));
    return { response: { error: 'UNAUTHENTICATED' satisfies ErrorCode } };
  }

  /**
   * Joins the rooms of the viewer, then reads the snapshot: an event committed
   * after the snapshot's transaction is then published to rooms the socket is
   * already in. If the snapshot finds the user elsewhere (a cession committed
   * in between), the rooms follow the snapshot.
   */
  async function enterView(wanted: Viewer): Promise<Snapshot | null> {
    let viewer = wanted;
    for (let tries = 1; ; tries++) {
      await moveRooms(viewer);
      const snapshot = await buildSnapshot(db, viewer.userId, (orgId) =>
        presence.online(orgId, viewer.userId),
      );
      if (!snapshot) return null;
      const found: Viewer = {
        ...viewer,
        orgId: snapshot.kind === 'member' ? snapshot.orgId : null,
        role: snapshot.me.role,
      };
      if (isSameView(found, viewer)) return snapshot;
      viewer = found;
      if (tries === 3) {
        // Moved three times in a row: follow the last snapshot; a gap, if any, leads to a sync.
        await moveRooms(viewer);
        return snapshot;
      }
    }
  }

  async function moveRooms(next: Viewer): Promise<void> {
    const previous = socket.data.viewer;
    const wanted = new Set(roomsOf(next));
    for (const room of socket.rooms) {
      if (room !== socket.id && !wanted.has(room)) await socket.leave(room);
    }
    await socket.join([...wanted]);
    socket.data.viewer = next;
    if (previous.orgId !== null && previous.orgId !== next.orgId) presence.changed(previous.orgId);
  }

  /**
   * Presence is announced once the snapshot left, so that it is never older
   * than the snapshot. Then the events committed after the snapshot but
   * published before it left (a client may drop those) are sent again; a
   * client ignores ids it already has. `highestSent` is the highest stored id
   * this socket was sent while the snapshot was made: when it is not beyond
   * the snapshot, nothing was sent early and there is nothing to read back.
   */
  function afterSnapshot(snapshot: Snapshot, highestSent: number): void {
    const viewer = socket.data.viewer;
    if (viewer.orgId !== null) presence.changed(viewer.orgId);
    if (highestSent <= snapshot.lastEventId) return;
    serially(async () => {
      if (!socket.connected) return;
      const missed = await readStreamSince(db, streamOf(viewer), snapshot.lastEventId);
      if (missed.kind !== 'events' || !isSameView(viewer, socket.data.viewer)) return;
      // The viewer was in the space when the snapshot was read: all that follows is theirs.
      for (const event of missed.events) socket.emit('event', projectEvent(event, viewer, 0));
    });
  }
}

/**
 * Records the highest stored event id sent to the socket from now until
 * `stop()`, broadcasts included (Socket.IO tells outgoing listeners of those
 * too, on every node).
 */
function watchSentEvents(socket: RealtimeSocket): { stop(): number } {
  let highest = 0;
  const listener = (name: string, ...args: unknown[]) => {
    if (name !== 'event') return;
    const id = (args[0] as { id?: unknown } | undefined)?.id;
    if (typeof id === 'number' && id > highest) highest = id;
  };
  socket.onAnyOutgoing(listener);
  return {
    stop() {
      socket.offAnyOutgoing(listener);
      return highest;
    },
  };
}
