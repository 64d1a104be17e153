import { beforeAll, describe, expect, it } from 'vitest';
import { toDossierView } from '../../server/db/queries/dossiers.js';
import { listSiretsWithCounts } from '../../server/db/queries/sirets.js';
import { spaceStream } from '../../server/events/append-events.js';
import type { Actor } from '../../server/rules/actor.js';
import { addDossier, type AddDossierInput } from '../../server/rules/add-dossier.js';
import { changeDossierStatus } from '../../server/rules/change-dossier-status.js';
import { runRule } from '../../server/rules/run-rule.js';
import { todayInFrance } from '../../shared/jours-francs.js';
import type { DossierStatus } from '../../shared/domain.js';
import { describeOnEachDatabase } from '../support/databases.js';
import {
  createAdmin,
  createDossier,
  createPrincipalWithSpace,
  createSecondary,
  expectRefusedWithoutChange,
  streamHead,
  uniqueReference,
  unlockCodeHash,
  validSiret,
} from '../support/fixtures.js';

describeOnEachDatabase('dossiers', (getHandle) => {
  let admin: Actor;
  let codeHash: string;
  beforeAll(async () => {
    admin = (await createAdmin(getHandle().db)).actor;
    codeHash = await unlockCodeHash();
  });

  function add(input: Partial<AddDossierInput> & { siret: string }, actor: Actor = admin) {
    return runRule(getHandle().db, (trx) =>
      addDossier(trx, actor, {
        reference: uniqueReference(),
        kind: 'AT',
        status: 'completer_dossier',
        unlockCodeHash: codeHash,
        openedAt: '2026-03-02',
        ...input,
      }),
    );
  }

  function change(dossierId: number, status: DossierStatus, actor: Actor = admin) {
    return runRule(getHandle().db, (trx) => changeDossierStatus(trx, actor, { dossierId, status }));
  }

  describe('addDossier', () => {
    it('opens a dossier for a SIRET no space manages, silently, with its due date', async () => {
      const { db } = getHandle();
      const siret = validSiret();
      const reference = uniqueReference();
      const { events, dossier } = await add({ siret, reference, kind: 'MP' });
      expect(events).toEqual([]);
      // Opened Monday 2 March 2026, MP: 30 jours francs -> Thursday 2 April.
      expect(dossier).toEqual({
        id: expect.any(Number),
        reference,
        siret,
        kind: 'MP',
        status: 'completer_dossier',
        openedAt: '2026-03-02',
        dueAt: '2026-04-02',
      });
      const row = await db
        .selectFrom('dossiers')
        .selectAll()
        .where('id', '=', dossier.id)
        .executeTakeFirstOrThrow();
      expect(toDossierView(row)).toEqual(dossier);
      expect(row.unlockCodeHash).toBe(codeHash);
    });

    it('opens a dossier today in France when no date is given', async () => {
      const { dossier } = await add({ siret: validSiret(), openedAt: undefined });
      expect(dossier.openedAt).toBe(todayInFrance());
    });

    it('tells the space managing the SIRET, and the secondaries holding it', async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db, { sirets: 2 });
      const [siret, otherSiret] = space.sirets as [string, string];
      const holder = await createSecondary(db, space, { sirets: [siret] });
      const pendingHolder = await createSecondary(db, space, {
        status: 'pending',
        sirets: [siret],
      });
      await createSecondary(db, space, { sirets: [otherSiret] });
      const head = await streamHead(db, spaceStream(space.spaceId));

      const { events, dossier } = await add({ siret, openedAt: '2024-04-17' });

      // Opened Wednesday 17 April 2024, AT: + 21 = 8 May, then Ascension 9 May -> 10 May.
      expect(dossier.dueAt).toBe('2024-05-10');
      expect(events).toEqual([
        expect.objectContaining({
          stream: spaceStream(space.spaceId),
          seq: head + 1,
          type: 'dossier.added',
          audience: [holder.user.id, pendingHolder.user.id],
          data: { dossier },
        }),
      ]);
    });

    it('refuses a reference already used', async () => {
      const { db } = getHandle();
      const existing = await createDossier(db, { siret: validSiret() });
      await expectRefusedWithoutChange(
        db,
        () => add({ siret: validSiret(), reference: existing.reference }),
        'CONFLICT',
      );
    });

    it('refuses anyone but an admin', async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db);
      await expectRefusedWithoutChange(
        db,
        () => add({ siret: space.sirets[0]! }, space.actor),
        'FORBIDDEN',
      );
    });
  });

  describe('changeDossierStatus', () => {
    it('changes the status and tells the space and the secondaries holding the SIRET', async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db, { dossierStatus: 'completer_dossier' });
      const siret = space.sirets[0]!;
      const holder = await createSecondary(db, space, { sirets: [siret] });
      await createSecondary(db, space);
      const dossierId = space.dossiers[0]!.id;
      const head = await streamHead(db, spaceStream(space.spaceId));

      const { events } = await change(dossierId, 'consultation');

      const row = await db
        .selectFrom('dossiers')
        .select('status')
        .where('id', '=', dossierId)
        .executeTakeFirst();
      expect(row?.status).toBe('consultation');
      expect(events).toEqual([
        expect.objectContaining({
          stream: spaceStream(space.spaceId),
          seq: head + 1,
          type: 'dossier.status_changed',
          audience: [holder.user.id],
          data: { dossierId, siret, status: 'consultation' },
        }),
      ]);
      // The counts of GET /sirets follow.
      expect(await listSiretsWithCounts(db, space.spaceId)).toEqual([
        expect.objectContaining({ siret, dossiers: { inProgress: 1, toComplete: 0 } }),
      ]);
      await change(dossierId, 'cloture');
      expect(await listSiretsWithCounts(db, space.spaceId)).toEqual([
        expect.objectContaining({ siret, dossiers: { inProgress: 0, toComplete: 0 } }),
      ]);
    });

    it('writes nothing when the status is unchanged', async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db, { dossierStatus: 'consultation' });
      const before = await db
        .selectFrom('dossiers')
        .selectAll()
        .where('id', '=', space.dossiers[0]!.id)
        .executeTakeFirstOrThrow();
      const head = await streamHead(db, spaceStream(space.spaceId));
      const { events } = await change(before.id, 'consultation');
      expect(events).toEqual([]);
      expect(await streamHead(db, spaceStream(space.spaceId))).toBe(head);
      const after = await db
        .selectFrom('dossiers')
        .selectAll()
        .where('id', '=', before.id)
        .executeTakeFirstOrThrow();
      expect(after).toEqual(before);
    });

    it('changes a dossier of a SIRET no space manages without an event', async () => {
      const { db } = getHandle();
      const dossier = await createDossier(db, { siret: validSiret() });
      const { events } = await change(dossier.id, 'cloture');
      expect(events).toEqual([]);
      const row = await db
        .selectFrom('dossiers')
        .select('status')
        .where('id', '=', dossier.id)
        .executeTakeFirst();
      expect(row?.status).toBe('cloture');
    });

    it('refuses an unknown dossier', async () => {
      const { db } = getHandle();
      await expectRefusedWithoutChange(db, () => change(2 ** 31 - 1, 'cloture'), 'NOT_FOUND');
    });

    it('refuses anyone but an admin', async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db);
      await expectRefusedWithoutChange(
        db,
        () => change(space.dossiers[0]!.id, 'cloture', space.actor),
        'FORBIDDEN',
      );
    });
  });

  it('counts the dossiers in progress and to complete of each SIRET of a space', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db, { sirets: 2, dossierStatus: null });
    const [first, second] = space.sirets as [string, string];
    await createDossier(db, { siret: first, status: 'completer_dossier' });
    await createDossier(db, { siret: first, status: 'consultation' });
    await createDossier(db, { siret: first, status: 'cloture' });
    const rows = await db
      .selectFrom('sirets')
      .selectAll()
      .where('spaceId', '=', space.spaceId)
      .orderBy('siret')
      .execute();
    expect(await listSiretsWithCounts(db, space.spaceId)).toEqual([
      {
        siret: first,
        addedAt: rows[0]!.addedAt.toISOString(),
        dossiers: { inProgress: 2, toComplete: 1 },
      },
      {
        siret: second,
        addedAt: rows[1]!.addedAt.toISOString(),
        dossiers: { inProgress: 0, toComplete: 0 },
      },
    ]);
  });
});
