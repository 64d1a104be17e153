import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import type { Database, Dossier } from '../../server/db/schema.js';
import { spaceStream } from '../../server/events/append-events.js';
import { deleteSiret } from '../../server/rules/delete-siret.js';
import { isDomainError } from '../../server/rules/domain-error.js';
import { removeSecondary } from '../../server/rules/remove-secondary.js';
import { runRule } from '../../server/rules/run-rule.js';
import { conflictMessage, setAttributions } from '../../server/rules/set-attributions.js';
import { setSecondarySirets } from '../../server/rules/set-secondary-sirets.js';
import type { SetAttributionsBody } from '../../shared/schemas.js';
import { spaceDeliveries } from '../../shared/visibility.js';
import { describeOnEachDatabase } from '../support/databases.js';
import {
  createAdmin,
  createDossier,
  createPrincipalWithSpace,
  createSecondary,
  dumpTables,
  expectRefused,
  listEvents,
  refusalOf,
  streamHead,
  validSiret,
} from '../support/fixtures.js';
import { checkInvariants } from '../support/invariants.js';

async function attributed(db: Kysely<Database>, userId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('attributions')
    .select('siret')
    .where('userId', '=', userId)
    .orderBy('siret')
    .execute();
  return rows.map((r) => r.siret);
}

async function addedAtOf(db: Kysely<Database>, siret: string): Promise<string> {
  const row = await db
    .selectFrom('sirets')
    .select('addedAt')
    .where('siret', '=', siret)
    .executeTakeFirstOrThrow();
  return row.addedAt.toISOString();
}

function dossierView(d: Dossier) {
  return {
    id: d.id,
    reference: d.reference,
    siret: d.siret,
    kind: d.kind,
    status: d.status,
    openedAt: d.openedAt,
    dueAt: d.dueAt,
  };
}

describeOnEachDatabase('setAttributions', (getHandle) => {
  const save = (actor: { userId: number }, changes: SetAttributionsBody['changes']) =>
    runRule(getHandle().db, (trx) => setAttributions(trx, actor, { changes }));

  it('saves several secondaries at once, one event each with what was attributed and withdrawn', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db, { sirets: 4 });
    const [a, b, c, d] = space.sirets as [string, string, string, string];
    // An older dossier of d, closed: sent too, and first (oldest first).
    const olderOfD = await createDossier(db, {
      siret: d,
      status: 'cloture',
      openedAt: '2025-11-03',
    });
    const gains = await createSecondary(db, space, { sirets: [a] });
    const loses = await createSecondary(db, space, { sirets: [b, c] });
    const same = await createSecondary(db, space, { sirets: [a] });
    const pending = await createSecondary(db, space, { status: 'pending' });
    const head = await streamHead(db, spaceStream(space.spaceId));

    const result = await save(space.actor, [
      { userId: gains.user.id, sirets: [b, a], base: [a] },
      { userId: loses.user.id, sirets: [c], base: [c, b] },
      { userId: same.user.id, sirets: [a], base: [a] },
      // Unsorted and with a duplicate: stored once, sorted in the event.
      { userId: pending.user.id, sirets: [d, c, d], base: [] },
    ]);

    expect(await attributed(db, gains.user.id)).toEqual([a, b]);
    expect(await attributed(db, loses.user.id)).toEqual([c]);
    expect(await attributed(db, same.user.id)).toEqual([a]);
    expect(await attributed(db, pending.user.id)).toEqual([c, d]);
    expect(result.changed).toEqual([
      { userId: gains.user.id, email: gains.user.email, attributed: [b], withdrawn: [] },
      { userId: loses.user.id, email: loses.user.email, attributed: [], withdrawn: [b] },
      { userId: pending.user.id, email: pending.user.email, attributed: [c, d], withdrawn: [] },
    ]);

    const dossiersOf = (siret: string) =>
      space.dossiers.filter((x) => x.siret === siret).map(dossierView);
    const events = await listEvents(db, spaceStream(space.spaceId), head);
    expect(events.map((e) => [e.seq, e.type, e.audience, e.data])).toEqual([
      [
        head + 1,
        'secondary.sirets_changed',
        [gains.user.id],
        {
          userId: gains.user.id,
          sirets: [a, b],
          dossiers: dossiersOf(b),
          attributed: [b],
          withdrawn: [],
          addedAt: { [b]: await addedAtOf(db, b) },
        },
      ],
      [
        head + 2,
        'secondary.sirets_changed',
        [loses.user.id],
        { userId: loses.user.id, sirets: [c], dossiers: [], attributed: [], withdrawn: [b] },
      ],
      [
        head + 3,
        'secondary.sirets_changed',
        [pending.user.id],
        {
          userId: pending.user.id,
          sirets: [c, d],
          dossiers: [...dossiersOf(c), dossierView(olderOfD), ...dossiersOf(d)].sort(
            (x, y) => x.openedAt.localeCompare(y.openedAt) || x.id - y.id,
          ),
          attributed: [c, d],
          withdrawn: [],
          addedAt: { [c]: await addedAtOf(db, c), [d]: await addedAtOf(db, d) },
        },
      ],
    ]);
    expect(result.events.map((e) => e.actor)).toEqual(
      Array(3).fill({ id: space.principal.id, email: space.principal.email, role: 'principal' }),
    );
    expect(await checkInvariants(db)).toEqual([]);
  });

  it('tells each change to the principal and to that secondary only', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db, { sirets: 2 });
    const [a, b] = space.sirets as [string, string];
    const first = await createSecondary(db, space);
    const second = await createSecondary(db, space, { sirets: [a] });
    const { events } = await save(space.actor, [
      { userId: first.user.id, sirets: [a, b], base: [] },
      { userId: second.user.id, sirets: [], base: [a] },
    ]);
    expect(
      events.map((event) =>
        spaceDeliveries(event).map(({ event: form, principal, secondaries, others }) => ({
          type: form.type,
          principal,
          secondaries,
          others,
        })),
      ),
    ).toEqual(
      [first, second].map((secondary) => [
        {
          type: 'secondary.sirets_changed',
          principal: true,
          secondaries: [secondary.user.id],
          others: false,
        },
        // Every other member only sees their position move on.
        { type: 'hidden', principal: false, secondaries: [], others: true },
      ]),
    );
  });

  it('writes nothing when no row changes', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db, { sirets: 2 });
    const one = await createSecondary(db, space, { sirets: space.sirets });
    const other = await createSecondary(db, space);
    const before = await dumpTables(db);
    const result = await save(space.actor, [
      { userId: one.user.id, sirets: [...space.sirets].reverse(), base: space.sirets },
      { userId: other.user.id, sirets: [], base: [] },
    ]);
    expect(result).toEqual({ events: [], changed: [] });
    expect(await dumpTables(db)).toEqual(before);
  });

  it('refuses the whole save when a row changed since it was read, naming it with what it holds now', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db, { sirets: 3 });
    const [a, b, c] = space.sirets as [string, string, string];
    const kept = await createSecondary(db, space, { sirets: [a] });
    const moved = await createSecondary(db, space, { sirets: [b] });
    // Another session changes `moved` after the matrix was read.
    await runRule(db, (trx) =>
      setSecondarySirets(trx, space.actor, { userId: moved.user.id, sirets: [b, c] }),
    );

    const refusal = await refusalOf(db, () =>
      save(space.actor, [
        { userId: kept.user.id, sirets: [a, b], base: [a] },
        { userId: moved.user.id, sirets: [], base: [b] },
      ]),
    );
    expect(refusal.code).toBe('ATTRIBUTIONS_CONFLICT');
    expect(refusal.after).toEqual(refusal.before);
    const error = await save(space.actor, [
      { userId: kept.user.id, sirets: [a, b], base: [a] },
      { userId: moved.user.id, sirets: [], base: [b] },
    ]).catch((e: unknown) => e);
    if (!isDomainError(error)) throw error;
    expect(error.details).toEqual({
      conflicts: [{ userId: moved.user.id, email: moved.user.email, sirets: [b, c] }],
    });
    expect(error.message).toBe(
      `Les attributions de ${moved.user.email} ont changé pendant votre saisie : rien n’a été enregistré. ` +
        'Vérifiez la ligne signalée puis enregistrez à nouveau.',
    );

    // Every stale row is named, even one whose new list is what it holds now.
    const both = await save(space.actor, [
      { userId: kept.user.id, sirets: [a], base: [] },
      { userId: moved.user.id, sirets: [b, c], base: [b] },
    ]).catch((e: unknown) => e);
    expect(both).toMatchObject({
      code: 'ATTRIBUTIONS_CONFLICT',
      details: {
        conflicts: [
          { userId: kept.user.id, email: kept.user.email, sirets: [a] },
          { userId: moved.user.id, email: moved.user.email, sirets: [b, c] },
        ],
      },
    });
    expect(await attributed(db, kept.user.id)).toEqual([a]);
  });

  it('names at most three addresses in the message of a conflict', () => {
    const rows = ['a@x.fr', 'b@x.fr', 'c@x.fr', 'd@x.fr', 'e@x.fr'].map((email, i) => ({
      userId: i + 1,
      email,
      sirets: [],
    }));
    const end = 'ont changé pendant votre saisie : rien n’a été enregistré.';
    expect(conflictMessage(rows.slice(0, 2))).toBe(
      `Les attributions de a@x.fr et b@x.fr ${end} Vérifiez les lignes signalées puis enregistrez à nouveau.`,
    );
    expect(conflictMessage(rows.slice(0, 3))).toMatch(
      /^Les attributions de a@x.fr, b@x.fr et c@x.fr ont/,
    );
    expect(conflictMessage(rows.slice(0, 4))).toMatch(/de a@x.fr, b@x.fr, c@x.fr et 1 autre ont/);
    expect(conflictMessage(rows)).toMatch(/de a@x.fr, b@x.fr, c@x.fr et 2 autres ont/);
  });

  it('refuses a SIRET of another space or of none with SIRET_NOT_IN_SPACE, writing nothing', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db, { sirets: 2 });
    const other = await createPrincipalWithSpace(db, { sirets: 1 });
    const one = await createSecondary(db, space);
    const two = await createSecondary(db, space);
    for (const foreign of [other.sirets[0]!, validSiret()]) {
      await expectRefused(
        db,
        () =>
          save(space.actor, [
            { userId: one.user.id, sirets: space.sirets, base: [] },
            { userId: two.user.id, sirets: [space.sirets[0]!, foreign], base: [] },
          ]),
        'SIRET_NOT_IN_SPACE',
      );
    }
  });

  it('refuses with NOT_FOUND a row naming a secondary of another space, a removed one, a principal', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db, { sirets: 1 });
    const other = await createPrincipalWithSpace(db, { sirets: 1 });
    const mine = await createSecondary(db, space);
    const stranger = await createSecondary(db, other);
    const removed = await createSecondary(db, space);
    await runRule(db, (trx) => removeSecondary(trx, space.actor, { userId: removed.user.id }));
    for (const userId of [
      stranger.user.id,
      removed.user.id,
      space.principal.id,
      other.principal.id,
      2 ** 30,
    ]) {
      await expectRefused(
        db,
        () =>
          save(space.actor, [
            { userId: mine.user.id, sirets: space.sirets, base: [] },
            { userId, sirets: [], base: [] },
          ]),
        'NOT_FOUND',
      );
    }
    expect(await attributed(db, mine.user.id)).toEqual([]);
  });

  it('refuses a secondary and an admin with FORBIDDEN', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db, { sirets: 1 });
    const secondary = await createSecondary(db, space);
    const admin = await createAdmin(db);
    for (const actor of [secondary.actor, admin.actor]) {
      await expectRefused(
        db,
        () => save(actor, [{ userId: secondary.user.id, sirets: space.sirets, base: [] }]),
        'FORBIDDEN',
      );
    }
  });

  it("keeps every secondary's SIRETs within the space's when a deletion runs at the same time", async () => {
    const { db } = getHandle();
    for (let round = 0; round < 5; round++) {
      const space = await createPrincipalWithSpace(db, { sirets: 2 });
      const one = await createSecondary(db, space, { sirets: [space.sirets[0]!] });
      const two = await createSecondary(db, space);
      const outcomes = await Promise.allSettled([
        save(space.actor, [
          { userId: one.user.id, sirets: space.sirets, base: [space.sirets[0]!] },
          { userId: two.user.id, sirets: space.sirets, base: [] },
        ]),
        runRule(db, (trx) => deleteSiret(trx, space.actor, { siret: space.sirets[0]! })),
      ]);
      // After the deletion, `one` no longer holds what the matrix showed.
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') {
          expect(outcome.reason).toMatchObject({ code: 'ATTRIBUTIONS_CONFLICT' });
        }
      }
      expect(await checkInvariants(db)).toEqual([]);
    }
  });
});
