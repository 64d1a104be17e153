/**
 * The one way to write attribution changes (docs/domain.md rule 4): one
 * secondary's « Liste SIRETs », the « Attributions » matrix and its CSV import
 * all end here, so every secondary is told the same way whoever changed their list.
 */
import type { Transaction } from 'kysely';
import {
  replaceAttributionsOfMany,
  type AttributionPair,
} from '../../db/queries/bulk-attributions.js';
import type { Database, User } from '../../db/schema.js';
import {
  appendEvents,
  draft,
  spaceStream,
  type EventDraft,
  type StoredEvent,
} from '../../events/append-events.js';
import { actorOfUser } from '../../events/event-actor.js';

/** A secondary of the space, the SIRETs they hold now and those they should hold. */
export interface AttributionTarget {
  id: number;
  email: string;
  current: readonly string[];
  wanted: readonly string[];
}

/** What changed for one secondary, both lists sorted. */
export interface AttributionChange {
  userId: number;
  email: string;
  attributed: string[];
  withdrawn: string[];
}

function sortedSet(sirets: readonly string[]): string[] {
  return [...new Set(sirets)].sort();
}

/**
 * Gives each target the SIRETs they should hold, in one write whatever their
 * number, and appends one `secondary.sirets_changed` per secondary whose list
 * changed. Targets whose list stays the same write nothing.
 *
 * Caller holds the space lock and has checked every wanted SIRET is the space's.
 */
export async function writeAttributions(
  trx: Transaction<Database>,
  input: { spaceId: number; principal: User; targets: readonly AttributionTarget[] },
): Promise<{ events: StoredEvent[]; changed: AttributionChange[] }> {
  const plans = input.targets
    .map((target) => {
      const wanted = sortedSet(target.wanted);
      const current = sortedSet(target.current);
      return {
        target,
        wanted,
        attributed: wanted.filter((s) => !current.includes(s)),
        withdrawn: current.filter((s) => !wanted.includes(s)),
      };
    })
    .filter((plan) => plan.attributed.length > 0 || plan.withdrawn.length > 0);
  if (plans.length === 0) return { events: [], changed: [] };

  const pairs = (pick: 'attributed' | 'withdrawn'): AttributionPair[] =>
    plans.flatMap((plan) => plan[pick].map((siret) => ({ userId: plan.target.id, siret })));
  const { dossiers, addedAt } = await replaceAttributionsOfMany(
    trx,
    pairs('withdrawn'),
    pairs('attributed'),
  );

  const drafts: EventDraft[] = plans.map(({ target, wanted, attributed, withdrawn }) =>
    // Only the principal and this secondary: another secondary never sees this list.
    draft(
      spaceStream(input.spaceId),
      'secondary.sirets_changed',
      {
        userId: target.id,
        sirets: wanted,
        dossiers: dossiers.filter((d) => attributed.includes(d.siret)),
        attributed,
        withdrawn,
        // The secondary's panel shows when each SIRET joined the space, as its snapshot does.
        ...(attributed.length > 0
          ? { addedAt: Object.fromEntries(attributed.map((s) => [s, addedAt.get(s)!])) }
          : {}),
      },
      [target.id],
    ),
  );
  const events = await appendEvents(trx, drafts, actorOfUser(input.principal));
  const changed = plans.map(({ target, attributed, withdrawn }) => ({
    userId: target.id,
    email: target.email,
    attributed,
    withdrawn,
  }));
  return { events, changed };
}
