/**
 * docs/domain.md rule 4, « Attributions »: the principal ticks, in one table,
 * the SIRETs of many secondaries and saves them all at once. The save is all or
 * nothing: if a secondary's SIRETs changed since the table was read (another
 * session, a deleted SIRET), nothing is written and the rows are named.
 */
import type { Transaction } from 'kysely';
import type { AttributionConflict } from '../../shared/errors.js';
import { plural } from '../../shared/french-format.js';
import type { SetAttributionsBody } from '../../shared/schemas.js';
import {
  lockSecondariesOfSpace,
  readSiretsOfUsers,
  readSiretsOwnedBySpace,
} from '../db/queries/bulk-attributions.js';
import type { Database } from '../db/schema.js';
import type { StoredEvent } from '../events/append-events.js';
import { lockActorSpace, type Actor } from './actor.js';
import { DomainError } from './domain-error.js';
import { writeAttributions, type AttributionChange } from './shared/attribution-writes.js';

/** How many addresses a conflict's message names before « et N autres ». */
const NAMED_IN_MESSAGE = 3;

function sortedSet(sirets: readonly string[]): string[] {
  return [...new Set(sirets)].sort();
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((siret, i) => siret === b[i]);
}

/** « a@x.fr », « a@x.fr et b@x.fr », « a@x.fr, b@x.fr, c@x.fr et 2 autres ». */
function namesOf(emails: readonly string[]): string {
  const named = emails.slice(0, NAMED_IN_MESSAGE);
  const others = emails.length - named.length;
  if (others > 0) return `${named.join(', ')} et ${plural(others, 'autre', 'autres')}`;
  if (named.length === 1) return named[0]!;
  return `${named.slice(0, -1).join(', ')} et ${named.at(-1)!}`;
}

export function conflictMessage(conflicts: readonly AttributionConflict[]): string {
  const lines =
    conflicts.length > 1 ? 'Vérifiez les lignes signalées' : 'Vérifiez la ligne signalée';
  return (
    `Les attributions de ${namesOf(conflicts.map((c) => c.email))} ont changé pendant ` +
    `votre saisie : rien n’a été enregistré. ${lines} puis enregistrez à nouveau.`
  );
}

/**
 * Gives each named secondary of the actor's space the SIRETs of their row
 * (principal only). `NOT_FOUND` unless every row names a secondary of that
 * space not removed; `ATTRIBUTIONS_CONFLICT` if any row's `base` is not what
 * that secondary holds now; `SIRET_NOT_IN_SPACE` if any SIRET is not the
 * space's. Rows whose SIRETs stay the same write nothing.
 */
export async function setAttributions(
  trx: Transaction<Database>,
  actor: Actor,
  input: SetAttributionsBody,
): Promise<{ events: StoredEvent[]; changed: AttributionChange[] }> {
  // The space lock orders this against deleteSiret, addSiret and cession (as
  // for one secondary's list); the secondaries' rows against their removal.
  const { user: principal, spaceId } = await lockActorSpace(trx, actor, 'principal');
  const userIds = [...new Set(input.changes.map((change) => change.userId))];
  const secondaries = await lockSecondariesOfSpace(trx, spaceId, userIds);
  if (secondaries.length !== userIds.length) throw new DomainError('NOT_FOUND');
  const emailOf = new Map(secondaries.map((s) => [s.id, s.email]));

  const held = await readSiretsOfUsers(trx, userIds);
  const wantedSirets = sortedSet(input.changes.flatMap((change) => change.sirets));
  const owned = await readSiretsOwnedBySpace(trx, spaceId, wantedSirets);

  // Checked before the SIRETs' ownership: a SIRET deleted meanwhile also left
  // the lists that held it, and naming those rows says what to look at again.
  const conflicts: AttributionConflict[] = input.changes
    .filter((change) => !sameList(sortedSet(change.base), held.get(change.userId) ?? []))
    .map((change) => ({
      userId: change.userId,
      email: emailOf.get(change.userId)!,
      sirets: held.get(change.userId) ?? [],
    }));
  if (conflicts.length > 0) {
    throw new DomainError('ATTRIBUTIONS_CONFLICT', {
      message: conflictMessage(conflicts),
      details: { conflicts },
    });
  }
  if (wantedSirets.some((siret) => !owned.has(siret))) {
    throw new DomainError('SIRET_NOT_IN_SPACE');
  }

  return writeAttributions(trx, {
    spaceId,
    principal,
    targets: input.changes.map((change) => ({
      id: change.userId,
      email: emailOf.get(change.userId)!,
      current: held.get(change.userId) ?? [],
      wanted: change.sirets,
    })),
  });
}
