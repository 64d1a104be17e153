/**
 * docs/domain.md: refused cessions and wrong unlock codes are counted; the fifth
 * failure locks the scope until an admin reset ("contactez le 3679"). A
 * failure may also add to a wider count that never locks and alerts the
 * support agents instead (a SIRET's signups from every address).
 */
import type { Transaction } from 'kysely';
import { MAX_FAILED_ATTEMPTS } from '../../shared/domain.js';
import {
  addFailure,
  deleteUnflaggedCounter,
  markCounterAlerted,
  markCounterLocked,
  takeFailureCounter,
} from '../db/queries/failed-attempts.js';
import { findLockView, spaceOfCounter } from '../db/queries/locks.js';
import type { Database } from '../db/schema.js';
import {
  ADMIN_STREAM,
  appendEvents,
  draft,
  spaceStream,
  type EventDraft,
  type StoredEvent,
} from '../events/append-events.js';
import { SYSTEM_ACTOR } from '../events/event-actor.js';
import type { AlertKey, AttemptKey } from './domain-error.js';

/**
 * Counts one failure. `remainingAttempts` is how many more the scope allows
 * before it locks (0 once locked).
 */
export async function recordFailedAttempt(
  trx: Transaction<Database>,
  key: AttemptKey,
): Promise<{ events: StoredEvent[]; locked: boolean; remainingAttempts: number }> {
  const row = await addFailure(trx, key);
  const drafts: EventDraft[] = [];
  let locked = row.lockedAt !== null;
  if (!locked && row.failures >= MAX_FAILED_ATTEMPTS) {
    await markCounterLocked(trx, row.id);
    locked = true;
    const lock = await findLockView(trx, row.id);
    if (lock) {
      drafts.push(draft(ADMIN_STREAM, 'lock.locked', { lock }));
      // The principal who typed the attempts sees their own lock; no secondary does. How
      // support names the space is support's alone.
      const spaceId = spaceOfCounter(key);
      const { spaceId: _named, spaceName: _forSupport, ...own } = lock;
      if (spaceId !== null) {
        drafts.push(draft(spaceStream(spaceId), 'lock.locked', { lock: own }, []));
      }
    }
  }
  // Taken after the attempt's own counter, as every try of the wider count does:
  // concurrent tries never wait on each other in a circle.
  if (key.alsoCounts) drafts.push(...(await countTowardsAlert(trx, key.alsoCounts)));
  // A counter locks by itself: the system is the actor, not whoever typed the code.
  const events = drafts.length > 0 ? await appendEvents(trx, drafts, SYSTEM_ACTOR) : [];
  const remainingAttempts = locked ? 0 : Math.max(0, MAX_FAILED_ATTEMPTS - row.failures);
  return { events, locked, remainingAttempts };
}

/**
 * Adds one failure to a count that never locks; the failure that reaches
 * `alertAfter` alerts the support agents, on the admin stream where locks
 * appear (`lock.locked`, its scope saying it is an alert). The row stays
 * locked until commit, so among concurrent failures exactly one alerts.
 */
async function countTowardsAlert(trx: Transaction<Database>, key: AlertKey): Promise<EventDraft[]> {
  const row = await addFailure(trx, { ...key, userId: null });
  if (row.alertedAt !== null || row.failures < key.alertAfter) return [];
  await markCounterAlerted(trx, row.id);
  const lock = await findLockView(trx, row.id);
  return lock ? [draft(ADMIN_STREAM, 'lock.locked', { lock })] : [];
}

/**
 * Takes the counter of a scope for the rest of the transaction (creating it
 * at zero failures) and says whether the scope is locked; call it before
 * checking the attempt. Concurrent tries of one scope queue here, and since
 * `runRule` counts a refused try in the try's own transaction, each one sees
 * the failures of those before it: a burst of guesses gets no more checks
 * than the limit.
 */
export async function lockAttemptCounter(
  trx: Transaction<Database>,
  key: AttemptKey,
): Promise<boolean> {
  const { lockedAt } = await takeFailureCounter(trx, key);
  return lockedAt !== null;
}

/**
 * A success forgets the failures counted so far, the wider count's too
 * (unless they already locked or alerted).
 */
export async function clearFailedAttempts(
  trx: Transaction<Database>,
  key: AttemptKey,
): Promise<void> {
  await deleteUnflaggedCounter(trx, key.scope, key.subject);
  if (key.alsoCounts)
    await deleteUnflaggedCounter(trx, key.alsoCounts.scope, key.alsoCounts.subject);
}
