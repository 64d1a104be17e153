/**
 * The support desk's read side over HTTP, on both databases: finding anyone by
 * part of an e-mail or by a SIRET typed any way, a space seen whole (live, and
 * dissolved with its history), spaces named by their principal's e-mail in the
 * support's feeds, and the overview's figures and 30-day series.
 */
import type { Kysely } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import {
  supportAccountsAnswer,
  supportOverviewAnswer,
  supportSpaceAnswer,
} from '../../shared/api-answers.js';
import { addDays, startOfDayInFrance, todayInFrance } from '../../shared/jours-francs.js';
import { SIRET_MESSAGES, formatSiret } from '../../shared/siret.js';
import { createSession } from '../../server/auth/sessions.js';
import {
  closeInvitations,
  insertInvitation,
  markInvitationAccepted,
} from '../../server/db/queries/invitations.js';
import type { Database } from '../../server/db/schema.js';
import { addSecondary } from '../../server/rules/add-secondary.js';
import { expireInvitations } from '../../server/rules/expire-invitations.js';
import { runRule } from '../../server/rules/run-rule.js';
import { describeOnEachDatabase } from '../support/databases.js';
import {
  createAdmin,
  createPrincipalWithSpace,
  createSecondary,
  uniqueEmail,
  type SpaceFixture,
} from '../support/fixtures.js';
import { createHttpHarness } from '../support/http-harness.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

describeOnEachDatabase('the support desk', (getHandle) => {
  let db: Kysely<Database>;
  let http: ReturnType<typeof createHttpHarness>;
  let admin: string;

  beforeAll(async () => {
    db = getHandle().db;
    http = createHttpHarness(db);
    admin = (await createSession(db, (await createAdmin(db)).user.id)).token;
  });

  const get = async (path: string, token = admin) => http.call('GET', `/api/v1${path}`, { token });
  const send = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await http.call(method, `/api/v1${path}`, { token, body });
    expect(res.status, `${method} ${path}: ${res.text}`).toBeLessThan(300);
    return res;
  };
  const accounts = async (q: string) => {
    const res = await get(`/admin/accounts?q=${encodeURIComponent(q)}`);
    expect(res.status, res.text).toBe(200);
    supportAccountsAnswer.parse(res.body);
    return res.body.accounts as Record<string, unknown>[];
  };
  const tokenOf = async (userId: number) => (await createSession(db, userId)).token;

  /** Five refused cession addresses: the space's cession locks (docs/domain.md, lock-outs). */
  async function lockCession(space: SpaceFixture): Promise<void> {
    const token = await tokenOf(space.principal.id);
    for (let i = 0; i < 5; i++) {
      await http.call('POST', '/api/v1/cession/check', {
        token,
        body: { email: uniqueEmail('inconnu') },
      });
    }
  }

  it('finds accounts by any part of their e-mail, any case, principals first', async () => {
    const mark = `desk${Date.now().toString(36)}x${Math.floor(Math.random() * 1e6)}`;
    const space = await createPrincipalWithSpace(db, { email: `zoe.${mark}@acme.fr` });
    const alice = await createSecondary(db, space, { email: `alice.${mark}@acme.fr` });
    const bruno = await createSecondary(db, space, {
      email: `bruno.${mark}@acme.fr`,
      status: 'pending',
    });
    const elsewhere = await createPrincipalWithSpace(db, { email: `yann.${mark}@autre.fr` });

    const found = await accounts(mark.toUpperCase());
    expect(found.map((a) => a.email)).toEqual([
      elsewhere.principal.email,
      space.principal.email,
      alice.user.email,
      bruno.user.email,
    ]);
    expect(found[1]).toEqual({
      id: space.principal.id,
      email: space.principal.email,
      role: 'principal',
      spaceId: space.spaceId,
      spaceName: space.principal.email,
      status: 'active',
      lockCount: 0,
      lastActivityAt: null,
    });
    expect(found[3]).toMatchObject({
      role: 'secondary',
      status: 'pending',
      spaceName: space.principal.email,
    });
    // Part of the domain, and a `%` typed is a character, not a wildcard.
    expect((await accounts(`${mark}@autre`)).map((a) => a.id)).toEqual([elsewhere.principal.id]);
    expect(await accounts(`${mark}%`)).toEqual([]);
  });

  it("dates the last activity from the account's latest sign-in or change made", async () => {
    const space = await createPrincipalWithSpace(db);
    expect((await accounts(space.principal.email))[0]!.lastActivityAt).toBeNull();
    // A sign-in, then a change: the change is the latest.
    await createSession(db, space.principal.id);
    await runRule(db, (trx) => addSecondary(trx, space.actor, { email: uniqueEmail('invitee') }));
    const { at } = await db
      .selectFrom('events')
      .select((eb) => eb.fn.max('at').as('at'))
      .where('actorId', '=', space.principal.id)
      .executeTakeFirstOrThrow();
    expect((await accounts(space.principal.email))[0]!.lastActivityAt).toBe(
      new Date(at).toISOString(),
    );
    // Then a sign-in again.
    const { session } = await createSession(db, space.principal.id);
    expect(session.createdAt.getTime()).toBeGreaterThan(new Date(at).getTime());
    expect((await accounts(space.principal.email))[0]!.lastActivityAt).toBe(
      session.createdAt.toISOString(),
    );
  });

  it('finds the accounts of the space managing a SIRET typed with spaces, dots or no-break spaces, removed ones included', async () => {
    const space = await createPrincipalWithSpace(db, { sirets: 2 });
    const [siret] = space.sirets as [string];
    const active = await createSecondary(db, space, { sirets: [siret] });
    const pending = await createSecondary(db, space, { status: 'pending' });
    const removed = await createSecondary(db, space);
    await send('DELETE', `/secondaries/${removed.user.id}`, await tokenOf(space.principal.id));
    await createPrincipalWithSpace(db);
    await lockCession(space);

    const typed = [
      siret,
      formatSiret(siret),
      formatSiret(siret).replaceAll(' ', '.'),
      formatSiret(siret).replaceAll(' ', '\u00a0'),
      ` ${formatSiret(siret).replaceAll(' ', '\u202f')} `,
    ];
    const expected = [
      space.principal.email,
      ...[active, pending, removed].map((s) => s.user.email).sort(),
    ];
    for (const q of typed) {
      expect(
        (await accounts(q)).map((a) => a.email),
        q,
      ).toEqual(expected);
    }
    const found = await accounts(formatSiret(siret));
    expect(found[0]).toMatchObject({ role: 'principal', lockCount: 1 });
    expect(found.find((a) => a.id === removed.user.id)).toMatchObject({
      status: 'removed',
      spaceId: space.spaceId,
      spaceName: space.principal.email,
    });
  });

  it('refuses a search shorter than 2 characters or longer than 254, and a SIRET with a wrong check digit', async () => {
    for (const path of [
      '/admin/accounts',
      '/admin/accounts?q=a',
      '/admin/accounts?q=%20a%20',
      `/admin/accounts?q=${'a'.repeat(255)}`,
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      expect(res.body.error).toEqual({
        code: 'VALIDATION_FAILED',
        message: 'Saisissez de 2 à 254 caractères : une partie de l’adresse e-mail, ou un SIRET.',
      });
    }
    const wrongDigit = await get(`/admin/accounts?q=${encodeURIComponent('732 829 320 00075')}`);
    expect(wrongDigit.status).toBe(400);
    expect(wrongDigit.body.error).toEqual({
      code: 'VALIDATION_FAILED',
      message: SIRET_MESSAGES.checkDigit,
    });
  });

  it('shows a live space whole: SIRETs with their dossiers, members, pending and expired invitations, locks, history', async () => {
    const space = await createPrincipalWithSpace(db, { sirets: 2 });
    const [s1, s2] = space.sirets as [string, string];
    const principal = await tokenOf(space.principal.id);
    const holder = await createSecondary(db, space, { sirets: [s2] });
    const invite = async (prefix: string) =>
      (await send('POST', '/secondaries', principal, { email: uniqueEmail(prefix) })).body as {
        id: number;
        email: string;
      };
    const expiring = await invite('expire');
    const revoked = await invite('annule');
    await send('DELETE', `/secondaries/${revoked.id}/invitation`, principal);
    // The job, run as if a week and a day had gone by.
    await runRule(db, (trx) => expireInvitations(trx, { now: new Date(Date.now() + 8 * DAY_MS) }));
    const waiting = await invite('attente');
    await send('PUT', `/secondaries/${waiting.id}/sirets`, principal, { sirets: [s1] });
    await lockCession(space);

    const res = await get(`/admin/spaces/${space.spaceId}`);
    expect(res.status, res.text).toBe(200);
    supportSpaceAnswer.parse(res.body);
    const page = res.body;
    expect(page).toMatchObject({
      id: space.spaceId,
      name: space.principal.email,
      dissolvedAt: null,
      principal: { id: space.principal.id, email: space.principal.email },
    });
    expect(page.sirets).toEqual([
      {
        siret: s1,
        addedAt: expect.any(String),
        dossiers: [expect.objectContaining({ siret: s1 })],
      },
      {
        siret: s2,
        addedAt: expect.any(String),
        dossiers: [expect.objectContaining({ siret: s2 })],
      },
    ]);
    expect(page.sirets[0].dossiers[0].id).toBe(space.dossiers[0]!.id);
    const secondaries = [
      { id: holder.user.id, email: holder.user.email, status: 'active', sirets: [s2] },
      { id: expiring.id, email: expiring.email, status: 'pending', sirets: [] },
      { id: revoked.id, email: revoked.email, status: 'pending', sirets: [] },
      { id: waiting.id, email: waiting.email, status: 'pending', sirets: [s1] },
    ].sort((a, b) => (a.email < b.email ? -1 : 1));
    expect(page.secondaries).toEqual(secondaries);
    expect(
      page.invitations.map((i: { email: string; status: string }) => [i.email, i.status]),
    ).toEqual([
      [waiting.email, 'pending'],
      [expiring.email, 'expired'],
    ]);
    expect(page.invitations[0]).toMatchObject({
      spaceId: space.spaceId,
      spaceName: space.principal.email,
      invitedBy: space.principal.email,
    });
    expect(page.locks).toEqual([
      expect.objectContaining({
        scope: 'cession',
        userId: space.principal.id,
        spaceId: space.spaceId,
        spaceName: space.principal.email,
      }),
    ]);
    // Newest first, the support's own view: the principal named, the system too.
    const history = page.history as { id: number; type: string; actor: unknown; text: string }[];
    expect(history.map((e) => e.id)).toEqual([...history.map((e) => e.id)].sort((a, b) => b - a));
    expect(history[0]).toMatchObject({ type: 'lock.locked', actor: { role: 'system' } });
    expect(history).toContainEqual(
      expect.objectContaining({
        type: 'secondary.sirets_changed',
        actor: { email: space.principal.email, role: 'principal' },
      }),
    );
    expect(history).toContainEqual(
      expect.objectContaining({
        type: 'invitation.expired',
        text: expect.stringContaining(expiring.email),
      }),
    );
    expect(history.filter((e) => e.type === 'secondary.added')).toHaveLength(3);

    // The same names in the support's feeds.
    const feed = await get(`/admin/invitations?q=${encodeURIComponent(waiting.email)}`);
    expect(feed.body.items).toEqual([
      expect.objectContaining({ email: waiting.email, spaceName: space.principal.email }),
    ]);
    const locks = await get('/admin/locks');
    expect(locks.body.items).toContainEqual(
      expect.objectContaining({
        userId: space.principal.id,
        scope: 'cession',
        spaceId: space.spaceId,
        spaceName: space.principal.email,
      }),
    );
  });

  it('shows a dissolved space with its history and no name; its accounts and invitations go by the receiving space', async () => {
    const from = await createPrincipalWithSpace(db, { sirets: 1 });
    const to = await createPrincipalWithSpace(db, { sirets: 1 });
    const holder = await createSecondary(db, from, { sirets: from.sirets });
    const formerPrincipal = await tokenOf(from.principal.id);
    const invited = (
      await send('POST', '/secondaries', formerPrincipal, { email: uniqueEmail('suit') })
    ).body as { id: number; email: string };
    await send('POST', '/cession', formerPrincipal, { email: to.principal.email });

    const dissolved = await get(`/admin/spaces/${from.spaceId}`);
    expect(dissolved.status, dissolved.text).toBe(200);
    supportSpaceAnswer.parse(dissolved.body);
    expect(dissolved.body).toMatchObject({
      id: from.spaceId,
      name: null,
      principal: null,
      dissolvedAt: expect.any(String),
      sirets: [],
      secondaries: [],
      invitations: [],
      locks: [],
    });
    const history = dissolved.body.history as { type: string; actor: unknown }[];
    expect(history[0]).toMatchObject({
      type: 'space.ceded',
      actor: { email: from.principal.email, role: 'principal' },
    });
    expect(history.map((e) => e.type)).toContain('secondary.added');

    const receiving = (await get(`/admin/spaces/${to.spaceId}`)).body;
    expect(receiving.name).toBe(to.principal.email);
    expect(receiving.sirets.map((s: { siret: string }) => s.siret).sort()).toEqual(
      [...from.sirets, ...to.sirets].sort(),
    );
    expect(receiving.secondaries.map((s: { id: number }) => s.id).sort()).toEqual(
      [from.principal.id, holder.user.id, invited.id].sort((a, b) => a - b),
    );
    expect(receiving.invitations).toEqual([
      expect.objectContaining({
        email: invited.email,
        spaceId: to.spaceId,
        spaceName: to.principal.email,
      }),
    ]);
    expect(await accounts(from.principal.email)).toEqual([
      expect.objectContaining({
        role: 'secondary',
        spaceId: to.spaceId,
        spaceName: to.principal.email,
      }),
    ]);
  });

  it('answers 404 for an unknown space and 400 for an id that is not one', async () => {
    const unknown = await get('/admin/spaces/2147483000');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    const bad = await get('/admin/spaces/abc');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('counts the invitations of the last 30 French days, every day present, and today’s figures', async () => {
    const before = await get('/admin/overview');
    expect(before.status, before.text).toBe(200);
    const today = todayInFrance();
    const noonOf = (daysAgo: number) =>
      new Date(startOfDayInFrance(addDays(today, -daysAgo)).getTime() + 12 * HOUR_MS);
    expect(before.body.days).toHaveLength(30);
    expect(before.body.days.map((d: { date: string }) => d.date)).toEqual(
      Array.from({ length: 30 }, (_, i) => addDays(today, i - 29)),
    );

    const space = await createPrincipalWithSpace(db);
    /** An invitation sent at `sentAt` (a link lives 7 days), then accepted or run out. */
    const invitation = async (sentAt: Date, then?: 'accepted' | 'expired') => {
      const secondary = await createSecondary(db, space, { status: 'active' });
      await db.transaction().execute(async (trx) => {
        const { invitation: row } = await insertInvitation(trx, {
          userId: secondary.user.id,
          spaceId: space.spaceId,
          email: secondary.user.email,
          invitedById: space.principal.id,
          now: sentAt,
        });
        if (then === 'accepted') await markInvitationAccepted(trx, row.id, new Date());
        if (then === 'expired') await closeInvitations(trx, [row.id], 'expired');
      });
    };
    await invitation(noonOf(3), 'accepted'); // sent 3 days ago, validated today
    await invitation(noonOf(29), 'expired'); // sent on the first day, ran out 22 days ago
    await invitation(noonOf(7), 'expired'); // ran out today
    await invitation(noonOf(30), 'expired'); // sent before the series, ran out 23 days ago
    await invitation(new Date()); // sent today, pending
    const locked = await createPrincipalWithSpace(db);
    await lockCession(locked);

    const after = await get('/admin/overview');
    expect(after.status, after.text).toBe(200);
    supportOverviewAnswer.parse(after.body);
    const daysAgo = (n: number) => 29 - n;
    const expected = Array.from({ length: 30 }, () => ({ sent: 0, validated: 0, expired: 0 }));
    expected[daysAgo(0)] = { sent: 1, validated: 1, expired: 1 };
    expected[daysAgo(3)]!.sent = 1;
    expected[daysAgo(7)]!.sent = 1;
    expected[daysAgo(29)]!.sent = 1;
    expected[daysAgo(22)]!.expired = 1;
    expected[daysAgo(23)]!.expired = 1;
    type Day = { date: string; sent: number; validated: number; expired: number };
    const change = (after.body.days as Day[]).map((day, i) => {
      const was = (before.body.days as Day[])[i]!;
      expect(day.date).toBe(was.date);
      return {
        sent: day.sent - was.sent,
        validated: day.validated - was.validated,
        expired: day.expired - was.expired,
      };
    });
    expect(change).toEqual(expected);
    expect(after.body.pendingInvitations - before.body.pendingInvitations).toBe(1);
    expect(after.body.validatedToday - before.body.validatedToday).toBe(1);
    expect(after.body.validatedToday).toBe(after.body.days[29].validated);
    // Only the one that ran out today is of this week (22 and 23 days ago are not).
    expect(after.body.expiredThisWeek - before.body.expiredThisWeek).toBe(1);
    expect(after.body.lockedAccounts - before.body.lockedAccounts).toBe(1);
  });
});
