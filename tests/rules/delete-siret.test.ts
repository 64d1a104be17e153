import { describe, expect, it } from 'vitest';
import { spaceStream } from '../../server/events/append-events.js';
import type { Actor } from '../../server/rules/actor.js';
import { changeDossierStatus } from '../../server/rules/change-dossier-status.js';
import { deleteSiret } from '../../server/rules/delete-siret.js';
import { runRule } from '../../server/rules/run-rule.js';
import { describeOnEachDatabase } from '../support/databases.js';
import {
  createAdmin,
  createDossier,
  createPrincipalWithSpace,
  createSecondary,
  expectRefusedWithoutChange,
  streamHead,
  validSiret,
} from '../support/fixtures.js';

describeOnEachDatabase('deleteSiret', (getHandle) => {
  function remove(actor: Actor, siret: string) {
    return runRule(getHandle().db, (trx) => deleteSiret(trx, actor, { siret }));
  }

  it('takes the SIRET out of the space and out of every secondary list', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db, { sirets: 2 });
    const [gone, kept] = space.sirets as [string, string];
    await createDossier(db, { siret: gone, status: 'cloture' });
    const both = await createSecondary(db, space, { sirets: [gone, kept] });
    const onlyGone = await createSecondary(db, space, { status: 'pending', sirets: [gone] });
    const onlyKept = await createSecondary(db, space, { sirets: [kept] });
    const head = await streamHead(db, spaceStream(space.spaceId));

    const { events } = await remove(space.actor, gone);

    expect(
      await db.selectFrom('sirets').select('siret').where('siret', '=', gone).execute(),
    ).toEqual([]);
    const attributions = await db
      .selectFrom('attributions')
      .select(['userId', 'siret'])
      .where('userId', 'in', [both.user.id, onlyGone.user.id, onlyKept.user.id])
      .orderBy('userId')
      .execute();
    expect(attributions).toEqual([
      { userId: both.user.id, siret: kept },
      { userId: onlyKept.user.id, siret: kept },
    ]);
    // The dossiers stay: they belong to the insurer, not to the space.
    const dossiers = await db
      .selectFrom('dossiers')
      .select('id')
      .where('siret', '=', gone)
      .execute();
    expect(dossiers).toHaveLength(2);

    const stream = spaceStream(space.spaceId);
    const actor = { id: space.principal.id, email: space.principal.email, role: 'principal' };
    expect(events).toEqual([
      expect.objectContaining({
        stream,
        seq: head + 1,
        type: 'siret.removed',
        audience: [],
        data: { siret: gone },
        actor,
      }),
      expect.objectContaining({
        stream,
        type: 'secondary.sirets_changed',
        audience: [both.user.id],
        data: {
          userId: both.user.id,
          sirets: [kept],
          dossiers: [],
          withdrawn: [gone],
          deleted: true,
        },
        actor,
      }),
      expect.objectContaining({
        stream,
        type: 'secondary.sirets_changed',
        audience: [onlyGone.user.id],
        data: {
          userId: onlyGone.user.id,
          sirets: [],
          dossiers: [],
          withdrawn: [gone],
          deleted: true,
        },
        actor,
      }),
    ]);
  });

  it('deletes a SIRET once its last dossier left Compléter dossier', async () => {
    const { db } = getHandle();
    const admin = await createAdmin(db);
    const space = await createPrincipalWithSpace(db, { dossierStatus: 'completer_dossier' });
    const siret = space.sirets[0]!;
    await expect(remove(space.actor, siret)).rejects.toMatchObject({
      code: 'SIRET_DELETE_NOT_ALLOWED',
    });
    await runRule(db, (trx) =>
      changeDossierStatus(trx, admin.actor, {
        dossierId: space.dossiers[0]!.id,
        status: 'consultation',
      }),
    );
    await remove(space.actor, siret);
    expect(
      await db.selectFrom('sirets').select('siret').where('siret', '=', siret).execute(),
    ).toEqual([]);
  });

  describe('refusals', () => {
    it('refuses while any dossier of the SIRET is at Compléter dossier', async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db);
      const siret = space.sirets[0]!;
      await createDossier(db, { siret, status: 'cloture' });
      await createDossier(db, { siret, status: 'completer_dossier' });
      await createSecondary(db, space, { sirets: [siret] });
      await expectRefusedWithoutChange(
        db,
        () => remove(space.actor, siret),
        'SIRET_DELETE_NOT_ALLOWED',
      );
    });

    it('refuses a SIRET that is not in the space', async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db);
      const other = await createPrincipalWithSpace(db);
      for (const siret of [other.sirets[0]!, validSiret()]) {
        await expectRefusedWithoutChange(db, () => remove(space.actor, siret), 'NOT_FOUND');
      }
    });

    it('refuses anyone but the principal', async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db);
      const secondary = await createSecondary(db, space, { sirets: space.sirets });
      const admin = await createAdmin(db);
      for (const actor of [secondary.actor, admin.actor]) {
        await expectRefusedWithoutChange(db, () => remove(actor, space.sirets[0]!), 'FORBIDDEN');
      }
    });
  });

  it('orders a deletion and a dossier going back to Compléter dossier at the same time', async () => {
    const { db } = getHandle();
    const admin = await createAdmin(db);
    const space = await createPrincipalWithSpace(db);
    const siret = space.sirets[0]!;
    const [deletion, change] = await Promise.allSettled([
      remove(space.actor, siret),
      runRule(db, (trx) =>
        changeDossierStatus(trx, admin.actor, {
          dossierId: space.dossiers[0]!.id,
          status: 'completer_dossier',
        }),
      ),
    ]);
    expect(change.status).toBe('fulfilled');
    const row = await db
      .selectFrom('sirets')
      .select('siret')
      .where('siret', '=', siret)
      .executeTakeFirst();
    if (deletion.status === 'fulfilled') {
      // Deleted first: the change then concerns a SIRET no space manages, so no event.
      expect(row).toBeUndefined();
      expect(change.status === 'fulfilled' && change.value.events).toEqual([]);
    } else {
      expect(deletion.reason).toMatchObject({ code: 'SIRET_DELETE_NOT_ALLOWED' });
      expect(row).toBeDefined();
    }
  });
});
