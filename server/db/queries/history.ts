/**
 * The history's pages, newest first (docs/api.md, « Historique »). Each page
 * walks an index from its cursor and stops after `limit + 1` rows (the extra
 * one says whether a next page exists): a space's stream by `(stream, seq)`,
 * a search by `event_keys (key, event_id)`, the whole store by `events (id)`.
 */
import { sql, type Kysely } from 'kysely';
import { VIEW_CHANGING_EVENT_TYPES, type StoredEventType } from '../../../shared/events.js';
import type { Database } from '../schema.js';
import type { EventColumns } from './events.js';

export interface HistoryRow extends EventColumns {
  id: number;
  stream: string;
}

const COLUMNS = [
  'e.id',
  'e.stream',
  'e.seq',
  'e.type',
  'e.at',
  'e.data',
  'e.audience',
  'e.actorRole',
  'e.actorId',
  'e.actorEmail',
  'e.reason',
] as const;

/**
 * An accepted invitation is written twice: `invitation.accepted` (the
 * invitation's own life, for support) and `secondary.status_changed` to active
 * (the member's). Both read « … a validé son invitation »: a history shows the
 * member's, unless support asks for invitation events by type.
 */
const SAID_BY_ANOTHER_EVENT = 'invitation.accepted';

/** A principal's history: every event of their stream from `fromSeq`, below `beforeSeq`. */
export async function readStreamHistory(
  db: Kysely<Database>,
  page: { stream: string; fromSeq: number; beforeSeq: number | null; limit: number },
): Promise<HistoryRow[]> {
  let query = db
    .selectFrom('events as e')
    .select(COLUMNS)
    .where('e.stream', '=', page.stream)
    .where('e.seq', '>=', page.fromSeq)
    .where('e.type', '<>', SAID_BY_ANOTHER_EVENT);
  if (page.beforeSeq !== null) query = query.where('e.seq', '<', page.beforeSeq);
  return (await query
    .orderBy('e.seq', 'desc')
    .limit(page.limit + 1)
    .execute()) as HistoryRow[];
}

/**
 * A secondary's history: the events of their stream that name them and that
 * they may see in detail (audience), and the cessions of their space.
 */
export async function readSecondaryHistory(
  db: Kysely<Database>,
  page: {
    stream: string;
    userId: number;
    fromSeq: number;
    beforeSeq: number | null;
    limit: number;
  },
): Promise<HistoryRow[]> {
  const before = page.beforeSeq ?? 2_147_483_647;
  const { rows } = await sql<HistoryRow>`
    select * from (
      (select e.id, e.stream, e.seq, e.type, e.at, e.data, e.audience,
              e.actor_role as "actorRole", e.actor_id as "actorId",
              e.actor_email as "actorEmail", e.reason
       from event_keys k join events e on e.id = k.event_id
       where k.key = ${`user:${page.userId}`} and e.stream = ${page.stream}
         and e.seq >= ${page.fromSeq} and e.seq < ${before}
         and (e.audience is null or ${page.userId} = any(e.audience))
       order by k.event_id desc)
      union
      (select e.id, e.stream, e.seq, e.type, e.at, e.data, e.audience,
              e.actor_role, e.actor_id, e.actor_email, e.reason
       from events e
       where e.stream = ${page.stream} and e.type = any(${[...VIEW_CHANGING_EVENT_TYPES]}::text[])
         and e.seq >= ${page.fromSeq} and e.seq < ${before}
       order by e.seq desc limit ${page.limit + 1})
    ) history
    order by seq desc
    limit ${page.limit + 1}`.execute(db);
  return rows;
}

export interface HistorySearch {
  /** `email:<e-mail>` and/or `siret:<siret>` keys, all required. */
  keys: string[];
  types: StoredEventType[] | null;
  from: Date | null;
  to: Date | null;
  beforeId: number | null;
  limit: number;
}

/**
 * The support's history over every space. The admin stream repeats each
 * space's invitation events for the live support screen, and a principal's
 * stream repeats the locks of their space for their panel: the history shows
 * each once, invitations from the space, locks from the admin stream.
 */
export async function searchHistory(
  db: Kysely<Database>,
  search: HistorySearch,
): Promise<HistoryRow[]> {
  const [first, ...others] = search.keys;
  let query = first
    ? db
        .selectFrom('eventKeys as k')
        .innerJoin('events as e', 'e.id', 'k.eventId')
        .where('k.key', '=', first)
    : db.selectFrom('events as e');
  for (const key of others) {
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('eventKeys as other')
          .select('other.key')
          .where('other.key', '=', key)
          .whereRef('other.eventId', '=', 'e.id'),
      ),
    );
  }
  if (search.beforeId !== null) {
    // Said on the key's side too: the planner carries `e.id = k.event_id` across the
    // join but not an inequality, and without it a deep page walks the key's index
    // from its newest entry down to the cursor.
    const cursor = first ? sql.ref('k.event_id') : sql.ref('e.id');
    query = query.where(sql<boolean>`${cursor} < ${search.beforeId}`);
  }
  query = search.types
    ? query.where('e.type', 'in', search.types)
    : query.where('e.type', '<>', SAID_BY_ANOTHER_EVENT);
  if (search.from) query = query.where('e.at', '>=', search.from);
  if (search.to) query = query.where('e.at', '<', search.to);
  query = query.where((eb) =>
    eb.and([
      eb.not(eb.and([eb('e.stream', '=', 'admin'), eb('e.type', 'like', 'invitation.%')])),
      eb.not(eb.and([eb('e.stream', '<>', 'admin'), eb('e.type', 'like', 'lock.%')])),
    ]),
  );
  // `e.id = k.event_id`: the planner walks the key's index in this order.
  return (await query
    .select(COLUMNS)
    .orderBy('e.id', 'desc')
    .limit(search.limit + 1)
    .execute()) as HistoryRow[];
}

/** Events older than `before`, with their keys, at most `batch` of them: the purge's step. */
export async function purgeEventsBefore(
  db: Kysely<Database>,
  before: Date,
  batch: number,
): Promise<number> {
  const { rows } = await sql<{ purged: number }>`
    with old as (
      select id, stream, seq from events where at < ${before} order by at limit ${batch}
    ), keys as (
      delete from event_keys where event_id in (select id from old)
    ), purged as (
      delete from events e using old where e.stream = old.stream and e.seq = old.seq
      returning 1
    )
    select count(*)::int as purged from purged`.execute(db);
  return rows[0]?.purged ?? 0;
}

/** The lowest position still stored in a stream (purged history below it), null when none is. */
export async function findOldestStoredSeq(
  db: Kysely<Database>,
  stream: string,
): Promise<number | null> {
  const row = await db
    .selectFrom('events')
    .select((eb) => eb.fn.min('seq').as('oldest'))
    .where('stream', '=', stream)
    .executeTakeFirst();
  return row?.oldest ?? null;
}
