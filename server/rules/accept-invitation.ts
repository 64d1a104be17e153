/**
 * docs/domain.md rule 4: the invited person sets their password through the link
 * and becomes "Actif"; the principal and the admins see it live. A link serves
 * once, and only before it expires.
 */
import type { Transaction } from 'kysely';
import type { Database, Invitation, User } from '../db/schema.js';
import {
  findInvitationByTokenHash,
  lockInvitation,
  markInvitationAccepted,
} from '../db/queries/invitations.js';
import { lockSpaces } from '../db/queries/spaces.js';
import { activateUser, findUserById } from '../db/queries/users.js';
import { appendEvents, draft, spaceStream, type StoredEvent } from '../events/append-events.js';
import { actorOfUser } from '../events/event-actor.js';
import { hashToken } from '../security/secrets.js';
import { DomainError } from './domain-error.js';
import { invitationEventDrafts } from './shared/invitation-events.js';
import { lockUntilStable, MOVED } from './shared/lock-until-stable.js';

/**
 * Activates the invited account with this password hash (no actor: the token
 * is the proof). Refuses with `INVITATION_INVALID` an unknown token, one that
 * was used, revoked or has expired, and the invitation of a removed user.
 */
export async function acceptInvitation(
  trx: Transaction<Database>,
  input: { token: string; passwordHash: string; now?: Date },
): Promise<{ events: StoredEvent[]; user: User }> {
  const now = input.now ?? new Date();
  const { invitation, invitee } = await lockInvitationAndSpace(trx, hashToken(input.token));
  if (
    invitation.status !== 'pending' ||
    invitation.expiresAt.getTime() <= now.getTime() ||
    invitee.status !== 'pending' ||
    invitee.spaceId === null
  ) {
    // An expired link is only refused here; marking it is expireInvitations' job.
    throw new DomainError('INVITATION_INVALID');
  }
  const spaceId = invitee.spaceId;

  const user = await activateUser(trx, invitee.id, input.passwordHash);
  await markInvitationAccepted(trx, invitation.id, now);

  const events = await appendEvents(
    trx,
    [
      draft(
        spaceStream(spaceId),
        'secondary.status_changed',
        { userId: user.id, status: 'active' },
        null,
      ),
      ...invitationEventDrafts(spaceId, 'invitation.accepted', {
        invitationId: invitation.id,
        userId: user.id,
        acceptedAt: now.toISOString(),
      }),
    ],
    actorOfUser(user),
  );
  return { events, user };
}

/**
 * Locks the invitee's space, then the invitation, and reads both under the
 * locks. A cession may move the invitee to another space while we wait for the
 * lock: then the new space is locked instead.
 */
async function lockInvitationAndSpace(
  trx: Transaction<Database>,
  tokenHash: string,
): Promise<{ invitation: Invitation; invitee: User }> {
  const found = await findInvitationByTokenHash(trx, tokenHash);
  if (!found) throw new DomainError('INVITATION_INVALID');
  let spaceId = (await findUserById(trx, found.userId))?.spaceId ?? found.spaceId;
  return lockUntilStable(async () => {
    await lockSpaces(trx, [spaceId]);
    const invitation = await lockInvitation(trx, found.id);
    const invitee = await findUserById(trx, found.userId);
    if (!invitation || !invitee) throw new DomainError('INVITATION_INVALID');
    if (invitee.spaceId === null || invitee.spaceId === spaceId) return { invitation, invitee };
    spaceId = invitee.spaceId;
    return MOVED;
  });
}
