/**
 * Putting a cession back (docs/domain.md rule 1, « Undoing a cession »): the
 * SIRETs, secondaries and attributions return to the space they came from,
 * with its former principal as principal again, as they were before — by a
 * support agent (`undoCession`, with a reason) or by the receiving principal
 * within 7 days (`refuseCession`). What later changes made impossible (a
 * SIRET deleted or ceded on since, a secondary removed since) is named, and
 * the rest is done only once the caller confirms (`confirmPartial`).
 */
import type { Transaction } from 'kysely';
import type { ActorView } from '../../shared/events.js';
import { formatSiret } from '../../shared/siret.js';
import type { CessionRevertView } from '../../shared/views.js';
import {
  findCession,
  lockCession,
  markCessionReverted,
  readCessionRemains,
  revertCessionRows,
  type CessionRemains,
} from '../db/queries/cessions.js';
import { lockSpacesEvenDissolved } from '../db/queries/spaces.js';
import type { Cession, Database } from '../db/schema.js';
import { appendEvents, draft, spaceStream, type StoredEvent } from '../events/append-events.js';
import { actorOfUser } from '../events/event-actor.js';
import { findActiveUser } from '../db/queries/users.js';
import { requireAdmin, type Actor } from './actor.js';
import { DomainError } from './domain-error.js';

/** How long the receiving principal may refuse a cession. */
export const CESSION_REFUSAL_DAYS = 7;

export interface RevertInput {
  cessionId: number;
  confirmPartial: boolean;
}

/** What an undo would do now, as support sees it before asking (null once reverted). */
export function planRevert(
  cession: Cession,
  remains: CessionRemains,
  dissolved: readonly number[],
): CessionRevertView | null {
  if (cession.revertedAt !== null) return null;
  const blockedBy = blockingReason(cession, remains, dissolved);
  const present = new Set(remains.sirets);
  return {
    possible: blockedBy === null,
    blockedBy,
    missingSirets: cession.sirets.filter((siret) => !present.has(siret)).sort(),
    missingMembers: remains.members.filter((member) => !member.present).map((m) => m.email),
  };
}

function blockingReason(
  cession: Cession,
  remains: CessionRemains,
  dissolved: readonly number[],
): string | null {
  if (dissolved.includes(cession.toSpaceId)) {
    return "L'espace qui a reçu ces SIRETs les a cédés à son tour : annulez d'abord cette cession-là.";
  }
  if (!dissolved.includes(cession.fromSpaceId)) {
    return "L'espace d'origine n'est plus vide : la cession ne peut plus être annulée.";
  }
  if (!remains.formerPrincipal.present) {
    return `L'ancien utilisateur principal ${remains.formerPrincipal.email} n'est plus utilisateur secondaire actif de l'espace qui a reçu ces SIRETs : rien ne peut revenir.`;
  }
  return null;
}

/** A support agent undoes a cession, with the reason kept in both spaces' history. */
export async function undoCession(
  trx: Transaction<Database>,
  actor: Actor,
  input: RevertInput & { reason: string },
): Promise<{ events: StoredEvent[] }> {
  const agent = await requireAdmin(trx, actor);
  const by = actorOfUser(agent, input.reason);
  return revert(trx, input, { how: 'undone', by, byUserId: agent.id, reason: input.reason });
}

/** The receiving space's principal gives a cession back, within 7 days of it. */
export async function refuseCession(
  trx: Transaction<Database>,
  actor: Actor,
  input: RevertInput & { reason?: string },
  now: Date = new Date(),
): Promise<{ events: StoredEvent[] }> {
  const reason = input.reason ? input.reason : null;
  return revert(trx, input, {
    how: 'refused',
    byUserId: actor.userId,
    reason,
    // Read under both spaces' locks: a cession or a change of principal has settled.
    authorize: async (cession) => {
      const user = await findActiveUser(trx, actor.userId);
      if (!user || user.role !== 'principal') throw new DomainError('FORBIDDEN');
      // Another space's cession is none of theirs: the same answer as no cession at all.
      if (cession.toSpaceId !== user.spaceId) throw new DomainError('NOT_FOUND');
      const deadline = cession.cededAt.getTime() + CESSION_REFUSAL_DAYS * 24 * 3_600_000;
      if (cession.revertedAt === null && now.getTime() > deadline) {
        throw new DomainError('CESSION_REFUSAL_CLOSED');
      }
      return actorOfUser(user, reason ?? undefined);
    },
  });
}

interface RevertBy {
  how: 'undone' | 'refused';
  byUserId: number;
  reason: string | null;
  /** The actor as recorded, when known before the locks (support). */
  by?: ActorView;
  /** Checks the caller under the locks and names them (the receiving principal). */
  authorize?: (cession: Cession) => Promise<ActorView>;
}

async function revert(
  trx: Transaction<Database>,
  input: RevertInput,
  { how, byUserId, reason, by, authorize }: RevertBy,
): Promise<{ events: StoredEvent[] }> {
  const found = await findCession(trx, input.cessionId);
  if (!found) throw new DomainError('NOT_FOUND');
  // Both spaces first, lowest id first, as a cession takes them: a cession or a
  // member's change in either space waits, and so does a second undo or refusal.
  const dissolved = await lockSpacesEvenDissolved(trx, [found.fromSpaceId, found.toSpaceId]);
  const cession = (await lockCession(trx, input.cessionId))!;
  const actorView = authorize ? await authorize(cession) : by!;
  if (cession.revertedAt !== null) throw new DomainError('CESSION_ALREADY_REVERTED');
  const remains = await readCessionRemains(trx, cession);
  const plan = planRevert(cession, remains, dissolved)!;
  if (plan.blockedBy)
    throw new DomainError('CESSION_REVERT_IMPOSSIBLE', { message: plan.blockedBy });
  const partial = plan.missingSirets.length > 0 || plan.missingMembers.length > 0;
  if (partial && !input.confirmPartial) {
    throw new DomainError('CESSION_REVERT_PARTIAL', { message: partialMessage(plan) });
  }

  const memberIds = remains.members.filter((member) => member.present).map((m) => m.id);
  await revertCessionRows(trx, cession, { sirets: remains.sirets, memberIds });
  await markCessionReverted(trx, cession.id, how, byUserId, reason);

  const data = {
    cessionId: cession.id,
    how,
    fromSpaceId: cession.fromSpaceId,
    toSpaceId: cession.toSpaceId,
    formerPrincipalId: cession.fromPrincipalId,
    formerPrincipalEmail: remains.formerPrincipal.email,
    toPrincipalEmail: remains.toPrincipalEmail,
    sirets: remains.sirets,
    secondaryCount: memberIds.length,
    missingSirets: plan.missingSirets,
    missingMembers: plan.missingMembers,
  };
  // Both streams, as for the cession: the members moving back hear it in the
  // receiving space, where their sockets are, and ask for their new view.
  const events = await appendEvents(
    trx,
    [
      draft(spaceStream(cession.toSpaceId), 'space.cession_reverted', data, null),
      draft(spaceStream(cession.fromSpaceId), 'space.cession_reverted', data, null),
    ],
    actorView,
  );
  return { events };
}

/** « Ne peuvent pas revenir : … » in the words of the panel. */
function partialMessage(plan: CessionRevertView): string {
  const parts = [
    ...plan.missingSirets.map(
      (siret) => `le SIRET ${formatSiret(siret)} (supprimé ou cédé depuis)`,
    ),
    ...plan.missingMembers.map((email) => `${email} (supprimé de l'espace depuis)`),
  ];
  return `Ne peuvent pas revenir : ${parts.join(', ')}. Confirmez pour rétablir tout le reste.`;
}
