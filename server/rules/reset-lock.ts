/**
 * The "3679" reset: an admin lifts lock-outs caused by failed attempts
 * (docs/domain.md rules 1 and 2). The counters are deleted, so the next attempt
 * starts again from zero.
 */
import type { Transaction } from 'kysely';
import { deleteFailedAttempt, deleteFailedAttemptsOfUser } from '../db/queries/locks.js';
import type { Database } from '../db/schema.js';
import { ADMIN_STREAM, appendEvents, draft, type StoredEvent } from '../events/append-events.js';
import { requireAdmin, type Actor } from './actor.js';
import { DomainError } from './domain-error.js';

/**
 * Deletes every failed-attempt counter of a user (their cession and added
 * SIRET counters). Refuses `FORBIDDEN` (not an admin) and `NOT_FOUND` (no
 * counter). A `lock.reset` event for each counter that was locked.
 */
export async function resetUserLocks(
  trx: Transaction<Database>,
  actor: Actor,
  input: { userId: number },
): Promise<{ events: StoredEvent[] }> {
  await requireAdmin(trx, actor);
  const rows = await deleteFailedAttemptsOfUser(trx, input.userId);
  return { events: await lockResetEvents(trx, rows) };
}

/**
 * Deletes one failed-attempt counter (a signup lock has no user: it is reset
 * by its id). Refuses `FORBIDDEN` and `NOT_FOUND`.
 */
export async function resetLock(
  trx: Transaction<Database>,
  actor: Actor,
  input: { lockId: number },
): Promise<{ events: StoredEvent[] }> {
  await requireAdmin(trx, actor);
  const rows = await deleteFailedAttempt(trx, input.lockId);
  return { events: await lockResetEvents(trx, rows) };
}

async function lockResetEvents(
  trx: Transaction<Database>,
  rows: { id: number; lockedAt: Date | null }[],
): Promise<StoredEvent[]> {
  if (rows.length === 0) throw new DomainError('NOT_FOUND');
  const locked = rows.filter((row) => row.lockedAt !== null).sort((a, b) => a.id - b.id);
  return appendEvents(
    trx,
    locked.map((row) => draft(ADMIN_STREAM, 'lock.reset', { lockId: row.id })),
  );
}
