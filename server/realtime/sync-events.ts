/**
 * Reading a stream after a position, for `sync`. Ids of a stream are given out
 * in commit order without holes (see append-events.ts), so the committed
 * events after `since` are always a complete prefix: what is read here is
 * exactly what the client missed so far.
 */
import type { Kysely } from 'kysely';
import type { StoredEventType } from '../../shared/events.js';
import type { Database } from '../db/schema.js';
import type { StreamKey } from '../events/append-events.js';
import type { StreamEvent } from './project-event.js';

/** Beyond this many missed events a snapshot is smaller and faster to apply. */
export const MAX_SYNC_EVENTS = 500;

/** Positions are `integer` columns: no stream goes beyond this one. */
const MAX_POSITION = 2 ** 31 - 1;

export type StreamCatchUp = { kind: 'events'; events: StreamEvent[] } | { kind: 'too_far' };

/**
 * The events of a stream after `since`, or `too_far` when more than
 * `MAX_SYNC_EVENTS` were missed or `since` is beyond the head (a position in
 * another stream, or from before the database was reset).
 */
export async function readStreamSince(
  db: Kysely<Database>,
  stream: StreamKey,
  since: number,
): Promise<StreamCatchUp> {
  // Beyond any stream's head (and beyond what the column can compare to).
  if (since > MAX_POSITION) return { kind: 'too_far' };
  // Reading from `since` itself (ids have no holes) tells in the same query
  // whether `since` is a position of this stream: a row with that id exists.
  const rows = await db
    .selectFrom('events')
    .select(['seq', 'type', 'at', 'data', 'audience'])
    .where('stream', '=', stream)
    .where('seq', '>=', since)
    .orderBy('seq')
    .limit(MAX_SYNC_EVENTS + 2)
    .execute();
  if (since > 0) {
    if (rows[0]?.seq !== since) return { kind: 'too_far' };
    rows.shift();
  }
  if (rows.length > MAX_SYNC_EVENTS) return { kind: 'too_far' };
  return {
    kind: 'events',
    events: rows.map(
      (row) =>
        ({
          seq: row.seq,
          type: row.type as StoredEventType,
          at: row.at.toISOString(),
          data: row.data,
          audience: row.audience,
        }) as StreamEvent,
    ),
  };
}

/** A `sync` position: null (asks for a snapshot) or a non-negative integer; undefined if malformed. */
export function parseSince(request: unknown): number | null | undefined {
  if (typeof request !== 'object' || request === null || !('since' in request)) return undefined;
  const since = (request as { since: unknown }).since;
  if (since === null) return null;
  return Number.isSafeInteger(since) && (since as number) >= 0 ? (since as number) : undefined;
}
