/**
 * The two gates of a socket. The `Origin` check runs in `allowRequest`, before
 * any transport is opened: Socket.IO's `cors` option only covers HTTP long
 * polling, not WebSocket upgrades, which browsers send from any page. The
 * token check runs as a namespace middleware, exactly like the HTTP bearer
 * check, so a bad token is refused with `connect_error` whose message is the
 * error code.
 */
import type { IncomingMessage } from 'node:http';
import type { Kysely } from 'kysely';
import type { ExtendedError, Socket } from 'socket.io';
import { ROLES, type Role } from '../../shared/domain.js';
import { ERRORS, type ErrorCode } from '../../shared/errors.js';
import type { ResumePoint } from '../../shared/events.js';
import { authenticateToken, type Authenticated } from '../auth/sessions.js';
import type { Database } from '../db/schema.js';
import type { RealtimeLogger } from './realtime-logger.js';
import type { Viewer } from './rooms.js';

/** `Origin` as browsers send it: scheme, host and non-default port, no path. */
export function normalizeOrigin(origin: string): string {
  try {
    const url = new URL(origin.trim());
    return `${url.protocol}//${url.host}`.toLowerCase();
  } catch {
    return origin.trim().replace(/\/+$/, '').toLowerCase();
  }
}

type AllowRequest = (
  req: IncomingMessage,
  callback: (error: string | null | undefined, success: boolean) => void,
) => void;

/**
 * Accepts the server's own origin and the listed ones (the extension's). A
 * request without `Origin` comes from no browser page (a script, a test): the
 * token check still applies to it.
 */
export function createOriginCheck(
  publicOrigin: string | null,
  allowedOrigins: readonly string[],
): AllowRequest {
  const allowed = new Set(
    [publicOrigin, ...allowedOrigins].filter((o): o is string => Boolean(o)).map(normalizeOrigin),
  );
  return (req, callback) => {
    const origin = req.headers.origin;
    if (origin === undefined) return callback(null, true);
    if (allowed.has(normalizeOrigin(origin))) return callback(null, true);
    // Engine.IO sends this text to the client as the refusal's message.
    callback(ERRORS.FORBIDDEN.message, false);
  };
}

export function viewerOf(auth: Authenticated): Viewer {
  return {
    userId: auth.user.id,
    sessionId: auth.session.id,
    role: auth.user.role,
    orgId: auth.user.orgId,
  };
}

/** An error whose message is the code, as `connect_error` shows it to the client. */
export function socketError(code: ErrorCode): ExtendedError {
  const error: ExtendedError = new Error(code);
  error.data = { code, message: ERRORS[code].message };
  return error;
}

/** Where a reconnecting client says it stands (`HandshakeAuth.resume`), if well formed. */
const resumePoints = new WeakMap<Socket, ResumePoint>();

export function resumePointOf(socket: Socket): ResumePoint | undefined {
  return resumePoints.get(socket);
}

function parseResumePoint(value: unknown): ResumePoint | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { orgId, role, lastEventId } = value as Record<string, unknown>;
  const isId = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
  if (!isId(lastEventId) || !(orgId === null || isId(orgId))) return undefined;
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) return undefined;
  return { orgId, role: role as Role, lastEventId };
}

/**
 * The bearer token of each socket, kept on this node only: `socket.handshake`
 * and `socket.data` travel to the other nodes (fetchSockets), and a token is a
 * secret that must not.
 */
const tokens = new WeakMap<Socket, string>();

export function tokenOf(socket: Socket): string | undefined {
  return tokens.get(socket);
}

/** Namespace middleware: only a live session of an active user may connect. */
export function createSocketAuthentication(db: Kysely<Database>, logger: RealtimeLogger) {
  return async (socket: Socket, next: (error?: ExtendedError) => void): Promise<void> => {
    const auth = socket.handshake.auth as { token?: unknown; resume?: unknown } | undefined;
    const token = typeof auth?.token === 'string' ? auth.token : '';
    const resume = parseResumePoint(auth?.resume);
    socket.handshake.auth = {};
    try {
      const authenticated = token ? await authenticateToken(db, token) : null;
      if (!authenticated) return next(socketError('UNAUTHENTICATED'));
      tokens.set(socket, token);
      if (resume) resumePoints.set(socket, resume);
      socket.data = { viewer: viewerOf(authenticated) };
      next();
    } catch (error) {
      // The database did not answer: say so without details, the client retries.
      logger.error({ err: error }, 'socket authentication failed');
      next(socketError('INTERNAL'));
    }
  };
}
