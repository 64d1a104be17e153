/**
 * "Céder les SIRETs", first step: the panel checks the address typed before it
 * asks the principal to confirm a cession that cannot be undone (docs/domain.md
 * rule 1). The cession answers exactly the same: both go through
 * `findCessionTarget`.
 *
 * A refused address counts towards the cession lock like a refused cession,
 * or the check would tell, for free, who is a principal. One's own address is
 * a typing slip that tells nothing: it has its own message and is not counted.
 */
import type { Transaction } from 'kysely';
import { findUserByEmail, findUserById } from '../db/queries/users.js';
import type { Database, User } from '../db/schema.js';
import type { StoredEvent } from '../events/append-events.js';
import type { Actor } from './actor.js';
import { DomainError, type AttemptKey } from './domain-error.js';
import { lockAttemptCounter } from './record-failed-attempt.js';

export type ActivePrincipal = User & { role: 'principal'; spaceId: number };

export interface CessionTarget {
  principal: ActivePrincipal;
  target: User & { spaceId: number };
  /** What a refused address of this cession counts against. */
  attempt: AttemptKey;
}

/**
 * The principal of another space whose e-mail is given. Refuses `FORBIDDEN`
 * (the actor is not an active principal), `LOCKED`, `CESSION_TARGET_SELF`
 * (not counted), then `CESSION_TARGET_NOT_PRINCIPAL` (counted) for any other
 * address: unknown, a secondary's, a support agent's, a removed user's.
 */
export async function findCessionTarget(
  trx: Transaction<Database>,
  actor: Actor,
  email: string,
): Promise<CessionTarget> {
  const principal = await findUserById(trx, actor.userId);
  if (!isActivePrincipal(principal)) throw new DomainError('FORBIDDEN');
  const subject = `space:${principal.spaceId}`;
  const attempt: AttemptKey = { scope: 'cession', subject, userId: principal.id, siret: null };
  if (await lockAttemptCounter(trx, attempt)) throw new DomainError('LOCKED');

  const target = await findUserByEmail(trx, email);
  if (target?.id === principal.id) throw new DomainError('CESSION_TARGET_SELF');
  if (!isPrincipalOfAnotherSpace(target, principal.spaceId)) {
    throw new DomainError('CESSION_TARGET_NOT_PRINCIPAL', { attempt });
  }
  return { principal, target, attempt };
}

/**
 * Says whether the cession to this address would be accepted now, without
 * making it; answers the target's address as stored. A success does not clear
 * the refusals counted so far: a known principal's address, checked between
 * guesses, must not give the guesses back.
 */
export async function checkCessionTarget(
  trx: Transaction<Database>,
  actor: Actor,
  input: { email: string },
): Promise<{ events: StoredEvent[]; email: string }> {
  const { target } = await findCessionTarget(trx, actor, input.email);
  return { events: [], email: target.email };
}

export function isActivePrincipal(user: User | undefined): user is ActivePrincipal {
  return user?.status === 'active' && user.role === 'principal' && user.spaceId !== null;
}

export function isPrincipalOfAnotherSpace(
  user: User | undefined,
  spaceId: number,
): user is User & { spaceId: number } {
  return (
    user !== undefined &&
    user.status !== 'removed' &&
    user.role === 'principal' &&
    user.spaceId !== null &&
    user.spaceId !== spaceId
  );
}
