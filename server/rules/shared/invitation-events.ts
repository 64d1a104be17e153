import type { EventPayloads } from '../../../shared/events.js';
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
  return [draft(spaceStream(spaceId), type, data, []), draft(ADMIN_STREAM, type, data, null)];
}
