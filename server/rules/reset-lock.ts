/**
 * The "3679" reset: an admin lifts lock-outs caused by failed attempts
 * (docs/domain.md rules 1 and 2). The counters are deleted, so the next attempt
 * starts again from zero.
 */
import type { Transaction } from 'kysely';
import {
  deleteFailedAttempt,
  deleteFailedAttemptsOfUser,
  spaceOfCounter,
  type DeletedCounter,
} from '../db/queries/locks.js';
import type { Database } from '../db/schema.js';
import {
  ADMIN_STREAM,
  appendEvents,
  draft,
  spaceStream,
  type EventDraft,
  type StoredEvent,
} from '../events/append-events.js';
import { actorOfUser } from '../events/event-actor.js';
import type { ActorView } from '../../shared/events.js';
import { requireAdmin, type Actor } from './actor.js';
import { DomainError } from './domain-error.js';

/**
 * Deletes every failed-attempt counter of a user (their cession and added
 * SIRET counters). Refuses `FORBIDDEN` (not an admin) and `NOT_FOUND` (no
 * counter). A `lock.reset` event for each counter that was locked (see `lockResetEvents`).
 */
export async function resetUserLocks(
  trx: Transaction<Database>,
  actor: Actor,
  input: { userId: number; reason?: string },
): Promise<{ events: StoredEvent[] }> {
  const agent = await requireAdmin(trx, actor);
  const rows = await deleteFailedAttemptsOfUser(trx, input.userId);
  return { events: await lockResetEvents(trx, rows, actorOfUser(agent, input.reason)) };
}

/**
 * Deletes one failed-attempt counter (a signup lock has no user: it is reset
 * by its id). Refuses `FORBIDDEN` and `NOT_FOUND`.
 */
export async function resetLock(
  trx: Transaction<Database>,
  actor: Actor,
  input: { lockId: number; reason?: string },
): Promise<{ events: StoredEvent[] }> {
  const agent = await requireAdmin(trx, actor);
  const rows = await deleteFailedAttempt(trx, input.lockId);
  return { events: await lockResetEvents(trx, rows, actorOfUser(agent, input.reason)) };
}

/**
 * A `lock.reset` on the admin stream for each counter that was shown to the
 * agents; a space's counter is also reset on that space's stream, for its
 * principal's panel (which form comes back).
 */
async function lockResetEvents(
  trx: Transaction<Database>,
  rows: DeletedCounter[],
  by: ActorView,
): Promise<StoredEvent[]> {
  if (rows.length === 0) throw new DomainError('NOT_FOUND');
  const locked = rows.filter((row) => row.lockedAt !== null).sort((a, b) => a.id - b.id);
  const drafts: EventDraft[] = [];
  for (const row of locked) {
    // Which lock it was: the principal's form, and the history's search by SIRET.
    const data = { lockId: row.id, scope: row.scope, siret: row.siret };
    drafts.push(draft(ADMIN_STREAM, 'lock.reset', data));
    const spaceId = spaceOfCounter(row);
    if (spaceId !== null) drafts.push(draft(spaceStream(spaceId), 'lock.reset', data, []));
  }
  return appendEvents(trx, drafts, by);
}
