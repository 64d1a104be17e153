/**
 * docs/domain.md rule 4, "Enregistrer nouvel utilisateur secondaire": the principal
 * adds a person by e-mail; the account is created "En attente de validation"
 * and the person receives a link to choose a password.
 */
import type { Transaction } from 'kysely';
import type { SecondaryView } from '../../shared/views.js';
import type { Database } from '../db/schema.js';
import type { IssuedInvitation } from '../db/queries/invitations.js';
import { findUserByEmail } from '../db/queries/users.js';
import { appendEvents, type StoredEvent } from '../events/append-events.js';
import { actorOfUser } from '../events/event-actor.js';
import { lockActorSpace, type Actor } from './actor.js';
import { DomainError } from './domain-error.js';
import { inviteSecondary } from './shared/invite-secondary.js';

export interface AddSecondaryResult {
  events: StoredEvent[];
  secondary: SecondaryView;
  /** Holds the clear token: e-mail it, never log or store it. */
  invitation: IssuedInvitation;
}

/**
 * Adds a pending secondary user to the actor's space (principal only) and
 * issues their invitation. Refused with `EMAIL_ALREADY_USED` when anyone, in
 * any space or an admin, holds that e-mail (docs/domain.md: one space per person).
 */
export async function addSecondary(
  trx: Transaction<Database>,
  actor: Actor,
  input: { email: string; now?: Date },
): Promise<AddSecondaryResult> {
  const { user: principal, spaceId } = await lockActorSpace(trx, actor, 'principal');
  const email = input.email.toLowerCase();
  // Another space may take the address concurrently: the unique index on
  // e-mails then fails the insert and the rule runs again to refuse here.
  if (await findUserByEmail(trx, email)) throw new DomainError('EMAIL_ALREADY_USED');

  const { user, invitation, drafts } = await inviteSecondary(trx, {
    principal,
    spaceId,
    email,
    now: input.now ?? new Date(),
  });
  const events = await appendEvents(trx, drafts, actorOfUser(principal));
  return {
    events,
    secondary: { id: user.id, email, status: user.status, sirets: [] },
    invitation,
  };
}
