import type { EventPayloads } from '../../../shared/events.js';
import type { InvitationView } from '../../../shared/views.js';
import { ADMIN_STREAM, draft, spaceStream, type EventDraft } from '../../events/append-events.js';

type InvitationEventType =
  'invitation.created' | 'invitation.accepted' | 'invitation.expired' | 'invitation.revoked';

/**
 * An invitation event goes to the space's principal (audience `[]`: the
 * secondaries see the member's status, not the invitations) and to the admins,
 * who watch invitations across every space (docs/api.md).
 */
export function invitationEventDrafts<T extends InvitationEventType>(
  spaceId: number,
  type: T,
  data: EventPayloads[T],
): EventDraft[] {
  return [
    draft(spaceStream(spaceId), type, data, []),
    draft(ADMIN_STREAM, type, forSupport(data), null),
  ];
}

/**
 * Support names a space by its principal's e-mail (docs/api.md, « Support
 * desk »), as its snapshot does: a new link is always sent in the principal's
 * name, so its inviter is that principal.
 */
function forSupport<T>(data: T): T {
  const created = data as { invitation?: InvitationView };
  if (!created.invitation) return data;
  return {
    ...data,
    invitation: { ...created.invitation, spaceName: created.invitation.invitedBy },
  };
}
