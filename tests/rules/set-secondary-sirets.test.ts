import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import type { Database } from '../../server/db/schema.js';
import { spaceStream } from '../../server/events/append-events.js';
import { deleteSiret } from '../../server/rules/delete-siret.js';
import { removeSecondary } from '../../server/rules/remove-secondary.js';
import { runRule } from '../../server/rules/run-rule.js';
import { setSecondarySirets } from '../../server/rules/set-secondary-sirets.js';
import { describeOnEachDatabase } from '../support/databases.js';
import {
  createAdmin,
  createDossier,
  createPrincipalWithSpace,
  createSecondary,
  dumpTables,
  expectRefused,
  listEvents,
  streamHead,
  validSiret,
} from '../support/fixtures.js';

async function attributed(db: Kysely<Database>, userId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('attributions')
    .select('siret')
    .where('userId', '=', userId)
    .orderBy('siret')
    .execute();
  return rows.map((r) => r.siret);
}

describeOnEachDatabase('setSecondarySirets', (getHandle) => {
  it('replaces the list and sends the secondary the dossiers of the SIRETs just attributed', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db, { sirets: 3 });
    const [a, b, c] = space.sirets as [string, string, string];
    const extra = await createDossier(db, { siret: c, status: 'cloture', kind: 'MP' });
    const secondary = await createSecondary(db, space, { sirets: [a, b] });
    const head = await streamHead(db, spaceStream(space.spaceId));

    // Unsorted and with a duplicate: stored once, sorted in the event.
    const result = await runRule(db, (trx) =>
      setSecondarySirets(trx, space.actor, { userId: secondary.user.id, sirets: [c, b, c] }),
    );

    expect(await attributed(db, secondary.user.id)).toEqual([b, c].sort());
    expect(result.sirets).toEqual([b, c].sort());
    const dossiersOfC = [...space.dossiers.filter((d) => d.siret === c), extra].map((d) => ({
      id: d.id,
      reference: d.reference,
      siret: d.siret,
      kind: d.kind,
      status: d.status,
      openedAt: d.openedAt,
      dueAt: d.dueAt,
    }));
    const events = await listEvents(db, spaceStream(space.spaceId), head);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      stream: spaceStream(space.spaceId),
      seq: head + 1,
      type: 'secondary.sirets_changed',
      audience: [secondary.user.id],
    });
    const data = events[0]!.data as { userId: number; sirets: string[]; dossiers: unknown[] };
    expect(data.userId).toBe(secondary.user.id);
    expect(data.sirets).toEqual([b, c].sort());
    expect(data.dossiers).toHaveLength(2);
    expect(data.dossiers).toEqual(expect.arrayContaining(dossiersOfC));
    expect(result.events).toHaveLength(1);
  });

  it('empties the list with an empty array', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db, { sirets: 2 });
    const secondary = await createSecondary(db, space, { sirets: space.sirets });
    const { events } = await runRule(db, (trx) =>
      setSecondarySirets(trx, space.actor, { userId: secondary.user.id, sirets: [] }),
    );
    expect(await attributed(db, secondary.user.id)).toEqual([]);
    expect(events.map((e) => [e.type, e.data, e.actor])).toEqual([
      [
        'secondary.sirets_changed',
        {
          userId: secondary.user.id,
          sirets: [],
          dossiers: [],
          attributed: [],
          withdrawn: space.sirets,
        },
        { id: space.principal.id, email: space.principal.email, role: 'principal' },
      ],
    ]);
  });

  it('attributes SIRETs to a pending secondary too', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db, { sirets: 1 });
    const pending = await createSecondary(db, space, { status: 'pending' });
    await runRule(db, (trx) =>
      setSecondarySirets(trx, space.actor, { userId: pending.user.id, sirets: space.sirets }),
    );
    expect(await attributed(db, pending.user.id)).toEqual(space.sirets);
  });

  it('writes nothing when the list does not change', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db, { sirets: 2 });
    const secondary = await createSecondary(db, space, { sirets: space.sirets });
    const before = await dumpTables(db);
    const result = await runRule(db, (trx) =>
      setSecondarySirets(trx, space.actor, {
        userId: secondary.user.id,
        sirets: [...space.sirets].reverse(),
      }),
    );
    expect(result.events).toEqual([]);
    expect(await dumpTables(db)).toEqual(before);
  });

  it('refuses a SIRET of another space or of none with SIRET_NOT_IN_SPACE', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db, { sirets: 2 });
    const other = await createPrincipalWithSpace(db, { sirets: 1 });
    const secondary = await createSecondary(db, space, { sirets: [space.sirets[0]!] });
    for (const foreign of [other.sirets[0]!, validSiret()]) {
      await expectRefused(
        db,
        () =>
          runRule(db, (trx) =>
            setSecondarySirets(trx, space.actor, {
              userId: secondary.user.id,
              sirets: [...space.sirets, foreign],
            }),
          ),
        'SIRET_NOT_IN_SPACE',
      );
    }
  });

  it('refuses with NOT_FOUND a secondary of another space, a removed one, a principal', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db, { sirets: 1 });
    const other = await createPrincipalWithSpace(db, { sirets: 1 });
    const stranger = await createSecondary(db, other);
    const removed = await createSecondary(db, space);
    await runRule(db, (trx) => removeSecondary(trx, space.actor, { userId: removed.user.id }));
    for (const userId of [
      stranger.user.id,
      removed.user.id,
      space.principal.id,
      other.principal.id,
    ]) {
      await expectRefused(
        db,
        () => runRule(db, (trx) => setSecondarySirets(trx, space.actor, { userId, sirets: [] })),
        'NOT_FOUND',
      );
    }
    // The principal of the other space may not reach this space's secondary either.
    const mine = await createSecondary(db, space);
    await expectRefused(
      db,
      () =>
        runRule(db, (trx) =>
          setSecondarySirets(trx, other.actor, { userId: mine.user.id, sirets: other.sirets }),
        ),
      'NOT_FOUND',
    );
  });

  it('refuses a secondary, even for their own list, and an admin with FORBIDDEN', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db, { sirets: 1 });
    const secondary = await createSecondary(db, space);
    const admin = await createAdmin(db);
    for (const actor of [secondary.actor, admin.actor]) {
      await expectRefused(
        db,
        () =>
          runRule(db, (trx) =>
            setSecondarySirets(trx, actor, { userId: secondary.user.id, sirets: space.sirets }),
          ),
        'FORBIDDEN',
      );
    }
  });

  it("keeps a secondary's SIRETs within the space's when a deletion runs at the same time", async () => {
    const { db } = getHandle();
    for (let round = 0; round < 5; round++) {
      const space = await createPrincipalWithSpace(db, { sirets: 2 });
      const secondary = await createSecondary(db, space);
      const outcomes = await Promise.allSettled([
        runRule(db, (trx) =>
          setSecondarySirets(trx, space.actor, { userId: secondary.user.id, sirets: space.sirets }),
        ),
        runRule(db, (trx) => deleteSiret(trx, space.actor, { siret: space.sirets[0]! })),
      ]);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') {
          expect(outcome.reason).toMatchObject({ code: 'SIRET_NOT_IN_SPACE' });
        }
      }
      const remaining = await db
        .selectFrom('sirets')
        .select('siret')
        .where('spaceId', '=', space.spaceId)
        .execute();
      const owned = new Set(remaining.map((r) => r.siret));
      for (const siret of await attributed(db, secondary.user.id)) {
        expect(owned.has(siret)).toBe(true);
      }
    }
  });
});
