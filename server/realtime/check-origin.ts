/**
 * The first gate of a socket: its `Origin`. It runs in `allowRequest`, before
 * any transport is opened: Socket.IO's `cors` option only covers HTTP long
 * polling, not WebSocket upgrades, which browsers send from any page.
 */
import type { IncomingMessage } from 'node:http';
import { ERRORS } from '../../shared/errors.js';
import { createOriginPolicy, normalizeOrigin } from '../extension-origins.js';

/** The server's own origin (if any) and the listed ones, normalized. */
export function allowedOriginsOf(
  publicOrigin: string | null,
  allowedOrigins: readonly string[],
): string[] {
  return [publicOrigin, ...allowedOrigins]
    .filter((o): o is string => Boolean(o))
    .map(normalizeOrigin);
}

type AllowRequest = (
  req: IncomingMessage,
  callback: (error: string | null | undefined, success: boolean) => void,
) => void;

/**
 * Accepts the server's own origin, the listed ones and the extension's
 * (server/extension-origins.ts). A request without `Origin` comes from no
 * browser page (a script, a test): the token check still applies to it.
 */
export function createOriginCheck(
  publicOrigin: string | null,
  allowedOrigins: readonly string[],
): AllowRequest {
  const isAllowed = createOriginPolicy(allowedOriginsOf(publicOrigin, allowedOrigins));
  return (req, callback) => {
    const origin = req.headers.origin;
    if (origin === undefined) return callback(null, true);
    if (isAllowed(origin)) return callback(null, true);
    // Engine.IO sends this text to the client as the refusal's message.
    callback(ERRORS.FORBIDDEN.message, false);
  };
}
