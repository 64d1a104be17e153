import { expect, it } from 'vitest';
import { ERRORS } from '../../shared/errors.js';
import { formatSiret } from '../../shared/siret.js';
import {
  createAdmin,
  PASSWORD,
  uniqueEmail,
  uniqueReference,
  validSiret,
} from '../support/fixtures.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { createHttpHarness } from '../support/http-harness.js';

describeOnEachDatabase('the seed guide played over HTTP', (getHandle) => {
  it('signs up, adds SIRETs and secondaries, accepts an invitation, attributes, deletes and cedes', async () => {
    const { db } = getHandle();
    const http = createHttpHarness(db);
    const { user: admin } = await createAdmin(db);
    const adminLogin = await http.call('POST', '/api/v1/auth/login', {
      body: { email: admin.email, password: PASSWORD },
    });
    expect(adminLogin.status).toBe(200);
    const adminToken: string = adminLogin.body.token;

    const [s1, s2, s3] = [validSiret(), validSiret(), validSiret()];
    const openDossier = async (siret: string, unlockCode: string, status = 'completer_dossier') => {
      const res = await http.call('POST', '/api/v1/admin/dossiers', {
        token: adminToken,
        body: {
          reference: uniqueReference(),
          siret,
          kind: 'AT',
          status,
          unlockCode,
          openedAt: '2026-03-02',
        },
      });
      expect(res.status).toBe(201);
      return res.body.id as number;
    };
    const dossierS1 = await openDossier(s1, 'CODE-S1');
    await openDossier(s2, 'CODE-S2', 'consultation');
    await openDossier(s3, 'CODE-S3');

    // Sign up with the SIRET as people type it, with spaces.
    const principalEmail = uniqueEmail('principal');
    const signup = await http.call('POST', '/api/v1/auth/signup', {
      body: {
        email: principalEmail,
        password: PASSWORD,
        siret: formatSiret(s1),
        unlockCode: 'CODE-S1',
      },
    });
    expect(signup.status).toBe(201);
    expect(signup.body.user).toMatchObject({
      email: principalEmail,
      role: 'principal',
      status: 'active',
      isAdmin: false,
    });
    const token: string = signup.body.token;

    const me = await http.call('GET', '/api/v1/me', { token });
    expect(me.body.user.email).toBe(principalEmail);

    const added = await http.call('POST', '/api/v1/sirets', {
      token,
      body: { siret: s2, unlockCode: 'CODE-S2', assignToAllSecondaries: true },
    });
    expect(added.status).toBe(201);
    const sirets = await http.call('GET', '/api/v1/sirets', { token });
    expect(sirets.body.items.map((i: { siret: string }) => i.siret).sort()).toEqual(
      [s1, s2].sort(),
    );
    expect(sirets.body.items.find((i: { siret: string }) => i.siret === s1).dossiers).toEqual({
      inProgress: 1,
      toComplete: 1,
    });

    const [alice, bob] = [uniqueEmail('alice'), uniqueEmail('bob')];
    for (const email of [alice, bob]) {
      const res = await http.call('POST', '/api/v1/secondaries', { token, body: { email } });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ email, status: 'pending', sirets: [] });
    }
    const list = await http.call('GET', '/api/v1/secondaries?page=1&pageSize=10', { token });
    expect(list.body).toMatchObject({ total: 2, page: 1, pageSize: 10 });

    // Alice opens the link of her .eml and chooses a password.
    const link = http.invitationLink(alice);
    const invitationToken = link.split('/').at(-1)!;
    const preview = await http.call('GET', `/api/v1/invitations/${invitationToken}`);
    expect(preview.body).toMatchObject({ email: alice, invitedBy: principalEmail });
    const accepted = await http.call('POST', `/api/v1/invitations/${invitationToken}/accept`, {
      body: { password: 'un-mot-de-passe-solide' },
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.user).toMatchObject({ email: alice, role: 'secondary', status: 'active' });
    const again = await http.call('POST', `/api/v1/invitations/${invitationToken}/accept`, {
      body: { password: 'un-mot-de-passe-solide' },
    });
    expect(again.body.error.code).toBe('INVITATION_INVALID');
    const aliceToken: string = accepted.body.token;
    const aliceId: number = accepted.body.user.id;

    const attributed = await http.call('PUT', `/api/v1/secondaries/${aliceId}/sirets`, {
      token,
      body: { sirets: [s1, s2] },
    });
    expect(attributed.status).toBe(200);
    expect(attributed.body.sirets).toEqual([s1, s2].sort());
    const aliceDossiers = await http.call('GET', '/api/v1/dossiers', { token: aliceToken });
    expect(aliceDossiers.body.items.map((d: { siret: string }) => d.siret).sort()).toEqual(
      [s1, s2].sort(),
    );
    expect((await http.call('GET', '/api/v1/sirets', { token: aliceToken })).status).toBe(403);

    const refused = await http.call('DELETE', `/api/v1/sirets/${s1}`, { token });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toEqual({
      code: 'SIRET_DELETE_NOT_ALLOWED',
      message: ERRORS.SIRET_DELETE_NOT_ALLOWED.message,
    });
    const moved = await http.call('PATCH', `/api/v1/admin/dossiers/${dossierS1}`, {
      token: adminToken,
      body: { status: 'consultation' },
    });
    expect(moved.status).toBe(200);
    expect((await http.call('DELETE', `/api/v1/sirets/${s1}`, { token })).status).toBe(204);
    const aliceAfter = await http.call('GET', '/api/v1/dossiers', { token: aliceToken });
    expect(aliceAfter.body.items.map((d: { siret: string }) => d.siret)).toEqual([s2]);

    // Another principal, then the cession.
    const otherEmail = uniqueEmail('other');
    const other = await http.call('POST', '/api/v1/auth/signup', {
      body: { email: otherEmail, password: PASSWORD, siret: s3, unlockCode: 'CODE-S3' },
    });
    expect(other.status).toBe(201);
    const refusedCession = await http.call('POST', '/api/v1/cession', {
      token,
      body: { email: alice },
    });
    expect(refusedCession.body.error.code).toBe('CESSION_TARGET_NOT_PRINCIPAL');
    const cession = await http.call('POST', '/api/v1/cession', {
      token,
      body: { email: otherEmail },
    });
    expect(cession.status).toBe(200);
    expect(cession.body.user).toMatchObject({
      role: 'secondary',
      spaceId: other.body.user.spaceId,
    });
    expect((await http.call('GET', '/api/v1/sirets', { token })).status).toBe(403);
    const otherSirets = await http.call('GET', '/api/v1/sirets', { token: other.body.token });
    expect(otherSirets.body.items.map((i: { siret: string }) => i.siret).sort()).toEqual(
      [s2, s3].sort(),
    );

    // The admin saw the invitations of that space.
    const feed = await http.call(
      'GET',
      `/api/v1/admin/invitations?q=${encodeURIComponent(alice)}`,
      {
        token: adminToken,
      },
    );
    expect(feed.body.items[0]).toMatchObject({
      email: alice,
      status: 'accepted',
      invitedBy: principalEmail,
    });
    expect(http.published.length).toBeGreaterThan(0);
  });

  it('lets an invited person activate their account from the link page, without the extension', async () => {
    const { db } = getHandle();
    const http = createHttpHarness(db);
    const { user: admin } = await createAdmin(db);
    const adminToken = (
      await http.call('POST', '/api/v1/auth/login', {
        body: { email: admin.email, password: PASSWORD },
      })
    ).body.token;
    const siret = validSiret();
    await http.call('POST', '/api/v1/admin/dossiers', {
      token: adminToken,
      body: { reference: uniqueReference(), siret, unlockCode: 'CODE' },
    });
    const principal = await http.call('POST', '/api/v1/auth/signup', {
      body: { email: uniqueEmail('p'), password: PASSWORD, siret, unlockCode: 'CODE' },
    });
    const invitee = uniqueEmail('invitee');
    await http.call('POST', '/api/v1/secondaries', {
      token: principal.body.token,
      body: { email: invitee },
    });
    const path = new URL(http.invitationLink(invitee)).pathname;

    const page = await http.call('GET', path);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Activer votre compte');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');

    const mismatch = await http.app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        password: 'un-mot-de-passe-solide',
        confirmation: 'autre-chose-123',
      }).toString(),
    });
    expect(mismatch.status).toBe(400);
    expect(await mismatch.text()).toContain('ne sont pas identiques');

    const done = await http.app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        password: 'un-mot-de-passe-solide',
        confirmation: 'un-mot-de-passe-solide',
      }).toString(),
    });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Votre compte est actif');
    const login = await http.call('POST', '/api/v1/auth/login', {
      body: { email: invitee, password: 'un-mot-de-passe-solide' },
    });
    expect(login.status).toBe(200);
    expect((await http.call('GET', path)).status).toBe(410);
  });
});
