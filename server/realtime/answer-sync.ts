/**
 * The answer to one `sync { since }`. The session is checked again (sign-out,
 * removal) and the user re-read: a viewer whose space or role changed gets
 * the snapshot of their new view, and so does one who asked for it
 * (`since: null`), is too far behind (sync-events.ts) or asks from before they
 * came into their space (join-position.ts).
 */
import type { ErrorCode } from '../../shared/errors.js';
import type { Snapshot, SyncResponse } from '../../shared/events.js';
import { authenticateToken } from '../auth/sessions.js';
import { viewerOf } from './authenticate-socket.js';
import { enterView, type ViewContext } from './enter-view.js';
import { findJoinPosition } from './join-position.js';
import { projectEvent } from './project-event.js';
import type { RealtimeSocket } from './realtime-server.js';
import { isSameView, type Viewer } from './rooms.js';
import { parseSince, readStreamSince, streamOfViewer } from './sync-events.js';

export type SyncAnswer =
  | { kind: 'events'; response: SyncResponse }
  /** What follows a snapshot is sent after the ack. */
  | { kind: 'snapshot'; response: SyncResponse; snapshot: Snapshot }
  | { kind: 'malformed'; response: SyncResponse }
  /** The database did not answer: the client retries. */
  | { kind: 'failed'; response: SyncResponse }
  /** The session is over: the socket is to be closed once the ack left. */
  | { kind: 'refused'; response: SyncResponse };

const refused = (): SyncAnswer => ({
  kind: 'refused',
  response: { error: 'UNAUTHENTICATED' satisfies ErrorCode },
});

/** Answers the `sync`s of one socket, one at a time. */
export function createSyncAnswerer(
  context: ViewContext,
  socket: RealtimeSocket,
  token: string,
): (request: unknown) => Promise<SyncAnswer> {
  const { db } = context;

  /** Read once per view: a member's join position does not move while they stay. */
  let joined: { viewer: Viewer; position: number } | null = null;
  async function joinPositionOf(viewer: Viewer): Promise<number> {
    if (joined && isSameView(joined.viewer, viewer)) return joined.position;
    const position = await findJoinPosition(db, viewer);
    joined = { viewer, position };
    return position;
  }

  return async (request) => {
    const since = parseSince(request);
    if (since === undefined) {
      return { kind: 'malformed', response: { error: 'VALIDATION_FAILED' satisfies ErrorCode } };
    }
    const auth = token ? await authenticateToken(db, token) : null;
    if (!auth) return refused();
    const viewer = viewerOf(auth);
    if (since !== null && isSameView(viewer, socket.data.viewer)) {
      const missed = await readStreamSince(db, streamOfViewer(viewer), since);
      const joinedAt =
        missed.kind === 'events' && missed.events.length > 0 ? await joinPositionOf(viewer) : 0;
      // A position from before the viewer came into the space was never theirs (a
      // crafted `sync`, or a panel of an earlier membership): they get a snapshot, so
      // a replay never holds a stretch they could not see.
      if (missed.kind === 'events' && since + 1 >= joinedAt) {
        const events = missed.events.map((event) => projectEvent(event, viewer, joinedAt));
        return { kind: 'events', response: { events } };
      }
    }
    const snapshot = await enterView(context, socket, viewer);
    if (!snapshot) return refused();
    return { kind: 'snapshot', response: { snapshot }, snapshot };
  };
}
