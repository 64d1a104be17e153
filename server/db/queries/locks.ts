import type { Kysely } from 'kysely';
import type { LockView } from '../../../shared/views.js';
import type { Database } from '../schema.js';

function selectLocks(db: Kysely<Database>) {
  return db
    .selectFrom('failedAttempts as f')
    .leftJoin('users as u', 'u.id', 'f.userId')
    .select(['f.id', 'f.scope', 'f.userId', 'u.email', 'f.siret', 'f.failures', 'f.lockedAt'])
    .where('f.lockedAt', 'is not', null);
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
  const rows = await selectLocks(db).orderBy('f.lockedAt', 'desc').execute();
  return rows.map(toLockView);
}

/** Deletes the failed-attempt counters of a user; returns what was deleted. */
export async function deleteFailedAttemptsOfUser(
  db: Kysely<Database>,
  userId: number,
): Promise<{ id: number; lockedAt: Date | null }[]> {
  return db
    .deleteFrom('failedAttempts')
    .where('userId', '=', userId)
    .returning(['id', 'lockedAt'])
    .execute();
}

/** Deletes one failed-attempt counter; returns it when it existed. */
export async function deleteFailedAttempt(
  db: Kysely<Database>,
  id: number,
): Promise<{ id: number; lockedAt: Date | null }[]> {
  return db
    .deleteFrom('failedAttempts')
    .where('id', '=', id)
    .returning(['id', 'lockedAt'])
    .execute();
}
