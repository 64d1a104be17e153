/**
 * The seed guide's story in three browsers side by side: a principal, a
 * secondary and the support agent, each with the built extension, against a
 * real server. Every change made in one browser shows up in the others live.
 */
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ERRORS } from '../../shared/errors.js';
import { formatSiret } from '../../shared/siret.js';
import { uniqueEmail, validSiret } from '../support/fixtures.js';
import { InvitationPage } from './pages/invitation-page.js';
import { LIVE_TIMEOUT, PanelPage } from './pages/panel-page.js';
import { apiOf, type ApiCaller } from './support/api.js';
import {
  browserTestsEnabled,
  ensureExtensionBuilt,
  launchBrowserWithExtension,
} from './support/chromium.js';
import {
  expectCount,
  expectFocused,
  expectLabel,
  expectNoText,
  expectText,
  expectVisible,
} from './support/expect-page.js';
import { screenshot, setColorScheme } from './support/screens.js';
import { ADMIN, startTestServer, type TestServer } from './support/test-server.js';

const PASSWORD = 'mot-de-passe-principal';
const SECONDARY_PASSWORD = 'mot-de-passe-secondaire';

describe.skipIf(!browserTestsEnabled())('the seed guide in three browsers', () => {
  let server: TestServer;
  let api: ApiCaller;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    [server] = await Promise.all([startTestServer(), ensureExtensionBuilt()]);
    api = apiOf(server.url);
    contexts.push(
      ...(await Promise.all([
        launchBrowserWithExtension(),
        launchBrowserWithExtension(),
        launchBrowserWithExtension(),
      ])),
    );
  });

  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    await server?.dispose();
  });

  it('plays sign-up, SIRETs, secondaries, attribution, refused then allowed deletion and cession, live everywhere', async () => {
    const [principalBrowser, secondaryBrowser, adminBrowser] = contexts as [
      BrowserContext,
      BrowserContext,
      BrowserContext,
    ];
    const [s1, s2, s3, s4] = [validSiret(), validSiret(), validSiret(), validSiret()];
    const principalEmail = uniqueEmail('employeur');
    const [alice, bruno] = [uniqueEmail('alice'), uniqueEmail('bruno')];
    const otherPrincipal = uniqueEmail('autre.employeur');

    // The insurer opens dossiers (through the admin API).
    const dossierS1 = await api.openDossier(s1, 'CODE-S1');
    await api.openDossier(s2, 'CODE-S2', 'consultation');
    await api.openDossier(s3, 'CODE-S3');
    await api.openDossier(s4, 'CODE-S4');

    // The support agent watches from their own browser.
    const admin = await PanelPage.open(adminBrowser);
    await admin.setServer(server.url);
    await admin.signIn(ADMIN.email, ADMIN.password);
    await admin.page.getByRole('tab', { name: 'Invitations et blocages' }).click();
    await admin.heading('Invitations en direct').waitFor();

    // The principal signs up with the SIRET typed with spaces.
    const principal = await PanelPage.open(principalBrowser);
    await principal.setServer(server.url);
    await screenshot(principal.page, 'sign-in');
    await principal.signUp({
      email: principalEmail,
      password: PASSWORD,
      siret: formatSiret(s1),
      unlockCode: 'CODE-S1',
    });
    await principal.toast('Votre espace employeur est créé.').waitFor();
    await principal.heading(`SIRET ${formatSiret(s1)}`).waitFor();
    await screenshot(principal.page, 'dashboard');

    await principal.openTab('Paramétrage');
    await principal.addSiret(s2, 'CODE-S2', true);
    await principal.addSecondary(alice);
    await principal.addSecondary(bruno);
    for (const email of [alice, bruno]) {
      await principal.secondaryRow(email).getByText('En attente de validation').waitFor();
      await admin.page
        .getByRole('listitem')
        .filter({ hasText: `${principalEmail} a invité ${email}` })
        .getByText('En attente', { exact: true })
        .waitFor();
    }
    await principal.heading('Céder les SIRETs').scrollIntoViewIfNeeded();
    await screenshot(principal.page, 'principal-parametrage');

    // Alice opens the link of her e-mail and chooses a password.
    const invitation = await InvitationPage.open(
      secondaryBrowser,
      await server.waitForInvitationLink(alice),
    );
    await invitation.activate(SECONDARY_PASSWORD);
    await invitation.page.close();

    // The principal's table and the admin's feed change without a reload.
    await principal
      .secondaryRow(alice)
      .getByText('Actif', { exact: true })
      .waitFor({ timeout: LIVE_TIMEOUT });
    await admin.page
      .getByRole('listitem')
      .filter({ hasText: `${principalEmail} a invité ${alice}` })
      .getByText('Validée', { exact: true })
      .waitFor({ timeout: LIVE_TIMEOUT });
    await expectVisible(principal.secondaryRow(bruno).getByText('En attente de validation'));
    await principal.secondariesTable().scrollIntoViewIfNeeded();
    await screenshot(principal.page, 'secondaries-table');
    await screenshot(admin.page, 'admin-feed');
    await setColorScheme(admin.page, 'dark');
    await screenshot(admin.page, 'admin-feed-dark');
    await setColorScheme(admin.page, 'light');

    // Alice signs in: no SIRET yet (the box was ticked before she existed).
    const secondary = await PanelPage.open(secondaryBrowser);
    await secondary.setServer(server.url);
    await secondary.signIn(alice, SECONDARY_PASSWORD);
    await secondary.page
      .getByText('Aucun SIRET ne vous est attribué pour le moment.')
      .first()
      .waitFor();
    await expectCount(secondary.tab('Paramétrage'), 0);
    // The principal sees her online.
    await principal.secondaryRow(alice).getByText('En ligne').waitFor({ timeout: LIVE_TIMEOUT });

    // "Liste SIRETs": the principal ticks s1 and s2 for Alice; her panel follows, with a notice.
    await principal.siretsButton(alice).click();
    const siretsDialog = principal.dialog(`Liste SIRETs — ${alice}`);
    await siretsDialog.getByRole('checkbox', { name: formatSiret(s1) }).check();
    await siretsDialog.getByRole('checkbox', { name: formatSiret(s2) }).check();
    await screenshot(principal.page, 'siret-dialog');
    await siretsDialog.getByRole('button', { name: 'Enregistrer' }).click();
    await siretsDialog.waitFor({ state: 'detached' });
    await expectLabel(principal.siretsButton(alice), `Liste SIRETs de ${alice} (2)`);
    for (const siret of [s1, s2]) {
      await secondary.mySirets().getByText(formatSiret(siret)).waitFor({ timeout: LIVE_TIMEOUT });
      await secondary.notice(`Le SIRET ${formatSiret(siret)} vous a été attribué.`).waitFor();
    }
    await secondary.heading(`SIRET ${formatSiret(s1)}`).waitFor();
    await screenshot(secondary.page, 'secondary-live');

    // A SIRET added "à tous les utilisateurs secondaires" reaches Alice (and Bruno) at once.
    await principal.addSiret(s4, 'CODE-S4', true);
    await secondary.mySirets().getByText(formatSiret(s4)).waitFor({ timeout: LIVE_TIMEOUT });
    // Alice reads her notices: s1 taken away next is news, not a cancelled attribution.
    await secondary.page.getByRole('button', { name: 'Tout effacer' }).click();
    await expectLabel(principal.siretsButton(bruno), `Liste SIRETs de ${bruno} (1)`);

    // Deleting s1 while its dossier is at "Compléter dossier": the seed's refusal, closed by FERMER.
    await principal.deleteSiretButton(s1).click();
    const confirm = principal.dialog('Supprimer le SIRET');
    await screenshot(principal.page, 'delete-confirmation');
    await confirm.getByRole('button', { name: 'Confirmer' }).click();
    const refusal = principal.alertDialog('Suppression impossible');
    await expectText(refusal, ERRORS.SIRET_DELETE_NOT_ALLOWED.message);
    await expectText(
      refusal,
      "La suppression d'un SIRET n'est possible qu'à partir de l'étape dossier de consultation. Merci de renouveler votre opération une fois cette étape atteinte sur l'ensemble des dossiers associés à ce SIRET",
    );
    await screenshot(principal.page, 'refusal-dialog');
    await refusal.getByRole('button', { name: 'FERMER' }).click();
    await refusal.waitFor({ state: 'detached' });
    await expectFocused(principal.deleteSiretButton(s1));
    await expectVisible(principal.siretRow(s1));

    // Once the dossier reaches "Consultation" the deletion goes through, and Alice loses s1 live.
    await api.setDossierStatus(dossierS1, 'consultation');
    await principal.siretRow(s1).getByText('1 dossier en cours').waitFor({ timeout: LIVE_TIMEOUT });
    await expectNoText(principal.siretRow(s1), 'à compléter');
    await principal.deleteSiretButton(s1).click();
    await principal.dialog('Supprimer le SIRET').getByRole('button', { name: 'Confirmer' }).click();
    await principal.toast('SIRET supprimé.').waitFor();
    await principal.siretRow(s1).waitFor({ state: 'detached' });
    await secondary
      .notice(`Le SIRET ${formatSiret(s1)} vous a été retiré.`)
      .waitFor({ timeout: LIVE_TIMEOUT });
    await expectCount(secondary.mySirets().getByText(formatSiret(s1)), 0);

    // Cession to another principal (signed up over HTTP): the panel turns into a secondary's, live.
    await api.signUp(otherPrincipal, PASSWORD, s3, 'CODE-S3');
    await principal.page
      .getByLabel("Adresse e-mail de l'utilisateur principal destinataire")
      .fill(otherPrincipal);
    await principal.page.getByRole('button', { name: 'Céder les SIRETs' }).click();
    const cession = principal.dialog('Céder les SIRETs');
    await expectText(cession, otherPrincipal);
    await screenshot(principal.page, 'cession-confirmation');
    await cession.getByRole('button', { name: 'Confirmer' }).click();
    await principal.tab('Paramétrage').waitFor({ state: 'detached', timeout: LIVE_TIMEOUT });
    await principal
      .notice('Vos SIRETs ont été cédés : vous êtes désormais utilisateur secondaire')
      .waitFor();
    await expectText(principal.page.locator('.user-role'), 'Utilisateur secondaire');
    for (const siret of [s2, s4])
      await expectVisible(principal.mySirets().getByText(formatSiret(siret)));
    await screenshot(principal.page, 'ceded-secondary');
    // Alice came along into the other principal's space, with her SIRETs.
    await secondary.openTab('Équipe');
    await secondary.page
      .getByRole('list', { name: "Membres de l'espace employeur" })
      .getByText(otherPrincipal)
      .waitFor({ timeout: LIVE_TIMEOUT });
    await expectText(secondary.mySirets(), formatSiret(s2));
    await screenshot(secondary.page, 'secondary-team');
  });
});
