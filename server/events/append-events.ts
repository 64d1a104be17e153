/**
 * The outbox: every rule writes its events here, in its own transaction.
 *
 * Each stream (`space:<id>`, `admin`) has a head row in `event_streams`. An
 * append bumps that head with an upsert, which holds the row lock until the
 * transaction ends. A second writer of the same stream waits for the first to
 * commit or roll back and then reads the committed head, so sequence numbers
 * are given out in commit order, without holes (a rollback gives its numbers
 * back). A `bigserial` would not do: it is taken at insert time, so a reader
 * tailing it could pass over a row whose transaction commits late and never
 * see it. Space streams are locked before the admin stream, always, so two
 * appenders never wait on each other in a cycle.
 */
import { sql, type Transaction } from 'kysely';
import type { EventPayloads, ServerEvent, StoredEventType } from '../../shared/events.js';
import type { Database } from '../db/schema.js';

export type StreamKey = `space:${number}` | 'admin';

export function spaceStream(spaceId: number): StreamKey {
  return `space:${spaceId}`;
}

export const ADMIN_STREAM: StreamKey = 'admin';

/** An event a rule wants written. */
export type EventDraft = {
  [T in StoredEventType]: {
    stream: StreamKey;
    type: T;
    data: EventPayloads[T];
    /** Who besides the space's principal sees it in detail; `null`: every member of the space. */
    audience: number[] | null;
  };
}[StoredEventType];

/** An event as written: its place in its stream, ready to publish once committed. */
export type StoredEvent = EventDraft & { seq: number; at: string };

export function draft<T extends StoredEventType>(
  stream: StreamKey,
  type: T,
  data: EventPayloads[T],
  audience: number[] | null = null,
): EventDraft {
  return { stream, type, data, audience } as EventDraft;
}

export async function appendEvents(
  trx: Transaction<Database>,
  drafts: readonly EventDraft[],
): Promise<StoredEvent[]> {
  if (drafts.length === 0) return [];
  const streams = [...new Set(drafts.map((d) => d.stream))].sort(compareStreams);
  const last = streams.at(-1)!;
  const nextSeq = new Map<StreamKey, number>();
  // Every stream but the last: its head bumped on its own, in the order above.
  for (const stream of streams.slice(0, -1)) {
    const count = drafts.filter((d) => d.stream === stream).length;
    const { head } = await trx
      .insertInto('eventStreams')
      .values({ stream, head: count })
      .onConflict((oc) =>
        oc.column('stream').doUpdateSet({ head: sql<number>`event_streams.head + ${count}` }),
      )
      .returning('head')
      .executeTakeFirstOrThrow();
    nextSeq.set(stream, head - count + 1);
  }
  // The last stream's head and every event row in one statement (one round trip):
  // the upsert is a data-modifying CTE that the insert reads, so it runs, and takes
  // the head's row lock, before any event row is written. Its `ord`-th event gets
  // `head - count + ord`; the others have their numbers already.
  const lastCount = drafts.filter((d) => d.stream === last).length;
  let ord = 0;
  const rows = drafts.map((d) => {
    if (d.stream === last) {
      ord += 1;
      return { stream: d.stream, seq: null, ord, type: d.type, data: d.data, audience: d.audience };
    }
    const seq = nextSeq.get(d.stream)!;
    nextSeq.set(d.stream, seq + 1);
    return { stream: d.stream, seq, ord: 0, type: d.type, data: d.data, audience: d.audience };
  });
  // `now()` is the transaction's start time: the same for every event it writes.
  const { rows: heads } = await sql<{ head: number; at: Date }>`
    with head as (
      insert into event_streams (stream, head) values (${last}, ${lastCount})
      on conflict (stream) do update set head = event_streams.head + ${lastCount}
      returning head, now() as at
    ), written as (
      insert into events (stream, seq, type, at, data, audience)
      select d.stream, coalesce(d.seq, head.head - ${lastCount} + d.ord), d.type, head.at,
        d.data, d.audience
      from head, jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        as d(stream text, seq int, ord int, type text, data jsonb, audience int[])
    )
    select head, at from head`.execute(trx);
  const { head, at } = heads[0]!;
  return drafts.map((d, i) => {
    const row = rows[i]!;
    const seq = row.seq ?? head - lastCount + row.ord;
    return { ...d, seq, at: at.toISOString() } as StoredEvent;
  });
}

function compareStreams(a: StreamKey, b: StreamKey): number {
  if (a === b) return 0;
  if (a === ADMIN_STREAM) return 1;
  if (b === ADMIN_STREAM) return -1;
  return a < b ? -1 : 1;
}

/** The wire form of a stored event, for a viewer who may see it in detail. */
export function toServerEvent(
  event: Pick<StoredEvent, 'seq' | 'type' | 'at' | 'data'>,
): ServerEvent {
  return { id: event.seq, type: event.type, at: event.at, data: event.data } as ServerEvent;
}
