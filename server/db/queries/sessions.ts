/** Reads over sessions that are not tied to one request. */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

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
