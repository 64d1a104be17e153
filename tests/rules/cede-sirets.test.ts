import { describe, expect, it } from 'vitest';
import { MAX_FAILED_ATTEMPTS } from '../../shared/domain.js';
import { ADMIN_STREAM, spaceStream } from '../../server/events/append-events.js';
import type { Actor } from '../../server/rules/actor.js';
import { addSiret } from '../../server/rules/add-siret.js';
import { cedeSirets } from '../../server/rules/cede-sirets.js';
import { checkCessionTarget } from '../../server/rules/check-cession-target.js';
import { resetUserLocks } from '../../server/rules/reset-lock.js';
import { runRule } from '../../server/rules/run-rule.js';
import { describeOnEachDatabase } from '../support/databases.js';
import {
  UNLOCK_CODE,
  createAdmin,
  createDossier,
  createPrincipalWithSpace,
  createSecondary,
  expectRefusedWithoutChange,
  listEvents,
  markUserRemoved,
  streamHead,
  uniqueEmail,
  validSiret,
} from '../support/fixtures.js';

describeOnEachDatabase('cedeSirets', (getHandle) => {
  function cede(actor: Actor, email: string) {
    return runRule(getHandle().db, (trx) => cedeSirets(trx, actor, { email }));
  }

  async function attributedTo(userId: number): Promise<string[]> {
    const rows = await getHandle()
      .db.selectFrom('attributions')
      .select('siret')
      .where('userId', '=', userId)
      .orderBy('siret')
      .execute();
    return rows.map((r) => r.siret);
  }

  it('moves SIRETs, secondaries and invitations, and makes the principal a secondary', async () => {
    const { db } = getHandle();
    const from = await createPrincipalWithSpace(db, { sirets: 2 });
    const to = await createPrincipalWithSpace(db);
    const active = await createSecondary(db, from, { sirets: [from.sirets[0]!] });
    const pending = await createSecondary(db, from, {
      status: 'pending',
      sirets: [from.sirets[1]!],
    });
    const removed = await createSecondary(db, from);
    await markUserRemoved(db, removed.user.id);
    const fromHead = await streamHead(db, spaceStream(from.spaceId));
    const toHead = await streamHead(db, spaceStream(to.spaceId));

    const { cessionId, events } = await cede(from.actor, to.principal.email);

    const sirets = await db
      .selectFrom('sirets')
      .select(['siret', 'spaceId'])
      .where('spaceId', 'in', [from.spaceId, to.spaceId])
      .orderBy('siret')
      .execute();
    expect(sirets).toEqual(
      [...from.sirets, ...to.sirets].sort().map((siret) => ({ siret, spaceId: to.spaceId })),
    );
    const users = await db
      .selectFrom('users')
      .select(['id', 'role', 'status', 'spaceId'])
      .where('id', 'in', [
        from.principal.id,
        to.principal.id,
        active.user.id,
        pending.user.id,
        removed.user.id,
      ])
      .orderBy('id')
      .execute();
    expect(users).toEqual([
      { id: from.principal.id, role: 'secondary', status: 'active', spaceId: to.spaceId },
      { id: to.principal.id, role: 'principal', status: 'active', spaceId: to.spaceId },
      { id: active.user.id, role: 'secondary', status: 'active', spaceId: to.spaceId },
      { id: pending.user.id, role: 'secondary', status: 'pending', spaceId: to.spaceId },
      // A removed account is history: it stays with the dissolved space.
      { id: removed.user.id, role: 'secondary', status: 'removed', spaceId: from.spaceId },
    ]);
    expect(await attributedTo(from.principal.id)).toEqual(from.sirets);
    expect(await attributedTo(active.user.id)).toEqual([from.sirets[0]!]);
    expect(await attributedTo(pending.user.id)).toEqual([from.sirets[1]!]);
    const invitation = await db
      .selectFrom('invitations')
      .select(['spaceId', 'status'])
      .where('id', '=', pending.invitation!.id)
      .executeTakeFirstOrThrow();
    expect(invitation).toEqual({ spaceId: to.spaceId, status: 'pending' });
    const spaces = await db
      .selectFrom('spaces')
      .select(['id', 'dissolvedAt'])
      .where('id', 'in', [from.spaceId, to.spaceId])
      .orderBy('id')
      .execute();
    expect(spaces.map((s) => [s.id, s.dissolvedAt !== null])).toEqual([
      [from.spaceId, true],
      [to.spaceId, false],
    ]);

    // The cession's record: what moved, and who among the secondaries held what.
    const record = await db
      .selectFrom('cessions')
      .select(['fromSpaceId', 'toSpaceId', 'sirets', 'memberIds', 'attributions', 'revertedAt'])
      .where('id', '=', cessionId)
      .executeTakeFirstOrThrow();
    expect(record).toEqual({
      fromSpaceId: from.spaceId,
      toSpaceId: to.spaceId,
      sirets: from.sirets,
      memberIds: [active.user.id, pending.user.id].sort((a, b) => a - b),
      attributions: [
        [active.user.id, from.sirets[0]],
        [pending.user.id, from.sirets[1]],
      ],
      revertedAt: null,
    });

    const data = {
      cessionId,
      fromSpaceId: from.spaceId,
      toSpaceId: to.spaceId,
      formerPrincipalId: from.principal.id,
      sirets: from.sirets,
      // The active and the pending secondary moved; the removed one stayed behind.
      secondaryCount: 2,
      toPrincipalEmail: to.principal.email,
    };
    const actor = { id: from.principal.id, email: from.principal.email, role: 'principal' };
    expect(events).toEqual([
      expect.objectContaining({
        stream: spaceStream(from.spaceId),
        seq: fromHead + 1,
        type: 'space.ceded',
        data,
        audience: null,
        actor,
      }),
      expect.objectContaining({
        stream: spaceStream(to.spaceId),
        seq: toHead + 1,
        type: 'space.ceded',
        data,
        audience: null,
        actor,
      }),
    ]);
    expect(await listEvents(db, spaceStream(from.spaceId), fromHead)).toHaveLength(1);
    expect(await listEvents(db, spaceStream(to.spaceId), toHead)).toHaveLength(1);
  });

  it('leaves the former principal without the Paramétrage', async () => {
    const { db } = getHandle();
    const from = await createPrincipalWithSpace(db);
    const to = await createPrincipalWithSpace(db);
    await cede(from.actor, to.principal.email);
    const siret = validSiret();
    await createDossier(db, { siret });
    await expect(
      runRule(db, (trx) =>
        addSiret(trx, from.actor, {
          siret,
          unlockCode: UNLOCK_CODE,
          assignToAllSecondaries: false,
        }),
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(cede(from.actor, to.principal.email)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  describe('refusals', () => {
    it('refuses any address that is not the principal of another space, and counts it', async () => {
      const { db } = getHandle();
      const admin = await createAdmin(db);
      const space = await createPrincipalWithSpace(db);
      const own = await createSecondary(db, space);
      const other = await createPrincipalWithSpace(db);
      const otherSecondary = await createSecondary(db, other);
      const formerPrincipal = await createPrincipalWithSpace(db);
      await markUserRemoved(db, formerPrincipal.principal.id);
      const addresses = [
        uniqueEmail('nobody'),
        own.user.email,
        otherSecondary.user.email,
        admin.user.email,
        formerPrincipal.principal.email,
      ];
      for (const email of addresses.slice(0, 4)) {
        await expectRefusedWithoutChange(
          db,
          () => cede(space.actor, email),
          'CESSION_TARGET_NOT_PRINCIPAL',
        );
      }
      const counter = await db
        .selectFrom('failedAttempts')
        .selectAll()
        .where('subject', '=', `space:${space.spaceId}`)
        .executeTakeFirstOrThrow();
      expect(counter).toMatchObject({
        scope: 'cession',
        userId: space.principal.id,
        siret: null,
        failures: 4,
      });
      // Reset before the fifth refusal would lock cession.
      await runRule(db, (trx) => resetUserLocks(trx, admin.actor, { userId: space.principal.id }));
      for (const email of addresses.slice(4)) {
        await expectRefusedWithoutChange(
          db,
          () => cede(space.actor, email),
          'CESSION_TARGET_NOT_PRINCIPAL',
        );
      }
    });

    it("refuses one's own address with its own code, without counting it", async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db);
      for (let i = 0; i <= MAX_FAILED_ATTEMPTS; i++) {
        await expectRefusedWithoutChange(
          db,
          () => cede(space.actor, space.principal.email),
          'CESSION_TARGET_SELF',
          ['spaces', 'users', 'sirets', 'attributions', 'invitations', 'events', 'failed_attempts'],
        );
        await expect(
          runRule(db, (trx) =>
            checkCessionTarget(trx, space.actor, { email: space.principal.email }),
          ),
        ).rejects.toMatchObject({ code: 'CESSION_TARGET_SELF' });
      }
    });

    it('checks an address as the cession would, counting its refusals in the same counter', async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db);
      const target = await createPrincipalWithSpace(db);
      const check = (email: string) =>
        runRule(db, (trx) => checkCessionTarget(trx, space.actor, { email }));
      expect(await check(target.principal.email)).toEqual({
        events: [],
        email: target.principal.email,
      });
      for (let i = 1; i < MAX_FAILED_ATTEMPTS; i++) {
        await expect(check(uniqueEmail('nobody'))).rejects.toMatchObject({
          code: 'CESSION_TARGET_NOT_PRINCIPAL',
        });
      }
      // Checking a good address gives back none of the refusals.
      await check(target.principal.email);
      await expect(cede(space.actor, uniqueEmail('nobody'))).rejects.toMatchObject({
        code: 'LOCKED',
      });
      await expect(check(target.principal.email)).rejects.toMatchObject({ code: 'LOCKED' });
    });

    it('refuses a secondary or an admin', async () => {
      const { db } = getHandle();
      const admin = await createAdmin(db);
      const space = await createPrincipalWithSpace(db);
      const secondary = await createSecondary(db, space);
      const other = await createPrincipalWithSpace(db);
      for (const actor of [secondary.actor, admin.actor]) {
        await expectRefusedWithoutChange(
          db,
          () => cede(actor, other.principal.email),
          'FORBIDDEN',
          ['spaces', 'users', 'sirets', 'attributions', 'invitations', 'events', 'failed_attempts'],
        );
      }
    });
  });

  it('locks cession after 5 refused addresses until an admin reset', async () => {
    const { db } = getHandle();
    const admin = await createAdmin(db);
    const space = await createPrincipalWithSpace(db);
    const target = await createPrincipalWithSpace(db);
    for (let i = 1; i <= 4; i++) {
      await expect(cede(space.actor, uniqueEmail('nobody'))).rejects.toMatchObject({
        code: 'CESSION_TARGET_NOT_PRINCIPAL',
      });
    }
    const adminHead = await streamHead(db, ADMIN_STREAM);
    await expect(cede(space.actor, uniqueEmail('nobody'))).rejects.toMatchObject({
      code: 'LOCKED',
    });
    const counter = await db
      .selectFrom('failedAttempts')
      .selectAll()
      .where('subject', '=', `space:${space.spaceId}`)
      .executeTakeFirstOrThrow();
    expect(await listEvents(db, ADMIN_STREAM, adminHead)).toMatchObject([
      {
        type: 'lock.locked',
        data: {
          lock: {
            id: counter.id,
            scope: 'cession',
            userId: space.principal.id,
            siret: null,
            failures: 5,
          },
        },
      },
    ]);

    await expectRefusedWithoutChange(
      db,
      () => cede(space.actor, target.principal.email),
      'LOCKED',
      ['spaces', 'users', 'sirets', 'events', 'failed_attempts'],
    );

    await runRule(db, (trx) => resetUserLocks(trx, admin.actor, { userId: space.principal.id }));
    await cede(space.actor, target.principal.email);
    const moved = await db
      .selectFrom('sirets')
      .select('spaceId')
      .where('siret', '=', space.sirets[0]!)
      .executeTakeFirst();
    expect(moved?.spaceId).toBe(target.spaceId);
  });

  it('lets exactly one of two crossed cessions through', async () => {
    const { db } = getHandle();
    for (let round = 0; round < 3; round++) {
      const a = await createPrincipalWithSpace(db);
      const b = await createPrincipalWithSpace(db);
      const results = await Promise.allSettled([
        cede(a.actor, b.principal.email),
        cede(b.actor, a.principal.email),
      ]);
      const fulfilled = results.filter((r) => r.status === 'fulfilled');
      expect(fulfilled).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected');
      expect(['FORBIDDEN', 'CESSION_TARGET_NOT_PRINCIPAL']).toContain(
        (refused?.reason as { code?: string }).code,
      );

      // Whoever won, one space holds both SIRETs and has exactly one principal.
      const winner = results[0]?.status === 'fulfilled' ? b : a;
      const loser = winner === a ? b : a;
      const sirets = await db
        .selectFrom('sirets')
        .select('spaceId')
        .where('siret', 'in', [...a.sirets, ...b.sirets])
        .execute();
      expect(sirets.map((s) => s.spaceId)).toEqual([winner.spaceId, winner.spaceId]);
      const members = await db
        .selectFrom('users')
        .select(['id', 'role', 'spaceId'])
        .where('id', 'in', [a.principal.id, b.principal.id])
        .orderBy('id')
        .execute();
      expect(members).toEqual(
        [
          { id: winner.principal.id, role: 'principal', spaceId: winner.spaceId },
          { id: loser.principal.id, role: 'secondary', spaceId: winner.spaceId },
        ].sort((x, y) => x.id - y.id),
      );
    }
  });
});
