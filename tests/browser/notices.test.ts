/**
 * Everyone concerned is told, live: an invitation validated while the
 * principal looks (notice and highlighted row), a cession seen by the
 * receiving principal and by a secondary of the ceded space, then a pile of
 * notices that stays short (three, and the count of the others).
 */
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSiret } from '../../shared/siret.js';
import { uniqueEmail, validSiret } from '../support/fixtures.js';
import { LIVE_TIMEOUT, PanelPage } from './pages/panel-page.js';
import { apiOf, type ApiCaller } from './support/api.js';
import {
  browserTestsEnabled,
  ensureExtensionBuilt,
  launchBrowserWithExtension,
} from './support/chromium.js';
import { expectCount, expectText, expectVisible } from './support/expect-page.js';
import { screenshot, setColorScheme, screenProblems } from './support/screens.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const PASSWORD = 'mot-de-passe-principal';
const ALICE_PASSWORD = 'mot-de-passe-alice';

interface UserBody {
  user: { id: number };
}

describe.skipIf(!browserTestsEnabled())('notices for everyone concerned', () => {
  let server: TestServer;
  let api: ApiCaller;
  const contexts: BrowserContext[] = [];
  const [s1, s2, sB, sC] = [validSiret(), validSiret(), validSiret(), validSiret()];
  const employerA = uniqueEmail('employeur');
  const employerB = uniqueEmail('autre');
  const alice = uniqueEmail('alice');
  const dora = uniqueEmail('dora');
  let tokenA = '';
  let aliceId = 0;
  let principalA: PanelPage;
  let principalB: PanelPage;
  let secondary: PanelPage;

  async function acceptInvitation(email: string, password: string): Promise<number> {
    const link = await server.waitForInvitationLink(email);
    const accepted = await api.call<UserBody>(
      'POST',
      `/invitations/${link.split('/').at(-1)}/accept`,
      { body: { password } },
    );
    return accepted.user.id;
  }

  beforeAll(async () => {
    [server] = await Promise.all([startTestServer(), ensureExtensionBuilt()]);
    api = apiOf(server.url);
    // Space A: s1 and s2, Alice (holding s1) and Dora (invited, not yet in).
    await api.openDossier(s1, 'CODE-S1');
    await api.openDossier(s2, 'CODE-S2', 'consultation');
    await api.openDossier(sB, 'CODE-SB');
    await api.openDossier(sC, 'CODE-SC');
    tokenA = await api.signUp(employerA, PASSWORD, s1, 'CODE-S1');
    await api.call('POST', '/sirets', {
      token: tokenA,
      body: { siret: s2, unlockCode: 'CODE-S2', assignToAllSecondaries: false },
    });
    await api.call('POST', '/secondaries', { token: tokenA, body: { email: alice } });
    aliceId = await acceptInvitation(alice, ALICE_PASSWORD);
    await api.call('PUT', `/secondaries/${aliceId}/sirets`, {
      token: tokenA,
      body: { sirets: [s1] },
    });
    // Space B: sB only.
    await api.signUp(employerB, PASSWORD, sB, 'CODE-SB');

    const [browserA, browserB, browserAlice] = await Promise.all([
      launchBrowserWithExtension(),
      launchBrowserWithExtension(),
      launchBrowserWithExtension(),
    ]);
    contexts.push(browserA, browserB, browserAlice);
    [principalA, principalB, secondary] = await Promise.all([
      PanelPage.open(browserA),
      PanelPage.open(browserB),
      PanelPage.open(browserAlice),
    ]);
    await Promise.all(
      [principalA, principalB, secondary].map((panel) => panel.setServer(server.url)),
    );
    await principalA.signIn(employerA, PASSWORD);
    await principalB.signIn(employerB, PASSWORD);
    await secondary.signIn(alice, ALICE_PASSWORD);
  });

  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    await server?.dispose();
  });

  it('tells the principal that an invitation was validated and highlights that row', async () => {
    await api.call('POST', '/secondaries', { token: tokenA, body: { email: dora } });
    await principalA.openTab('Paramétrage');
    const row = principalA.page.getByRole('row').filter({ hasText: dora });
    await expectText(row, 'En attente de validation', LIVE_TIMEOUT);

    // Reduced motion: the row stays marked without fading, as the screenshot shows it.
    await setColorScheme(principalA.page, 'light');
    await principalA.page.setViewportSize({ width: 360, height: 800 });
    await acceptInvitation(dora, 'mot-de-passe-dora');
    await principalA.notice(`${dora} a validé son invitation.`).waitFor({ timeout: LIVE_TIMEOUT });
    await expectVisible(principalA.page.locator('tr.row-highlight', { hasText: dora }));
    await expectText(row, 'Actif');
    await screenshot(principalA.page, 'notice-invitation-validated-360');
    await row.scrollIntoViewIfNeeded();
    await screenshot(principalA.page, 'row-invitation-validated-360');
    await principalA.page.evaluate(() => window.scrollTo(0, 0));
    // The highlight lasts a moment, not for good.
    await expectCount(principalA.page.locator('tr.row-highlight'), 0, 8_000);
    await principalA.page.setViewportSize({ width: 420, height: 900 });
  });

  it('tells the receiving principal and the secondaries of the ceded space', async () => {
    await principalA.page
      .getByLabel("Adresse e-mail de l'utilisateur principal destinataire")
      .fill(employerB);
    await principalA.page.getByRole('button', { name: 'Céder les SIRETs' }).click();
    const cession = principalA.dialog('Céder les SIRETs');
    await expectText(cession, employerB);
    await cession.getByRole('button', { name: 'Confirmer' }).click();

    await principalB
      .notice(`${employerA} vous a cédé 2 SIRETs et 2 utilisateurs secondaires.`)
      .waitFor({ timeout: LIVE_TIMEOUT });
    await secondary
      .notice(`Votre espace est désormais géré par ${employerB}.`)
      .waitFor({ timeout: LIVE_TIMEOUT });
    // The former principal keeps their own notice, and no other.
    await principalA
      .notice('Vos SIRETs ont été cédés : vous êtes désormais utilisateur secondaire')
      .waitFor({ timeout: LIVE_TIMEOUT });
    await expectCount(principalA.page.locator('.notice'), 2);
    await principalB.page
      .getByRole('region', { name: `SIRET ${formatSiret(s1)}` })
      .waitFor({ timeout: LIVE_TIMEOUT });
    await screenshot(principalB.page, 'notice-cession-received');
    await screenshot(secondary.page, 'notice-cession-managed');
  });

  it('keeps the pile short: three notices, newest first, and the count of the others', async () => {
    const tokenB = await api.login(employerB, PASSWORD);
    await api.call('POST', '/sirets', {
      token: tokenB,
      body: { siret: sC, unlockCode: 'CODE-SC', assignToAllSecondaries: false },
    });
    const attribute = (sirets: string[]) =>
      api.call('PUT', `/secondaries/${aliceId}/sirets`, { token: tokenB, body: { sirets } });
    await attribute([s1, s2]);
    await secondary.notice(`Le SIRET ${formatSiret(s2)} vous a été attribué.`).waitFor();
    await attribute([s1, s2, sB]);
    await secondary.notice(`Le SIRET ${formatSiret(sB)} vous a été attribué.`).waitFor();
    await attribute([s2, sB]);
    await secondary.notice(`Le SIRET ${formatSiret(s1)} vous a été retiré.`).waitFor();
    await attribute([s2, sB, sC]);
    await secondary.notice(`Le SIRET ${formatSiret(sC)} vous a été attribué.`).waitFor();

    const texts = await secondary.page.locator('.notice p').allTextContents();
    expect(texts).toEqual([
      `Le SIRET ${formatSiret(sC)} vous a été attribué.`,
      `Le SIRET ${formatSiret(s1)} vous a été retiré.`,
      `Le SIRET ${formatSiret(sB)} vous a été attribué.`,
    ]);
    await expectVisible(secondary.page.getByRole('button', { name: '2 autres changements' }));
    // « Mes SIRETs » stays within sight.
    const mine = await secondary.mySirets().boundingBox();
    expect(mine && mine.y).toBeLessThan(700);

    // Given back before its notice was read: both notices go.
    await attribute([s2, sB]);
    await expectCount(secondary.notice(`Le SIRET ${formatSiret(sC)}`), 0, LIVE_TIMEOUT);
    await attribute([s2, sB, sC]);
    await secondary.notice(`Le SIRET ${formatSiret(sC)} vous a été attribué.`).waitFor();

    // The dossier tables under the notices are looked at by the dashboard's own tests.
    const aboutNotices = (line: string) => !line.includes('table-scroll');
    const problems = await screenProblems(secondary.page, 'notices-pending', {
      height: 760,
      keep: aboutNotices,
    });
    expect(problems, problems.join('\n')).toEqual([]);

    await secondary.page.getByRole('button', { name: 'Tout effacer' }).click();
    await expectCount(secondary.page.locator('.notice'), 0);
  });
});
