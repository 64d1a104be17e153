/**
 * The second gate of a socket (the first is its origin, check-origin.ts): its
 * token, checked by a namespace middleware exactly like the HTTP bearer check,
 * so that a bad token is refused with a `connect_error` whose message is the
 * error code (socket-error.ts).
 *
 * What the handshake brought is handed to `onAccepted` and kept on this node
 * only, by the socket's session: `socket.handshake` and `socket.data` travel
 * to the other nodes (fetchSockets), and a token is a secret that must not.
 */
import type { Kysely } from 'kysely';
import type { ExtendedError } from 'socket.io';
import type { ResumePoint } from '../../shared/events.js';
import { authenticateToken, type Authenticated } from '../auth/sessions.js';
import type { Database } from '../db/schema.js';
import type { RealtimeSocket } from './realtime-server.js';
import type { RealtimeLogger } from './realtime-logger.js';
import { parseResumePoint } from './resume-point.js';
import type { Viewer } from './rooms.js';
import { socketError } from './socket-error.js';

/** What an accepted handshake brought, besides the viewer put in `socket.data`. */
export interface AcceptedHandshake {
  /** The bearer token, checked again on every `sync`. */
  token: string;
  /** Where a reconnecting client stands, if it said so in a well-formed way. */
  resume: ResumePoint | undefined;
}

export function viewerOf(auth: Authenticated): Viewer {
  return {
    userId: auth.user.id,
    sessionId: auth.session.id,
    role: auth.user.role,
    spaceId: auth.user.spaceId,
  };
}

/** Namespace middleware: only a live session of an active user may connect. */
export function createSocketAuthentication(
  db: Kysely<Database>,
  logger: RealtimeLogger,
  onAccepted: (socket: RealtimeSocket, handshake: AcceptedHandshake) => void,
) {
  return async (socket: RealtimeSocket, next: (error?: ExtendedError) => void): Promise<void> => {
    const auth = socket.handshake.auth as { token?: unknown; resume?: unknown } | undefined;
    const token = typeof auth?.token === 'string' ? auth.token : '';
    const resume = parseResumePoint(auth?.resume);
    socket.handshake.auth = {};
    try {
      const authenticated = token ? await authenticateToken(db, token) : null;
      if (!authenticated) return next(socketError('UNAUTHENTICATED'));
      socket.data = { viewer: viewerOf(authenticated) };
      onAccepted(socket, { token, resume });
      next();
    } catch (error) {
      // The database did not answer: say so without details, the client retries.
      logger.error({ err: error }, 'socket authentication failed');
      next(socketError('INTERNAL'));
    }
  };
}
