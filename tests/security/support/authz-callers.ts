/**
 * Callers that hold something but must get nothing: the bearer of an
 * invitation link (a pending user's only secret), a session row of a pending
 * account (none can be opened through the API; it proves the account's status
 * is checked, not only the session), and the session of a secondary opened
 * before their removal.
 */
import type { Kysely } from 'kysely';
import { createSession } from '../../../server/auth/sessions.js';
import type { Database } from '../../../server/db/schema.js';
import { removeSecondary } from '../../../server/rules/remove-secondary.js';
import { runRule } from '../../../server/rules/run-rule.js';
import {
  createSecondary,
  type SecondaryFixture,
  type SpaceFixture,
} from '../../support/fixtures.js';

export const UNAUTHENTICATED_CALLERS = ['pendingInvitation', 'pendingSession', 'removed'] as const;
export type UnauthenticatedCaller = (typeof UNAUTHENTICATED_CALLERS)[number];

export interface UnauthenticatedTokens {
  tokens: Record<UnauthenticatedCaller, string>;
  pending: SecondaryFixture;
  removed: SecondaryFixture;
}

/** A pending and a removed secondary of `space`, with what each of them could hold. */
export async function createUnauthenticatedCallers(
  db: Kysely<Database>,
  space: Pick<SpaceFixture, 'spaceId' | 'principal' | 'actor' | 'sirets'>,
): Promise<UnauthenticatedTokens> {
  const pending = await createSecondary(db, space, { status: 'pending' });
  const removed = await createSecondary(db, space, { sirets: space.sirets.slice(0, 1) });
  const removedSession = await createSession(db, removed.user.id);
  await runRule(db, (trx) => removeSecondary(trx, space.actor, { userId: removed.user.id }));
  return {
    tokens: {
      pendingInvitation: pending.token!,
      pendingSession: (await createSession(db, pending.user.id)).token,
      removed: removedSession.token,
    },
    pending,
    removed,
  };
}
