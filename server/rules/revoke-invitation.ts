/**
 * docs/domain.md ("Beyond the portal"): the principal may revoke a pending
 * invitation. The secondary stays "En attente de validation": the principal
 * may send a new link or remove them.
 */
import type { Transaction } from 'kysely';
import type { EventPayloads } from '../../shared/events.js';
import type { Database } from '../db/schema.js';
import { closeInvitations, lockPendingInvitationsOfUser } from '../db/queries/invitations.js';
import { lockSecondaryOfSpace } from '../db/queries/users.js';
import {
  ADMIN_STREAM,
  appendEvents,
  draft,
  spaceStream,
  type EventDraft,
  type StoredEvent,
} from '../events/append-events.js';
import { lockActorSpace, type Actor } from './actor.js';
import { DomainError } from './domain-error.js';

/** Revokes the pending invitation of a secondary of the actor's space (principal only). */
export async function revokeInvitation(
  trx: Transaction<Database>,
  actor: Actor,
  input: { userId: number },
): Promise<{ events: StoredEvent[] }> {
  const { orgId } = await lockActorSpace(trx, actor, 'principal');
  const secondary = await lockSecondaryOfSpace(trx, orgId, input.userId);
  if (!secondary) throw new DomainError('NOT_FOUND');
  const drafts = await revokePendingInvitations(trx, orgId, secondary.id);
  if (drafts.length === 0) throw new DomainError('NOT_FOUND');
  return { events: await appendEvents(trx, drafts) };
}

/**
 * Revokes every pending invitation of a user and returns the events to append.
 * The caller holds the lock of the user's space.
 */
export async function revokePendingInvitations(
  trx: Transaction<Database>,
  orgId: number,
  userId: number,
): Promise<EventDraft[]> {
  const pending = await lockPendingInvitationsOfUser(trx, userId);
  await closeInvitations(
    trx,
    pending.map((i) => i.id),
    'revoked',
  );
  return pending.flatMap((i) =>
    invitationEventDrafts(orgId, 'invitation.revoked', { invitationId: i.id, userId }),
  );
}

type InvitationEventType =
  'invitation.created' | 'invitation.accepted' | 'invitation.expired' | 'invitation.revoked';

/**
 * An invitation event goes to the space's principal (audience `[]`: the
 * secondaries see the member's status, not the invitations) and to the admins,
 * who watch invitations across every space (docs/api.md).
 */
export function invitationEventDrafts<T extends InvitationEventType>(
  orgId: number,
  type: T,
  data: EventPayloads[T],
): EventDraft[] {
  return [draft(spaceStream(orgId), type, data, []), draft(ADMIN_STREAM, type, data, null)];
}
