/** A stored event as shared/visibility.ts reads it, from its row or from what a rule appended. */
import type { ActorView, StoredEventType } from '../../shared/events.js';
import type { StreamRecord } from '../../shared/visibility.js';

export interface ActorColumns {
  actorRole: ActorView['role'];
  actorId: number | null;
  actorEmail: string | null;
  reason: string | null;
}

export function actorOfColumns(row: ActorColumns): ActorView {
  const actor: ActorView = { id: row.actorId, email: row.actorEmail, role: row.actorRole };
  if (row.reason !== null) actor.reason = row.reason;
  return actor;
}

export function recordOfRow(
  row: ActorColumns & {
    seq: number;
    type: StoredEventType;
    at: Date | string;
    data: unknown;
    audience: readonly number[] | null;
  },
): StreamRecord {
  return {
    seq: row.seq,
    type: row.type,
    at: typeof row.at === 'string' ? row.at : row.at.toISOString(),
    data: row.data,
    audience: row.audience,
    actor: actorOfColumns(row),
  };
}
