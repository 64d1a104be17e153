/**
 * "Céder les SIRETs" (DOMAIN.md rule 1): the principal hands the whole space
 * to the principal of another space, at once and atomically. SIRETs,
 * secondaries (with their lists) and pending invitations move; the ceding
 * principal stays, as a secondary of the target space holding every ceded
 * SIRET. Refused addresses are counted; the fifth locks cession until an
 * admin reset ("contactez le 3679").
 */
import type { Transaction } from 'kysely';
import { moveInvitations } from '../db/queries/invitations.js';
import { dissolveSpace, lockSpaces } from '../db/queries/spaces.js';
import { attributeSirets, moveSirets } from '../db/queries/sirets.js';
import {
  findUserByEmail,
  findUserById,
  makeSecondaryOf,
  moveSecondaries,
} from '../db/queries/users.js';
import type { Database, User } from '../db/schema.js';
import { appendEvents, draft, spaceStream, type StoredEvent } from '../events/append-events.js';
import type { Actor } from './actor.js';
import { DomainError, type AttemptKey } from './domain-error.js';
import { clearFailedAttempts, lockAttemptCounter } from './record-failed-attempt.js';

/**
 * Cedes every SIRET of the actor's space to the principal whose e-mail is
 * given. Refuses `FORBIDDEN` (not a principal), `LOCKED`, then
 * `CESSION_TARGET_NOT_PRINCIPAL` (counted) for any address that is not the
 * principal of another space.
 */
export async function cedeSirets(
  trx: Transaction<Database>,
  actor: Actor,
  input: { email: string },
): Promise<{ events: StoredEvent[] }> {
  const before = await findUserById(trx, actor.userId);
  if (!isActivePrincipal(before)) throw new DomainError('FORBIDDEN');
  const fromOrgId = before.orgId;
  const subject = `space:${fromOrgId}`;
  const attempt: AttemptKey = { scope: 'cession', subject, userId: before.id, siret: null };
  if (await lockAttemptCounter(trx, attempt)) throw new DomainError('LOCKED');

  const target = await findUserByEmail(trx, input.email);
  if (!isPrincipalOfAnotherSpace(target, fromOrgId)) {
    throw new DomainError('CESSION_TARGET_NOT_PRINCIPAL', { attempt });
  }
  const toOrgId = target.orgId;

  // Both spaces, lowest id first: crossed cessions (A to B, B to A) queue instead of
  // deadlocking, and the second one sees the first one's outcome below.
  const locked = await lockSpaces(trx, [fromOrgId, toOrgId]);
  const principal = await findUserById(trx, actor.userId);
  if (!isActivePrincipal(principal) || principal.orgId !== fromOrgId) {
    throw new DomainError('FORBIDDEN');
  }
  const recipient = await findUserById(trx, target.id);
  if (
    !locked.includes(toOrgId) ||
    !isPrincipalOfAnotherSpace(recipient, fromOrgId) ||
    recipient.orgId !== toOrgId
  ) {
    throw new DomainError('CESSION_TARGET_NOT_PRINCIPAL', { attempt });
  }

  const sirets = await moveSirets(trx, fromOrgId, toOrgId);
  await moveSecondaries(trx, fromOrgId, toOrgId);
  // Pending invitations follow their secondaries: the link keeps working in the new space.
  await moveInvitations(trx, fromOrgId, toOrgId);
  await makeSecondaryOf(trx, principal.id, toOrgId);
  await attributeSirets(trx, principal.id, sirets);
  // The space keeps its history (events, removed members) but has no member left.
  await dissolveSpace(trx, fromOrgId);
  await clearFailedAttempts(trx, 'cession', subject);

  const data = { fromOrgId, toOrgId, formerPrincipalId: principal.id, sirets };
  const events = await appendEvents(trx, [
    draft(spaceStream(fromOrgId), 'org.ceded', data, null),
    draft(spaceStream(toOrgId), 'org.ceded', data, null),
  ]);
  return { events };
}

function isActivePrincipal(
  user: User | undefined,
): user is User & { role: 'principal'; orgId: number } {
  return user?.status === 'active' && user.role === 'principal' && user.orgId !== null;
}

function isPrincipalOfAnotherSpace(
  user: User | undefined,
  orgId: number,
): user is User & { orgId: number } {
  return (
    user !== undefined &&
    user.status !== 'removed' &&
    user.role === 'principal' &&
    user.orgId !== null &&
    user.orgId !== orgId
  );
}
