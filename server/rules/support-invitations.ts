/**
 * Support's acts on a space's invitation (docs/domain.md rule 4, « Support
 * acts »): resend or revoke it as the principal would, with the same effects
 * and events, the agent recorded as their actor with the reason they gave.
 * A link support sends again still comes in the name of the space's
 * principal: members never learn which agent acted (shared/visibility.ts).
 */
import type { Transaction } from 'kysely';
import type { IssuedInvitation } from '../db/queries/invitations.js';
import { lockSpaces } from '../db/queries/spaces.js';
import { findInvitationById, findPrincipalOfSpace } from '../db/queries/support-invitations.js';
import { findUserById } from '../db/queries/users.js';
import type { Database, Invitation } from '../db/schema.js';
import type { StoredEvent } from '../events/append-events.js';
import { actorOfUser } from '../events/event-actor.js';
import { requireAdmin, type Actor } from './actor.js';
import { DomainError } from './domain-error.js';
import { issueNewInvitation } from './resend-invitation.js';
import { revokeInvitationOf } from './revoke-invitation.js';
import { lockUntilStable, MOVED } from './shared/lock-until-stable.js';

/**
 * A new link for the invitee of this invitation (any of their invitations:
 * an expired or revoked one included), valid 7 days; their previous links
 * stop working. `NOT_FOUND` when the invitee was removed or their space is
 * gone, `CONFLICT` once they accepted.
 */
export async function supportResendInvitation(
  trx: Transaction<Database>,
  actor: Actor,
  input: { invitationId: number; reason: string; now?: Date },
): Promise<{ events: StoredEvent[]; invitation: IssuedInvitation }> {
  const agent = await requireAdmin(trx, actor);
  const { invitation, spaceId } = await lockInviteeSpace(trx, input.invitationId);
  const principal = await findPrincipalOfSpace(trx, spaceId);
  if (!principal) throw new DomainError('NOT_FOUND');
  return issueNewInvitation(trx, {
    spaceId,
    userId: invitation.userId,
    inviterId: principal.id,
    by: actorOfUser(agent, input.reason),
    now: input.now ?? new Date(),
  });
}

/** Revokes this invitation while it is pending; otherwise `NOT_FOUND`, as for the principal. */
export async function supportRevokeInvitation(
  trx: Transaction<Database>,
  actor: Actor,
  input: { invitationId: number; reason: string },
): Promise<{ events: StoredEvent[] }> {
  const agent = await requireAdmin(trx, actor);
  const { invitation, spaceId } = await lockInviteeSpace(trx, input.invitationId);
  if (invitation.status !== 'pending') throw new DomainError('NOT_FOUND');
  return revokeInvitationOf(trx, {
    spaceId,
    userId: invitation.userId,
    by: actorOfUser(agent, input.reason),
  });
}

/**
 * Locks the invitee's space, as every change of its members does first, and
 * reads the invitation under it. A cession may move the invitee meanwhile:
 * then their new space is locked instead.
 */
async function lockInviteeSpace(
  trx: Transaction<Database>,
  invitationId: number,
): Promise<{ invitation: Invitation; spaceId: number }> {
  const found = await findInvitationById(trx, invitationId);
  if (!found) throw new DomainError('NOT_FOUND');
  let spaceId = (await findUserById(trx, found.userId))?.spaceId ?? found.spaceId;
  return lockUntilStable(async () => {
    const locked = await lockSpaces(trx, [spaceId]);
    const invitee = await findUserById(trx, found.userId);
    const invitation = await findInvitationById(trx, invitationId);
    if (!invitation || !invitee || invitee.spaceId === null) throw new DomainError('NOT_FOUND');
    if (invitee.spaceId !== spaceId) {
      spaceId = invitee.spaceId;
      return MOVED;
    }
    if (locked.length === 0) throw new DomainError('NOT_FOUND');
    return { invitation, spaceId };
  });
}
