/**
 * « Historique » in real panels against the real server: a secondary sees a
 * change of their SIRETs arrive on top of their history without reloading,
 * counted on the tab while it is closed; support searches every space's
 * history by SIRET. Both screens pass axe in light and dark, at 360 and 400 px.
 */
import type { BrowserContext, Page } from 'playwright-core';
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
import { expectLabel, expectText, expectVisible } from './support/expect-page.js';
import { screenProblems, screenshot } from './support/screens.js';
import { ADMIN, startTestServer, type TestServer } from './support/test-server.js';

const PASSWORD = 'mot-de-passe-principal';
const ALICE_PASSWORD = 'mot-de-passe-alice';
const WIDTHS = [360, 400];

describe.skipIf(!browserTestsEnabled())('the history screens', () => {
  let server: TestServer;
  let api: ApiCaller;
  let memberBrowser: BrowserContext;
  let supportBrowser: BrowserContext;
  let secondary: PanelPage;
  let support: PanelPage;
  let principalToken = '';
  let aliceId = 0;
  const [s1, s2] = [validSiret(), validSiret()];
  const principalEmail = uniqueEmail('employeur');
  const alice = uniqueEmail('alice');

  /** What the principal's change of Alice's SIRETs says in her history. */
  const attributed = (siret: string) =>
    `${principalEmail} a attribué le SIRET ${formatSiret(siret)} à ${alice}`;
  const withdrawn = (siret: string) =>
    `${principalEmail} a retiré le SIRET ${formatSiret(siret)} à ${alice}`;

  async function setAliceSirets(sirets: string[]): Promise<void> {
    await api.call('PUT', `/secondaries/${aliceId}/sirets`, {
      token: principalToken,
      body: { sirets },
    });
  }

  /** Axe in both schemes, nothing sticking out sideways, and screenshots at both widths. */
  async function checkScreen(page: Page, name: string): Promise<void> {
    const found = await screenProblems(page, name, { widths: WIDTHS });
    expect(found, found.join('\n')).toEqual([]);
  }

  beforeAll(async () => {
    [server] = await Promise.all([startTestServer(), ensureExtensionBuilt()]);
    api = apiOf(server.url);
    [memberBrowser, supportBrowser] = await Promise.all([
      launchBrowserWithExtension(),
      launchBrowserWithExtension(),
    ]);
    await api.openDossier(s1, 'CODE-S1');
    await api.openDossier(s2, 'CODE-S2');
    principalToken = await api.signUp(principalEmail, PASSWORD, s1, 'CODE-S1');
    await api.call('POST', '/sirets', {
      token: principalToken,
      body: { siret: s2, unlockCode: 'CODE-S2' },
    });
    await api.call('POST', '/secondaries', { token: principalToken, body: { email: alice } });
    const link = await server.waitForInvitationLink(alice);
    const accepted = await api.call<{ user: { id: number } }>(
      'POST',
      `/invitations/${link.split('/').at(-1)}/accept`,
      { body: { password: ALICE_PASSWORD } },
    );
    aliceId = accepted.user.id;
    await setAliceSirets([s1]);

    secondary = await PanelPage.open(memberBrowser);
    support = await PanelPage.open(supportBrowser);
    await Promise.all([secondary.setServer(server.url), support.setServer(server.url)]);
  });

  afterAll(async () => {
    await Promise.all([memberBrowser?.close(), supportBrowser?.close()]);
    await server?.dispose();
  });

  it('shows a secondary the change of their SIRETs on top of their history, live', async () => {
    await secondary.signIn(alice, ALICE_PASSWORD);
    await secondary.openHistory();
    await expectText(secondary.historyEntries().first(), attributed(s1));

    await setAliceSirets([s1, s2]);
    await expectText(secondary.historyEntries().first(), attributed(s2), LIVE_TIMEOUT);
    await expectText(secondary.historyEntries().nth(1), attributed(s1));
    // Seen as it came: nothing to count on the tab.
    await expectText(secondary.historyTab(), 'Historique');
    expect(await secondary.historyTab().getAttribute('aria-label')).toBeNull();
    await checkScreen(secondary.page, 'history-member');
  });

  it('counts the changes made while the tab is closed, until it is opened', async () => {
    await secondary.page.setViewportSize({ width: 400, height: 800 });
    await secondary.page.getByRole('tab', { name: 'Tableau de bord', exact: true }).click();
    await setAliceSirets([s2]);
    await secondary
      .notice(`Le SIRET ${formatSiret(s1)} vous a été retiré.`)
      .waitFor({ timeout: LIVE_TIMEOUT });
    await expectText(secondary.historyTab(), 'Historique (1)');
    await expectLabel(secondary.historyTab(), 'Historique, 1 changement non lu');
    await screenshot(secondary.page, 'history-unread-400');

    await secondary.openHistory();
    await expectText(secondary.historyEntries().first(), withdrawn(s1));
    await expectText(secondary.historyEntries().nth(1), attributed(s2));
    expect(await secondary.historyTab().innerText()).toBe('Historique');
  });

  it('shows a principal the whole space, four tabs fitting in the narrow panel', async () => {
    await secondary.signOut();
    await secondary.signIn(principalEmail, PASSWORD);
    await secondary.openHistory();
    await expectText(secondary.historyEntries().first(), withdrawn(s1));
    await expectText(
      secondary.page.getByRole('list', { name: 'Historique', exact: true }),
      `${principalEmail} a ajouté le SIRET ${formatSiret(s2)}`,
    );
    await checkScreen(secondary.page, 'history-principal');
  });

  it('lets support search every space’s history by SIRET', async () => {
    await support.signIn(ADMIN.email, ADMIN.password);
    await support.openHistory();
    await expectVisible(support.historyEntries());

    await support.searchHistory({ siret: formatSiret(s2) });
    await expectText(
      support.page.getByRole('list', { name: 'Historique', exact: true }),
      `${principalEmail} a ajouté le SIRET ${formatSiret(s2)}`,
    );
    const texts = await support.historyEntries().allInnerTexts();
    expect(texts.some((text) => text.includes(attributed(s2)))).toBe(true);
    expect(texts.some((text) => text.includes(`a ajouté le SIRET ${formatSiret(s1)}`))).toBe(false);
    await checkScreen(support.page, 'history-support');

    // The server's refusal of the filters shows next to the form.
    await support.searchHistory({ siret: '', from: '2026-03-10', to: '2026-03-01' });
    await expectText(
      support.historySearch().getByRole('alert'),
      'La date de début doit précéder la date de fin.',
    );
    await support.page.setViewportSize({ width: 360, height: 800 });
    await screenshot(support.page, 'history-support-refused-360');
  });
});
