/**
 * Putting a socket in the rooms of a view, and reading that view's snapshot.
 * What a socket follows is decided from the database each time, never trusted
 * from an earlier answer: a cession can turn a principal into a secondary of
 * another space at any time.
 */
import type { Kysely } from 'kysely';
import type { Snapshot } from '../../shared/events.js';
import type { Database } from '../db/schema.js';
import { buildSnapshot } from './build-snapshot.js';
import type { PresenceNotifier } from './presence.js';
import type { RealtimeSocket } from './realtime-server.js';
import { isSameView, roomsOf, type Viewer, SPACE_WATCH_PREFIX } from './rooms.js';

export interface ViewContext {
  db: Kysely<Database>;
  presence: PresenceNotifier;
}

/** Moves the socket to the rooms of `next`; the space it leaves gets a new presence count. */
export async function moveRooms(
  { presence }: ViewContext,
  socket: RealtimeSocket,
  next: Viewer,
): Promise<void> {
  const previous = socket.data.viewer;
  const wanted = new Set(roomsOf(next));
  // A support agent's watch of a space's page outlives a fresh snapshot of their own view.
  const keep = (room: string) =>
    room === socket.id ||
    wanted.has(room) ||
    (next.role === 'admin' && room.startsWith(SPACE_WATCH_PREFIX));
  for (const room of socket.rooms) {
    if (!keep(room)) await socket.leave(room);
  }
  await socket.join([...wanted]);
  socket.data.viewer = next;
  if (previous.spaceId !== null && previous.spaceId !== next.spaceId)
    presence.changed(previous.spaceId);
}

/**
 * Joins the rooms of the viewer, then reads the snapshot: an event committed
 * after the snapshot's read is then published to rooms the socket is
 * already in. If the snapshot finds the user elsewhere (a cession committed
 * in between), the rooms follow the snapshot. Null when the user is gone.
 */
export async function enterView(
  context: ViewContext,
  socket: RealtimeSocket,
  wanted: Viewer,
): Promise<Snapshot | null> {
  let viewer = wanted;
  for (let tries = 1; ; tries++) {
    await moveRooms(context, socket, viewer);
    const snapshot = await buildSnapshot(context.db, viewer.userId, (spaceId) =>
      context.presence.online(spaceId, viewer.userId),
    );
    if (!snapshot) return null;
    const found: Viewer = {
      ...viewer,
      spaceId: snapshot.kind === 'member' ? snapshot.spaceId : null,
      role: snapshot.me.role,
    };
    if (isSameView(found, viewer)) return snapshot;
    viewer = found;
    if (tries === 3) {
      // Moved three times in a row: follow the last snapshot; a gap, if any, leads to a sync.
      await moveRooms(context, socket, viewer);
      return snapshot;
    }
  }
}
