/**
 * A member's snapshot is read in one statement (server/db/queries/snapshot.ts),
 * shared by the panels entering together. It must be the very snapshot the
 * list queries of the same data give, read together in one repeatable-read
 * transaction: same rows, same order, same nulls, numbers and instants, for
 * every kind of viewer. The reference below is that reading, made of the list
 * queries the rest of the server uses, and of the reading of received
 * cessions the snapshot replaced (below).
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { expect, it } from 'vitest';
import type { MemberLockView, Snapshot } from '../../shared/events.js';
import type { ReceivedCessionView, SiretView } from '../../shared/views.js';
import { memberRowScope } from '../../shared/visibility.js';
import { toMeView } from '../../server/auth/me-view.js';
import { findStreamHead } from '../../server/db/queries/event-streams.js';
import {
  listInvitationViews,
  listLatestInvitationViews,
} from '../../server/db/queries/invitations.js';
import { listLockViews } from '../../server/db/queries/locks.js';
import { listTeam, listVisibleDossiers } from '../../server/db/queries/read-models.js';
import { listSiretsOfSpace, toSiretView } from '../../server/db/queries/sirets.js';
import { findUserById } from '../../server/db/queries/users.js';
import type { Database } from '../../server/db/schema.js';
import { ADMIN_STREAM, spaceStream } from '../../server/events/append-events.js';
import { ADMIN_SNAPSHOT_INVITATIONS, buildSnapshot } from '../../server/realtime/build-snapshot.js';
import { CESSION_REFUSAL_DAYS } from '../../server/rules/revert-cession.js';
import { describeOnEachDatabase } from '../support/databases.js';
import {
  createAdmin,
  createDossier,
  createPrincipalWithSpace,
  createSecondary,
  markUserRemoved,
  uniqueEmail,
} from '../support/fixtures.js';

const DAY_MS = 24 * 3_600_000;
const ONLINE = [3, 1, 2];
const online = () => Promise.resolve([...ONLINE]);

/** The snapshot as the list queries read it, in one repeatable-read transaction. */
async function referenceSnapshot(db: Kysely<Database>, userId: number): Promise<Snapshot | null> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx): Promise<Snapshot | null> => {
      const user = await findUserById(trx, userId);
      if (!user || user.status !== 'active') return null;
      const me = toMeView(user);
      if (user.role === 'admin' || user.spaceId === null) {
        return {
          kind: 'admin',
          me,
          invitations: await listInvitationViews(trx, { limit: ADMIN_SNAPSHOT_INVITATIONS }),
          locks: await listLockViews(trx),
          lastEventId: (await findStreamHead(trx, ADMIN_STREAM)) ?? 0,
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
            : await siretsOfUser(trx, user.id),
        members: await listTeam(trx, user),
        dossiers: await listVisibleDossiers(trx, user),
        invitations:
          scope.invitations === 'pending' ? await listLatestInvitationViews(trx, user.spaceId) : [],
        locks: scope.locks === 'space' ? await locksOfSpace(trx, user.spaceId) : [],
        receivedCessions:
          scope.cessions === 'refusable' ? await listReceivedCessions(trx, user.spaceId) : [],
        online: [...ONLINE],
        lastEventId: (await findStreamHead(trx, spaceStream(user.spaceId))) ?? 0,
      };
    });
}

async function siretsOfUser(trx: Transaction<Database>, userId: number): Promise<SiretView[]> {
  const rows = await trx
    .selectFrom('sirets')
    .innerJoin('attributions', 'attributions.siret', 'sirets.siret')
    .select(['sirets.siret', 'sirets.addedAt'])
    .where('attributions.userId', '=', userId)
    .orderBy('sirets.siret')
    .execute();
  return rows.map(toSiretView);
}

async function locksOfSpace(
  trx: Transaction<Database>,
  spaceId: number,
): Promise<MemberLockView[]> {
  const rows = await trx
    .selectFrom('failedAttempts')
    .select(['id', 'scope', 'siret', 'lockedAt'])
    .where('scope', 'in', ['add_siret', 'cession'])
    .where('lockedAt', 'is not', null)
    .where((eb) =>
      eb.or([eb('subject', '=', `space:${spaceId}`), eb('subject', 'like', `space:${spaceId}:%`)]),
    )
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    scope: row.scope as MemberLockView['scope'],
    siret: row.siret,
    lockedAt: row.lockedAt!.toISOString(),
  }));
}

/** Both readings agree, down to the JSON text sent on the wire. */
async function expectSameSnapshot(db: Kysely<Database>, userId: number): Promise<Snapshot | null> {
  const expected = await referenceSnapshot(db, userId);
  const actual = await buildSnapshot(db, userId, online);
  expect(actual).toStrictEqual(expected);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
  return actual;
}

describeOnEachDatabase('a snapshot read in one statement', (getHandle) => {
  /** A space with something of every kind its principal's snapshot lists. */
  async function fullSpace(db: Kysely<Database>) {
    const space = await createPrincipalWithSpace(db, { sirets: 4 });
    const [s1, s2, s3, s4] = space.sirets as [string, string, string, string];
    // Same opening day: the dossiers' ids decide; another day comes first.
    await createDossier(db, { siret: s2, openedAt: '2026-03-02', status: 'cloture' });
    await createDossier(db, { siret: s1, openedAt: '2025-12-31', kind: 'MP' });
    await createDossier(db, { siret: s3, openedAt: '2026-03-02' });
    await sql`update sirets set added_at = '2026-03-01T08:09:10.123987Z' where siret = ${s4}`.execute(
      db,
    );
    const tag = uniqueEmail('x').split('@')[0]!;
    const zed = await createSecondary(db, space, {
      email: `z-${tag}@example.fr`,
      sirets: [s3, s1],
    });
    const alpha = await createSecondary(db, space, { email: `a-${tag}@example.fr`, sirets: [s2] });
    const bare = await createSecondary(db, space, { email: `m-${tag}@example.fr` });
    const pending = await createSecondary(db, space, {
      email: `p-${tag}@example.fr`,
      status: 'pending',
      sirets: [s4],
    });
    // A secondary whose first link was revoked and the second ran out: the second is listed.
    const lapsed = await createSecondary(db, space, {
      email: `l-${tag}@example.fr`,
      status: 'pending',
    });
    await sql`update invitations set status = 'revoked' where user_id = ${lapsed.user.id}`.execute(
      db,
    );
    await db
      .insertInto('invitations')
      .values({
        userId: lapsed.user.id,
        spaceId: space.spaceId,
        email: lapsed.user.email,
        invitedById: space.principal.id,
        tokenHash: `lapsed-${lapsed.user.id}`,
        status: 'expired',
        createdAt: '2026-03-03T10:00:00.000001Z',
        expiresAt: '2026-03-10T10:00:00.999999Z',
      })
      .execute();
    const removed = await createSecondary(db, space, {
      email: `b-${tag}@example.fr`,
      sirets: [s4],
    });
    await markUserRemoved(db, removed.user.id);

    // Locks: the space's two scopes, one not locked, one of a space whose id starts alike.
    await db
      .insertInto('failedAttempts')
      .values([
        {
          scope: 'add_siret',
          subject: `space:${space.spaceId}:${s1}`,
          userId: space.principal.id,
          siret: s1,
          failures: 5,
          lockedAt: '2026-03-04T09:08:07.654321Z',
        },
        {
          scope: 'cession',
          subject: `space:${space.spaceId}`,
          userId: space.principal.id,
          siret: null,
          failures: 5,
          lockedAt: '2026-03-05T00:00:00Z',
        },
        {
          scope: 'add_siret',
          subject: `space:${space.spaceId}:${s2}`,
          userId: space.principal.id,
          siret: s2,
          failures: 2,
          lockedAt: null,
        },
        {
          scope: 'add_siret',
          subject: `space:${space.spaceId}0:${s2}`,
          userId: null,
          siret: s2,
          failures: 5,
          lockedAt: '2026-03-05T00:00:00Z',
        },
      ])
      .execute();

    // Cessions into the space: two refusable, one put back, one too old (instants to the microsecond).
    const daysAgo = (days: number) =>
      new Date(Date.now() - days * DAY_MS).toISOString().replace(/Z$/, '987Z');
    const from = await createPrincipalWithSpace(db, { sirets: 0 });
    const cession = (cededAt: string, reverted: boolean, sirets: string[], members: number[]) =>
      sql`insert into cessions
            (from_space_id, to_space_id, from_principal_id, to_principal_id, ceded_at, sirets,
             member_ids, attributions, reverted_at, reverted_how)
          values (${from.spaceId}, ${space.spaceId}, ${from.principal.id}, ${space.principal.id},
            ${cededAt}, ${sirets}::text[], ${members}::int[], '[]'::jsonb,
            ${reverted ? cededAt : null}, ${reverted ? 'undone' : null})`.execute(db);
    await cession(daysAgo(2), false, [s2, s1], [zed.user.id, alpha.user.id]);
    await cession(daysAgo(1), false, [s3], []);
    await cession(daysAgo(3), true, [s4], []);
    await cession(daysAgo(8), false, [s4], [bare.user.id]);

    await db
      .insertInto('eventStreams')
      .values({ stream: spaceStream(space.spaceId), head: 42 })
      .execute();
    return { space, zed, alpha, bare, pending, lapsed, removed };
  }

  it('gives the principal every row of the space, as the list queries do', async () => {
    const { db } = getHandle();
    const { space } = await fullSpace(db);
    const snapshot = await expectSameSnapshot(db, space.principal.id);
    if (snapshot?.kind !== 'member') throw new Error('expected a member snapshot');
    expect(snapshot.sirets).toHaveLength(4);
    expect(snapshot.members).toHaveLength(6);
    expect(snapshot.dossiers).toHaveLength(7);
    expect(snapshot.invitations).toHaveLength(2);
    expect(snapshot.locks).toHaveLength(2);
    expect(snapshot.receivedCessions).toHaveLength(2);
    expect(snapshot.online).toEqual(ONLINE);
    expect(snapshot.lastEventId).toBe(42);
  });

  it('gives each secondary their SIRETs, their dossiers and their own list only', async () => {
    const { db } = getHandle();
    const { zed, alpha, bare } = await fullSpace(db);
    for (const secondary of [zed, alpha, bare]) {
      const snapshot = await expectSameSnapshot(db, secondary.user.id);
      if (snapshot?.kind !== 'member') throw new Error('expected a member snapshot');
      expect(snapshot.invitations).toEqual([]);
      expect(snapshot.locks).toEqual([]);
      expect(snapshot.receivedCessions).toEqual([]);
      expect(snapshot.members.filter((m) => m.sirets !== null).map((m) => m.id)).toEqual([
        secondary.user.id,
      ]);
    }
  });

  it('gives each of many panels entering together its own snapshot, read together', async () => {
    const { db } = getHandle();
    const { space, zed, alpha, bare, pending } = await fullSpace(db);
    const other = await createPrincipalWithSpace(db, { sirets: 2 });
    const users = [space.principal.id, zed.user.id, alpha.user.id, bare.user.id, pending.user.id];
    const everyone = [...users, other.principal.id, space.principal.id, zed.user.id];
    const expected = await Promise.all(everyone.map((id) => referenceSnapshot(db, id)));
    const actual = await Promise.all(everyone.map((id) => buildSnapshot(db, id, online)));
    expect(actual).toStrictEqual(expected);
    // Two sockets of one user get equal snapshots, not one object.
    expect(actual[6]).not.toBe(actual[0]);
  });

  it('reads a space without stream, dossiers or other members', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db, { sirets: 0 });
    const snapshot = await expectSameSnapshot(db, space.principal.id);
    expect(snapshot).toMatchObject({ lastEventId: 0, sirets: [], dossiers: [] });
  });

  it('gives an admin the same snapshot as before', async () => {
    const { db } = getHandle();
    await fullSpace(db);
    const { user } = await createAdmin(db);
    const snapshot = await expectSameSnapshot(db, user.id);
    expect(snapshot?.kind).toBe('admin');
  });

  it('gives nothing to a user who may not connect', async () => {
    const { db } = getHandle();
    const { pending, removed } = await fullSpace(db);
    expect(await expectSameSnapshot(db, pending.user.id)).toBeNull();
    expect(await expectSameSnapshot(db, removed.user.id)).toBeNull();
    expect(await expectSameSnapshot(db, 2_000_000_000)).toBeNull();
  });
});

/** The cessions into a space its principal may still refuse (docs/domain.md rule 1), as the list query read them. */
async function listReceivedCessions(
  db: Transaction<Database>,
  spaceId: number,
): Promise<ReceivedCessionView[]> {
  const since = new Date(Date.now() - CESSION_REFUSAL_DAYS * DAY_MS);
  const rows = await db
    .selectFrom('cessions as c')
    .innerJoin('users as f', 'f.id', 'c.fromPrincipalId')
    .select(['c.id', 'c.cededAt', 'c.sirets', 'c.memberIds', 'f.email as fromPrincipalEmail'])
    .where('c.toSpaceId', '=', spaceId)
    .where('c.revertedAt', 'is', null)
    .where('c.cededAt', '>', since)
    .orderBy('c.cededAt', 'desc')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    cededAt: row.cededAt.toISOString(),
    refusableUntil: new Date(row.cededAt.getTime() + CESSION_REFUSAL_DAYS * DAY_MS).toISOString(),
    fromPrincipalEmail: row.fromPrincipalEmail,
    sirets: row.sirets,
    secondaryCount: row.memberIds.length,
  }));
}
