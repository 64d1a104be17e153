import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { ERRORS } from '../../shared/errors.js';
import { SIRET_MESSAGES } from '../../shared/siret.js';
import { FIELD_MESSAGES } from '../../shared/field-checks.js';
import type { Database } from '../../server/db/schema.js';
import { ADMIN_STREAM, spaceStream } from '../../server/events/append-events.js';
import { readCsv } from '../../server/http/read-csv.js';
import { IMPORT_MESSAGES, importAttributions } from '../../server/rules/import-attributions.js';
import { runRule } from '../../server/rules/run-rule.js';
import { describeOnEachDatabase } from '../support/databases.js';
import {
  createAdmin,
  createPrincipalWithSpace,
  createSecondary,
  dumpTables,
  listEvents,
  markUserRemoved,
  streamHead,
  uniqueEmail,
  validSiret,
  type SecondaryFixture,
  type SpaceFixture,
} from '../support/fixtures.js';
import { checkInvariants } from '../support/invariants.js';

const HEADER = 'Adresse email;Statut utilisateur;SIRET';

function file(...lines: string[]): string {
  return `\uFEFF${[HEADER, ...lines].join('\r\n')}\r\n`;
}

async function attributed(db: Kysely<Database>, userId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('attributions')
    .select('siret')
    .where('userId', '=', userId)
    .orderBy('siret')
    .execute();
  return rows.map((r) => r.siret);
}

function importing(
  db: Kysely<Database>,
  space: Pick<SpaceFixture, 'actor'>,
  text: string,
  dryRun = false,
) {
  return runRule(db, (trx) =>
    importAttributions(trx, space.actor, { rows: readCsv(text), dryRun }),
  );
}

async function refusedLines(run: () => Promise<unknown>) {
  try {
    await run();
  } catch (error) {
    const refusal = error as { code: string; message: string; details?: { lines: unknown } };
    return { code: refusal.code, message: refusal.message, lines: refusal.details?.lines };
  }
  throw new Error('expected a refusal');
}

describeOnEachDatabase('importAttributions', (getHandle) => {
  it('makes every named secondary hold exactly the SIRETs of their lines, and leaves the others alone', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db, { sirets: 4, dossierStatus: null });
    const [a, b, c, d] = space.sirets as [string, string, string, string];
    const kept = await createSecondary(db, space, { email: uniqueEmail('kept'), sirets: [a, b] });
    const emptied = await createSecondary(db, space, {
      email: uniqueEmail('emptied'),
      sirets: [c],
    });
    const untouched = await createSecondary(db, space, { email: uniqueEmail('away'), sirets: [d] });
    const head = await streamHead(db, spaceStream(space.spaceId));

    const result = await importing(
      db,
      space,
      file(
        `${kept.user.email};Actif;${b}`,
        // Spaces inside the SIRET and upper case in the address are accepted.
        `${kept.user.email.toUpperCase()};Actif;${c.slice(0, 3)} ${c.slice(3, 6)} ${c.slice(6, 9)} ${c.slice(9)}`,
        `${emptied.user.email};Actif;`,
      ),
    );

    expect(result.applied).toBe(true);
    expect(result.errors).toEqual([]);
    expect(result.add).toEqual([{ email: kept.user.email, siret: c }]);
    expect(result.remove).toEqual(
      [
        { email: kept.user.email, siret: a },
        { email: emptied.user.email, siret: c },
      ].sort((x, y) => (x.email < y.email ? -1 : 1)),
    );
    expect(result.invite).toEqual([]);
    expect(await attributed(db, kept.user.id)).toEqual([b, c].sort());
    expect(await attributed(db, emptied.user.id)).toEqual([]);
    expect(await attributed(db, untouched.user.id)).toEqual([d]);

    const events = await listEvents(db, spaceStream(space.spaceId), head);
    expect(events.map((e) => e.type)).toEqual([
      'secondary.sirets_changed',
      'secondary.sirets_changed',
    ]);
    const byUser = new Map(events.map((e) => [(e.data as { userId: number }).userId, e]));
    expect(byUser.get(kept.user.id)).toMatchObject({
      audience: [kept.user.id],
      data: { sirets: [b, c].sort(), attributed: [c], withdrawn: [a] },
    });
    expect(byUser.get(emptied.user.id)).toMatchObject({
      data: { sirets: [], attributed: [], withdrawn: [c] },
    });
    expect(result.events).toHaveLength(2);
    expect(await checkInvariants(db)).toEqual([]);
  });

  it('invites an unknown address as a pending secondary holding its SIRETs', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db, { sirets: 2, dossierStatus: null });
    const [a, b] = space.sirets as [string, string];
    const email = uniqueEmail('newcomer');
    const bare = uniqueEmail('bare');
    const head = await streamHead(db, spaceStream(space.spaceId));
    const adminHead = await streamHead(db, ADMIN_STREAM);

    const result = await importing(
      db,
      space,
      file(`${email};En attente de validation;${a}`, `${email};;${b}`, `${bare};;`),
    );

    expect(result.invite).toEqual([bare, email].sort());
    expect(result.add).toEqual([
      { email, siret: a },
      { email, siret: b },
    ]);
    expect(result.invitations.map((i) => i.email).sort()).toEqual([bare, email].sort());
    expect(result.invitations.every((i) => i.token.length === 43)).toBe(true);
    const user = await db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect(user).toMatchObject({ role: 'secondary', status: 'pending', spaceId: space.spaceId });
    expect(await attributed(db, user.id)).toEqual([a, b].sort());
    const invitation = await db
      .selectFrom('invitations')
      .selectAll()
      .where('userId', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(invitation).toMatchObject({ status: 'pending', invitedById: space.principal.id });

    const types = (await listEvents(db, spaceStream(space.spaceId), head)).map((e) => e.type);
    // Each newcomer is added before their SIRETs change; the address without SIRET gets none.
    expect(types.filter((t) => t === 'secondary.added')).toHaveLength(2);
    expect(types.filter((t) => t === 'invitation.created')).toHaveLength(2);
    expect(types.filter((t) => t === 'secondary.sirets_changed')).toHaveLength(1);
    expect(types.lastIndexOf('secondary.added')).toBeLessThan(
      types.indexOf('secondary.sirets_changed'),
    );
    const adminTypes = (await listEvents(db, ADMIN_STREAM, adminHead)).map((e) => e.type);
    expect(adminTypes.filter((t) => t === 'invitation.created')).toHaveLength(2);
    expect(await checkInvariants(db)).toEqual([]);
  });

  it('names every wrong line with its number, and writes nothing', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db, { sirets: 2, dossierStatus: null });
    const [a, b] = space.sirets as [string, string];
    const other = await createPrincipalWithSpace(db, { sirets: 1, dossierStatus: null });
    const elsewhere = await createSecondary(db, other, { sirets: [] });
    const admin = await createAdmin(db);
    const gone = await createSecondary(db, space, { sirets: [] });
    await markUserRemoved(db, gone.user.id);
    const member = await createSecondary(db, space, { sirets: [a] });
    const foreignSiret = other.sirets[0]!;
    const valid = validSiret();
    // The last digit changed: the Luhn key no longer holds.
    const wrongKey = `${valid.slice(0, 13)}${(Number(valid[13]) + 1) % 10}`;

    const text = file(
      `${member.user.email};Actif;${b}`, // 2: good
      `${member.user.email};Actif`, // 3: two cells
      `pas-une-adresse;Actif;${a}`, // 4: malformed e-mail
      `${member.user.email};Actif;12345`, // 5: SIRET too short
      `${member.user.email};Actif;${wrongKey}`, // 6: check digit
      `${member.user.email};Actif;${foreignSiret}`, // 7: not the space's
      `${member.user.email};Actif;${b}`, // 8: same as line 2
      `${space.principal.email};Actif;${a}`, // 9: the principal
      `${elsewhere.user.email};Actif;${a}`, // 10: another space's secondary
      `${admin.user.email};Actif;`, // 11: a support agent
      `${other.principal.email};Actif;`, // 12: another principal
      `${gone.user.email};Supprimé;${a}`, // 13: removed from this space
      `${member.user.email};Actif;73A82932000074`, // 14: letters
    );
    const before = await dumpTables(db);
    const refusal = await refusedLines(() => importing(db, space, text));

    expect(refusal.code).toBe('ATTRIBUTIONS_IMPORT_INVALID');
    expect(refusal.message).toBe('Le fichier contient 12 erreurs : rien n’a été importé.');
    expect(refusal.lines).toEqual([
      { line: 3, message: IMPORT_MESSAGES.cells(2) },
      { line: 4, message: FIELD_MESSAGES.emailInvalid },
      { line: 5, message: SIRET_MESSAGES.length },
      { line: 6, message: SIRET_MESSAGES.checkDigit },
      { line: 7, message: ERRORS.SIRET_NOT_IN_SPACE.message },
      { line: 8, message: IMPORT_MESSAGES.duplicate(2) },
      { line: 9, message: IMPORT_MESSAGES.ownAddress },
      { line: 10, message: ERRORS.EMAIL_ALREADY_USED.message },
      { line: 11, message: ERRORS.EMAIL_ALREADY_USED.message },
      { line: 12, message: ERRORS.EMAIL_ALREADY_USED.message },
      { line: 13, message: IMPORT_MESSAGES.removed },
      { line: 14, message: SIRET_MESSAGES.notDigits },
    ]);
    expect(await dumpTables(db)).toEqual(before);
    expect(await attributed(db, member.user.id)).toEqual([a]);

    // dryRun reports the same lines and the plan of the good ones, without refusing.
    const dry = await importing(db, space, text, true);
    expect(dry.applied).toBe(false);
    expect(dry.errors).toEqual(refusal.lines);
    expect(dry.add).toEqual([{ email: member.user.email, siret: b }]);
    expect(dry.remove).toEqual([{ email: member.user.email, siret: a }]);
    expect(await dumpTables(db)).toEqual(before);
  });

  it('refuses an empty file and a wrong header, and says a one-error file in the singular', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db, { sirets: 1, dossierStatus: null });
    expect(await refusedLines(() => importing(db, space, ''))).toEqual({
      code: 'ATTRIBUTIONS_IMPORT_INVALID',
      message: 'Le fichier contient 1 erreur : rien n’a été importé.',
      lines: [{ line: 1, message: IMPORT_MESSAGES.emptyFile }],
    });
    expect(await refusedLines(() => importing(db, space, '\uFEFF\r\n\r\n'))).toMatchObject({
      lines: [{ line: 1, message: IMPORT_MESSAGES.emptyFile }],
    });
    const wrongHeader = 'Courriel;Statut;SIRET\r\n';
    expect(await refusedLines(() => importing(db, space, wrongHeader))).toMatchObject({
      lines: [{ line: 1, message: IMPORT_MESSAGES.header }],
    });
  });

  it('accepts the header in any case, accents and spacing, or no header at all', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db, { sirets: 2, dossierStatus: null });
    const [a, b] = space.sirets as [string, string];
    const member = await createSecondary(db, space, { sirets: [] });

    const loose = await importing(
      db,
      space,
      ` ADRESSE  EMAIL ;statut utilisateur;Siret;\n${member.user.email};Actif;${a}\n`,
    );
    expect(loose.add).toEqual([{ email: member.user.email, siret: a }]);
    const accented = await importing(
      db,
      space,
      `Adresse émail;Statut utilisateur;SIRET\n${member.user.email};Actif;${a}\n`,
    );
    expect(accented.errors).toEqual([]);

    const headerless = await importing(db, space, `${member.user.email},Actif,${b}\n`);
    expect(headerless.applied).toBe(true);
    expect(headerless.add).toEqual([{ email: member.user.email, siret: b }]);
    expect(headerless.remove).toEqual([{ email: member.user.email, siret: a }]);
    expect(await attributed(db, member.user.id)).toEqual([b]);
  });

  it('reads back the export’s formula guard and a spreadsheet’s text apostrophe', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db, { sirets: 1, dossierStatus: null });
    const [a] = space.sirets as [string];
    const email = `-${uniqueEmail('dash')}`;
    const member = await createSecondary(db, space, { email, sirets: [] });
    const result = await importing(db, space, file(`'${email};Actif;'${a}`));
    expect(result.errors).toEqual([]);
    expect(result.add).toEqual([{ email: member.user.email, siret: a }]);
  });

  it('with dryRun, plans the change and writes nothing', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db, { sirets: 2, dossierStatus: null });
    const [a, b] = space.sirets as [string, string];
    const member = await createSecondary(db, space, { sirets: [a] });
    const newcomer = uniqueEmail('dry');
    const before = await dumpTables(db);

    const result = await importing(
      db,
      space,
      file(`${member.user.email};Actif;${b}`, `${newcomer};;${a}`),
      true,
    );

    expect(result).toMatchObject({
      applied: false,
      add: [
        { email: member.user.email, siret: b },
        { email: newcomer, siret: a },
      ].sort((x, y) => (x.email < y.email ? -1 : 1)),
      remove: [{ email: member.user.email, siret: a }],
      invite: [newcomer],
      errors: [],
      events: [],
      invitations: [],
    });
    expect(await dumpTables(db)).toEqual(before);
  });

  it('changes nothing and writes no event when the file states the current attributions', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db, { sirets: 2, dossierStatus: null });
    const [a, b] = space.sirets as [string, string];
    const member = await createSecondary(db, space, { sirets: [a, b] });
    const idle = await createSecondary(db, space, { status: 'pending', sirets: [] });
    const head = await streamHead(db, spaceStream(space.spaceId));
    const result = await importing(
      db,
      space,
      file(
        `${member.user.email};Actif;${a}`,
        `${member.user.email};Actif;${b}`,
        `${idle.user.email};En attente de validation;`,
      ),
    );
    expect(result).toMatchObject({ applied: true, add: [], remove: [], invite: [], events: [] });
    expect(await streamHead(db, spaceStream(space.spaceId))).toBe(head);
  });

  it('is the principal’s only', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db, { sirets: 1, dossierStatus: null });
    const member = await createSecondary(db, space, { sirets: [] });
    await expect(importing(db, member, file())).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('imports 5,000 lines in as many statements as 20 lines', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db, { sirets: 50, dossierStatus: null });
    const members: SecondaryFixture[] = [];
    for (let i = 0; i < 100; i++) members.push(await createSecondary(db, space, { sirets: [] }));
    let statements = 0;
    const counted = db.withPlugin({
      transformQuery: (args) => {
        statements += 1;
        return args.node;
      },
      transformResult: (args) => Promise.resolve(args.result),
    });
    const linesOf = (count: number) =>
      members.slice(0, count).flatMap((m) => space.sirets.map((s) => `${m.user.email};Actif;${s}`));

    await importing(counted, space, file(...linesOf(1).slice(0, 20)));
    const forFew = statements;
    statements = 0;
    const lines = linesOf(100);
    expect(lines).toHaveLength(5_000);
    const result = await importing(counted, space, file(...lines));

    expect(statements).toBe(forFew);
    expect(result.add).toHaveLength(5_000 - 20);
    expect(await attributed(db, members[42]!.user.id)).toEqual(space.sirets);
    expect(await checkInvariants(db)).toEqual([]);
  });
});
