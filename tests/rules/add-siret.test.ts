import { describe, expect, it } from 'vitest';
import { toDossierView } from '../../server/db/queries/dossiers.js';
import { ADMIN_STREAM, spaceStream } from '../../server/events/append-events.js';
import type { Actor } from '../../server/rules/actor.js';
import { addSiret, type AddSiretInput } from '../../server/rules/add-siret.js';
import { resetUserLocks } from '../../server/rules/reset-lock.js';
import { runRule } from '../../server/rules/run-rule.js';
import { describeOnEachDatabase } from '../support/databases.js';
import {
  UNLOCK_CODE,
  WRONG_UNLOCK_CODE,
  createAdmin,
  createDossier,
  createPrincipalWithSpace,
  createSecondary,
  expectRefusedWithoutChange,
  listEvents,
  markUserRemoved,
  streamHead,
  validSiret,
} from '../support/fixtures.js';

describeOnEachDatabase('addSiret', (getHandle) => {
  function add(actor: Actor, input: Partial<AddSiretInput> & { siret: string }) {
    return runRule(getHandle().db, (trx) =>
      addSiret(trx, actor, { unlockCode: UNLOCK_CODE, assignToAllSecondaries: false, ...input }),
    );
  }

  async function siretWithOpenDossier() {
    const siret = validSiret();
    const dossier = await createDossier(getHandle().db, { siret });
    return { siret, dossier };
  }

  it('adds the SIRET to the space and tells the principal only', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db);
    const secondary = await createSecondary(db, space, { sirets: space.sirets });
    const { siret, dossier } = await siretWithOpenDossier();
    const head = await streamHead(db, spaceStream(space.spaceId));

    const { events } = await add(space.actor, { siret });

    const row = await db
      .selectFrom('sirets')
      .selectAll()
      .where('siret', '=', siret)
      .executeTakeFirstOrThrow();
    expect(row.spaceId).toBe(space.spaceId);
    const attributions = await db
      .selectFrom('attributions')
      .select('siret')
      .where('siret', '=', siret)
      .execute();
    expect(attributions).toEqual([]);
    expect(events).toMatchObject([
      {
        stream: spaceStream(space.spaceId),
        seq: head + 1,
        type: 'siret.added',
        audience: [],
        data: {
          siret: { siret, addedAt: row.addedAt.toISOString() },
          dossiers: [toDossierView(dossier)],
        },
      },
    ]);
    expect(await listEvents(db, spaceStream(space.spaceId), head)).toHaveLength(1);
    // The secondary keeps their own list.
    const theirs = await db
      .selectFrom('attributions')
      .select('siret')
      .where('userId', '=', secondary.user.id)
      .execute();
    expect(theirs.map((a) => a.siret)).toEqual(space.sirets);
  });

  it('attributes the SIRET to every active and pending secondary when asked', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db, { sirets: 2 });
    const active = await createSecondary(db, space, { sirets: [space.sirets[1]!] });
    const pending = await createSecondary(db, space, { status: 'pending' });
    const removed = await createSecondary(db, space);
    await markUserRemoved(db, removed.user.id);
    const { siret, dossier } = await siretWithOpenDossier();

    const { events } = await add(space.actor, { siret, assignToAllSecondaries: true });

    const stream = spaceStream(space.spaceId);
    const dossiers = [toDossierView(dossier)];
    expect(events.map((e) => [e.type, e.stream, e.audience])).toEqual([
      ['siret.added', stream, []],
      ['secondary.sirets_changed', stream, [active.user.id]],
      ['secondary.sirets_changed', stream, [pending.user.id]],
    ]);
    expect(events[1]?.data).toEqual({
      userId: active.user.id,
      sirets: [space.sirets[1]!, siret].sort(),
      dossiers,
      attributed: [siret],
    });
    expect(events[2]?.data).toEqual({
      userId: pending.user.id,
      sirets: [siret],
      dossiers,
      attributed: [siret],
    });
    const principal = { id: space.principal.id, email: space.principal.email, role: 'principal' };
    expect(events.map((e) => e.actor)).toEqual([principal, principal, principal]);
    const holders = await db
      .selectFrom('attributions')
      .select('userId')
      .where('siret', '=', siret)
      .orderBy('userId')
      .execute();
    expect(holders.map((h) => h.userId)).toEqual([active.user.id, pending.user.id]);
  });

  describe('refusals', () => {
    it('refuses anyone but the principal', async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db);
      const secondary = await createSecondary(db, space);
      const admin = await createAdmin(db);
      const { siret } = await siretWithOpenDossier();
      for (const actor of [secondary.actor, admin.actor, { userId: 2 ** 31 - 1 }]) {
        await expectRefusedWithoutChange(db, () => add(actor, { siret }), 'FORBIDDEN');
      }
    });

    it('refuses a SIRET another space manages', async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db);
      const other = await createPrincipalWithSpace(db, { dossierStatus: 'completer_dossier' });
      await expectRefusedWithoutChange(
        db,
        () => add(space.actor, { siret: other.sirets[0]! }),
        'SIRET_ALREADY_MANAGED',
      );
    });

    it('refuses a SIRET the space already has, saying so', async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db);
      await expectRefusedWithoutChange(
        db,
        () => add(space.actor, { siret: space.sirets[0]! }),
        'SIRET_ALREADY_MANAGED',
      );
      await expect(add(space.actor, { siret: space.sirets[0]! })).rejects.toThrow(
        'Ce SIRET fait déjà partie de votre espace employeur.',
      );
    });

    it('refuses a SIRET with no dossier in progress', async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db);
      const closedOnly = validSiret();
      await createDossier(db, { siret: closedOnly, status: 'cloture' });
      for (const siret of [closedOnly, validSiret()]) {
        await expectRefusedWithoutChange(
          db,
          () => add(space.actor, { siret }),
          'SIRET_NO_DOSSIER_IN_PROGRESS',
          ['sirets', 'attributions', 'events', 'failed_attempts'],
        );
      }
    });

    it('refuses a wrong code and counts it for this space and SIRET', async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db);
      const { siret } = await siretWithOpenDossier();
      await expectRefusedWithoutChange(
        db,
        () => add(space.actor, { siret, unlockCode: WRONG_UNLOCK_CODE }),
        'SIRET_UNLOCK_CODE_INVALID',
      );
      const counter = await db
        .selectFrom('failedAttempts')
        .selectAll()
        .where('subject', '=', `space:${space.spaceId}:${siret}`)
        .executeTakeFirstOrThrow();
      expect(counter).toMatchObject({
        scope: 'add_siret',
        userId: space.principal.id,
        siret,
        failures: 1,
        lockedAt: null,
      });
    });
  });

  it('locks after 5 wrong codes, even for the right code, until an admin reset', async () => {
    const { db } = getHandle();
    const admin = await createAdmin(db);
    const space = await createPrincipalWithSpace(db);
    const { siret } = await siretWithOpenDossier();
    const subject = `space:${space.spaceId}:${siret}`;

    for (let i = 1; i <= 4; i++) {
      await expect(
        add(space.actor, { siret, unlockCode: WRONG_UNLOCK_CODE }),
      ).rejects.toMatchObject({
        code: 'SIRET_UNLOCK_CODE_INVALID',
      });
    }
    const adminHead = await streamHead(db, ADMIN_STREAM);
    await expect(add(space.actor, { siret, unlockCode: WRONG_UNLOCK_CODE })).rejects.toMatchObject({
      code: 'LOCKED',
    });
    const counter = await db
      .selectFrom('failedAttempts')
      .selectAll()
      .where('subject', '=', subject)
      .executeTakeFirstOrThrow();
    expect(counter.failures).toBe(5);
    expect(await listEvents(db, ADMIN_STREAM, adminHead)).toEqual([
      {
        stream: ADMIN_STREAM,
        seq: adminHead + 1,
        type: 'lock.locked',
        audience: null,
        data: {
          lock: {
            id: counter.id,
            scope: 'add_siret',
            userId: space.principal.id,
            email: space.principal.email,
            siret,
            failures: 5,
            lockedAt: counter.lockedAt?.toISOString(),
            // Support names the space by its principal's e-mail.
            spaceId: space.spaceId,
            spaceName: space.principal.email,
          },
        },
      },
    ]);

    // Locked before anything else is checked, the right code included.
    await expectRefusedWithoutChange(db, () => add(space.actor, { siret }), 'LOCKED', [
      'sirets',
      'events',
      'failed_attempts',
    ]);
    // The counter is per SIRET: another SIRET can still be added.
    const other = await siretWithOpenDossier();
    await add(space.actor, { siret: other.siret });

    const reset = await runRule(db, (trx) =>
      resetUserLocks(trx, admin.actor, { userId: space.principal.id }),
    );
    expect(reset.events).toMatchObject([
      { stream: ADMIN_STREAM, type: 'lock.reset', data: { lockId: counter.id }, audience: null },
      {
        stream: spaceStream(space.spaceId),
        type: 'lock.reset',
        data: { lockId: counter.id, scope: 'add_siret', siret },
        audience: [],
      },
    ]);
    await add(space.actor, { siret });
    const row = await db
      .selectFrom('sirets')
      .select('spaceId')
      .where('siret', '=', siret)
      .executeTakeFirst();
    expect(row?.spaceId).toBe(space.spaceId);
  });

  it('lets only one of two spaces adding the same SIRET at once have it', async () => {
    const { db } = getHandle();
    const first = await createPrincipalWithSpace(db);
    const second = await createPrincipalWithSpace(db);
    const { siret } = await siretWithOpenDossier();
    const results = await Promise.allSettled([
      add(first.actor, { siret }),
      add(second.actor, { siret }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')?.reason).toMatchObject({
      code: 'SIRET_ALREADY_MANAGED',
    });
  });
});
