import { expect, it } from 'vitest';
import { ERRORS } from '../../shared/errors.js';
import { createSession } from '../../server/auth/sessions.js';
import {
  createDossier,
  createPrincipalWithSpace,
  createSecondary,
  dumpTables,
  PASSWORD,
  UNLOCK_CODE,
  uniqueEmail,
  validSiret,
  WRONG_UNLOCK_CODE,
} from '../support/fixtures.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { createHttpHarness } from '../support/http-harness.js';

describeOnEachDatabase('accounts and sessions', (getHandle) => {
  it('gives the same answer for an unknown e-mail and a wrong password', async () => {
    const { db } = getHandle();
    const http = createHttpHarness(db);
    const space = await createPrincipalWithSpace(db, { sirets: 1 });
    const wrong = await http.call('POST', '/api/v1/auth/login', {
      body: { email: space.principal.email, password: 'pas-le-bon-mot-de-passe' },
    });
    const unknown = await http.call('POST', '/api/v1/auth/login', {
      body: { email: uniqueEmail('nobody'), password: 'pas-le-bon-mot-de-passe' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
  });

  it('refuses to log in a pending secondary who has no password yet', async () => {
    const { db } = getHandle();
    const http = createHttpHarness(db);
    const space = await createPrincipalWithSpace(db, { sirets: 1 });
    const pending = await createSecondary(db, space, { status: 'pending' });
    const res = await http.call('POST', '/api/v1/auth/login', {
      body: { email: pending.user.email, password: PASSWORD },
    });
    expect(res.body.error.code).toBe('INVALID_CREDENTIALS');
  });

  it('logs in case-insensitively and logs out: the token stops working and its sockets are told', async () => {
    const { db } = getHandle();
    const http = createHttpHarness(db);
    const space = await createPrincipalWithSpace(db, { sirets: 1 });
    const login = await http.call('POST', '/api/v1/auth/login', {
      body: { email: space.principal.email.toUpperCase(), password: PASSWORD },
    });
    expect(login.status).toBe(200);
    const token: string = login.body.token;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const sessions = await db
      .selectFrom('sessions')
      .select('tokenHash')
      .where('userId', '=', space.principal.id)
      .execute();
    expect(sessions.every((s) => s.tokenHash !== token)).toBe(true);
    expect((await http.call('POST', '/api/v1/auth/logout', { token })).status).toBe(204);
    expect(http.endedSessions).toHaveLength(1);
    const after = await http.call('GET', '/api/v1/me', { token });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('refuses an expired session', async () => {
    const { db } = getHandle();
    const http = createHttpHarness(db);
    const space = await createPrincipalWithSpace(db, { sirets: 1 });
    const { token } = await createSession(
      db,
      space.principal.id,
      new Date(Date.now() - 31 * 24 * 3600 * 1000),
    );
    expect((await http.call('GET', '/api/v1/me', { token })).status).toBe(401);
  });

  it('ends the sessions of a removed secondary at once', async () => {
    const { db } = getHandle();
    const http = createHttpHarness(db);
    const space = await createPrincipalWithSpace(db, { sirets: 1 });
    const secondary = await createSecondary(db, space, { status: 'active' });
    const { token } = await createSession(db, secondary.user.id);
    const principal = await createSession(db, space.principal.id);
    expect((await http.call('GET', '/api/v1/me', { token })).status).toBe(200);
    const removed = await http.call('DELETE', `/api/v1/secondaries/${secondary.user.id}`, {
      token: principal.token,
    });
    expect(removed.status).toBe(204);
    expect((await http.call('GET', '/api/v1/me', { token })).status).toBe(401);
    expect(http.published.some((e) => e.type === 'secondary.removed')).toBe(true);
  });

  it('refuses signups with a used e-mail, a managed SIRET, no dossier, or a wrong code, changing nothing and telling only the holder of the code why', async () => {
    const { db } = getHandle();
    const http = createHttpHarness(db);
    const space = await createPrincipalWithSpace(db, { sirets: 1 });
    const noDossier = validSiret();
    const withDossier = validSiret();
    await createDossier(db, { siret: withDossier, status: 'completer_dossier' });
    const cases: [Record<string, unknown>, string][] = [
      [
        { email: space.principal.email, siret: withDossier, unlockCode: UNLOCK_CODE },
        'EMAIL_ALREADY_USED',
      ],
      [
        { email: uniqueEmail('n'), siret: space.sirets[0], unlockCode: UNLOCK_CODE },
        'SIRET_ALREADY_MANAGED',
      ],
      // Without the code, nothing is said of the SIRET nor of the e-mail.
      [
        { email: space.principal.email, siret: space.sirets[0], unlockCode: WRONG_UNLOCK_CODE },
        'SIGNUP_PROOF_REFUSED',
      ],
      [
        { email: uniqueEmail('n'), siret: noDossier, unlockCode: UNLOCK_CODE },
        'SIGNUP_PROOF_REFUSED',
      ],
      [
        { email: uniqueEmail('n'), siret: withDossier, unlockCode: WRONG_UNLOCK_CODE },
        'SIGNUP_PROOF_REFUSED',
      ],
      [
        { email: uniqueEmail('n'), siret: '73282932000075', unlockCode: UNLOCK_CODE },
        'VALIDATION_FAILED',
      ],
    ];
    for (const [body, code] of cases) {
      const before = await dumpTables(db);
      const res = await http.call('POST', '/api/v1/auth/signup', {
        body: { password: PASSWORD, ...body },
      });
      expect(res.body.error.code).toBe(code);
      expect(res.body.error.message).toBe(
        code === 'VALIDATION_FAILED'
          ? res.body.error.message
          : ERRORS[code as keyof typeof ERRORS].message,
      );
      expect(await dumpTables(db)).toEqual(before);
    }
  });

  it('rate-limits failed logins per e-mail and address with RATE_LIMITED and Retry-After', async () => {
    const { db } = getHandle();
    const http = createHttpHarness(db, {
      rateLimits: { loginFailuresPerEmailAndAddress: { max: 3, windowMs: 60_000 } },
    });
    const email = uniqueEmail('target');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push(
        (
          await http.call('POST', '/api/v1/auth/login', {
            body: { email, password: 'mauvais-mdp-123' },
          })
        ).status,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const last = await http.call('POST', '/api/v1/auth/login', {
      body: { email, password: 'mauvais-mdp-123' },
    });
    expect(last.body.error).toEqual({ code: 'RATE_LIMITED', message: ERRORS.RATE_LIMITED.message });
    expect(last.headers.get('retry-after')).toBe('60');
  });

  it('counts failed logins, not sign-ins, and forgives an address its failures once it signs in', async () => {
    const { db } = getHandle();
    const http = createHttpHarness(db, {
      rateLimits: { loginFailuresPerEmailAndAddress: { max: 3, windowMs: 60_000 } },
    });
    const space = await createPrincipalWithSpace(db, { sirets: 1 });
    const login = (password: string) =>
      http.call('POST', '/api/v1/auth/login', {
        body: { email: space.principal.email, password },
      });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await login(PASSWORD)).status);
    statuses.push((await login('mauvais-mdp-123')).status, (await login('mauvais-mdp-123')).status);
    statuses.push((await login(PASSWORD)).status);
    for (let i = 0; i < 4; i++) statuses.push((await login('mauvais-mdp-123')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 401, 401, 200, 401, 401, 401, 429]);
  });

  it('never writes a password, token or unlock code into its logs', async () => {
    const { db } = getHandle();
    const http = createHttpHarness(db);
    const siret = validSiret();
    await createDossier(db, { siret, status: 'completer_dossier' });
    const secret = 'UnMotDePasseTresSecret-42';
    const signup = await http.call('POST', '/api/v1/auth/signup', {
      body: { email: uniqueEmail('log'), password: secret, siret, unlockCode: UNLOCK_CODE },
    });
    expect(signup.status).toBe(201);
    const invitee = uniqueEmail('invitee');
    await http.call('POST', '/api/v1/secondaries', {
      token: signup.body.token,
      body: { email: invitee },
    });
    const invitationToken = http.invitationLink(invitee).split('/').at(-1)!;
    await http.call('GET', `/api/v1/invitations/${invitationToken}`);
    const logs = http.logLines.join('\n');
    expect(logs).toContain('"route":"/api/v1/invitations/:token"');
    for (const value of [secret, signup.body.token, UNLOCK_CODE, invitationToken]) {
      expect(logs).not.toContain(value);
    }
  });
});

describeOnEachDatabase('signup limits', (getHandle) => {
  it('rate-limits signups per e-mail with RATE_LIMITED, before any other check', async () => {
    const { db } = getHandle();
    const http = createHttpHarness(db, {
      rateLimits: { signupPerEmail: { max: 2, windowMs: 60_000 } },
    });
    const email = uniqueEmail('signup');
    const body = { email, password: PASSWORD, siret: validSiret(), unlockCode: UNLOCK_CODE };
    const codes: string[] = [];
    for (let i = 0; i < 3; i++) {
      codes.push((await http.call('POST', '/api/v1/auth/signup', { body })).body.error.code);
    }
    expect(codes).toEqual(['SIGNUP_PROOF_REFUSED', 'SIGNUP_PROOF_REFUSED', 'RATE_LIMITED']);
  });
});
