/**
 * « Attributions » saved over real HTTP as the panel saves it: many rows in one
 * request, each changed secondary told live; a secondary may not save; a row
 * changed meanwhile refuses the whole save and says what it holds now; a
 * malformed body changes nothing; two sessions saving from the same reading:
 * one wins, the other is told.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { attributionsAnswer } from '../../shared/api-answers.js';
import { createSession } from '../../server/auth/sessions.js';
import type { Database } from '../../server/db/schema.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { createPrincipalWithSpace, createSecondary, dumpTables } from '../support/fixtures.js';
import { callOverHttp } from '../support/http-client.js';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.js';
import { TestClient } from '../support/socket-clients.js';

describeOnEachDatabase('saving the « Attributions » matrix over HTTP', (getHandle, kind) => {
  let server: InProcessServer;
  let db: Kysely<Database>;

  beforeAll(async () => {
    db = getHandle().db;
    server = await startInProcessServer(db);
  });
  afterAll(async () => {
    await server?.close();
  });

  const save = (token: string, body: unknown) =>
    callOverHttp(server.url, 'PUT', '/api/v1/attributions', { token, body });
  const tokenOf = async (userId: number) => (await createSession(db, userId)).token;

  async function matrix() {
    const space = await createPrincipalWithSpace(db, { sirets: 3 });
    const [a, b, c] = space.sirets as [string, string, string];
    const first = await createSecondary(db, space, { sirets: [a] });
    const second = await createSecondary(db, space, { sirets: [b] });
    return { space, a, b, c, first, second, principal: await tokenOf(space.principal.id) };
  }

  it('saves every row at once and tells the principal and each secondary changed', async () => {
    const { a, b, c, first, second, principal } = await matrix();
    const clients = {
      principal: await TestClient.connect(server.url, principal),
      first: await TestClient.connect(server.url, await tokenOf(first.user.id)),
      second: await TestClient.connect(server.url, await tokenOf(second.user.id)),
    };
    try {
      const res = await save(principal, {
        changes: [
          { userId: first.user.id, sirets: [a, c], base: [a] },
          { userId: second.user.id, sirets: [], base: [b] },
        ],
      });
      expect(res.status, res.text).toBe(200);
      expect(attributionsAnswer.parse(res.body)).toEqual({
        changed: [
          { userId: first.user.id, email: first.user.email, attributed: [c], withdrawn: [] },
          { userId: second.user.id, email: second.user.email, attributed: [], withdrawn: [b] },
        ],
      });

      await clients.principal.until(
        () => clients.principal.ofType('secondary.sirets_changed').length === 2,
        'both changes',
      );
      expect(
        clients.principal
          .ofType('secondary.sirets_changed')
          .map((e) => [e.data.userId, e.data.sirets]),
      ).toEqual([
        [first.user.id, [a, c]],
        [second.user.id, []],
      ]);
      const mine = await clients.first.nextOfType('secondary.sirets_changed');
      expect(mine.data).toMatchObject({ userId: first.user.id, attributed: [c], withdrawn: [] });
      expect(mine.data.dossiers.map((d) => d.siret)).toEqual([c]);
      const theirs = await clients.second.nextOfType('secondary.sirets_changed');
      expect(theirs.data).toMatchObject({ userId: second.user.id, withdrawn: [b] });
      // Neither secondary sees the other's list: their change reaches them hidden.
      await clients.first.barrier();
      await clients.second.barrier();
      expect(clients.first.ofType('secondary.sirets_changed')).toHaveLength(1);
      expect(clients.second.ofType('secondary.sirets_changed')).toHaveLength(1);

      // The first secondary now reads the dossiers of the SIRET just attributed.
      const dossiers = await callOverHttp(server.url, 'GET', '/api/v1/dossiers', {
        token: await tokenOf(first.user.id),
      });
      expect(new Set(dossiers.body.items.map((d: { siret: string }) => d.siret))).toEqual(
        new Set([a, c]),
      );
    } finally {
      for (const client of Object.values(clients)) client.close();
    }
  });

  it('refuses a secondary with 403, changing nothing', async () => {
    const { a, b, first, second } = await matrix();
    const token = await tokenOf(first.user.id);
    const before = await dumpTables(db);
    const res = await save(token, {
      changes: [{ userId: second.user.id, sirets: [a, b], base: [b] }],
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    expect(await dumpTables(db)).toEqual(before);
  });

  it('answers 409 with the rows changed meanwhile and what they hold now, saving none', async () => {
    const { a, b, c, first, second, principal } = await matrix();
    // Another session gives `second` a SIRET after the matrix was read.
    const elsewhere = await callOverHttp(
      server.url,
      'PUT',
      `/api/v1/secondaries/${second.user.id}/sirets`,
      { token: principal, body: { sirets: [b, c] } },
    );
    expect(elsewhere.status, elsewhere.text).toBe(200);

    const before = await dumpTables(db);
    const res = await save(principal, {
      changes: [
        { userId: first.user.id, sirets: [a, b], base: [a] },
        { userId: second.user.id, sirets: [a], base: [b] },
      ],
    });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      error: {
        code: 'ATTRIBUTIONS_CONFLICT',
        message:
          `Les attributions de ${second.user.email} ont changé pendant votre saisie : ` +
          'rien n’a été enregistré. Vérifiez la ligne signalée puis enregistrez à nouveau.',
        conflicts: [{ userId: second.user.id, email: second.user.email, sirets: [b, c] }],
      },
    });
    expect(await dumpTables(db)).toEqual(before);
  });

  it('answers 400 with a French message to a malformed body, changing nothing', async () => {
    const { a, first, second, principal } = await matrix();
    const row = { userId: first.user.id, sirets: [a], base: [] };
    const before = await dumpTables(db);
    for (const [body, message] of [
      [{}, null],
      [{ changes: [] }, /Aucune modification/],
      [{ changes: [row, { ...row, sirets: [] }] }, /apparaît deux fois/],
      [{ changes: [{ ...row, sirets: ['123'] }] }, /SIRET/],
      [{ changes: [{ userId: second.user.id, sirets: [a] }] }, null],
      [{ changes: [{ ...row, userId: String(first.user.id) }] }, null],
      [{ changes: [row], extra: true }, null],
      [{ changes: [{ ...row, email: first.user.email }] }, null],
      ['attributions', null],
    ] as const) {
      const res = await save(principal, body);
      const seen = `${JSON.stringify(body)} → ${res.text}`;
      expect(res.status, seen).toBe(400);
      expect(res.body.error.code, seen).toBe('VALIDATION_FAILED');
      expect(res.body.error.message, seen).toMatch(message ?? /[éèàêç]|\b(le|la|les|de|du)\b/i);
    }
    expect(await dumpTables(db)).toEqual(before);
  });

  // Two transactions at once need PostgreSQL: the embedded database runs one at a time.
  it.runIf(kind === 'postgres')(
    'lets one of two sessions saving from the same reading win, and tells the other',
    async () => {
      for (let round = 0; round < 5; round++) {
        const { a, b, c, first, space } = await matrix();
        const sessions = [await tokenOf(space.principal.id), await tokenOf(space.principal.id)];
        const wanted = [
          [a, b],
          [a, c],
        ] as const;
        const answers = await Promise.all(
          sessions.map((token, i) =>
            save(token, { changes: [{ userId: first.user.id, sirets: wanted[i], base: [a] }] }),
          ),
        );
        const winners = answers.filter((res) => res.status === 200);
        const losers = answers.filter((res) => res.status !== 200);
        expect(winners, answers.map((res) => res.text).join('\n')).toHaveLength(1);
        expect(losers).toHaveLength(1);
        const won = wanted[answers.indexOf(winners[0]!)]!;
        expect(losers[0]!.status).toBe(409);
        expect(losers[0]!.body.error).toMatchObject({
          code: 'ATTRIBUTIONS_CONFLICT',
          conflicts: [{ userId: first.user.id, email: first.user.email, sirets: [...won].sort() }],
        });
        const held = await db
          .selectFrom('attributions')
          .select('siret')
          .where('userId', '=', first.user.id)
          .orderBy('siret')
          .execute();
        expect(held.map((r) => r.siret)).toEqual([...won].sort());
      }
    },
  );
});
