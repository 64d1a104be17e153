import type { Kysely } from 'kysely';
import type { LockView } from '../../../shared/views.js';
import type { Database } from '../schema.js';

/** Counters a support agent must look at: those that locked, and those that alerted. */
function selectLocks(db: Kysely<Database>) {
  return db
    .selectFrom('failedAttempts as f')
    .leftJoin('users as u', 'u.id', 'f.userId')
    .select((eb) => [
      'f.id',
      'f.scope',
      'f.userId',
      'u.email',
      'f.siret',
      'f.failures',
      eb.fn.coalesce('f.lockedAt', 'f.alertedAt').as('lockedAt'),
    ])
    .where((eb) => eb.or([eb('f.lockedAt', 'is not', null), eb('f.alertedAt', 'is not', null)]));
}

function toLockView(row: {
  id: number;
  scope: LockView['scope'];
  userId: number | null;
  email: string | null;
  siret: string | null;
  failures: number;
  lockedAt: Date | null;
}): LockView {
  return { ...row, lockedAt: (row.lockedAt ?? new Date()).toISOString() };
}

export async function findLockView(db: Kysely<Database>, id: number): Promise<LockView | null> {
  const row = await selectLocks(db).where('f.id', '=', id).executeTakeFirst();
  return row ? toLockView(row) : null;
}

export async function listLockViews(db: Kysely<Database>): Promise<LockView[]> {
  const rows = await selectLocks(db).orderBy('lockedAt', 'desc').execute();
  return rows.map(toLockView);
}

/**
 * Deletes the failed-attempt counters of a user; returns what was deleted,
 * `lockedAt` set for those the support agents were shown (locked or alerted).
 */
export async function deleteFailedAttemptsOfUser(
  db: Kysely<Database>,
  userId: number,
): Promise<{ id: number; lockedAt: Date | null }[]> {
  return db
    .deleteFrom('failedAttempts')
    .where('userId', '=', userId)
    .returning((eb) => ['id', eb.fn.coalesce('lockedAt', 'alertedAt').as('lockedAt')])
    .execute();
}

/** Deletes one failed-attempt counter; returns it when it existed (`lockedAt` as above). */
export async function deleteFailedAttempt(
  db: Kysely<Database>,
  id: number,
): Promise<{ id: number; lockedAt: Date | null }[]> {
  return db
    .deleteFrom('failedAttempts')
    .where('id', '=', id)
    .returning((eb) => ['id', eb.fn.coalesce('lockedAt', 'alertedAt').as('lockedAt')])
    .execute();
}
