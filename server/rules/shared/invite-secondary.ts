/**
 * « Enregistrer nouvel utilisateur secondaire » (docs/domain.md rule 4): a
 * pending account in the space and its invitation, with the events that tell
 * the space. The principal's form adds one; an imported file may add many.
 */
import type { Transaction } from 'kysely';
import type { Database, User } from '../../db/schema.js';
import {
  insertInvitation,
  toInvitationView,
  toIssuedInvitation,
  type IssuedInvitation,
} from '../../db/queries/invitations.js';
import { insertUser } from '../../db/queries/users.js';
import { draft, spaceStream, type EventDraft } from '../../events/append-events.js';
import { invitationEventDrafts } from './invitation-events.js';

export interface InvitedSecondary {
  user: User;
  /** Holds the clear token: e-mail it, never log or store it. */
  invitation: IssuedInvitation;
  /** For the caller's one `appendEvents`, by the principal. */
  drafts: EventDraft[];
}

/**
 * Creates the pending secondary `email` (lower-cased, known free: another
 * space taking it concurrently fails the unique index and the rule runs again).
 */
export async function inviteSecondary(
  trx: Transaction<Database>,
  input: { principal: User; spaceId: number; email: string; now: Date },
): Promise<InvitedSecondary> {
  const { principal, spaceId, email, now } = input;
  const user = await insertUser(trx, {
    email,
    role: 'secondary',
    status: 'pending',
    passwordHash: null,
    spaceId,
  });
  const { invitation, token } = await insertInvitation(trx, {
    userId: user.id,
    spaceId,
    email,
    invitedById: principal.id,
    now,
  });
  const member = {
    id: user.id,
    email,
    role: 'secondary' as const,
    status: user.status,
    sirets: [],
  };
  return {
    user,
    invitation: toIssuedInvitation(invitation, token),
    drafts: [
      // Every member sees the team (docs/domain.md "Who"); a new member has no SIRET yet.
      draft(spaceStream(spaceId), 'secondary.added', { member }, null),
      ...invitationEventDrafts(spaceId, 'invitation.created', {
        invitation: toInvitationView(invitation),
      }),
    ],
  };
}
