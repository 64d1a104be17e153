/** How the handshake refuses a socket: the shape `connect_error` shows the client. */
import type { ExtendedError } from 'socket.io';
import { ERRORS, type ErrorCode } from '../../shared/errors.js';

/** An error whose message is the code, with the French message in `data`. */
export function socketError(code: ErrorCode): ExtendedError {
  const error: ExtendedError = new Error(code);
  error.data = { code, message: ERRORS[code].message };
  return error;
}
