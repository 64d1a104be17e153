/**
 * Where a member came into their space's stream: a replay (`sync`) shows
 * nothing from before it in detail (shared/visibility.ts), so a latecomer learns
 * nothing of members removed before they joined, nor of anything else they
 * could not see at the time.
 *
 * It is read from the stream's own events, never from the client:
 * - invited: the acceptance of their invitation (`secondary.status_changed`
 *   to active, the last one should the same account ever be added again): they
 *   cannot connect before, so what happened while the invitation was pending
 *   (someone else invited and removed meanwhile) is none of theirs;
 * - a former principal who ceded: the `space.ceded` of the receiving space that
 *   names them;
 * - a member of a ceded space (invited there, or brought there by an earlier
 *   cession): the `space.ceded` by which that space, directly or through a chain
 *   of cessions, came into theirs.
 * A principal founded their space (no event says so) and sees it from its
 * start, as does an admin the admin stream; so does a member no event names
 * (an account written straight into the database).
 */
import type { Kysely } from 'kysely';
import { batchedLookupPerDatabase } from '../db/batched-lookup.js';
import { findJoinPositions } from '../db/queries/events.js';
import type { Database } from '../db/schema.js';
import type { Onlooker } from '../../shared/visibility.js';

/** The lowest position of their stream the viewer may see in detail (0: all of it). */
export async function findJoinPosition(db: Kysely<Database>, viewer: Onlooker): Promise<number> {
  if (viewer.spaceId === null) return 0;
  return (await joinReaderOf(db)(`${viewer.userId}:${viewer.spaceId}:${viewer.role}`)) ?? 0;
}

/** Lookups per statement. */
const VIEWERS_PER_READ = 100;

// A node's panels reconnecting together each ask once: they share statements.
const joinReaderOf = batchedLookupPerDatabase(readJoinPositions, VIEWERS_PER_READ);

/** For each `user:space:role` key, the position at which that user came into that space (absent: none). */
async function readJoinPositions(
  db: Kysely<Database>,
  keys: string[],
): Promise<Map<string, number>> {
  const wanted = keys.map((key) => {
    const [userId, spaceId, role] = key.split(':') as [string, string, string];
    return {
      key,
      userId: Number(userId),
      spaceId: Number(spaceId),
      isSecondary: role === 'secondary',
    };
  });
  const rows = await findJoinPositions(db, wanted);
  const found = new Map<string, number>();
  for (const row of rows) if (row.joined !== null) found.set(row.key, row.joined);
  return found;
}
