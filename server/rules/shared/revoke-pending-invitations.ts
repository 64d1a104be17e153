import type { Transaction } from 'kysely';
import { closeInvitations, lockPendingInvitationsOfUser } from '../../db/queries/invitations.js';
import type { Database } from '../../db/schema.js';
import type { EventDraft } from '../../events/append-events.js';
import { invitationEventDrafts } from './invitation-events.js';

/**
 * Revokes every pending invitation of a user and returns the events to append
 * (revoking one, sending a new link, removing the secondary). The caller holds
 * the lock of the user's space.
 */
export async function revokePendingInvitations(
  trx: Transaction<Database>,
  spaceId: number,
  userId: number,
): Promise<EventDraft[]> {
  const pending = await lockPendingInvitationsOfUser(trx, userId);
  await closeInvitations(
    trx,
    pending.map((i) => i.id),
    'revoked',
  );
  return pending.flatMap((i) =>
    invitationEventDrafts(spaceId, 'invitation.revoked', { invitationId: i.id, userId }),
  );
}
