import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, NewUser, User } from '../schema.js';
import { compiledOnce, onlyRow } from '../compiled-once.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The person holding this e-mail now (removed accounts are history, not people). */
export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  return (await selectUserByEmail(db, { email: email.toLowerCase() }))[0];
}

const selectUserByEmail = compiledOnce((db, slot: { email: string }) =>
  db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', slot.email)
    .where('status', '<>', 'removed'),
);

export async function findUserById(db: Db, id: number): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findActiveUser(db: Db, id: number): Promise<User | undefined> {
  return (await selectActiveUser(db, { id }))[0];
}

const selectActiveUser = compiledOnce((db, slot: { id: number }) =>
  db.selectFrom('users').selectAll().where('id', '=', slot.id).where('status', '=', 'active'),
);

export async function insertUser(
  trx: Transaction<Database>,
  values: Required<Pick<NewUser, 'email' | 'role' | 'status' | 'passwordHash' | 'spaceId'>>,
): Promise<User> {
  return onlyRow(await insertUserRow(trx, values), 'insert into users');
}

const insertUserRow = compiledOnce(
  (db, slot: Required<Pick<NewUser, 'email' | 'role' | 'status' | 'passwordHash' | 'spaceId'>>) =>
    db
      .insertInto('users')
      .values({
        email: slot.email,
        role: slot.role,
        status: slot.status,
        passwordHash: slot.passwordHash,
        spaceId: slot.spaceId,
      })
      .returningAll(),
);

/** An invitee who chose their password: the account becomes active. */
export async function activateUser(
  trx: Transaction<Database>,
  id: number,
  passwordHash: string,
): Promise<User> {
  return trx
    .updateTable('users')
    .set({ passwordHash, status: 'active', updatedAt: sql<Date>`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The support account of `ADMIN_EMAIL`, at start: its password set and the account active. */
export async function setAdminPassword(db: Db, id: number, passwordHash: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ passwordHash, status: 'active', updatedAt: new Date() })
    .where('id', '=', id)
    .execute();
}

/** The support account of `ADMIN_EMAIL`, created at start. */
export async function insertAdmin(db: Db, email: string, passwordHash: string): Promise<void> {
  await db
    .insertInto('users')
    .values({ email, role: 'admin', status: 'active', passwordHash, spaceId: null })
    .execute();
}

/** The secondaries of a space that are not removed (active and pending). */
export async function listSecondaries(db: Db, spaceId: number): Promise<User[]> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('spaceId', '=', spaceId)
    .where('role', '=', 'secondary')
    .where('status', '<>', 'removed')
    .orderBy('id')
    .execute();
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
  spaceId: number,
  userId: number,
): Promise<User | undefined> {
  return (await selectSecondaryForUpdate(trx, { spaceId, userId }))[0];
}

const selectSecondaryForUpdate = compiledOnce((db, slot: { spaceId: number; userId: number }) =>
  db
    .selectFrom('users')
    .selectAll()
    .where('id', '=', slot.userId)
    .where('spaceId', '=', slot.spaceId)
    .where('role', '=', 'secondary')
    .where('status', '<>', 'removed')
    .forUpdate(),
);

/** Cession: the space's secondaries (active and pending) move, their attributions with them. */
export async function moveSecondaries(
  trx: Transaction<Database>,
  fromSpaceId: number,
  toSpaceId: number,
): Promise<number[]> {
  const rows = await trx
    .updateTable('users')
    .set({ spaceId: toSpaceId, updatedAt: new Date() })
    .where('spaceId', '=', fromSpaceId)
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
  toSpaceId: number,
): Promise<void> {
  await trx
    .updateTable('users')
    .set({ role: 'secondary', spaceId: toSpaceId, updatedAt: new Date() })
    .where('id', '=', userId)
    .execute();
}

/**
 * Marks a user removed, takes their SIRETs and ends their sessions, in one
 * statement. Returns the ids of the sessions it ended.
 */
export async function removeUserAndEndSessions(
  trx: Transaction<Database>,
  userId: number,
): Promise<number[]> {
  const rows = await removeUserEndingSessions(trx, { userId });
  return rows.map((row) => row.id);
}

const removeUserEndingSessions = compiledOnce((db, slot: { userId: number }) =>
  db
    .with('removed', (db) =>
      db
        .updateTable('users')
        .set({ status: 'removed', updatedAt: sql<Date>`now()` })
        .where('id', '=', slot.userId)
        .returning('id'),
    )
    .with('unattributed', (db) =>
      db.deleteFrom('attributions').where('userId', '=', slot.userId).returning('siret'),
    )
    .updateTable('sessions')
    .set({ revokedAt: sql<Date>`now()` })
    .where('userId', '=', slot.userId)
    .where('revokedAt', 'is', null)
    .returning('id'),
);

/** The active principal of a space (a dissolved space has none). */
export async function findPrincipalOfSpace(db: Db, spaceId: number): Promise<User | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('spaceId', '=', spaceId)
    .where('role', '=', 'principal')
    .where('status', '=', 'active')
    .executeTakeFirst();
}

/**
 * A new principal for a space: the chosen secondary becomes principal (a
 * principal holds no attribution: they see every SIRET) and the former one a
 * secondary with no SIRET.
 */
export async function swapPrincipal(
  trx: Transaction<Database>,
  change: { principalId: number; formerPrincipalId: number },
): Promise<void> {
  const ids = [change.principalId, change.formerPrincipalId];
  await sql`delete from attributions where user_id = any(${ids}::int[])`.execute(trx);
  await sql`
    update users
    set role = case when id = ${change.principalId} then 'principal' else 'secondary' end,
        updated_at = now()
    where id = any(${ids}::int[])`.execute(trx);
}

/** Every account holding one of these addresses (lower-cased), removed ones included. */
export async function findAccountsByEmails(
  db: Db,
  emails: readonly string[],
): Promise<Pick<User, 'id' | 'email' | 'role' | 'status' | 'spaceId'>[]> {
  if (emails.length === 0) return [];
  // One array parameter, whatever the number of addresses (an import names thousands).
  return db
    .selectFrom('users')
    .select(['id', 'email', 'role', 'status', 'spaceId'])
    .where(sql<boolean>`email = any(${[...emails]}::text[])`)
    .execute();
}
