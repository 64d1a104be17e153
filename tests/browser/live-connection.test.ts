/**
 * The launcher on the portal's stand-in page, a refused sign-in, and panels
 * that ride out a server restart: they say "Reconnexion…", then "Connecté",
 * and catch up with what changed while the server was down.
 */
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../../shared/errors.js';
import { formatSiret } from '../../shared/siret.js';
import { runRule } from '../../server/rules/run-rule.js';
import { changeDossierStatus } from '../../server/rules/change-dossier-status.js';
import { setSecondarySirets } from '../../server/rules/set-secondary-sirets.js';
import { uniqueEmail, validSiret } from '../support/fixtures.js';
import { LIVE_TIMEOUT, PanelPage } from './pages/panel-page.js';
import { PortalPage } from './pages/portal-page.js';
import { apiOf, type ApiCaller } from './support/api.js';
import {
  browserTestsEnabled,
  ensureExtensionBuilt,
  launchBrowserWithExtension,
} from './support/chromium.js';
import { expectCount, expectText, expectVisible } from './support/expect-page.js';
import { screenshot, setColorScheme } from './support/screens.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const PASSWORD = 'mot-de-passe-principal';
const ALICE_PASSWORD = 'mot-de-passe-alice';

interface UserBody {
  user: { id: number };
}

describe.skipIf(!browserTestsEnabled())('the launcher and the live connection', () => {
  let server: TestServer;
  let api: ApiCaller;
  let principalBrowser: BrowserContext;
  let secondaryBrowser: BrowserContext;
  let principal: PanelPage;
  let secondary: PanelPage;
  const [s1, s2] = [validSiret(), validSiret()];
  const principalEmail = uniqueEmail('employeur');
  const alice = uniqueEmail('alice');
  let dossierS1 = 0;
  let principalId = 0;
  let aliceId = 0;

  beforeAll(async () => {
    [server] = await Promise.all([startTestServer(), ensureExtensionBuilt()]);
    api = apiOf(server.url);
    [principalBrowser, secondaryBrowser] = await Promise.all([
      launchBrowserWithExtension(),
      launchBrowserWithExtension(),
    ]);
    // A space with one active and two pending secondaries, made over HTTP.
    dossierS1 = await api.openDossier(s1, 'CODE-S1');
    await api.openDossier(s2, 'CODE-S2', 'consultation');
    const token = await api.signUp(principalEmail, PASSWORD, s1, 'CODE-S1');
    principalId = (await api.call<UserBody>('GET', '/me', { token })).user.id;
    await api.call('POST', '/sirets', { token, body: { siret: s2, unlockCode: 'CODE-S2' } });
    for (const email of [alice, uniqueEmail('bruno'), uniqueEmail('chloe')]) {
      await api.call('POST', '/secondaries', { token, body: { email } });
    }
    const link = await server.waitForInvitationLink(alice);
    const accepted = await api.call<UserBody>(
      'POST',
      `/invitations/${link.split('/').at(-1)}/accept`,
      { body: { password: ALICE_PASSWORD } },
    );
    aliceId = accepted.user.id;

    principal = await PanelPage.open(principalBrowser);
    secondary = await PanelPage.open(secondaryBrowser);
    await Promise.all([principal.setServer(server.url), secondary.setServer(server.url)]);
  });

  afterAll(async () => {
    await Promise.all([principalBrowser?.close(), secondaryBrowser?.close()]);
    await server?.dispose();
  });

  it('shows the launcher on the portal page, labelled for whoever is signed in, in line with the portal’s links', async () => {
    // Signed out: it invites to sign in, without a badge.
    const signedOut = await PortalPage.open(secondaryBrowser, server.url);
    await expectText(signedOut.launcher(), 'Se connecter au Paramétrage');
    expect(await signedOut.launcher().getAttribute('part')).toBe('launcher');
    expect(await signedOut.host().evaluate((host) => host.shadowRoot !== null)).toBe(true);
    await expectCount(signedOut.badge().locator('visible=true'), 0);
    await signedOut.page.close();

    await principal.signIn(principalEmail, PASSWORD);
    const portal = await PortalPage.open(principalBrowser, server.url);
    for (const width of [900, 400]) {
      await portal.page.setViewportSize({ width, height: 420 });
      await portal
        .host()
        .getByRole('button', { name: 'Paramétrage (2 invitations en attente de validation)' })
        .waitFor();
      await expectText(portal.badge(), '2');
      // The badge says what it counts when hovered.
      expect(await portal.badge().getAttribute('title')).toBe(
        '2 invitations en attente de validation',
      );
      // One more item of the portal's navigation, on one line itself; beside the portal's links
      // when the page is wide enough for them all.
      expect(await portal.page.locator('header nav li > #qrp-parametrage-launcher').count()).toBe(
        1,
      );
      const link = await portal.page.getByRole('link', { name: 'Tableau de bord' }).boundingBox();
      const button = await portal.launcher().boundingBox();
      expect(button!.height).toBeLessThan(40);
      if (width === 900) {
        expect(button!.y < link!.y + link!.height && button!.y + button!.height > link!.y).toBe(
          true,
        );
      }
    }
    await portal.page.setViewportSize({ width: 900, height: 420 });
    await screenshot(portal.page, 'launcher');
    await setColorScheme(portal.page, 'dark');
    await screenshot(portal.page, 'launcher-dark');
    await portal.page.close();
  });

  it('opens the principal’s panel on « Paramétrage » from the launcher', async () => {
    await principal.openTab('Tableau de bord');
    const portal = await PortalPage.open(principalBrowser, server.url);
    const launcher = portal
      .host()
      .getByRole('button', { name: 'Paramétrage (2 invitations en attente de validation)' });
    await launcher.click();
    // The panel (open in its own tab here) switches to the principal's own tab.
    await principal.page
      .getByRole('tab', { name: 'Paramétrage', selected: true })
      .waitFor({ timeout: LIVE_TIMEOUT });
    await portal.page.close();
  });

  it('refuses a wrong password with the server’s message, then signs in', async () => {
    await secondary.fillSignIn(alice, 'pas-le-bon-mot-de-passe');
    await secondary.page.getByRole('alert').getByText(ERRORS.INVALID_CREDENTIALS.message).waitFor();
    await expectVisible(secondary.heading('Connexion'));
    await screenshot(secondary.page, 'sign-in-refused', { toasts: true });
    await secondary.page.getByLabel('Mot de passe', { exact: true }).fill(ALICE_PASSWORD);
    await secondary.page.getByRole('button', { name: 'Se connecter' }).click();
    await secondary.waitSignedIn(alice);
    await secondary.page
      .getByText('Aucun SIRET ne vous est attribué pour le moment.')
      .first()
      .waitFor();

    // A secondary has no « Paramétrage »: the launcher leads to their SIRETs and dashboard.
    await secondary.openHistory();
    const portal = await PortalPage.open(secondaryBrowser, server.url);
    await expectText(portal.launcher(), 'Mes SIRETs');
    await expectCount(portal.badge().locator('visible=true'), 0);
    await portal.launcher().click();
    await secondary.page
      .getByRole('tab', { name: 'Tableau de bord', selected: true })
      .waitFor({ timeout: LIVE_TIMEOUT });
    await portal.page.close();
  });

  it('reconnects after a server restart and catches up with the changes made while it was down', async () => {
    await principal.openTab('Tableau de bord');
    const dossierRow = principal.page
      .getByRole('region', { name: `SIRET ${formatSiret(s1)}` })
      .getByRole('row')
      .nth(1);
    await expectText(dossierRow, 'Compléter dossier');

    await server.stop();
    for (const panel of [principal, secondary]) {
      await panel.connection('Reconnexion…').waitFor({ timeout: LIVE_TIMEOUT });
    }
    await screenshot(secondary.page, 'reconnecting');

    // While the server is down, the dossier moves on and Alice gets both SIRETs.
    const adminId = await server.withDatabase(async (db) => {
      const admin = await db
        .selectFrom('users')
        .select('id')
        .where('role', '=', 'admin')
        .executeTakeFirstOrThrow();
      await runRule(db, (trx) =>
        changeDossierStatus(
          trx,
          { userId: admin.id },
          { dossierId: dossierS1, status: 'consultation' },
        ),
      );
      await runRule(db, (trx) =>
        setSecondarySirets(trx, { userId: principalId }, { userId: aliceId, sirets: [s1, s2] }),
      );
      return admin.id;
    });
    expect(adminId).toBeGreaterThan(0);
    await expectVisible(principal.connection('Reconnexion…'));

    await server.restart();
    for (const panel of [principal, secondary]) {
      await panel.connection('Connecté').waitFor({ timeout: LIVE_TIMEOUT });
    }
    await expectText(dossierRow, 'Consultation', LIVE_TIMEOUT);
    for (const siret of [s1, s2]) {
      await secondary
        .notice(`Le SIRET ${formatSiret(siret)} vous a été attribué.`)
        .waitFor({ timeout: LIVE_TIMEOUT });
      await expectVisible(secondary.mySirets().getByText(formatSiret(siret)));
    }

    // Alice reads her notices: s1 taken away next is news, not a cancelled attribution.
    await secondary.page.getByRole('button', { name: 'Tout effacer' }).click();
    // And the live channel works again: a change made now arrives as usual.
    const token = await api.login(principalEmail, PASSWORD);
    await api.call('PUT', `/secondaries/${aliceId}/sirets`, { token, body: { sirets: [s2] } });
    await secondary
      .notice(`Le SIRET ${formatSiret(s1)} vous a été retiré.`)
      .waitFor({ timeout: LIVE_TIMEOUT });
    await expectCount(secondary.mySirets().getByText(formatSiret(s1)), 0);
  });
});
