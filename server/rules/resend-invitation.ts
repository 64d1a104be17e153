/**
 * docs/domain.md rule 4: invitations expire and can be sent again. A new link
 * replaces the old ones, which stop working at once.
 */
import type { Transaction } from 'kysely';
import type { ActorView } from '../../shared/events.js';
import type { Database } from '../db/schema.js';
import {
  insertInvitation,
  toInvitationView,
  toIssuedInvitation,
  type IssuedInvitation,
} from '../db/queries/invitations.js';
import { lockSecondaryOfSpace } from '../db/queries/users.js';
import { appendEvents, type StoredEvent } from '../events/append-events.js';
import { actorOfUser } from '../events/event-actor.js';
import { lockActorSpace, type Actor } from './actor.js';
import { DomainError } from './domain-error.js';
import { invitationEventDrafts } from './shared/invitation-events.js';
import { revokePendingInvitations } from './shared/revoke-pending-invitations.js';

/**
 * Issues a new invitation to a pending secondary of the actor's space
 * (principal only), valid 7 days from now, and revokes the previous ones.
 * `NOT_FOUND` if the user is no secondary of the space; `CONFLICT` once they
 * have accepted.
 */
export async function resendInvitation(
  trx: Transaction<Database>,
  actor: Actor,
  input: { userId: number; now?: Date },
): Promise<{ events: StoredEvent[]; invitation: IssuedInvitation }> {
  const { user: principal, spaceId } = await lockActorSpace(trx, actor, 'principal');
  return issueNewInvitation(trx, {
    spaceId,
    userId: input.userId,
    inviterId: principal.id,
    by: actorOfUser(principal),
    now: input.now ?? new Date(),
  });
}

/**
 * The resend itself, for the principal and for support (support-invitations.ts):
 * the caller holds the space's lock; `inviterId` is the principal the link is
 * sent in the name of, `by` who asked.
 */
export async function issueNewInvitation(
  trx: Transaction<Database>,
  input: { spaceId: number; userId: number; inviterId: number; by: ActorView; now: Date },
): Promise<{ events: StoredEvent[]; invitation: IssuedInvitation }> {
  const { spaceId } = input;
  const secondary = await lockSecondaryOfSpace(trx, spaceId, input.userId);
  if (!secondary) throw new DomainError('NOT_FOUND');
  if (secondary.status !== 'pending') throw new DomainError('CONFLICT');

  const revoked = await revokePendingInvitations(trx, spaceId, secondary.id);
  const { invitation, token } = await insertInvitation(trx, {
    userId: secondary.id,
    spaceId,
    email: secondary.email,
    invitedById: input.inviterId,
    now: input.now,
  });
  const events = await appendEvents(
    trx,
    [
      ...revoked,
      ...invitationEventDrafts(spaceId, 'invitation.created', {
        invitation: toInvitationView(invitation),
      }),
    ],
    input.by,
  );
  return { events, invitation: toIssuedInvitation(invitation, token) };
}
