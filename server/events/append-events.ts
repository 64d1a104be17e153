/**
 * The outbox: every rule writes its events here, in its own transaction.
 *
 * Each stream (`space:<id>`, `admin`) has a head row; an append bumps it, which
 * gives out sequence numbers in commit order and without holes
 * (server/db/queries/event-streams.ts says how). Space streams are locked
 * before the admin stream, always, so two appenders never wait on each other
 * in a cycle.
 */
import type { Transaction } from 'kysely';
import type {
  ActorView,
  EventPayloads,
  ServerEvent,
  StoredEventType,
} from '../../shared/events.js';
import {
  bumpStreamHead,
  bumpStreamHeadAndInsertEvents,
  type EventRowDraft,
} from '../db/queries/event-streams.js';
import type { Database } from '../db/schema.js';
import { eventKeys } from './event-keys.js';

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

/** An event as written: its place in its stream and who made it, ready to publish once committed. */
export type StoredEvent = EventDraft & { seq: number; at: string; actor: ActorView };

export function draft<T extends StoredEventType>(
  stream: StreamKey,
  type: T,
  data: EventPayloads[T],
  audience: number[] | null = null,
): EventDraft {
  return { stream, type, data, audience } as EventDraft;
}

/** Writes a rule's events, all made by `actor` (server/events/event-actor.ts). */
export async function appendEvents(
  trx: Transaction<Database>,
  drafts: readonly EventDraft[],
  actor: ActorView,
): Promise<StoredEvent[]> {
  if (drafts.length === 0) return [];
  const streams = [...new Set(drafts.map((d) => d.stream))].sort(compareStreams);
  const last = streams.at(-1)!;
  const nextSeq = new Map<StreamKey, number>();
  // Every stream but the last: its head bumped on its own, in the order above.
  for (const stream of streams.slice(0, -1)) {
    const count = drafts.filter((d) => d.stream === stream).length;
    const head = await bumpStreamHead(trx, stream, count);
    nextSeq.set(stream, head - count + 1);
  }
  // The last stream's head and every event row in one statement (one round trip).
  const lastCount = drafts.filter((d) => d.stream === last).length;
  let ord = 0;
  const rows = drafts.map((d): EventRowDraft => {
    const row = { stream: d.stream, type: d.type, data: d.data, audience: d.audience };
    const keys = eventKeys(d, actor.email);
    if (d.stream === last) {
      ord += 1;
      return { ...row, seq: null, ord, keys };
    }
    const seq = nextSeq.get(d.stream)!;
    nextSeq.set(d.stream, seq + 1);
    return { ...row, seq, ord: 0, keys };
  });
  const { head, at } = await bumpStreamHeadAndInsertEvents(trx, last, lastCount, rows, {
    role: actor.role,
    id: actor.id,
    email: actor.email,
    reason: actor.reason ?? null,
  });
  return drafts.map((d, i) => {
    const row = rows[i]!;
    const seq = row.seq ?? head - lastCount + row.ord;
    return { ...d, seq, at: at.toISOString(), actor } as StoredEvent;
  });
}

function compareStreams(a: StreamKey, b: StreamKey): number {
  if (a === b) return 0;
  if (a === ADMIN_STREAM) return 1;
  if (b === ADMIN_STREAM) return -1;
  return a < b ? -1 : 1;
}

/** The wire form of a stored event, for a viewer who may see it whole (an admin). */
export function toServerEvent(
  event: Pick<StoredEvent, 'seq' | 'type' | 'at' | 'data' | 'actor'>,
): ServerEvent {
  const { seq, type, at, data, actor } = event;
  return { id: seq, type, at, data, actor } as ServerEvent;
}
