/**
 * The side panel, opened as a tab (`chrome-extension://<id>/sidepanel.html`),
 * described by what a person sees: roles, names and texts.
 */
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { formatSiret } from '../../../shared/siret.js';
import { extensionIdOf } from '../support/chromium.js';

/** Long enough for a reconnection after a server restart (Socket.IO backs off up to 5 s). */
export const LIVE_TIMEOUT = 20_000;

export function exactText(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

export class PanelPage {
  private constructor(readonly page: Page) {}

  /** Opens the panel in a new tab of this person's browser. */
  static async open(context: BrowserContext): Promise<PanelPage> {
    const id = await extensionIdOf(context);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`chrome-extension://${id}/sidepanel.html`);
    return new PanelPage(page);
  }

  // --- signed out -----------------------------------------------------------

  heading(name: string | RegExp): Locator {
    return this.page.getByRole('heading', { name, exact: typeof name === 'string' });
  }

  /** Points the panel at the test server through its settings screen. */
  async setServer(url: string): Promise<void> {
    await this.page.getByRole('button', { name: 'Réglages du serveur' }).click();
    await this.heading('Réglages').waitFor();
    await this.page.getByLabel('Adresse du serveur').fill(url);
    await this.page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await this.toast('Adresse du serveur enregistrée.').waitFor();
    await this.page.getByText(`Serveur : ${url}`).waitFor();
  }

  async fillSignIn(email: string, password: string): Promise<void> {
    await this.heading('Connexion').waitFor();
    await this.page.getByRole('textbox', { name: 'Adresse e-mail' }).fill(email);
    await this.page.getByLabel('Mot de passe', { exact: true }).fill(password);
    await this.page.getByRole('button', { name: 'Se connecter' }).click();
  }

  /** Signs in and waits for the live view. */
  async signIn(email: string, password: string): Promise<void> {
    await this.fillSignIn(email, password);
    await this.waitSignedIn(email);
  }

  async signUp(input: {
    email: string;
    password: string;
    siret: string;
    unlockCode: string;
  }): Promise<void> {
    await this.page.getByRole('button', { name: 'Créer un espace employeur' }).click();
    await this.heading('Créer un espace employeur').waitFor();
    await this.page.getByRole('textbox', { name: 'Adresse e-mail' }).fill(input.email);
    await this.page.getByLabel('Mot de passe', { exact: true }).fill(input.password);
    await this.page.getByRole('textbox', { name: 'SIRET' }).fill(input.siret);
    await this.page.getByRole('textbox', { name: 'Code de déblocage' }).fill(input.unlockCode);
    await this.page.getByRole('button', { name: 'Créer mon espace' }).click();
    await this.waitSignedIn(input.email);
  }

  async waitSignedIn(email: string): Promise<void> {
    await this.page
      .locator('.user-email')
      .filter({ hasText: exactText(email) })
      .waitFor();
    await this.connection('Connecté').waitFor({ timeout: LIVE_TIMEOUT });
    await this.page.getByRole('main', { name: 'Contenu' }).getByRole('heading').first().waitFor();
  }

  // --- header, feedback -------------------------------------------------------

  /** The live indicator in the header, showing this state. */
  connection(label: 'Connecté' | 'Reconnexion…' | 'Connexion…' | 'Déconnecté'): Locator {
    return this.page.locator('.connection').filter({ hasText: exactText(`Temps réel : ${label}`) });
  }

  toast(text: string | RegExp): Locator {
    return this.page.locator('.toast').filter({ hasText: text });
  }

  notice(text: string | RegExp): Locator {
    return this.page.getByRole('status', { name: 'Notifications' }).locator('.notice', {
      hasText: text,
    });
  }

  async signOut(): Promise<void> {
    await this.page.getByRole('button', { name: 'Se déconnecter' }).click();
    await this.heading('Connexion').waitFor();
  }

  // --- tabs -------------------------------------------------------------------

  tab(name: 'Tableau de bord' | 'Paramétrage' | 'Équipe'): Locator {
    return this.page.getByRole('tab', { name, exact: true });
  }

  async openTab(name: 'Tableau de bord' | 'Paramétrage' | 'Équipe'): Promise<void> {
    await this.tab(name).click();
    await this.page.getByRole('tab', { name, selected: true }).waitFor();
  }

  // --- Paramétrage: SIRETs ----------------------------------------------------------

  async addSiret(siret: string, unlockCode: string, assignToAll = false): Promise<void> {
    const form = this.page.getByRole('form', { name: 'Ajouter un nouveau SIRET' });
    await form.getByRole('textbox', { name: 'SIRET' }).fill(siret);
    await form.getByRole('textbox', { name: 'Code de déblocage' }).fill(unlockCode);
    if (assignToAll) {
      await form
        .getByRole('checkbox', { name: 'Ajouter ce SIRET à tous les utilisateurs secondaires' })
        .check();
    }
    await form.getByRole('button', { name: 'Enregistrer nouveau SIRET' }).click();
    await this.toast('Nouveau SIRET enregistré.').waitFor();
    await this.siretRow(siret).waitFor();
  }

  siretList(): Locator {
    return this.page.locator('.siret-list');
  }

  siretRow(siret: string): Locator {
    return this.siretList()
      .getByRole('listitem')
      .filter({ hasText: formatSiret(siret) });
  }

  deleteSiretButton(siret: string): Locator {
    return this.page.getByRole('button', { name: `Supprimer le SIRET ${formatSiret(siret)}` });
  }

  dialog(name: string | RegExp): Locator {
    return this.page.getByRole('dialog', { name });
  }

  alertDialog(name: string | RegExp): Locator {
    return this.page.getByRole('alertdialog', { name });
  }

  // --- Paramétrage: secondaries --------------------------------------------------------

  async addSecondary(email: string): Promise<void> {
    const form = this.page.getByRole('form', {
      name: 'Ajouter un nouvel utilisateur secondaire',
    });
    await form.getByRole('textbox', { name: 'Email' }).fill(email);
    await form.getByRole('button', { name: 'Enregistrer nouvel utilisateur secondaire' }).click();
    await this.toast(`Invitation envoyée à ${email}.`).waitFor();
    await this.secondaryRow(email).waitFor();
  }

  secondariesTable(): Locator {
    return this.page.getByRole('table', { name: 'Liste des utilisateurs secondaires' });
  }

  secondaryRow(email: string): Locator {
    return this.secondariesTable()
      .getByRole('row')
      .filter({ has: this.page.getByRole('rowheader', { name: new RegExp(escape(email)) }) });
  }

  siretsButton(email: string): Locator {
    return this.page.getByRole('button', { name: new RegExp(`^Liste SIRETs de ${escape(email)}`) });
  }

  /** Opens "Liste SIRETs" of a secondary, ticks exactly these SIRETs and saves. */
  async attributeSirets(email: string, sirets: string[], all: string[]): Promise<void> {
    await this.siretsButton(email).click();
    const dialog = this.dialog(`Liste SIRETs — ${email}`);
    await dialog.waitFor();
    for (const siret of all) {
      await dialog
        .getByRole('checkbox', { name: formatSiret(siret) })
        .setChecked(sirets.includes(siret));
    }
    await dialog.getByRole('button', { name: 'Enregistrer' }).click();
    await dialog.waitFor({ state: 'detached' });
  }

  // --- Historique ----------------------------------------------------------------------

  /** The Historique tab, whatever its unread count (« Historique (2) »). */
  historyTab(): Locator {
    return this.page.getByRole('tab', { name: /^Historique/ });
  }

  async openHistory(): Promise<void> {
    await this.historyTab().click();
    await this.page.getByRole('tab', { name: /^Historique/, selected: true }).waitFor();
    await this.heading('Historique').waitFor();
  }

  /** The history's entries as shown, newest first. */
  historyEntries(): Locator {
    return this.page.getByRole('list', { name: 'Historique', exact: true }).getByRole('listitem');
  }

  historySearch(): Locator {
    return this.page.getByRole('search', { name: 'Rechercher dans l’historique' });
  }

  /** Support: fills the history's filters that are given and runs the search. */
  async searchHistory(filters: { email?: string; siret?: string; from?: string; to?: string }) {
    const form = this.historySearch();
    if (filters.email !== undefined) {
      await form.getByRole('textbox', { name: 'Adresse e-mail' }).fill(filters.email);
    }
    if (filters.siret !== undefined) {
      await form.getByRole('textbox', { name: 'SIRET' }).fill(filters.siret);
    }
    if (filters.from !== undefined) await form.getByLabel('Du', { exact: true }).fill(filters.from);
    if (filters.to !== undefined) await form.getByLabel('Au', { exact: true }).fill(filters.to);
    await form.getByRole('button', { name: 'Rechercher' }).click();
  }

  // --- secondary view ------------------------------------------------------------------

  mySirets(): Locator {
    return this.page.getByRole('list', { name: 'Mes SIRETs' });
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
