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
import { sql, type Kysely } from 'kysely';
import { batchedLookupPerDatabase } from '../db/batched-lookup.js';
import type { Database } from '../db/schema.js';
import type { Viewer } from './rooms.js';

/** The lowest position of their stream the viewer may see in detail (0: all of it). */
export async function findJoinPosition(db: Kysely<Database>, viewer: Viewer): Promise<number> {
  if (viewer.spaceId === null) return 0;
  return (await joinReaderOf(db)(`${viewer.userId}:${viewer.spaceId}:${viewer.role}`)) ?? 0;
}

/** Lookups per statement. */
const VIEWERS_PER_READ = 100;
/** Cessions followed back from a space; a chain is never this long (a ceded space is dissolved). */
const MAX_CESSION_DEPTH = 32;

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
  // `spaces` holds the wanted space and every space ceded into it, directly or not;
  // `via` is where, in the wanted space's stream, the members of that space arrived
  // (null for the wanted space itself, whose own events say when each member came).
  const { rows } = await sql<{ key: string; joined: number | null }>`
    with recursive wanted (key, user_id, space_id, is_secondary) as (
      select * from unnest(${wanted.map((w) => w.key)}::text[],
                           ${wanted.map((w) => w.userId)}::int[],
                           ${wanted.map((w) => w.spaceId)}::int[],
                           ${wanted.map((w) => w.isSecondary)}::bool[])
    ), spaces (key, space_id, via, depth) as (
      select key, space_id, null::int, 0 from wanted
      union all
      select s.key, (e.data->>'fromSpaceId')::int, coalesce(s.via, e.seq), s.depth + 1
      from spaces s
      join events e on e.stream = 'space:' || s.space_id and e.type = 'space.ceded'
        and (e.data->>'toSpaceId')::int = s.space_id
      where s.depth < ${MAX_CESSION_DEPTH}
    )
    select w.key, max(coalesce(s.via, e.seq)) as joined
    from wanted w
    join spaces s on s.key = w.key
    join events e on e.stream = 'space:' || s.space_id
      and e.type in ('secondary.added', 'secondary.status_changed', 'space.ceded')
    where (e.type = 'secondary.added' and (e.data->'member'->>'id')::int = w.user_id)
       or (e.type = 'secondary.status_changed' and w.is_secondary
           and (e.data->>'userId')::int = w.user_id and e.data->>'status' = 'active')
       or (e.type = 'space.ceded' and (e.data->>'toSpaceId')::int = s.space_id
           and (e.data->>'formerPrincipalId')::int = w.user_id)
    group by w.key`.execute(db);
  const found = new Map<string, number>();
  for (const row of rows) if (row.joined !== null) found.set(row.key, row.joined);
  return found;
}
