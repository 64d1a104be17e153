/** The server's stand-in of the portal's dashboard, with the extension's launcher. */
import type { BrowserContext, Locator, Page } from 'playwright-core';

export class PortalPage {
  private constructor(readonly page: Page) {}

  static async open(context: BrowserContext, serverUrl: string): Promise<PortalPage> {
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${serverUrl}/demo/portail`);
    return new PortalPage(page);
  }

  /** The launcher's host element; its shadow root is open, so role locators reach inside. */
  host(): Locator {
    return this.page.locator('#qrp-parametrage-launcher');
  }

  /** The launcher's button, whatever it says (its label depends on who is signed in). */
  launcher(): Locator {
    return this.host().getByRole('button');
  }

  badge(): Locator {
    return this.host().locator('.badge');
  }
}
