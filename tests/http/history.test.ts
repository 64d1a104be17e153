/**
 * « Historique » over real HTTP on a real port, on both databases: every change
 * says who made it; a principal reads their whole space, a secondary what
 * concerns them and nothing of another secondary; support searches every space
 * by e-mail, SIRET, kind of change and dates; pages never skip or repeat an
 * entry while changes keep arriving; the CSV holds what the filters show; the
 * jobs purge what is older than `HISTORY_DAYS`.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { formatSiret } from '../../shared/siret.js';
import { createSession } from '../../server/auth/sessions.js';
import { backfillEventKeys } from '../../server/db/migrations/0006-event-history.js';
import type { Database } from '../../server/db/schema.js';
import { spaceStream } from '../../server/events/append-events.js';
import { purgeOldHistory } from '../../server/jobs.js';
import { readStreamSince } from '../../server/realtime/sync-events.js';
import { describeOnEachDatabase } from '../support/databases.js';
import {
  createAdmin,
  createDossier,
  createPrincipalWithSpace,
  createSecondary,
  UNLOCK_CODE,
  uniqueReference,
  validSiret,
  WRONG_UNLOCK_CODE,
} from '../support/fixtures.js';
import { MAX_FAILED_ATTEMPTS } from '../../shared/domain.js';
import { callOverHttp } from '../support/http-client.js';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.js';

interface Entry {
  id: number;
  at: string;
  type: string;
  actor: { email: string | null; role: string };
  text: string;
}

describeOnEachDatabase('the history', (getHandle) => {
  let server: InProcessServer;
  let db: Kysely<Database>;

  beforeAll(async () => {
    db = getHandle().db;
    server = await startInProcessServer(db);
  });
  afterAll(async () => {
    await server?.close();
  });

  const get = (path: string, token: string) =>
    callOverHttp(server.url, 'GET', `/api/v1${path}`, { token });
  const send = async (method: string, path: string, token: string, body?: unknown) => {
    const answer = await callOverHttp(server.url, method, `/api/v1${path}`, { token, body });
    expect(answer.status, `${method} ${path}: ${answer.text}`).toBeLessThan(300);
    return answer;
  };

  async function tokenOf(userId: number): Promise<string> {
    return (await createSession(db, userId)).token;
  }

  /**
   * A space whose principal attributed a SIRET to alice and another to bruno,
   * took one back from alice, and where support opened a dossier for bruno's.
   */
  async function story() {
    const space = await createPrincipalWithSpace(db, { sirets: 3 });
    const [s1, s2, s3] = space.sirets as [string, string, string];
    const alice = await createSecondary(db, space);
    const bruno = await createSecondary(db, space);
    const admin = await createAdmin(db);
    const tokens = {
      principal: await tokenOf(space.principal.id),
      alice: await tokenOf(alice.user.id),
      bruno: await tokenOf(bruno.user.id),
      admin: await tokenOf(admin.user.id),
    };
    const attribute = (userId: number, sirets: string[]) =>
      send('PUT', `/secondaries/${userId}/sirets`, tokens.principal, { sirets });
    await attribute(alice.user.id, [s1, s3]);
    await attribute(bruno.user.id, [s2]);
    await attribute(alice.user.id, [s1]);
    const reference = uniqueReference();
    await send('POST', '/admin/dossiers', tokens.admin, {
      reference,
      siret: s2,
      unlockCode: UNLOCK_CODE,
      kind: 'MP',
    });
    return { space, s1, s2, s3, alice, bruno, admin, tokens, reference };
  }

  async function page(
    path: string,
    token: string,
  ): Promise<{ entries: Entry[]; next: number | null }> {
    const answer = await get(path, token);
    expect(answer.status, answer.text).toBe(200);
    return answer.body as { entries: Entry[]; next: number | null };
  }

  it('tells the principal every change of the space, newest first, with who made it', async () => {
    const { space, s1, s2, s3, alice, bruno, tokens, reference } = await story();
    const { entries, next } = await page('/history', tokens.principal);
    expect(next).toBeNull();
    const who = space.principal.email;
    expect(entries.map((e) => e.text)).toEqual([
      `Nouveau dossier ${reference} (Maladie professionnelle) pour le SIRET ${formatSiret(s2)}`,
      `${who} a retiré le SIRET ${formatSiret(s3)} à ${alice.user.email}`,
      `${who} a attribué le SIRET ${formatSiret(s2)} à ${bruno.user.email}`,
      `${who} a attribué les SIRETs ${formatSiret(s1)} et ${formatSiret(s3)} à ${alice.user.email}`,
    ]);
    expect(entries.map((e) => e.id)).toEqual([4, 3, 2, 1]);
    expect(entries[1]!.actor).toEqual({ email: who, role: 'principal' });
    // A support agent is « le support » to members: no e-mail.
    expect(entries[0]!.actor).toEqual({ email: null, role: 'support' });
    for (const entry of entries) expect(Date.parse(entry.at)).not.toBeNaN();
  });

  it('tells a secondary what concerns them, and nothing of another secondary', async () => {
    const { space, s1, s2, s3, alice, bruno, tokens } = await story();
    const { entries } = await page('/history', tokens.alice);
    const who = space.principal.email;
    expect(entries.map((e) => e.text)).toEqual([
      `${who} a retiré le SIRET ${formatSiret(s3)} à ${alice.user.email}`,
      `${who} a attribué les SIRETs ${formatSiret(s1)} et ${formatSiret(s3)} à ${alice.user.email}`,
    ]);
    const seen = JSON.stringify(entries);
    expect(seen).not.toContain(bruno.user.email);
    expect(seen).not.toContain(s2);
    expect(seen).not.toContain(formatSiret(s2));

    // The principal deletes the SIRET alice has: she is told, in her history too.
    await send('DELETE', `/sirets/${s1}`, tokens.principal);
    const after = await page('/history', tokens.alice);
    expect(after.entries[0]!.text).toBe(
      `${who} a supprimé le SIRET ${formatSiret(s1)}, qui était attribué à ${alice.user.email}`,
    );
    const brunos = await page('/history', tokens.bruno);
    expect(JSON.stringify(brunos)).not.toContain(alice.user.email);
    // Dossiers show in his list of SIRETs; his history is about his SIRETs and himself.
    expect(brunos.entries.map((e) => e.type)).toEqual(['secondary.sirets_changed']);
  });

  it('says once that an invitation was validated, by the person who validated it', async () => {
    const { space, tokens } = await story();
    const dora = await createSecondary(db, space, { status: 'pending' });
    const accepted = await callOverHttp(
      server.url,
      'POST',
      `/api/v1/invitations/${dora.token}/accept`,
      { body: { password: 'mot-de-passe-de-dora' } },
    );
    expect(accepted.status).toBe(200);
    const sentence = `${dora.user.email} a validé son invitation`;
    const principals = await page('/history', tokens.principal);
    expect(principals.entries.filter((e) => e.text === sentence)).toHaveLength(1);
    expect(principals.entries[0]).toMatchObject({
      text: sentence,
      actor: { email: dora.user.email, role: 'secondary' },
    });
    const doras = await page('/history', String(accepted.body.token));
    expect(doras.entries.map((e) => e.text)).toEqual([sentence]);
    const supports = await page(`/admin/history?email=${dora.user.email}`, tokens.admin);
    expect(supports.entries.filter((e) => e.text === sentence)).toHaveLength(1);
    const byType = await page(
      `/admin/history?email=${dora.user.email}&type=invitation.accepted`,
      tokens.admin,
    );
    expect(byType.entries.map((e) => e.type)).toEqual(['invitation.accepted']);
  });

  it('tells everyone of a cession who ceded what to whom', async () => {
    const { space, alice, tokens } = await story();
    const receiver = await createPrincipalWithSpace(db, { sirets: 1 });
    await send('POST', '/cession', tokens.principal, { email: receiver.principal.email });
    const moved = `${space.principal.email} a cédé 3 SIRETs et 2 utilisateurs secondaires à ${receiver.principal.email}`;
    const theirs = await page('/history', await tokenOf(receiver.principal.id));
    expect(theirs.entries[0]!.text).toBe(moved);
    // A secondary is not shown the ceded SIRETs: only who manages the space now.
    const alices = await page('/history', tokens.alice);
    expect(alices.entries[0]!.text).toBe(
      `${space.principal.email} a cédé son espace à ${receiver.principal.email}`,
    );
    expect(alices.entries[0]!.actor).toEqual({ email: space.principal.email, role: 'principal' });
    // What happened in her former space before she came here is not this space's history.
    expect(alices.entries).toHaveLength(1);
    expect(JSON.stringify(alices)).not.toContain(alice.user.email);
  });

  it('lets support search every space by SIRET, e-mail, kind of change and dates', async () => {
    const { s2, alice, bruno, admin, tokens, reference } = await story();
    const bySiret = await page(`/admin/history?siret=${formatSiret(s2)}`, tokens.admin);
    expect(bySiret.entries.map((e) => e.type)).toEqual([
      'dossier.added',
      'secondary.sirets_changed',
    ]);
    // Support sees who of them acted.
    expect(bySiret.entries[0]!.actor).toEqual({ email: admin.user.email, role: 'support' });
    expect(bySiret.entries[0]!.text).toContain(reference);

    const byEmail = await page(
      `/admin/history?email=${alice.user.email.toUpperCase()}`,
      tokens.admin,
    );
    expect(byEmail.entries).toHaveLength(2);
    expect(JSON.stringify(byEmail)).not.toContain(bruno.user.email);

    const both = await page(
      `/admin/history?email=${bruno.user.email}&siret=${s2}&type=secondary.sirets_changed`,
      tokens.admin,
    );
    expect(both.entries.map((e) => e.type)).toEqual(['secondary.sirets_changed']);

    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    expect(
      (await page(`/admin/history?siret=${s2}&from=${yesterday}&to=${tomorrow}`, tokens.admin))
        .entries,
    ).toHaveLength(2);
    expect(
      (await page(`/admin/history?siret=${s2}&to=${yesterday}`, tokens.admin)).entries,
    ).toEqual([]);
    expect(
      (await page(`/admin/history?siret=${s2}&from=${tomorrow}`, tokens.admin)).entries,
    ).toEqual([]);
    // An empty field of the search form is no filter.
    expect(await page(`/admin/history?siret=${s2}&email=&type=&from=&to=`, tokens.admin)).toEqual(
      bySiret,
    );
  });

  it('shows support each lock once, and the principal which lock was lifted', async () => {
    const { space, tokens } = await story();
    const siret = validSiret();
    await createDossier(db, { siret });
    for (let i = 0; i < MAX_FAILED_ATTEMPTS; i++) {
      await callOverHttp(server.url, 'POST', '/api/v1/sirets', {
        token: tokens.principal,
        body: { siret, unlockCode: WRONG_UNLOCK_CODE },
      });
    }
    const locks = await page(`/admin/history?siret=${siret}`, tokens.admin);
    expect(locks.entries.map((e) => e.type)).toEqual(['lock.locked']);
    const lockId = (await get('/admin/locks', tokens.admin)).body.items.find(
      (lock: { siret: string | null }) => lock.siret === siret,
    ).id as number;
    const tooLong = await callOverHttp(server.url, 'POST', `/api/v1/admin/locks/${lockId}/reset`, {
      token: tokens.admin,
      body: { reason: 'x'.repeat(501) },
    });
    expect(tooLong.body.error.message).toBe('Le motif ne doit pas dépasser 500 caractères.');
    await send('POST', `/admin/locks/${lockId}/reset`, tokens.admin, {
      reason: 'Appel du 3679 : courrier retrouvé',
    });
    // The principal is told who lifted which lock, not the agent's reason.
    const own = await page('/history', tokens.principal);
    expect(own.entries[0]!.text).toBe(
      `Le support QRP a levé le blocage de l’ajout du SIRET ${formatSiret(siret)}`,
    );
    const all = await page(`/admin/history?siret=${siret}`, tokens.admin);
    expect(all.entries.map((e) => e.type)).toEqual(['lock.reset', 'lock.locked']);
    expect(all.entries[0]!.text).toMatch(
      /a levé le blocage de l’ajout du SIRET .* \(motif : Appel du 3679 : courrier retrouvé\)$/,
    );
    expect(space.sirets).not.toContain(siret);
  });

  it('refuses support history to members and bad filters in French, changing nothing', async () => {
    const { tokens } = await story();
    const forbidden = await get('/admin/history', tokens.principal);
    expect(forbidden.status).toBe(403);
    const cases: [string, string][] = [
      ['/history?limit=0', 'Le nombre de lignes doit être un nombre entre 1 et 100.'],
      ['/history?limit=101', 'Le nombre de lignes doit être un nombre entre 1 et 100.'],
      ['/history?before=abc', 'Le curseur de page n’est pas valide.'],
      ['/history?colour=blue', ''],
    ];
    for (const [path, message] of cases) {
      const answer = await get(path, tokens.principal);
      expect(answer.status, path).toBe(400);
      expect(answer.body.error.code).toBe('VALIDATION_FAILED');
      if (message) expect(answer.body.error.message).toBe(message);
    }
    const adminCases: [string, string][] = [
      ['/admin/history?siret=123', "Le SIRET n'est pas valide : il compte 14 chiffres."],
      ['/admin/history?type=everything', 'Ce type de changement n’existe pas.'],
      ['/admin/history?from=2026-02-30', "Cette date n'existe pas."],
      [
        '/admin/history?from=2026-12-06&to=2026-12-01',
        'La date de début doit précéder la date de fin.',
      ],
    ];
    for (const [path, message] of adminCases) {
      const answer = await get(path, tokens.admin);
      expect(answer.status, path).toBe(400);
      expect(answer.body.error.message).toBe(message);
    }
    // A support agent has no own space's history.
    expect((await get('/history', tokens.admin)).status).toBe(403);
  });

  it('pages without a gap or a repeat while changes keep arriving', async () => {
    const { alice, bruno, s1, s2, s3, tokens } = await story();
    const attribute = (userId: number, sirets: string[]) =>
      send('PUT', `/secondaries/${userId}/sirets`, tokens.principal, { sirets });
    const seenByPrincipal: number[] = [];
    const seenBySupport: number[] = [];
    let principalPath: string | null = '/history?limit=2';
    let supportPath: string | null = `/admin/history?siret=${s1}&limit=1`;
    let turn = 0;
    let supportTop: number | null = null;
    while (principalPath || supportPath) {
      if (principalPath) {
        const { entries, next } = await page(principalPath, tokens.principal);
        seenByPrincipal.push(...entries.map((e) => e.id));
        principalPath = next === null ? null : `/history?limit=2&before=${next}`;
      }
      if (supportPath) {
        const { entries, next } = await page(supportPath, tokens.admin);
        supportTop ??= entries[0]?.id ?? null;
        seenBySupport.push(...entries.map((e) => e.id));
        supportPath = next === null ? null : `/admin/history?siret=${s1}&limit=1&before=${next}`;
      }
      // Meanwhile the principal goes on changing things, about s1 too.
      turn += 1;
      await attribute(turn % 2 ? bruno.user.id : alice.user.id, turn % 2 ? [s1, s2] : [s3]);
    }
    // The first page started at the 4th event: every one below it, once, in order.
    expect(seenByPrincipal).toEqual([4, 3, 2, 1]);
    const aboutS1 = await db
      .selectFrom('eventKeys')
      .select('eventId')
      .where('key', '=', `siret:${s1}`)
      .where('eventId', '<=', supportTop!)
      .orderBy('eventId', 'desc')
      .execute();
    expect(seenBySupport).toEqual(aboutS1.map((row) => row.eventId));
    expect(new Set(seenBySupport).size).toBe(seenBySupport.length);
  });

  it('exports what the filters show as CSV', async () => {
    const { s2, tokens, space } = await story();
    const own = await get('/history.csv', tokens.principal);
    expect(own.status).toBe(200);
    expect(own.headers.get('content-type')).toContain('text/csv');
    const lines = own.text
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe('Date;Auteur;Rôle;Changement;Description');
    expect(lines).toHaveLength(5);
    expect(lines[2]).toContain(`${space.principal.email};Utilisateur principal;SIRETs attribués;`);
    expect(lines[1]).toMatch(
      /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2};Support QRP;Support QRP;Nouveau dossier;/,
    );

    const filtered = await get(`/admin/history.csv?siret=${s2}&type=dossier.added`, tokens.admin);
    const rows = filtered.text
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(rows).toHaveLength(2);
    expect(rows[1]).toContain('Nouveau dossier');
    expect((await get('/admin/history.csv', tokens.principal)).status).toBe(403);
  });

  it('gives stored events the keys new ones get (migration 0006)', async () => {
    const { space } = await story();
    const ids = (
      await db
        .selectFrom('events')
        .select('id')
        .where('stream', '=', spaceStream(space.spaceId))
        .execute()
    ).map((row) => row.id);
    const keysOf = async () =>
      (
        await db
          .selectFrom('eventKeys')
          .select(['key', 'eventId'])
          .where('eventId', 'in', ids)
          .orderBy('eventId')
          .orderBy('key')
          .execute()
      ).map((row) => `${row.eventId} ${row.key}`);
    const written = await keysOf();
    expect(written.length).toBeGreaterThan(ids.length);
    await db.deleteFrom('eventKeys').where('eventId', 'in', ids).execute();
    await backfillEventKeys(db as unknown as Kysely<unknown>);
    expect(await keysOf()).toEqual(written);
  });

  it('is purged after HISTORY_DAYS, and a client behind the purge gets a snapshot', async () => {
    const { space, tokens } = await story();
    const stream = spaceStream(space.spaceId);
    expect((await page('/history', tokens.principal)).entries).toHaveLength(4);
    // Two days from now, a one-day history has none of today's events left.
    expect(
      await purgeOldHistory(db, 1, new Date(Date.now() + 2 * 86_400_000)),
    ).toBeGreaterThanOrEqual(4);
    expect((await page('/history', tokens.principal)).entries).toEqual([]);
    const keys = await db
      .selectFrom('eventKeys')
      .select('key')
      .where('key', '=', `email:${space.principal.email}`)
      .execute();
    expect(keys).toEqual([]);
    expect(await readStreamSince(db, stream, 2)).toEqual({ kind: 'too_far' });
    // The stream goes on from its head: nothing is numbered twice.
    await send(
      'PUT',
      `/secondaries/${(await createSecondary(db, space)).user.id}/sirets`,
      tokens.principal,
      {
        sirets: [space.sirets[0]],
      },
    );
    expect((await page('/history', tokens.principal)).entries.map((e) => e.id)).toEqual([5]);
  });
});
