/** Sessions: opening, checking and revoking them (server/auth/sessions.ts), and the sweep's reads. */
import { sql, type Kysely } from 'kysely';
import type { Database, Session, User } from '../schema.js';
import { compiledOnce } from '../compiled-once.js';

export async function insertSession(
  db: Kysely<Database>,
  values: { userId: number; tokenHash: string; expiresAt: Date },
): Promise<Session> {
  return db.insertInto('sessions').values(values).returningAll().executeTakeFirstOrThrow();
}

/** The sessions of these token hashes, each with its user as they are now, by token hash. */
export async function findSessionsByTokenHashes(
  db: Kysely<Database>,
  tokenHashes: string[],
): Promise<Map<string, { session: Session; user: User }>> {
  const rows = await selectSessionsByTokenHashes(db, { tokenHashes });
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

const selectSessionsByTokenHashes = compiledOnce((db, slot: { tokenHashes: string[] }) =>
  db
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
    .where('s.tokenHash', '=', sql<string>`any(${slot.tokenHashes}::text[])`),
);

/** Ends a session now, unless it was revoked already. */
export async function revokeSessionById(db: Kysely<Database>, sessionId: number): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revokedAt: new Date() })
    .where('id', '=', sessionId)
    .where('revokedAt', 'is', null)
    .execute();
}

/** Of `sessionIds`, those still usable now: not revoked, not expired, their user active. */
export async function findLiveSessionIds(
  db: Kysely<Database>,
  sessionIds: readonly number[],
  now: Date = new Date(),
): Promise<Set<number>> {
  if (sessionIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.userId')
    .select('s.id')
    .where('s.id', 'in', sessionIds)
    .where('s.revokedAt', 'is', null)
    .where('s.expiresAt', '>', now)
    .where('u.status', '=', 'active')
    .execute();
  return new Set(rows.map((row) => row.id));
}
