import { describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { LockScope } from '../../shared/domain.js';
import { listLockViews } from '../../server/db/queries/locks.js';
import * as signupAttemptsPerAddress from '../../server/db/migrations/0003-signup-attempts-per-address.js';
import type { Database } from '../../server/db/schema.js';
import { ADMIN_STREAM, spaceStream } from '../../server/events/append-events.js';
import { resetLock, resetUserLocks } from '../../server/rules/reset-lock.js';
import { runRule } from '../../server/rules/run-rule.js';
import { describeOnEachDatabase } from '../support/databases.js';
import {
  createAdmin,
  createPrincipalWithSpace,
  expectRefusedWithoutChange,
  listEvents,
  streamHead,
  validSiret,
  type SpaceFixture,
} from '../support/fixtures.js';

/** A counter as record-failed-attempt leaves it; `locked` sets it past the limit. */
async function insertCounter(
  db: Kysely<Database>,
  values: {
    scope: LockScope;
    subject: string;
    userId: number | null;
    siret: string | null;
  },
  locked: boolean,
) {
  return db
    .insertInto('failedAttempts')
    .values({ ...values, failures: locked ? 5 : 2, lockedAt: locked ? new Date() : null })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The locked or counting cession counter of a space's principal. */
function insertCessionCounter(db: Kysely<Database>, space: SpaceFixture, locked: boolean) {
  return insertCounter(
    db,
    {
      scope: 'cession',
      subject: `space:${space.spaceId}`,
      userId: space.principal.id,
      siret: null,
    },
    locked,
  );
}

/** The locked or counting signup counter of a SIRET from one address. */
function insertSignupCounter(db: Kysely<Database>, siret: string, locked: boolean) {
  return insertCounter(
    db,
    { scope: 'signup', subject: `siret:${siret}:192.0.2.10`, userId: null, siret },
    locked,
  );
}

/** A SIRET's count of wrong signup codes from every address, which alerted support. */
function insertAlertedCounter(db: Kysely<Database>, siret: string) {
  return db
    .insertInto('failedAttempts')
    .values({
      scope: 'signup_alert',
      subject: `siret:${siret}`,
      userId: null,
      siret,
      failures: 20,
      alertedAt: new Date(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** What a refused reset may not change. */
const LOCK_TABLES = ['failed_attempts', 'events'] as const;

describeOnEachDatabase('resetting locks', (getHandle) => {
  describe('resetUserLocks', () => {
    it('deletes every counter of the user and announces the locked ones', async () => {
      const { db } = getHandle();
      const admin = await createAdmin(db);
      const space = await createPrincipalWithSpace(db);
      const other = await createPrincipalWithSpace(db);
      const siret = validSiret();
      const cession = await insertCessionCounter(db, space, true);
      const addSiret = await insertCounter(
        db,
        {
          scope: 'add_siret',
          subject: `space:${space.spaceId}:${siret}`,
          userId: space.principal.id,
          siret,
        },
        true,
      );
      await insertCounter(
        db,
        {
          scope: 'add_siret',
          subject: `space:${space.spaceId}:${validSiret()}`,
          userId: space.principal.id,
          siret: null,
        },
        false,
      );
      const untouched = await insertCessionCounter(db, other, true);
      const head = await streamHead(db, ADMIN_STREAM);

      const { events } = await runRule(db, (trx) =>
        resetUserLocks(trx, admin.actor, { userId: space.principal.id }),
      );

      const left = await db
        .selectFrom('failedAttempts')
        .select('id')
        .where('userId', 'in', [space.principal.id, other.principal.id])
        .execute();
      expect(left).toEqual([{ id: untouched.id }]);
      const expected = [cession, addSiret].sort((a, b) => a.id - b.id);
      expect(events.map((e) => [e.stream, e.type, e.audience, e.data])).toEqual(
        expected.flatMap(({ id: lockId, scope, siret }) => [
          [ADMIN_STREAM, 'lock.reset', null, { lockId, scope, siret }],
          // The principal's panel gets its form back: principal only, which counter it was.
          [spaceStream(space.spaceId), 'lock.reset', [], { lockId, scope, siret }],
        ]),
      );
      expect((await listEvents(db, ADMIN_STREAM, head)).map((e) => e.seq)).toEqual([
        head + 1,
        head + 2,
      ]);
    });

    it('refuses when the user has nothing to reset', async () => {
      const { db } = getHandle();
      const admin = await createAdmin(db);
      const space = await createPrincipalWithSpace(db);
      await expectRefusedWithoutChange(
        db,
        () =>
          runRule(db, (trx) => resetUserLocks(trx, admin.actor, { userId: space.principal.id })),
        'NOT_FOUND',
        LOCK_TABLES,
      );
    });

    it('refuses anyone but an admin', async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db);
      await insertCessionCounter(db, space, true);
      await expectRefusedWithoutChange(
        db,
        () =>
          runRule(db, (trx) => resetUserLocks(trx, space.actor, { userId: space.principal.id })),
        'FORBIDDEN',
        LOCK_TABLES,
      );
    });
  });

  describe('resetLock', () => {
    it('deletes one counter, a signup lock included, and announces it', async () => {
      const { db } = getHandle();
      const admin = await createAdmin(db);
      const siret = validSiret();
      const lock = await insertSignupCounter(db, siret, true);
      const { events } = await runRule(db, (trx) =>
        resetLock(trx, admin.actor, { lockId: lock.id }),
      );
      expect(events).toEqual([
        expect.objectContaining({
          stream: ADMIN_STREAM,
          type: 'lock.reset',
          data: { lockId: lock.id, scope: 'signup', siret },
          audience: null,
        }),
      ]);
      const left = await db
        .selectFrom('failedAttempts')
        .select('id')
        .where('id', '=', lock.id)
        .execute();
      expect(left).toEqual([]);
    });

    it('deletes a counter that has not locked yet without an event', async () => {
      const { db } = getHandle();
      const admin = await createAdmin(db);
      const siret = validSiret();
      const counter = await insertSignupCounter(db, siret, false);
      const { events } = await runRule(db, (trx) =>
        resetLock(trx, admin.actor, { lockId: counter.id }),
      );
      expect(events).toEqual([]);
    });

    it('lists an alert of wrong signup codes with the locks, and lifts it like one', async () => {
      const { db } = getHandle();
      const admin = await createAdmin(db);
      const siret = validSiret();
      const alert = await insertAlertedCounter(db, siret);
      expect(await listLockViews(db)).toContainEqual({
        id: alert.id,
        scope: 'signup_alert',
        userId: null,
        email: null,
        siret,
        failures: 20,
        lockedAt: alert.alertedAt?.toISOString(),
      });
      const { events } = await runRule(db, (trx) =>
        resetLock(trx, admin.actor, { lockId: alert.id }),
      );
      expect(events).toEqual([
        expect.objectContaining({
          type: 'lock.reset',
          data: { lockId: alert.id, scope: 'signup_alert', siret },
        }),
      ]);
      expect((await listLockViews(db)).map((lock) => lock.id)).not.toContain(alert.id);
    });

    it('refuses an unknown lock, and anyone but an admin', async () => {
      const { db } = getHandle();
      const admin = await createAdmin(db);
      const space = await createPrincipalWithSpace(db);
      const siret = validSiret();
      const lock = await insertSignupCounter(db, siret, true);
      await expectRefusedWithoutChange(
        db,
        () => runRule(db, (trx) => resetLock(trx, admin.actor, { lockId: 2 ** 31 - 1 })),
        'NOT_FOUND',
        LOCK_TABLES,
      );
      await expectRefusedWithoutChange(
        db,
        () => runRule(db, (trx) => resetLock(trx, space.actor, { lockId: lock.id })),
        'FORBIDDEN',
        LOCK_TABLES,
      );
    });
  });
});

describeOnEachDatabase('the migration to signup counters per address', (getHandle) => {
  it("turns a SIRET's former signup lock into an alert, and back", async () => {
    const { db } = getHandle();
    const untyped = db as unknown as Kysely<unknown>;
    // Sorted, as the rows are read back by subject.
    const [counting, locked] = [validSiret(), validSiret()].sort() as [string, string];
    await insertSignupCounter(db, counting, false);
    await insertCounter(
      db,
      { scope: 'signup_alert', subject: `siret:${counting}`, userId: null, siret: counting },
      false,
    );
    await insertAlertedCounter(db, locked);
    const ofSirets = () =>
      db
        .selectFrom('failedAttempts')
        .select(['scope', 'subject', 'failures', 'lockedAt'])
        .where('siret', 'in', [counting, locked])
        .orderBy('subject')
        .execute();

    // Down: the counts across addresses become the former per-SIRET counters, and
    // those per address go.
    await signupAttemptsPerAddress.down(untyped);
    const before = await ofSirets();
    expect(before).toMatchObject([
      { scope: 'signup', subject: `siret:${counting}`, failures: 2, lockedAt: null },
      { scope: 'signup', subject: `siret:${locked}`, failures: 20, lockedAt: expect.any(Date) },
    ]);
    expect(before).toHaveLength(2);

    // Up: a former lock becomes an alert raised at the same time; nothing stays locked.
    await signupAttemptsPerAddress.up(untyped);
    const after = await db
      .selectFrom('failedAttempts')
      .select(['scope', 'subject', 'lockedAt', 'alertedAt'])
      .where('siret', 'in', [counting, locked])
      .orderBy('subject')
      .execute();
    expect(after).toEqual([
      { scope: 'signup_alert', subject: `siret:${counting}`, lockedAt: null, alertedAt: null },
      {
        scope: 'signup_alert',
        subject: `siret:${locked}`,
        lockedAt: null,
        alertedAt: before[1]!.lockedAt,
      },
    ]);
  });
});
