/**
 * Sessions: a bearer token of 256 random bits, stored as its SHA-256 only,
 * valid 30 days unless revoked (sign-out, removal of the account).
 */
import { sql, type Kysely } from 'kysely';
import { batchedLookupPerDatabase } from '../db/batched-lookup.js';
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
  const session = await db
    .insertInto('sessions')
    .values({
      userId,
      tokenHash: hashToken(token),
      expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
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
const sessionLookupOf = batchedLookupPerDatabase(readSessions);

async function readSessions(
  db: Kysely<Database>,
  tokenHashes: string[],
): Promise<Map<string, Authenticated>> {
  const rows = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.userId')
    .select([
      's.id as sessionId',
      's.userId',
      's.tokenHash',
      's.createdAt as sessionCreatedAt',
      's.expiresAt',
      's.revokedAt',
      'u.email',
      'u.role',
      'u.status',
      'u.passwordHash',
      'u.spaceId',
      'u.createdAt',
      'u.updatedAt',
    ])
    .where('s.tokenHash', '=', sql<string>`any(${tokenHashes}::text[])`)
    .execute();
  return new Map(
    rows.map((row) => [
      row.tokenHash,
      {
        session: {
          id: row.sessionId,
          userId: row.userId,
          tokenHash: row.tokenHash,
          createdAt: row.sessionCreatedAt,
          expiresAt: row.expiresAt,
          revokedAt: row.revokedAt,
        },
        user: {
          id: row.userId,
          email: row.email,
          role: row.role,
          status: row.status,
          passwordHash: row.passwordHash,
          spaceId: row.spaceId,
          createdAt: row.createdAt,
          updatedAt: row.updatedAt,
        },
      },
    ]),
  );
}

export async function revokeSession(db: Kysely<Database>, sessionId: number): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revokedAt: new Date() })
    .where('id', '=', sessionId)
    .where('revokedAt', 'is', null)
    .execute();
}
