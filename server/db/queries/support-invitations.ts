/** What support's acts on a space's invitation read besides the rules they share with the principal. */
import type { Kysely, Transaction } from 'kysely';
import type { Database, Invitation, User } from '../schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** An invitation by id, unlocked: only tells whose it is, hence which space to lock first. */
export async function findInvitationById(db: Db, id: number): Promise<Invitation | undefined> {
  return db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The principal of a space (the caller holds the space's lock), in whose name a link is sent. */
export async function findPrincipalOfSpace(
  db: Db,
  spaceId: number,
): Promise<Pick<User, 'id' | 'email'> | undefined> {
  return db
    .selectFrom('users')
    .select(['id', 'email'])
    .where('spaceId', '=', spaceId)
    .where('role', '=', 'principal')
    .where('status', '<>', 'removed')
    .executeTakeFirst();
}
