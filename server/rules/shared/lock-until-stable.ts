/**
 * A rule often chooses which rows to lock from a read made before it waits
 * for them: the actor's space, the invitee's space, the space managing a
 * SIRET. By the time the locks are held, a cession, an added or a deleted
 * SIRET may have committed and moved what they were chosen for. So the rule
 * reads again under its locks and, when something moved, takes the locks of
 * the new state; three moves in a row refuse the request with `CONFLICT`.
 */
import { DomainError } from '../domain-error.js';

/** What a try answers when what it locked for moved while it waited. */
export const MOVED = Symbol('moved');

const MAX_TRIES = 3;

/** Runs `tryLocking` until it answers something other than `MOVED`, three times at most. */
export async function lockUntilStable<T>(tryLocking: () => Promise<T | typeof MOVED>): Promise<T> {
  for (let tries = 0; tries < MAX_TRIES; tries++) {
    const result = await tryLocking();
    if (result !== MOVED) return result;
  }
  throw new DomainError('CONFLICT');
}
