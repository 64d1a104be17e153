/**
 * Every screen and dialog of the panel checked by axe-core (WCAG 2.1 A and AA)
 * in the light and the dark color scheme, with a screenshot of each; then the
 * principal's story done with the keyboard only.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSiret } from '../../shared/siret.js';
import { uniqueEmail, validSiret } from '../support/fixtures.js';
import { LIVE_TIMEOUT, PanelPage } from './pages/panel-page.js';
import { apiOf, ApiRefusal, type ApiCaller } from './support/api.js';
import {
  browserTestsEnabled,
  ensureExtensionBuilt,
  launchBrowserWithExtension,
} from './support/chromium.js';
import { expectFocused, expectLabel, expectVisible } from './support/expect-page.js';
import { tabTo, typeInFocused } from './support/keyboard.js';
import { axeViolations, screenProblems } from './support/screens.js';
import { ADMIN, startTestServer, type TestServer } from './support/test-server.js';

const PASSWORD = 'mot-de-passe-principal';

describe.skipIf(!browserTestsEnabled())('accessibility of the panel', () => {
  let server: TestServer;
  let api: ApiCaller;
  const contexts: BrowserContext[] = [];
  /** Violations per screen and scheme, reported together at the end of a test. */
  let found: string[] = [];

  async function launch(): Promise<BrowserContext> {
    const context = await launchBrowserWithExtension();
    contexts.push(context);
    return context;
  }

  /**
   * Runs axe on the page as it is at 360 and 400 px, in both schemes, looks for
   * anything sticking out sideways, and saves a screenshot of each (docs/screenshots).
   * `prepare` brings the part looked at into view after each resize.
   */
  async function checkScreen(
    page: Page,
    name: string,
    prepare?: () => Promise<unknown>,
  ): Promise<void> {
    found.push(...(await screenProblems(page, name, { prepare })));
  }

  function expectNoViolations(): void {
    const lines = found;
    found = [];
    expect(lines, lines.join('\n')).toEqual([]);
  }

  /** A principal's space made over HTTP: s1 at "Compléter dossier", s2 at "Consultation". */
  async function createSpace() {
    const [s1, s2, s3] = [validSiret(), validSiret(), validSiret()];
    await api.openDossier(s1, 'CODE-S1');
    await api.openDossier(s2, 'CODE-S2', 'consultation');
    await api.openDossier(s3, 'CODE-S3', 'consultation');
    const email = uniqueEmail('employeur');
    const token = await api.signUp(email, PASSWORD, s1, 'CODE-S1');
    return { email, token, s1, s2, s3 };
  }

  beforeAll(async () => {
    [server] = await Promise.all([startTestServer(), ensureExtensionBuilt()]);
    api = apiOf(server.url);
  });

  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    await server?.dispose();
  });

  it('has no WCAG 2.1 A/AA violation on any screen or dialog, light and dark', async () => {
    const space = await createSpace();
    await api.call('POST', '/sirets', {
      token: space.token,
      body: { siret: space.s2, unlockCode: 'CODE-S2', assignToAllSecondaries: false },
    });
    const alice = uniqueEmail('alice');
    const bruno = uniqueEmail('bruno');
    for (const email of [alice, bruno]) {
      await api.call('POST', '/secondaries', { token: space.token, body: { email } });
    }
    const link = await server.waitForInvitationLink(alice);
    const accepted = await api.call<{ user: { id: number } }>(
      'POST',
      `/invitations/${link.split('/').at(-1)}/accept`,
      { body: { password: 'mot-de-passe-alice' } },
    );
    await api.call('PUT', `/secondaries/${accepted.user.id}/sirets`, {
      token: space.token,
      body: { sirets: [space.s1, space.s2] },
    });
    // Five wrong unlock codes lock the addition of s3: the admin's lock list has an entry.
    for (let attempt = 0; attempt < 5; attempt++) {
      await expect(
        api.call('POST', '/sirets', {
          token: space.token,
          body: { siret: space.s3, unlockCode: 'MAUVAIS-CODE' },
        }),
      ).rejects.toBeInstanceOf(ApiRefusal);
    }

    const [principalBrowser, secondaryBrowser, adminBrowser] = await Promise.all([
      launch(),
      launch(),
      launch(),
    ]);

    // Signed out: sign in, sign up, settings.
    const principal = await PanelPage.open(principalBrowser);
    await principal.heading('Connexion').waitFor();
    // The check itself works on the extension's pages: a faint text is caught.
    await principal.page.evaluate(() => {
      const faint = document.createElement('p');
      faint.id = 'faint-text';
      faint.style.color = '#dddddd';
      faint.textContent = 'Texte trop pâle';
      document.querySelector('main')?.append(faint);
    });
    expect((await axeViolations(principal.page)).map((violation) => violation.id)).toContain(
      'color-contrast',
    );
    await principal.page.evaluate(() => document.getElementById('faint-text')?.remove());
    await checkScreen(principal.page, 'screen-sign-in');
    await principal.page.getByRole('button', { name: 'Créer un espace employeur' }).click();
    await principal.heading('Créer un espace employeur').waitFor();
    await checkScreen(principal.page, 'screen-sign-up');
    await principal.page.getByRole('button', { name: 'Créer mon espace' }).click();
    await principal.page.getByText('Le SIRET est obligatoire.').waitFor();
    await checkScreen(principal.page, 'screen-sign-up-errors');
    await principal.page.getByRole('button', { name: "J'ai déjà un compte" }).click();
    await principal.page.getByRole('button', { name: 'Réglages du serveur' }).click();
    await principal.heading('Réglages').waitFor();
    await checkScreen(principal.page, 'screen-settings');
    await principal.page.getByRole('button', { name: 'Retour' }).click();
    await principal.setServer(server.url);
    await principal.signIn(space.email, PASSWORD);

    // The principal: dashboard, Paramétrage and its dialogs, team, settings.
    await principal.heading(`SIRET ${formatSiret(space.s1)}`).waitFor();
    await checkScreen(principal.page, 'screen-dashboard');
    await principal.openTab('Paramétrage');
    await principal.secondaryRow(alice).getByText('Actif', { exact: true }).waitFor();
    await checkScreen(principal.page, 'screen-parametrage-cession');
    await checkScreen(principal.page, 'screen-parametrage-sirets', () =>
      principal.heading('Gestion des SIRETs').scrollIntoViewIfNeeded(),
    );
    await checkScreen(principal.page, 'screen-parametrage-secondaries', () =>
      principal.secondariesTable().scrollIntoViewIfNeeded(),
    );

    await principal.siretsButton(alice).click();
    const siretsDialog = principal.dialog(`Liste SIRETs — ${alice}`);
    await siretsDialog.waitFor();
    await checkScreen(principal.page, 'dialog-liste-sirets');
    await siretsDialog.getByRole('button', { name: 'Annuler' }).click();

    await principal.page.getByRole('button', { name: `Supprimer ${bruno}` }).click();
    const removeDialog = principal.dialog("Supprimer l'utilisateur secondaire");
    await removeDialog.waitFor();
    await checkScreen(principal.page, 'dialog-remove-secondary');
    await removeDialog.getByRole('button', { name: 'Annuler' }).click();

    await principal.deleteSiretButton(space.s1).click();
    const confirm = principal.dialog('Supprimer le SIRET');
    await confirm.waitFor();
    await checkScreen(principal.page, 'dialog-delete-siret');
    await confirm.getByRole('button', { name: 'Confirmer' }).click();
    const refusal = principal.alertDialog('Suppression impossible');
    await refusal.waitFor();
    await checkScreen(principal.page, 'dialog-refusal-fermer');
    await refusal.getByRole('button', { name: 'FERMER' }).click();

    // An address that is no principal's is refused at the field, before any confirmation.
    const cessionAddress = principal.page.getByLabel(
      "Adresse e-mail de l'utilisateur principal destinataire",
    );
    await cessionAddress.fill('personne@example.fr');
    await principal.page.getByRole('button', { name: 'Céder les SIRETs' }).click();
    await principal.page
      .locator('.field-error', { hasText: "L'adresse mail à renseigner doit être celle" })
      .waitFor();
    await checkScreen(principal.page, 'screen-parametrage-cession-refused');
    await cessionAddress.fill((await createSpace()).email);
    await principal.page.getByRole('button', { name: 'Céder les SIRETs' }).click();
    const cession = principal.dialog('Céder les SIRETs');
    await cession.waitFor();
    await checkScreen(principal.page, 'dialog-cession');
    await cession.getByRole('button', { name: 'Annuler' }).click();

    await principal.openTab('Équipe');
    await checkScreen(principal.page, 'screen-team');
    await principal.page.getByRole('button', { name: 'Réglages' }).click();
    await principal.heading('Réglages').waitFor();
    await checkScreen(principal.page, 'screen-settings-signed-in');
    await principal.page.getByRole('button', { name: 'Retour' }).click();

    // The secondary's view, with the notice of a SIRET attributed live.
    const secondary = await PanelPage.open(secondaryBrowser);
    await secondary.setServer(server.url);
    await secondary.signIn(alice, 'mot-de-passe-alice');
    await secondary.mySirets().getByText(formatSiret(space.s2)).waitFor();
    await api.call('PUT', `/secondaries/${accepted.user.id}/sirets`, {
      token: space.token,
      body: { sirets: [space.s1] },
    });
    await secondary
      .notice(`Le SIRET ${formatSiret(space.s2)} vous a été retiré.`)
      .waitFor({ timeout: LIVE_TIMEOUT });
    await checkScreen(secondary.page, 'screen-secondary');
    await secondary.openTab('Équipe');
    await checkScreen(secondary.page, 'screen-secondary-team');

    // The support agent: the invitation feed and the lock list.
    const admin = await PanelPage.open(adminBrowser);
    await admin.setServer(server.url);
    await admin.signIn(ADMIN.email, ADMIN.password);
    // The desk opens on « Rechercher »; the live feed is the next tab but one.
    await admin.heading('Rechercher un compte').waitFor();
    await checkScreen(admin.page, 'screen-admin-search');
    await admin.page.getByRole('tab', { name: 'Invitations et blocages' }).click();
    await admin.heading('Invitations en direct').waitFor();
    await checkScreen(admin.page, 'screen-admin-feed');
    await admin.page
      .getByRole('button', { name: /^Réinitialiser / })
      .first()
      .waitFor();
    await checkScreen(admin.page, 'screen-admin-locks', () =>
      admin.heading('Comptes bloqués').scrollIntoViewIfNeeded(),
    );

    expectNoViolations();
  });

  it('lets a principal do the whole story with the keyboard only', async () => {
    const space = await createSpace();
    const secondaryEmail = uniqueEmail('clavier');
    const context = await launch();
    const panel = await PanelPage.open(context);
    const { page } = panel;
    const press = (key: string) => page.keyboard.press(key);

    // The server address, through the settings screen.
    await panel.heading('Connexion').waitFor();
    await tabTo(page.getByRole('button', { name: 'Réglages du serveur' }));
    await press('Enter');
    await tabTo(page.getByLabel('Adresse du serveur'));
    await typeInFocused(page.getByLabel('Adresse du serveur'), server.url);
    await press('Enter');
    await panel.toast('Adresse du serveur enregistrée.').waitFor();

    // Sign in.
    const email = page.getByRole('textbox', { name: 'Adresse e-mail' });
    await tabTo(email);
    await page.keyboard.type(space.email);
    await press('Tab');
    await expectFocused(page.getByLabel('Mot de passe', { exact: true }));
    await page.keyboard.type(PASSWORD);
    await tabTo(page.getByRole('button', { name: 'Se connecter' }));
    await press('Enter');
    await panel.waitSignedIn(space.email);

    // To the Paramétrage tab (arrow keys move between tabs).
    await tabTo(panel.tab('Tableau de bord'));
    await press('ArrowRight');
    await expectFocused(panel.tab('Paramétrage'));
    await page.getByRole('tab', { name: 'Paramétrage', selected: true }).waitFor();

    // Add a SIRET, with the box "à tous les utilisateurs secondaires" ticked by Space.
    const siretForm = page.getByRole('form', { name: 'Ajouter un nouveau SIRET' });
    await tabTo(siretForm.getByRole('textbox', { name: 'SIRET' }));
    await page.keyboard.type(formatSiret(space.s2));
    await press('Tab');
    await expectFocused(siretForm.getByRole('textbox', { name: 'Code de déblocage' }));
    await page.keyboard.type('CODE-S2');
    const assignAll = siretForm.getByRole('checkbox', {
      name: 'Ajouter ce SIRET à tous les utilisateurs secondaires',
    });
    await tabTo(assignAll);
    await press('Space');
    expect(await assignAll.isChecked()).toBe(true);
    await tabTo(siretForm.getByRole('button', { name: 'Enregistrer nouveau SIRET' }));
    await press('Enter');
    await panel.toast('Nouveau SIRET enregistré.').waitFor();
    await panel.siretRow(space.s2).waitFor();

    // Add a secondary (Enter in the field submits).
    const secondaryForm = page.getByRole('form', {
      name: 'Ajouter un nouvel utilisateur secondaire',
    });
    await tabTo(secondaryForm.getByRole('textbox', { name: 'Email' }));
    await page.keyboard.type(secondaryEmail);
    await press('Enter');
    await panel.secondaryRow(secondaryEmail).waitFor();

    // "Liste SIRETs": focus moves in, Tab stays inside, Space ticks, focus comes back.
    const opener = panel.siretsButton(secondaryEmail);
    await tabTo(opener);
    await press('Enter');
    const dialog = panel.dialog(`Liste SIRETs — ${secondaryEmail}`);
    await dialog.waitFor();
    const first = dialog.getByRole('checkbox', { name: formatSiret(space.s1) });
    await expectFocused(first);
    await press('Shift+Tab');
    await expectFocused(dialog.getByRole('button', { name: 'Enregistrer' }));
    await press('Tab');
    await expectFocused(first);
    await press('Space');
    expect(await first.isChecked()).toBe(true);
    await tabTo(dialog.getByRole('button', { name: 'Enregistrer' }), { max: 6 });
    await press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await expectLabel(opener, `Liste SIRETs de ${secondaryEmail} (1)`);
    await expectFocused(opener);
    // Escape closes without saving, and focus comes back too.
    await press('Enter');
    await expectFocused(first);
    await press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expectFocused(opener);

    // Delete a SIRET whose dossier is at "Compléter dossier": Confirmer, then FERMER.
    const deleteS1 = panel.deleteSiretButton(space.s1);
    await tabTo(deleteS1, { backwards: true });
    await press('Enter');
    const confirm = panel.dialog('Supprimer le SIRET');
    await expectFocused(confirm.getByRole('button', { name: 'Annuler' }));
    await press('Tab');
    await expectFocused(confirm.getByRole('button', { name: 'Confirmer' }));
    await press('Enter');
    const refusal = panel.alertDialog('Suppression impossible');
    await expectFocused(refusal.getByRole('button', { name: 'FERMER' }));
    await press('Enter');
    await refusal.waitFor({ state: 'detached' });
    await expectFocused(deleteS1);

    // Delete s2 (its dossier is at "Consultation"): Annuler with Escape first, then Confirmer.
    const deleteS2 = panel.deleteSiretButton(space.s2);
    await tabTo(deleteS2);
    await press('Enter');
    await expectFocused(confirm.getByRole('button', { name: 'Annuler' }));
    await press('Escape');
    await confirm.waitFor({ state: 'detached' });
    await expectFocused(deleteS2);
    await press('Enter');
    await expectFocused(confirm.getByRole('button', { name: 'Annuler' }));
    await press('Tab');
    await expectFocused(confirm.getByRole('button', { name: 'Confirmer' }));
    await press('Enter');
    await panel.toast('SIRET supprimé.').waitFor();
    await panel.siretRow(space.s2).waitFor({ state: 'detached' });
    // The deleted row's button is gone: focus is on the list, never lost on the page body.
    await expectFocused(panel.page.getByRole('heading', { name: 'Liste des SIRETs' }));
    await expectVisible(panel.siretRow(space.s1));
    await expectLabel(opener, `Liste SIRETs de ${secondaryEmail} (1)`);
  });
});
