import type { Kysely, Transaction } from 'kysely';
import type { Database, User } from '../schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The person holding this e-mail now (removed accounts are history, not people). */
export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', email.toLowerCase())
    .where('status', '<>', 'removed')
    .executeTakeFirst();
}

export async function findUserById(db: Db, id: number): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The secondaries of a space that are not removed (active and pending). */
export async function listSecondaries(db: Db, orgId: number): Promise<User[]> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('orgId', '=', orgId)
    .where('role', '=', 'secondary')
    .where('status', '<>', 'removed')
    .orderBy('id')
    .execute();
}

export async function findPrincipal(db: Db, orgId: number): Promise<User | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('orgId', '=', orgId)
    .where('role', '=', 'principal')
    .where('status', '<>', 'removed')
    .executeTakeFirst();
}

/** The SIRETs attributed to one user, sorted. */
export async function listAttributedSirets(db: Db, userId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('attributions')
    .select('siret')
    .where('userId', '=', userId)
    .orderBy('siret')
    .execute();
  return rows.map((r) => r.siret);
}

/**
 * A secondary of this space that is not removed, under its row lock. The
 * caller holds the space's lock, so the answer stays true until commit.
 */
export async function lockSecondaryOfSpace(
  trx: Transaction<Database>,
  orgId: number,
  userId: number,
): Promise<User | undefined> {
  return trx
    .selectFrom('users')
    .selectAll()
    .where('id', '=', userId)
    .where('orgId', '=', orgId)
    .where('role', '=', 'secondary')
    .where('status', '<>', 'removed')
    .forUpdate()
    .executeTakeFirst();
}

/** Cession: the space's secondaries (active and pending) move, their attributions with them. */
export async function moveSecondaries(
  trx: Transaction<Database>,
  fromOrgId: number,
  toOrgId: number,
): Promise<number[]> {
  const rows = await trx
    .updateTable('users')
    .set({ orgId: toOrgId, updatedAt: new Date() })
    .where('orgId', '=', fromOrgId)
    .where('role', '=', 'secondary')
    .where('status', '<>', 'removed')
    .returning('id')
    .execute();
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

/** Cession: the ceding principal becomes a secondary of the target space (account kept). */
export async function makeSecondaryOf(
  trx: Transaction<Database>,
  userId: number,
  toOrgId: number,
): Promise<void> {
  await trx
    .updateTable('users')
    .set({ role: 'secondary', orgId: toOrgId, updatedAt: new Date() })
    .where('id', '=', userId)
    .execute();
}
