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

export function spaceStream(orgId: number): StreamKey {
  return `space:${orgId}`;
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
  // `now()` is the transaction's start time: the same for every event it writes.
  let at = '';
  const nextSeq = new Map<StreamKey, number>();
  for (const stream of streams) {
    const count = drafts.filter((d) => d.stream === stream).length;
    const { head, now } = await trx
      .insertInto('eventStreams')
      .values({ stream, head: count })
      .onConflict((oc) =>
        oc.column('stream').doUpdateSet({ head: sql<number>`event_streams.head + ${count}` }),
      )
      .returning(['head', sql<Date>`now()`.as('now')])
      .executeTakeFirstOrThrow();
    at = now.toISOString();
    nextSeq.set(stream, head - count + 1);
  }
  const stored = drafts.map((d) => {
    const seq = nextSeq.get(d.stream) as number;
    nextSeq.set(d.stream, seq + 1);
    return { ...d, seq, at } as StoredEvent;
  });
  await trx
    .insertInto('events')
    .values(
      stored.map((e) => ({
        stream: e.stream,
        seq: e.seq,
        type: e.type,
        at: e.at,
        data: JSON.stringify(e.data),
        audience: e.audience,
      })),
    )
    .execute();
  return stored;
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
