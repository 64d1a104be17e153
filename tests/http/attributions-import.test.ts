/**
 * « Importer les attributions » over a real port, as the panel sends the file:
 * the export sent back unchanged changes nothing (also once a spreadsheet has
 * re-saved it), an edited export is first shown then applied, a wrong file is
 * refused whole, and an import racing another change of the space is serial.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ERRORS } from '../../shared/errors.js';
import { SIRET_MESSAGES } from '../../shared/siret.js';
import { createSession } from '../../server/auth/sessions.js';
import type { Database } from '../../server/db/schema.js';
import { LARGE_BODY_BYTES } from '../../server/http/create-app.js';
import { IMPORT_MESSAGES } from '../../server/rules/import-attributions.js';
import { describeOnEachDatabase } from '../support/databases.js';
import {
  createPrincipalWithSpace,
  createSecondary,
  dumpTables,
  uniqueEmail,
  type SecondaryFixture,
  type SpaceFixture,
} from '../support/fixtures.js';
import { callOverHttp } from '../support/http-client.js';
import { checkInvariants } from '../support/invariants.js';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.js';

describeOnEachDatabase('importing the attributions over HTTP', (getHandle, kind) => {
  let server: InProcessServer;
  let db: Kysely<Database>;

  beforeAll(async () => {
    db = getHandle().db;
    server = await startInProcessServer(db);
  });
  afterAll(async () => {
    await server?.close();
  });

  async function exportBytes(token: string): Promise<Uint8Array> {
    const res = await fetch(`${server.url}/api/v1/attributions.csv`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    return new Uint8Array(await res.arrayBuffer());
  }

  async function importFile(
    token: string,
    body: Uint8Array | string,
    options: { dryRun?: boolean; contentType?: string | null } = {},
  ) {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    const contentType = options.contentType === undefined ? 'text/csv' : options.contentType;
    if (contentType !== null) headers['content-type'] = contentType;
    const query = options.dryRun ? '?dryRun=1' : '';
    const res = await fetch(`${server.url}/api/v1/attributions.csv${query}`, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : Buffer.from(body),
    });
    const text = await res.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const parsed: any = text.startsWith('{') ? JSON.parse(text) : text;
    return { status: res.status, body: parsed };
  }

  /** A space with secondaries holding SIRETs, one holding none, and its principal's token. */
  async function populatedSpace() {
    const space = await createPrincipalWithSpace(db, { sirets: 4, dossierStatus: null });
    const [a, b, c, d] = space.sirets as [string, string, string, string];
    const alice = await createSecondary(db, space, { email: uniqueEmail('alice'), sirets: [a, b] });
    const bob = await createSecondary(db, space, {
      email: uniqueEmail('bob'),
      status: 'pending',
      sirets: [c],
    });
    const carol = await createSecondary(db, space, { email: uniqueEmail('carol'), sirets: [] });
    // A formula-like address: the export guards it with « ' ».
    const dash = await createSecondary(db, space, {
      email: `-${uniqueEmail('dash')}`,
      sirets: [d],
    });
    const token = (await createSession(db, space.principal.id)).token;
    return { space, a, b, c, d, alice, bob, carol, dash, token };
  }

  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  const dataLines = (text: string) =>
    text
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .slice(1)
      .filter((line) => line !== '')
      .sort();

  it('takes the export back unchanged: nothing to add, remove or invite, nothing written', async () => {
    const { token, dash } = await populatedSpace();
    const bytes = await exportBytes(token);
    expect(decode(bytes)).toContain(`'${dash.user.email}`);
    const before = await dumpTables(db, ['users', 'attributions', 'invitations', 'events']);

    const variants: [string, Uint8Array | string, string | null][] = [
      ['the exact bytes', bytes, 'text/csv'],
      [
        're-saved with « , », LF and no BOM',
        decode(bytes)
          .replace(/^\uFEFF/, '')
          .replaceAll(';', ',')
          .replaceAll('\r\n', '\n'),
        'text/plain',
      ],
      ['without a content type', bytes, null],
    ];
    for (const [name, body, contentType] of variants) {
      for (const dryRun of [true, false]) {
        const res = await importFile(token, body, { dryRun, contentType });
        expect(res.status, name).toBe(200);
        expect(res.body, name).toEqual({
          applied: !dryRun,
          add: [],
          remove: [],
          invite: [],
          errors: [],
          mailsNotSent: [],
        });
      }
    }
    expect(await dumpTables(db, ['users', 'attributions', 'invitations', 'events'])).toEqual(
      before,
    );
  });

  it('shows an edited export with dryRun, then applies it: the next export is the edited file', async () => {
    const { token, space, a, b, c, alice, bob, carol } = await populatedSpace();
    const text = decode(await exportBytes(token));
    const newcomer = uniqueEmail('newcomer');
    const edited = text
      // Bob loses his SIRET: his line stays, SIRET emptied, so he is still named.
      .replace(
        `${bob.user.email};En attente de validation;${c}`,
        `${bob.user.email};En attente de validation;`,
      )
      // Carol gets a SIRET instead of her empty line.
      .replace(`${carol.user.email};Actif;`, `${carol.user.email};Actif;${c}`)
      // Alice loses b (her line removed).
      .replace(`${alice.user.email};Actif;${b}\r\n`, '')
      .concat(`${newcomer};;${a}\r\n`);
    const before = await dumpTables(db, ['users', 'attributions', 'invitations', 'events']);

    const dry = await importFile(token, edited, { dryRun: true });
    const plan = {
      add: [
        { email: carol.user.email, siret: c },
        { email: newcomer, siret: a },
      ].sort((x, y) => (x.email < y.email ? -1 : 1)),
      remove: [
        { email: alice.user.email, siret: b },
        { email: bob.user.email, siret: c },
      ].sort((x, y) => (x.email < y.email ? -1 : 1)),
      invite: [newcomer],
      errors: [],
      mailsNotSent: [],
    };
    expect(dry).toEqual({ status: 200, body: { applied: false, ...plan } });
    expect(await dumpTables(db, ['users', 'attributions', 'invitations', 'events'])).toEqual(
      before,
    );

    const applied = await importFile(token, edited);
    expect(applied).toEqual({ status: 200, body: { applied: true, ...plan } });
    expect(server.http.invitationLink(newcomer)).toMatch(/\/invitations\//);

    const after = decode(await exportBytes(token));
    const expected = edited.replace(`${newcomer};;`, `${newcomer};En attente de validation;`);
    expect(dataLines(after)).toEqual(dataLines(expected));
    // And once more: the new export changes nothing.
    const again = await importFile(token, after);
    expect(again.body).toMatchObject({ applied: true, add: [], remove: [], invite: [] });
    expect(space.sirets).toHaveLength(4);
    expect(await checkInvariants(db)).toEqual([]);
  });

  it('refuses a file with wrong lines whole, naming each line, and changes nothing', async () => {
    const { token, alice, a, b } = await populatedSpace();
    const other = await createPrincipalWithSpace(db, { sirets: 1, dossierStatus: null });
    const file = [
      'Adresse email;Statut utilisateur;SIRET',
      `${alice.user.email};Actif;${a}`,
      `${alice.user.email};Actif;${b}`,
      `${alice.user.email};Actif;${b}`,
      `pas une adresse;Actif;${a}`,
      `${alice.user.email};Actif;1234`,
      `${alice.user.email};Actif;${other.sirets[0]}`,
      `${other.principal.email};Actif;`,
      `${uniqueEmail('new')};Actif;${a};en trop`,
      `${uniqueEmail('never-invited')};;${a}`,
    ].join('\r\n');
    const before = await dumpTables(db);

    const res = await importFile(token, file);

    expect(res.status).toBe(422);
    expect(res.body.error).toEqual({
      code: 'ATTRIBUTIONS_IMPORT_INVALID',
      message: 'Le fichier contient 6 erreurs : rien n’a été importé.',
      lines: [
        { line: 4, message: IMPORT_MESSAGES.duplicate(3) },
        { line: 5, message: expect.stringMatching(/adresse e-mail/i) },
        { line: 6, message: SIRET_MESSAGES.length },
        { line: 7, message: ERRORS.SIRET_NOT_IN_SPACE.message },
        { line: 8, message: ERRORS.EMAIL_ALREADY_USED.message },
        { line: 9, message: IMPORT_MESSAGES.cells(4) },
      ],
    });
    expect(await dumpTables(db)).toEqual(before);
    expect(server.http.mails().some((m) => m.text.includes('never-invited'))).toBe(false);
  });

  it('names the invited addresses whose e-mail could not leave; their accounts stay', async () => {
    const { token, a } = await populatedSpace();
    const newcomer = uniqueEmail('unmailed');
    const { mailDir } = server.http;
    // A file where the outbox folder should be: writing the message fails.
    rmSync(mailDir, { recursive: true, force: true });
    writeFileSync(mailDir, '');
    try {
      const res = await importFile(token, `${newcomer};;${a}\r\n`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        applied: true,
        invite: [newcomer],
        mailsNotSent: [newcomer],
      });
    } finally {
      rmSync(mailDir, { force: true });
      mkdirSync(mailDir);
    }
    const user = await db
      .selectFrom('users')
      .select(['status'])
      .where('email', '=', newcomer)
      .executeTakeFirstOrThrow();
    expect(user.status).toBe('pending');
  });

  it('is refused to a secondary (403)', async () => {
    const { alice } = await populatedSpace();
    const token = (await createSession(db, alice.user.id)).token;
    const res = await importFile(token, 'Adresse email;Statut utilisateur;SIRET\r\n');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });

  it('takes a file above the app’s 64 KB limit, and refuses one above 2 MB (413)', async () => {
    const { token, carol } = await populatedSpace();
    const line = `${carol.user.email};Actif;\r\n`;
    const large = `Adresse email;Statut utilisateur;SIRET\r\n${line.repeat(Math.ceil(100_000 / line.length))}`;
    const accepted = await importFile(token, large, { dryRun: true });
    expect(accepted.status).toBe(200);
    expect(accepted.body.errors).toEqual([]);

    const tooLarge = large.padEnd(LARGE_BODY_BYTES + 1, '\n');
    const refused = await importFile(token, tooLarge, { dryRun: true });
    expect(refused.status).toBe(413);
    expect(refused.body.error).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'La requête est trop volumineuse.',
    });
    // Other routes keep the app's limit.
    const elsewhere = await callOverHttp(server.url, 'POST', '/api/v1/secondaries', {
      token,
      body: { email: 'x'.repeat(70_000) },
    });
    expect(elsewhere.status).toBe(413);
  });

  it('refuses a file that is not UTF-8 (400), and a body that is not a file', async () => {
    const { token, carol } = await populatedSpace();
    const latin1 = Buffer.from(
      `Adresse email;Statut utilisateur;SIRET\r\n${carol.user.email};Supprim\u00e9;\r\n`,
      'latin1',
    );
    const res = await importFile(token, new Uint8Array(latin1));
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'Le fichier doit être enregistré en UTF-8 (CSV UTF-8).',
    });
    const json = await importFile(token, '{}', { contentType: 'application/json' });
    expect(json.status).toBe(400);
  });

  it.runIf(kind === 'postgres')(
    'runs an import and a concurrent « Liste SIRETs » one after the other, in either order',
    async () => {
      const space = await createPrincipalWithSpace(db, { sirets: 20, dossierStatus: null });
      const members: SecondaryFixture[] = [];
      for (let i = 0; i < 40; i++) {
        members.push(await createSecondary(db, space, { sirets: space.sirets.slice(0, 10) }));
      }
      const token = (await createSession(db, space.principal.id)).token;
      const target = members[0]!;
      const fromFile = space.sirets.slice(10);
      const fromPut = [space.sirets[0]!];
      const file = [
        'Adresse email;Statut utilisateur;SIRET',
        ...members.flatMap((m) => fromFile.map((s) => `${m.user.email};Actif;${s}`)),
      ].join('\r\n');

      for (let round = 0; round < 3; round++) {
        await resetAttributions(db, space, members);
        const [imported, put] = await Promise.all([
          importFile(token, file),
          callOverHttp(server.url, 'PUT', `/api/v1/secondaries/${target.user.id}/sirets`, {
            token,
            body: { sirets: fromPut },
          }),
        ]);
        expect(imported.status).toBe(200);
        expect(put.status).toBe(200);
        const held = await siretsOf(db, target.user.id);
        const removedByImport = imported.body.remove
          .filter((r: { email: string }) => r.email === target.user.email)
          .map((r: { siret: string }) => r.siret);
        if (held.length === 1) {
          // The import first, then the PUT.
          expect(held).toEqual(fromPut);
          expect(removedByImport).toEqual(space.sirets.slice(0, 10));
        } else {
          // The PUT first: the import planned from what it left.
          expect(held).toEqual(fromFile);
          expect(removedByImport).toEqual(fromPut);
        }
        expect(await siretsOf(db, members[1]!.user.id)).toEqual(fromFile);
        expect(await checkInvariants(db)).toEqual([]);
      }
    },
  );

  it.runIf(kind === 'postgres')(
    'never lets a SIRET deleted meanwhile stay attributed',
    async () => {
      const space = await createPrincipalWithSpace(db, { sirets: 3, dossierStatus: null });
      const member = await createSecondary(db, space, { sirets: [] });
      const token = (await createSession(db, space.principal.id)).token;
      const file = space.sirets.map((s) => `${member.user.email};Actif;${s}`).join('\n');
      const [imported, deleted] = await Promise.all([
        importFile(token, file),
        callOverHttp(server.url, 'DELETE', `/api/v1/sirets/${space.sirets[2]}`, { token }),
      ]);
      expect(deleted.status).toBe(204);
      // Either the import went first (and the deletion took the SIRET away after) or it was
      // refused for naming a SIRET the space no longer has.
      expect([200, 422]).toContain(imported.status);
      expect(await siretsOf(db, member.user.id)).not.toContain(space.sirets[2]);
      expect(await checkInvariants(db)).toEqual([]);
    },
  );
});

async function siretsOf(db: Kysely<Database>, userId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('attributions')
    .select('siret')
    .where('userId', '=', userId)
    .orderBy('siret')
    .execute();
  return rows.map((r) => r.siret);
}

async function resetAttributions(
  db: Kysely<Database>,
  space: SpaceFixture,
  members: { user: { id: number } }[],
): Promise<void> {
  const ids = members.map((m) => m.user.id);
  await db.deleteFrom('attributions').where('userId', 'in', ids).execute();
  await db
    .insertInto('attributions')
    .values(ids.flatMap((userId) => space.sirets.slice(0, 10).map((siret) => ({ userId, siret }))))
    .execute();
}
