/**
 * Reads of the stored events: a stream after a position (`sync`,
 * server/realtime/sync-events.ts) and where members came into their space
 * (server/realtime/join-position.ts). Each reads many keys in one statement.
 */
import { sql, type Kysely } from 'kysely';
import type { ActorRole, StoredEventType } from '../../../shared/events.js';
import type { Database } from '../schema.js';

/** The columns of a stored event that its readers use. */
export interface EventColumns {
  seq: number;
  type: StoredEventType;
  at: Date;
  data: unknown;
  audience: number[] | null;
  actorRole: ActorRole;
  actorId: number | null;
  actorEmail: string | null;
  reason: string | null;
}

/** A stored event as a stream read returns it, under the key that asked for it. */
export interface StreamEventRow extends EventColumns {
  key: string;
}

/**
 * For each key, the first `limit` events of `stream` from `since` on (`since`
 * itself included), ordered by key then position.
 */
export async function readStreamsFrom(
  db: Kysely<Database>,
  wanted: readonly { key: string; stream: string; since: number }[],
  limit: number,
): Promise<StreamEventRow[]> {
  const { rows } = await sql<StreamEventRow>`
    select w.key, e.seq, e.type, e.at, e.data, e.audience, e.actor_role as "actorRole",
      e.actor_id as "actorId", e.actor_email as "actorEmail", e.reason
    from unnest(${wanted.map((w) => w.key)}::text[], ${wanted.map((w) => w.stream)}::text[],
                ${wanted.map((w) => w.since)}::int[]) as w(key, stream, since)
    cross join lateral (
      select seq, type, at, data, audience, actor_role, actor_id, actor_email, reason from events
      where stream = w.stream and seq >= w.since
      order by seq limit ${limit}
    ) as e
    order by w.key, e.seq`.execute(db);
  return rows;
}

/** Cessions followed back from a space; a chain is never this long (a ceded space is dissolved). */
const MAX_CESSION_DEPTH = 32;

/**
 * For each key, the position at which that user came into that space
 * (`joined` null, or the key absent: no event names it). What counts as coming
 * in is told in server/realtime/join-position.ts.
 */
export async function findJoinPositions(
  db: Kysely<Database>,
  wanted: readonly { key: string; userId: number; spaceId: number; isSecondary: boolean }[],
): Promise<{ key: string; joined: number | null }[]> {
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
  return rows;
}
