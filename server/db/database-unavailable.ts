/**
 * Whether an error says the database could not be reached or dropped the
 * connection (a restart, a failover, connections cut by an administrator),
 * rather than refusing a query: the same request may succeed shortly.
 */

/** SQLSTATE codes of a server going away or refusing connections, and socket errors. */
const UNAVAILABLE_CODES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
]);

/** What `pg` says, without a code, of a connection that died or never came. */
const UNAVAILABLE_MESSAGE =
  /Connection terminated|not queryable|timeout exceeded when trying to connect/i;

export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  // Class 08: connection exceptions.
  if (typeof code === 'string' && (code.startsWith('08') || UNAVAILABLE_CODES.has(code))) {
    return true;
  }
  return UNAVAILABLE_MESSAGE.test(error.message);
}
