/** The page behind an invitation link: the invited person chooses a password. */
import type { BrowserContext, Page } from 'playwright-core';

export class InvitationPage {
  private constructor(readonly page: Page) {}

  static async open(context: BrowserContext, link: string): Promise<InvitationPage> {
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(link);
    return new InvitationPage(page);
  }

  async activate(password: string): Promise<void> {
    await this.page
      .getByRole('heading', { name: 'Activer votre compte utilisateur secondaire' })
      .waitFor();
    await this.page.getByLabel('Mot de passe', { exact: true }).fill(password);
    await this.page.getByLabel('Confirmer le mot de passe').fill(password);
    await this.page.getByRole('button', { name: 'Activer mon compte' }).click();
    await this.page.getByRole('heading', { name: 'Votre compte est actif' }).waitFor();
  }
}
