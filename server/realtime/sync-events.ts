/**
 * Reading a stream after a position, for `sync`. Ids of a stream are given out
 * in commit order without holes (see append-events.ts), so the committed
 * events after `since` are always a complete prefix: what is read here is
 * exactly what the client missed so far.
 */
import type { Kysely } from 'kysely';
import { batchedLookupPerDatabase } from '../db/batched-lookup.js';
import { readStreamsFrom } from '../db/queries/events.js';
import type { Database } from '../db/schema.js';
import { ADMIN_STREAM, spaceStream, type StreamKey } from '../events/append-events.js';
import { recordOfRow } from '../events/stream-record.js';
import type { StreamEvent } from './project-event.js';
import type { Viewer } from './rooms.js';

/** Beyond this many missed events a snapshot is smaller and faster to apply. */
export const MAX_SYNC_EVENTS = 500;

/** Positions are `integer` columns: no stream goes beyond this one. */
const MAX_POSITION = 2 ** 31 - 1;

/** The stream a viewer follows: their space's, or the support agents'. */
export function streamOfViewer(viewer: Viewer): StreamKey {
  return viewer.spaceId === null ? ADMIN_STREAM : spaceStream(viewer.spaceId);
}

export type StreamCatchUp = { kind: 'events'; events: StreamEvent[] } | { kind: 'too_far' };

/**
 * The events of a stream after `since`, or `too_far` when more than
 * `MAX_SYNC_EVENTS` were missed or `since` is beyond the head (a position in
 * another stream, or from before the database was reset). Concurrent reads
 * share one statement: after a restart, the panels of a space ask for the
 * same position at nearly the same time.
 */
export async function readStreamSince(
  db: Kysely<Database>,
  stream: StreamKey,
  since: number,
): Promise<StreamCatchUp> {
  // Beyond any stream's head (and beyond what the column can compare to).
  if (since > MAX_POSITION) return { kind: 'too_far' };
  const rows = (await streamReaderOf(db)(`${since}:${stream}`)) ?? [];
  // Reading from `since` itself (ids have no holes) tells in the same query
  // whether `since` is a position of this stream: a row with that id exists.
  const missed = since > 0 ? rows.slice(1) : rows;
  if ((since > 0 && rows[0]?.seq !== since) || missed.length > MAX_SYNC_EVENTS) {
    return { kind: 'too_far' };
  }
  return { kind: 'events', events: missed };
}

/** Streams read by one statement: at most this many times MAX_SYNC_EVENTS rows come back. */
const STREAMS_PER_READ = 32;

const streamReaderOf = batchedLookupPerDatabase(readStreams, STREAMS_PER_READ);

/** For each `since:stream` key, its events from `since` on (at most MAX_SYNC_EVENTS + 2). */
async function readStreams(
  db: Kysely<Database>,
  keys: string[],
): Promise<Map<string, StreamEvent[]>> {
  const wanted = keys.map((key) => {
    const colon = key.indexOf(':');
    return { key, since: Number(key.slice(0, colon)), stream: key.slice(colon + 1) };
  });
  const rows = await readStreamsFrom(db, wanted, MAX_SYNC_EVENTS + 2);
  const found = new Map<string, StreamEvent[]>(keys.map((key) => [key, []]));
  for (const row of rows) {
    found.get(row.key)!.push(recordOfRow(row) as StreamEvent);
  }
  return found;
}

/** A `sync` position: null (asks for a snapshot) or a non-negative integer; undefined if malformed. */
export function parseSince(request: unknown): number | null | undefined {
  if (typeof request !== 'object' || request === null || !('since' in request)) return undefined;
  const since = (request as { since: unknown }).since;
  if (since === null) return null;
  return Number.isSafeInteger(since) && (since as number) >= 0 ? (since as number) : undefined;
}
