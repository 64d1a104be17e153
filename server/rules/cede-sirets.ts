/**
 * "Céder les SIRETs" (docs/domain.md rule 1): the principal hands the whole space
 * to the principal of another space, at once and atomically. SIRETs,
 * secondaries (with their lists) and pending invitations move; the ceding
 * principal stays, as a secondary of the target space holding every ceded
 * SIRET. Refused addresses are counted; the fifth locks cession until an
 * admin reset ("contactez le 3679").
 */
import type { Transaction } from 'kysely';
import { recordCession } from '../db/queries/cessions.js';
import { moveInvitations } from '../db/queries/invitations.js';
import { dissolveSpace, lockSpaces } from '../db/queries/spaces.js';
import { attributeSirets, moveSirets } from '../db/queries/sirets.js';
import { findUserById, makeSecondaryOf, moveSecondaries } from '../db/queries/users.js';
import type { Database } from '../db/schema.js';
import { appendEvents, draft, spaceStream, type StoredEvent } from '../events/append-events.js';
import { actorOfUser } from '../events/event-actor.js';
import type { Actor } from './actor.js';
import {
  findCessionTarget,
  isActivePrincipal,
  isPrincipalOfAnotherSpace,
} from './check-cession-target.js';
import { DomainError } from './domain-error.js';
import { clearFailedAttempts } from './record-failed-attempt.js';

/**
 * Cedes every SIRET of the actor's space to the principal whose e-mail is
 * given. Refuses as `findCessionTarget` does (the panel's check before the
 * confirmation): `FORBIDDEN`, `LOCKED`, `CESSION_TARGET_SELF`, then
 * `CESSION_TARGET_NOT_PRINCIPAL` (counted).
 */
export async function cedeSirets(
  trx: Transaction<Database>,
  actor: Actor,
  input: { email: string },
): Promise<{ cessionId: number; events: StoredEvent[] }> {
  const { principal: before, target, attempt } = await findCessionTarget(trx, actor, input.email);
  const fromSpaceId = before.spaceId;
  const toSpaceId = target.spaceId;

  // Both spaces, lowest id first: crossed cessions (A to B, B to A) queue instead of
  // deadlocking, and the second one sees the first one's outcome below.
  const locked = await lockSpaces(trx, [fromSpaceId, toSpaceId]);
  const principal = await findUserById(trx, actor.userId);
  if (!isActivePrincipal(principal) || principal.spaceId !== fromSpaceId) {
    throw new DomainError('FORBIDDEN');
  }
  const recipient = await findUserById(trx, target.id);
  if (
    !locked.includes(toSpaceId) ||
    !isPrincipalOfAnotherSpace(recipient, fromSpaceId) ||
    recipient.spaceId !== toSpaceId
  ) {
    throw new DomainError('CESSION_TARGET_NOT_PRINCIPAL', { attempt });
  }

  const sirets = await moveSirets(trx, fromSpaceId, toSpaceId);
  const secondaries = await moveSecondaries(trx, fromSpaceId, toSpaceId);
  // What moved, and who held what, kept for an undo or the receiver's refusal.
  const cession = await recordCession(trx, {
    fromSpaceId,
    toSpaceId,
    fromPrincipalId: principal.id,
    toPrincipalId: recipient.id,
    sirets,
    memberIds: secondaries,
  });
  // Pending invitations follow their secondaries: the link keeps working in the new space.
  await moveInvitations(trx, fromSpaceId, toSpaceId);
  await makeSecondaryOf(trx, principal.id, toSpaceId);
  await attributeSirets(trx, principal.id, sirets);
  // The space keeps its history (events, removed members) but has no member left.
  await dissolveSpace(trx, fromSpaceId);
  await clearFailedAttempts(trx, attempt);

  const data = {
    cessionId: cession.id,
    fromSpaceId,
    toSpaceId,
    formerPrincipalId: principal.id,
    sirets,
    secondaryCount: secondaries.length,
    toPrincipalEmail: recipient.email,
  };
  const events = await appendEvents(
    trx,
    [
      draft(spaceStream(fromSpaceId), 'space.ceded', data, null),
      draft(spaceStream(toSpaceId), 'space.ceded', data, null),
    ],
    actorOfUser(principal),
  );
  return { cessionId: cession.id, events };
}
