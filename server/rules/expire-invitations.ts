/**
 * docs/domain.md rule 4: an invitation link is valid 7 days. A periodic job marks
 * the links that ran out; the principal may then send a new one.
 */
import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import {
  closeInvitations,
  listSpacesWithExpiredInvitations,
  lockExpiredPendingInvitations,
} from '../db/queries/invitations.js';
import { lockSpaces } from '../db/queries/spaces.js';
import { appendEvents, type StoredEvent } from '../events/append-events.js';
import { SYSTEM_ACTOR } from '../events/event-actor.js';
import { invitationEventDrafts } from './shared/invitation-events.js';

/**
 * Marks every pending invitation with `expiresAt <= now` as expired (system
 * job, no actor). Running it again changes nothing.
 */
export async function expireInvitations(
  trx: Transaction<Database>,
  input: { now?: Date } = {},
): Promise<{ events: StoredEvent[]; expired: number }> {
  const now = input.now ?? new Date();
  const spaceIds = await listSpacesWithExpiredInvitations(trx, now);
  if (spaceIds.length === 0) return { events: [], expired: 0 };
  // Ascending, like every rule that locks several spaces, so none waits in a cycle.
  await lockSpaces(trx, spaceIds);
  // Re-read under the locks. An invitation a cession moved to a space not
  // locked here is left for the next run rather than changed unlocked.
  const expired = await lockExpiredPendingInvitations(trx, now, spaceIds);
  await closeInvitations(
    trx,
    expired.map((i) => i.id),
    'expired',
  );
  const events = await appendEvents(
    trx,
    expired.flatMap((i) =>
      invitationEventDrafts(i.spaceId, 'invitation.expired', {
        invitationId: i.id,
        userId: i.userId,
      }),
    ),
    SYSTEM_ACTOR,
  );
  return { events, expired: expired.length };
}
