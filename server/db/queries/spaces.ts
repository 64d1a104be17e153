import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../schema.js';
import { compiledOnce } from '../compiled-once.js';

/** A new employer space, empty: its principal and first SIRET are written next. */
export async function insertSpace(trx: Transaction<Database>): Promise<number> {
  const row = await trx
    .insertInto('spaces')
    .values({ dissolvedAt: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Takes the row locks of these spaces, in ascending id order so that two
 * transactions locking the same spaces (crossed cessions) never deadlock.
 * Returns the ids that exist and are not dissolved.
 */
export async function lockSpaces(
  trx: Transaction<Database>,
  spaceIds: readonly number[],
): Promise<number[]> {
  const rows = await lockSpaceRows(trx, spaceIds);
  return rows.filter((row) => row.dissolvedAt === null).map((row) => row.id);
}

/**
 * The same locks, dissolved spaces included (an undone cession brings a
 * dissolved space back); returns the ids of those dissolved.
 */
export async function lockSpacesEvenDissolved(
  trx: Transaction<Database>,
  spaceIds: readonly number[],
): Promise<number[]> {
  const rows = await lockSpaceRows(trx, spaceIds);
  return rows.filter((row) => row.dissolvedAt !== null).map((row) => row.id);
}

/** One statement per space, lowest id first: the order every space lock is taken in. */
async function lockSpaceRows(
  trx: Transaction<Database>,
  spaceIds: readonly number[],
): Promise<{ id: number; dissolvedAt: Date | null }[]> {
  const rows: { id: number; dissolvedAt: Date | null }[] = [];
  for (const id of [...new Set(spaceIds)].sort((a, b) => a - b)) {
    const row = await trx
      .selectFrom('spaces')
      .select(['id', 'dissolvedAt'])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (row) rows.push(row);
  }
  return rows;
}

/**
 * Takes the row lock of the space a user belongs to, found and locked in one
 * statement; the space's id, or undefined when the user is not active or
 * belongs to no space. The user row is read before the wait for the lock:
 * the caller reads it again under the lock.
 */
export async function lockSpaceOfActiveUser(
  trx: Transaction<Database>,
  userId: number,
): Promise<number | undefined> {
  const [row] = await selectSpaceOfActiveUserForUpdate(trx, { userId });
  return row?.id;
}

const selectSpaceOfActiveUserForUpdate = compiledOnce((db, slot: { userId: number }) =>
  db
    .selectFrom('spaces')
    .select('id')
    .where(
      'id',
      '=',
      db
        .selectFrom('users')
        .select('spaceId')
        .where('id', '=', slot.userId)
        .where('status', '=', 'active'),
    )
    .forUpdate(),
);

/**
 * Cession: the ceded space keeps its history (events, removed members) but
 * no member nor SIRET is left in it; `lockSpaces` no longer returns it.
 */
export async function dissolveSpace(trx: Transaction<Database>, spaceId: number): Promise<void> {
  await trx
    .updateTable('spaces')
    .set({ dissolvedAt: sql<Date>`now()` })
    .where('id', '=', spaceId)
    .execute();
}

/** Which of these spaces are dissolved (read without locks: a preview). */
export async function findDissolvedSpaces(
  db: Kysely<Database> | Transaction<Database>,
  spaceIds: readonly number[],
): Promise<number[]> {
  if (spaceIds.length === 0) return [];
  const rows = await db
    .selectFrom('spaces')
    .select('id')
    .where('id', 'in', [...spaceIds])
    .where('dissolvedAt', 'is not', null)
    .execute();
  return rows.map((row) => row.id);
}
