/**
 * Sessions: a bearer token of 256 random bits, stored as its SHA-256 only,
 * valid 30 days unless revoked (sign-out, removal of the account).
 */
import type { Kysely } from 'kysely';
import { batchedLookupPerDatabase } from '../db/batched-lookup.js';
import {
  findSessionsByTokenHashes,
  insertSession,
  revokeSessionById,
} from '../db/queries/sessions.js';
import type { Database, Session, User } from '../db/schema.js';
import { hashToken, newToken } from '../security/secrets.js';

export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export interface Authenticated {
  session: Session;
  user: User;
}

/** Opens a session for a user; the clear token is returned once and never stored. */
export async function createSession(
  db: Kysely<Database>,
  userId: number,
  now: Date = new Date(),
): Promise<{ token: string; session: Session }> {
  const token = newToken();
  const session = await insertSession(db, {
    userId,
    tokenHash: hashToken(token),
    expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
  });
  return { token, session };
}

/**
 * The live session of a token and its user as they are now, or null (unknown,
 * expired, revoked, removed). Concurrent checks share one statement.
 */
export async function authenticateToken(
  db: Kysely<Database>,
  token: string,
  now: Date = new Date(),
): Promise<Authenticated | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const found = await sessionLookupOf(db)(hashToken(token));
  if (!found) return null;
  const { session, user } = found;
  if (session.revokedAt !== null || session.expiresAt <= now || user.status !== 'active')
    return null;
  return found;
}

/** Handshakes and requests arriving together share one statement. */
const sessionLookupOf = batchedLookupPerDatabase(findSessionsByTokenHashes);

export async function revokeSession(db: Kysely<Database>, sessionId: number): Promise<void> {
  await revokeSessionById(db, sessionId);
}
