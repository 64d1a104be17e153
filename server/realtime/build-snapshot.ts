/**
 * The snapshot a socket gets on connect (and from `sync` when too far behind):
 * everything the viewer's panel shows, and the position of their stream it
 * stands for. It is read in one repeatable-read transaction, so the data and
 * `lastEventId` come from the same committed state: an event is either in the
 * data or after `lastEventId`, never both, never neither.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Snapshot } from '../../shared/events.js';
import { toMeView } from '../auth/me-view.js';
import { findStreamHead } from '../db/queries/event-streams.js';
import { listInvitationViews, listLatestInvitationViews } from '../db/queries/invitations.js';
import { listLocksOfSpace, listLockViews } from '../db/queries/locks.js';
import { listTeam, listVisibleDossiers } from '../db/queries/read-models.js';
import { listSiretsOfSpace, listSiretsOfUser } from '../db/queries/sirets.js';
import { findUserById } from '../db/queries/users.js';
import { listReceivedCessions } from './received-cessions.js';
import type { Database } from '../db/schema.js';
import { memberRowScope } from '../../shared/visibility.js';
import { ADMIN_STREAM, spaceStream, type StreamKey } from '../events/append-events.js';

/** How many invitations an admin's panel starts with (newest first). */
export const ADMIN_SNAPSHOT_INVITATIONS = 200;

/**
 * The snapshot of a user as the database holds them now, or null when they may
 * no longer connect (removed, pending). `online` is asked for once the user's
 * space is known (presence lives in the sockets, not in the database).
 */
export async function buildSnapshot(
  db: Kysely<Database>,
  userId: number,
  online: (spaceId: number) => Promise<number[]>,
): Promise<Snapshot | null> {
  const snapshot = await db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute((trx) => readSnapshot(trx, userId));
  if (snapshot?.kind === 'member') snapshot.online = await online(snapshot.spaceId);
  return snapshot;
}

async function readSnapshot(trx: Transaction<Database>, userId: number): Promise<Snapshot | null> {
  const user = await findUserById(trx, userId);
  if (!user || user.status !== 'active') return null;
  const me = toMeView(user);
  if (user.role === 'admin' || user.spaceId === null) {
    return {
      kind: 'admin',
      me,
      invitations: await listInvitationViews(trx, { limit: ADMIN_SNAPSHOT_INVITATIONS }),
      locks: await listLockViews(trx),
      lastEventId: await streamHead(trx, ADMIN_STREAM),
    };
  }
  const scope = memberRowScope(user);
  return {
    kind: 'member',
    me,
    spaceId: user.spaceId,
    sirets:
      scope.sirets === 'space'
        ? await listSiretsOfSpace(trx, user.spaceId)
        : await listSiretsOfUser(trx, user.id),
    members: await listTeam(trx, user),
    dossiers: await listVisibleDossiers(trx, user),
    invitations:
      scope.invitations === 'pending' ? await listLatestInvitationViews(trx, user.spaceId) : [],
    locks: scope.locks === 'space' ? await listLocksOfSpace(trx, user.spaceId) : [],
    receivedCessions:
      scope.cessions === 'refusable' ? await listReceivedCessions(trx, user.spaceId) : [],
    online: [],
    lastEventId: await streamHead(trx, spaceStream(user.spaceId)),
  };
}

/** The last id of a stream (0 before its first event). */
export async function streamHead(db: Kysely<Database>, stream: StreamKey): Promise<number> {
  return (await findStreamHead(db, stream)) ?? 0;
}
