/**
 * A cession put back, in the real panels: the receiving principal refuses a
 * cession they did not expect from their « Paramétrage », and the panel of the
 * principal who ceded, open all along, is theirs again (principal, their
 * SIRETs, « Paramétrage »), while their secondary's panel follows. Then a
 * support agent on the phone finds the caller by a SIRET typed with spaces,
 * opens their space and undoes a second cession with a reason, both
 * principals' panels open.
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
import { expectCount, expectVisible } from './support/expect-page.js';
import { screenProblems } from './support/screens.js';
import { ADMIN, startTestServer, type TestServer } from './support/test-server.js';

const PASSWORD = 'mot-de-passe-principal';
const ALICE_PASSWORD = 'mot-de-passe-alice';

describe.skipIf(!browserTestsEnabled())('a cession put back, in the panels', () => {
  let server: TestServer;
  let api: ApiCaller;
  const contexts: BrowserContext[] = [];
  const [s1, s2, sB] = [validSiret(), validSiret(), validSiret()];
  const employerA = uniqueEmail('employeur');
  const employerB = uniqueEmail('autre');
  const alice = uniqueEmail('alice');
  let tokenA = '';
  let aliceId = 0;
  let principalA: PanelPage;
  let principalB: PanelPage;
  let secondary: PanelPage;
  let support: PanelPage;

  beforeAll(async () => {
    [server] = await Promise.all([startTestServer(), ensureExtensionBuilt()]);
    api = apiOf(server.url);
    await api.openDossier(s1, 'CODE-S1');
    await api.openDossier(s2, 'CODE-S2', 'consultation');
    await api.openDossier(sB, 'CODE-SB');
    tokenA = await api.signUp(employerA, PASSWORD, s1, 'CODE-S1');
    await api.call('POST', '/sirets', {
      token: tokenA,
      body: { siret: s2, unlockCode: 'CODE-S2', assignToAllSecondaries: false },
    });
    await api.call('POST', '/secondaries', { token: tokenA, body: { email: alice } });
    const link = await server.waitForInvitationLink(alice);
    const accepted = await api.call<{ user: { id: number } }>(
      'POST',
      `/invitations/${link.split('/').at(-1)}/accept`,
      { body: { password: ALICE_PASSWORD } },
    );
    aliceId = accepted.user.id;
    await api.call('PUT', `/secondaries/${accepted.user.id}/sirets`, {
      token: tokenA,
      body: { sirets: [s1] },
    });
    await api.signUp(employerB, PASSWORD, sB, 'CODE-SB');

    const [browserA, browserB, browserAlice, browserSupport] = await Promise.all([
      launchBrowserWithExtension(),
      launchBrowserWithExtension(),
      launchBrowserWithExtension(),
      launchBrowserWithExtension(),
    ]);
    contexts.push(browserA, browserB, browserAlice, browserSupport);
    [principalA, principalB, secondary, support] = await Promise.all([
      PanelPage.open(browserA),
      PanelPage.open(browserB),
      PanelPage.open(browserAlice),
      PanelPage.open(browserSupport),
    ]);
    await Promise.all(
      [principalA, principalB, secondary, support].map((panel) => panel.setServer(server.url)),
    );
    await principalA.signIn(employerA, PASSWORD);
    await principalB.signIn(employerB, PASSWORD);
    await secondary.signIn(alice, ALICE_PASSWORD);
  });

  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    await server?.dispose();
  });

  it('lets the receiver refuse a cession, and gives the ceding principal their space back, live', async () => {
    // A ceded the space by mistake (over the API, as another tab would).
    await api.call('POST', '/cession', { token: tokenA, body: { email: employerB } });
    await principalA
      .notice('Vos SIRETs ont été cédés : vous êtes désormais utilisateur secondaire')
      .waitFor({ timeout: LIVE_TIMEOUT });
    await expectCount(principalA.tab('Paramétrage'), 0);

    await principalB.openTab('Paramétrage');
    const received = principalB.page.getByRole('region', { name: 'Cessions reçues' });
    await received.waitFor({ timeout: LIVE_TIMEOUT });
    expect(await received.textContent()).toContain(
      `${employerA} vous a cédé 2 SIRETs et 1 utilisateur secondaire`,
    );
    const problems = await screenProblems(principalB.page, 'screen-cession-received', {
      prepare: () => received.scrollIntoViewIfNeeded(),
    });
    expect(problems, problems.join('\n')).toEqual([]);

    await received.getByRole('button', { name: `Refuser la cession de ${employerA}` }).click();
    const dialog = principalB.dialog('Refuser la cession');
    await expectVisible(dialog.getByText(formatSiret(s1)));
    const dialogProblems = await screenProblems(principalB.page, 'dialog-refuse-cession');
    expect(dialogProblems, dialogProblems.join('\n')).toEqual([]);
    await dialog.getByRole('button', { name: 'Refuser la cession' }).click();
    await expectCount(principalB.page.getByRole('dialog'), 0, LIVE_TIMEOUT);
    await expectCount(received, 0, LIVE_TIMEOUT);

    // A's panel, open all along, is a principal's again; Alice is told who manages her space.
    await principalA
      .notice('La cession a été annulée : vous êtes de nouveau utilisateur principal')
      .waitFor({ timeout: LIVE_TIMEOUT });
    await principalA.tab('Paramétrage').waitFor({ timeout: LIVE_TIMEOUT });
    await principalA.openTab('Paramétrage');
    await principalA.page
      .getByRole('region', { name: 'Gestion des SIRETs' })
      .getByText(formatSiret(s2))
      .waitFor({ timeout: LIVE_TIMEOUT });
    await secondary
      .notice(`La cession a été refusée : votre espace est de nouveau géré par ${employerA}.`)
      .waitFor({ timeout: LIVE_TIMEOUT });
    await expectVisible(secondary.mySirets().getByText(formatSiret(s1)));
    // B keeps only their own SIRET.
    await principalB.openTab('Tableau de bord');
    await expectCount(
      principalB.page.getByRole('region', { name: `SIRET ${formatSiret(s1)}` }),
      0,
      LIVE_TIMEOUT,
    );
  });

  it('lets support find the caller by SIRET and undo a cession, both principals watching', async () => {
    await api.call('POST', '/cession', { token: tokenA, body: { email: employerB } });
    await principalA.notice('Vos SIRETs ont été cédés').first().waitFor({ timeout: LIVE_TIMEOUT });

    await support.signIn(ADMIN.email, ADMIN.password);
    const search = support.page.getByRole('search', { name: 'Rechercher un compte' });
    // A says on the phone the SIRET of their establishment, read with spaces.
    await search.getByLabel('Adresse e-mail ou SIRET').fill(formatSiret(s2));
    await search.getByRole('button', { name: 'Rechercher' }).click();
    const results = support.page.getByRole('list', { name: 'Comptes trouvés' });
    const caller = results.getByRole('button', { name: new RegExp(employerA) });
    await caller.waitFor({ timeout: LIVE_TIMEOUT });
    expect(await caller.textContent()).toContain(`Espace de ${employerB}`);
    const searchProblems = await screenProblems(support.page, 'screen-support-search');
    expect(searchProblems, searchProblems.join('\n')).toEqual([]);

    await caller.click();
    const page = support.page.getByRole('region', { name: new RegExp(employerB) }).first();
    const cessions = support.page.getByRole('region', { name: 'Cessions' });
    const undo = cessions.getByRole('button', {
      name: `Annuler la cession de ${employerA} à ${employerB}`,
    });
    await undo.waitFor({ timeout: LIVE_TIMEOUT });
    await expectVisible(page);
    const pageProblems = await screenProblems(support.page, 'screen-support-space');
    expect(pageProblems, pageProblems.join('\n')).toEqual([]);

    // The page is live: B gives Alice their own SIRET while the agent looks (a change of the
    // space's stream alone), and the page shows it at once.
    const tokenB = await api.login(employerB, PASSWORD);
    await api.call('PUT', `/secondaries/${aliceId}/sirets`, {
      token: tokenB,
      body: { sirets: [s1, sB] },
    });
    await support.page
      .getByRole('region', { name: 'Utilisateurs secondaires' })
      .getByText(new RegExp(formatSiret(sB)))
      .waitFor({ timeout: LIVE_TIMEOUT });

    await undo.click();
    const dialog = support.dialog('Annuler la cession');
    // No reason, nothing sent.
    await dialog.getByRole('button', { name: 'Annuler la cession' }).click();
    await expectVisible(dialog.getByText('Le motif est obligatoire.'));
    await dialog.getByLabel('Motif').fill('Cédé par erreur, confirmé au 3679');
    const dialogProblems = await screenProblems(support.page, 'dialog-support-undo-cession');
    expect(dialogProblems, dialogProblems.join('\n')).toEqual([]);
    await dialog.getByRole('button', { name: 'Annuler la cession' }).click();
    await expectCount(support.page.getByRole('dialog'), 0, LIVE_TIMEOUT);

    // Both principals' open panels follow at once.
    await principalA.tab('Paramétrage').waitFor({ timeout: LIVE_TIMEOUT });
    await principalA
      .notice('La cession a été annulée : vous êtes de nouveau utilisateur principal')
      .first()
      .waitFor({ timeout: LIVE_TIMEOUT });
    await principalB
      .notice(`La cession de ${employerA} a été annulée par le support`)
      .waitFor({ timeout: LIVE_TIMEOUT });
    await principalB.openTab('Tableau de bord');
    await expectCount(
      principalB.page.getByRole('region', { name: `SIRET ${formatSiret(s2)}` }),
      0,
      LIVE_TIMEOUT,
    );
    // The day's figures count what just happened; the agents are listed; both fit.
    await support.page.getByRole('tab', { name: 'Aperçu' }).click();
    await support.page
      .getByRole('img', { name: /^Invitations sur 30 jours\./ })
      .waitFor({ timeout: LIVE_TIMEOUT });
    const overviewProblems = await screenProblems(support.page, 'screen-support-overview');
    expect(overviewProblems, overviewProblems.join('\n')).toEqual([]);
    await support.page.getByRole('tab', { name: 'Agents' }).click();
    await support.page.getByText(ADMIN.email).first().waitFor({ timeout: LIVE_TIMEOUT });
    const agentsProblems = await screenProblems(support.page, 'screen-support-agents');
    expect(agentsProblems, agentsProblems.join('\n')).toEqual([]);

    // The support's history keeps the act, its agent and its reason.
    await support.openHistory();
    await support.page
      .getByText(/a annulé la cession de .* \(motif : Cédé par erreur, confirmé au 3679\)/)
      .first()
      .waitFor({ timeout: LIVE_TIMEOUT });
  });
});
