/**
 * The invitation page checks its password fields itself, in French, next to
 * each field: the browser's own popup would speak the browser's language
 * ("Please lengthen this text to 10 characters or more"). With scripts off,
 * the server's answer carries the same French messages.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIELD_MESSAGES } from '../../shared/field-checks.js';
import { uniqueEmail, validSiret } from '../support/fixtures.js';
import { InvitationPage } from './pages/invitation-page.js';
import { apiOf, type ApiCaller } from './support/api.js';
import { browserTestsEnabled, CHROMIUM_PATH } from './support/chromium.js';
import {
  axeViolations,
  describeViolations,
  horizontalOverflow,
  screenshot,
} from './support/screens.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const MISMATCH = 'Les deux mots de passe ne sont pas identiques.';

describe.skipIf(!browserTestsEnabled())('the invitation page checks its form in French', () => {
  let server: TestServer;
  let api: ApiCaller;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startTestServer(),
      chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox'] }),
    ]);
    api = apiOf(server.url);
  });

  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    await browser?.close();
    await server?.dispose();
  });

  /** A fresh invitation link, e-mailed by a new principal. */
  async function invitationLink(): Promise<string> {
    const siret = validSiret();
    await api.openDossier(siret, 'CODE-INVIT');
    const principal = await api.signUp(
      uniqueEmail('p'),
      'mot-de-passe-principal',
      siret,
      'CODE-INVIT',
    );
    const email = uniqueEmail('invite');
    await api.call('POST', '/secondaries', { token: principal, body: { email } });
    return server.waitForInvitationLink(email);
  }

  /** A browser in English, whose own popups would be in English. */
  async function open(link: string, javaScriptEnabled = true): Promise<Page> {
    // The narrowest phone a person may open the e-mailed link on.
    const context = await browser.newContext({
      locale: 'en-US',
      javaScriptEnabled,
      viewport: { width: 360, height: 740 },
    });
    contexts.push(context);
    return (await InvitationPage.open(context, link)).page;
  }

  async function fieldState(page: Page, id: string) {
    return page.locator(`#${id}`).evaluate((input: HTMLInputElement) => ({
      validationMessage: input.validationMessage,
      invalid: input.getAttribute('aria-invalid'),
      describedBy: (input.getAttribute('aria-describedby') ?? '').split(' '),
      focused: document.activeElement === input,
    }));
  }

  it('shows its own French message next to a too short password, and no browser popup', async () => {
    const page = await open(await invitationLink());
    const requests: string[] = [];
    page.on('request', (request) => void requests.push(request.method()));
    expect(await page.locator('form').evaluate((form: HTMLFormElement) => form.noValidate)).toBe(
      true,
    );

    await page.getByLabel('Mot de passe', { exact: true }).fill('court');
    await page.getByLabel('Confirmer le mot de passe').fill('court');
    await page.getByRole('button', { name: 'Activer mon compte' }).click();

    const message = page.locator('#password-error');
    await expect.poll(() => message.textContent()).toBe(FIELD_MESSAGES.passwordTooShort);
    expect(await message.isVisible()).toBe(true);
    const password = await fieldState(page, 'password');
    // An empty validationMessage: nothing for the browser to show in its own words.
    expect(password).toEqual({
      validationMessage: '',
      invalid: 'true',
      describedBy: ['password-hint', 'password-error'],
      focused: true,
    });
    expect((await fieldState(page, 'confirmation')).validationMessage).toBe('');
    expect(await page.locator('#confirmation-error').isVisible()).toBe(false);
    expect(requests).not.toContain('POST');
    expect(describeViolations(await axeViolations(page))).toEqual([]);
    expect(await horizontalOverflow(page)).toEqual([]);
    await screenshot(page, 'invitation-page-short-password');

    // The message follows the typing once shown, and a good form goes through.
    await page.getByLabel('Mot de passe', { exact: true }).fill('un-mot-de-passe-solide');
    await expect.poll(() => message.isVisible()).toBe(false);
    expect((await fieldState(page, 'password')).invalid).toBeNull();
    await page.getByRole('button', { name: 'Activer mon compte' }).click();
    await expect.poll(() => page.locator('#confirmation-error').textContent()).toBe(MISMATCH);
    expect(requests).not.toContain('POST');
    await page.getByLabel('Confirmer le mot de passe').fill('un-mot-de-passe-solide');
    await page.getByRole('button', { name: 'Activer mon compte' }).click();
    await page.getByRole('heading', { name: 'Votre compte est actif' }).waitFor();
  });

  it("answers with the server's French message next to the field when scripts are off", async () => {
    const page = await open(await invitationLink(), false);
    await page.getByLabel('Mot de passe', { exact: true }).fill('court');
    await page.getByLabel('Confirmer le mot de passe').fill('court');
    const answer = page.waitForResponse((response) => response.request().method() === 'POST');
    await page.getByRole('button', { name: 'Activer mon compte' }).click();
    expect((await answer).status()).toBe(400);
    await page
      .getByRole('heading', { name: 'Activer votre compte utilisateur secondaire' })
      .waitFor();
    const message = page.locator('#password-error');
    expect(await message.textContent()).toBe(FIELD_MESSAGES.passwordTooShort);
    expect(await message.isVisible()).toBe(true);
    expect(await fieldState(page, 'password')).toMatchObject({
      validationMessage: '',
      invalid: 'true',
      focused: true,
    });
  });
});
