/**
 * Who runs a rule. Only the user id is trusted: roles and spaces change (a
 * cession turns a principal into a secondary), so rules read them again under
 * the space's lock before deciding.
 */
import type { Transaction } from 'kysely';
import type { Database, User } from '../db/schema.js';
import { lockSpaceOfActiveUser } from '../db/queries/spaces.js';
import { findActiveUser } from '../db/queries/users.js';
import { DomainError } from './domain-error.js';
import { lockUntilStable, MOVED } from './shared/lock-until-stable.js';

export interface Actor {
  userId: number;
}

export interface LockedMember {
  user: User;
  spaceId: number;
}

/**
 * Locks the actor's space and returns the actor as they are under that lock.
 * Every change to the members of a space takes this lock first, so what is read
 * here stays true until commit. Refuses unless the actor is an active member
 * with the given role.
 */
export async function lockActorSpace(
  trx: Transaction<Database>,
  actor: Actor,
  role: 'principal' | 'secondary' | 'member',
): Promise<LockedMember> {
  return lockUntilStable(async () => {
    const lockedSpaceId = await lockSpaceOfActiveUser(trx, actor.userId);
    if (lockedSpaceId === undefined) throw new DomainError('FORBIDDEN');
    const user = await findActiveUser(trx, actor.userId);
    if (!user || user.spaceId === null) throw new DomainError('FORBIDDEN');
    // A cession moved the actor while we waited for the lock: lock their new space instead.
    if (user.spaceId !== lockedSpaceId) return MOVED;
    if (role !== 'member' && user.role !== role) throw new DomainError('FORBIDDEN');
    return { user, spaceId: user.spaceId };
  });
}

/** Refuses unless the actor is an admin (admins belong to no space and never change role). */
export async function requireAdmin(trx: Transaction<Database>, actor: Actor): Promise<User> {
  const user = await findActiveUser(trx, actor.userId);
  if (!user || user.role !== 'admin') throw new DomainError('FORBIDDEN');
  return user;
}
