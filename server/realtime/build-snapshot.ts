/**
 * The snapshot a socket gets on connect (and from `sync` when too far behind):
 * everything the viewer's panel shows, and the position of their stream it
 * stands for. The data and `lastEventId` come from the same committed state:
 * an event is either in the data or after `lastEventId`, never both, never
 * neither. A member's snapshot is one statement (db/queries/snapshot.ts), which
 * sees one state by itself, and panels entering together share statements; an
 * admin's is read in one repeatable-read transaction.
 */
import type { Kysely, Transaction } from 'kysely';
import type { AdminSnapshot, Snapshot } from '../../shared/events.js';
import { toMeView } from '../auth/me-view.js';
import { findStreamHead } from '../db/queries/event-streams.js';
import { listInvitationViews } from '../db/queries/invitations.js';
import { listLockViews } from '../db/queries/locks.js';
import { batchedLookupPerDatabase } from '../db/batched-lookup.js';
import { readMemberSnapshots } from '../db/queries/snapshot.js';
import { findUserById } from '../db/queries/users.js';
import type { Database } from '../db/schema.js';
import { CESSION_REFUSAL_DAYS } from '../rules/revert-cession.js';
import { ADMIN_STREAM, type StreamKey } from '../events/append-events.js';

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
  const read = await memberSnapshotOf(db, userId);
  if (!read || read.status !== 'active') return null;
  // Sockets of one user entering together share the read: each gets its own copy.
  if (read.snapshot) return { ...read.snapshot, online: await online(read.snapshot.spaceId) };
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute((trx) => readAdminSnapshot(trx, userId));
}

/** Snapshots per statement: a large space's principal's is half a megabyte. */
const SNAPSHOTS_PER_READ = 50;

/** Statements that may run at once, each for its share of the users (user id modulo). */
const READS_IN_FLIGHT = 4;

// Panels entering together (a node restarting, the morning) share statements: a
// snapshot is read after its socket joined its rooms, so each statement, sent
// after every socket it reads for joined, keeps the order enterView relies on.
const memberSnapshotReaders = Array.from({ length: READS_IN_FLIGHT }, () =>
  batchedLookupPerDatabase(
    (db: Kysely<Database>, userIds: number[]) =>
      readMemberSnapshots(db, userIds, CESSION_REFUSAL_DAYS, new Date()),
    SNAPSHOTS_PER_READ,
  ),
);

function memberSnapshotOf(db: Kysely<Database>, userId: number) {
  return memberSnapshotReaders[userId % READS_IN_FLIGHT]!(db)(userId);
}

/** An admin's snapshot (the user read again with it, so that both are of one state). */
async function readAdminSnapshot(
  trx: Transaction<Database>,
  userId: number,
): Promise<AdminSnapshot | null> {
  const user = await findUserById(trx, userId);
  if (!user || user.status !== 'active') return null;
  return {
    kind: 'admin',
    me: toMeView(user),
    invitations: await listInvitationViews(trx, { limit: ADMIN_SNAPSHOT_INVITATIONS }),
    locks: await listLockViews(trx),
    lastEventId: await streamHead(trx, ADMIN_STREAM),
  };
}

/** The last id of a stream (0 before its first event). */
export async function streamHead(db: Kysely<Database>, stream: StreamKey): Promise<number> {
  return (await findStreamHead(db, stream)) ?? 0;
}
