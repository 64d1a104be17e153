/**
 * The outbox's statements (server/events/append-events.ts writes through them).
 *
 * Each stream (`space:<id>`, `admin`) has a head row in `event_streams`. An
 * append bumps that head with an upsert, which holds the row lock until the
 * transaction ends. A second writer of the same stream waits for the first to
 * commit or roll back and then reads the committed head, so sequence numbers
 * are given out in commit order, without holes (a rollback gives its numbers
 * back). A `bigserial` would not do: it is taken at insert time, so a reader
 * tailing it could pass over a row whose transaction commits late and never
 * see it.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../schema.js';
import { compiledOnce, onlyRow } from '../compiled-once.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The last id of a stream; undefined before its first event. */
export async function findStreamHead(db: Db, stream: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('eventStreams')
    .select('head')
    .where('stream', '=', stream)
    .executeTakeFirst();
  return row?.head;
}

/** Hands out `count` ids of a stream: returns its new head, locked until commit. */
export async function bumpStreamHead(
  trx: Transaction<Database>,
  stream: string,
  count: number,
): Promise<number> {
  return onlyRow(await upsertStreamHead(trx, { stream, count }), 'the stream head upsert').head;
}

const upsertStreamHead = compiledOnce((db, slot: { stream: string; count: number }) =>
  db
    .insertInto('eventStreams')
    .values({ stream: slot.stream, head: slot.count })
    .onConflict((oc) =>
      oc.column('stream').doUpdateSet({ head: sql<number>`event_streams.head + ${slot.count}` }),
    )
    .returning('head'),
);

/**
 * An event row to write: `seq` when its stream's head was bumped already,
 * otherwise null and `ord`, its rank (from 1) among the events of the stream
 * whose head the write bumps.
 */
export interface EventRowDraft {
  stream: string;
  seq: number | null;
  ord: number;
  type: string;
  data: unknown;
  audience: number[] | null;
  /** What the event is about (server/events/event-keys.ts), written to `event_keys`. */
  keys: string[];
}

/** Who made the changes of one append (every event of a transaction has the same actor). */
export interface ActorRow {
  role: string;
  id: number | null;
  email: string | null;
  reason: string | null;
}

/**
 * Bumps the head of `stream` by `count` and writes every row, in one statement
 * (one round trip): the upsert is a data-modifying CTE that the insert reads, so
 * it runs, and takes the head's row lock, before any event row is written. Its
 * `ord`-th event gets `head - count + ord`; the others have their numbers
 * already. The events' keys go to `event_keys` in the same statement, by the
 * ids the insert hands back, with the e-mail of each user an event is about
 * (a search by e-mail finds the SIRETs attributed to that user). Returns the new head and the events' time:
 * `now()` is the transaction's start time, the same for every event it writes.
 */
export async function bumpStreamHeadAndInsertEvents(
  trx: Transaction<Database>,
  stream: string,
  count: number,
  rows: readonly EventRowDraft[],
  actor: ActorRow,
): Promise<{ head: number; at: Date }> {
  const written = await insertStreamEvents(trx, {
    stream,
    count,
    rows: JSON.stringify(rows),
    role: actor.role,
    id: actor.id,
    email: actor.email,
    reason: actor.reason,
  });
  return onlyRow(written, 'the events insert');
}

const insertStreamEvents = compiledOnce(
  (
    _,
    slot: {
      stream: string;
      count: number;
      /** The drafts, as JSON. */
      rows: string;
      role: ActorRow['role'];
      id: ActorRow['id'];
      email: ActorRow['email'];
      reason: ActorRow['reason'];
    },
  ) => sql<{ head: number; at: Date }>`
    with head as (
      insert into event_streams (stream, head) values (${slot.stream}, ${slot.count})
      on conflict (stream) do update set head = event_streams.head + ${slot.count}
      returning head, now() as at
    ), drafts as (
      select d.stream, coalesce(d.seq, head.head - ${slot.count} + d.ord) as seq, d.type, head.at,
        d.data, d.audience, d.keys
      from head, jsonb_to_recordset(${slot.rows}::jsonb)
        as d(stream text, seq int, ord int, type text, data jsonb, audience int[], keys text[])
    ), written as (
      insert into events (stream, seq, type, at, data, audience,
                          actor_role, actor_id, actor_email, reason)
      select stream, seq, type, at, data, audience,
        ${slot.role}, ${slot.id}::int, ${slot.email}::text, ${slot.reason}::text
      from drafts
      returning id, stream, seq
    ), keyed as (
      insert into event_keys (key, event_id)
      select distinct x.key, w.id
      from written w join drafts d on d.stream = w.stream and d.seq = w.seq
      cross join lateral unnest(d.keys) as k(key)
      cross join lateral (
        select k.key
        union all
        select 'email:' || u.email from users u
        where u.id = case when k.key like 'user:%' then substring(k.key from 6)::int end
      ) as x(key)
    )
    select head, at from head`,
);
