/**
 * The seed's core story in a real Firefox: two people, each with their own
 * Firefox and the extension installed, reach the panel from the portal's
 * launcher, point it at the server and sign in; the principal attributes a
 * SIRET from « Liste SIRETs » and the secondary's Firefox shows it live. A
 * plain click on the launcher opens the panel (in a tab: Firefox opens the
 * sidebar only for a gesture made in the extension's own pages), and the
 * background notifies a change made while the panel is closed.
 *
 * The panel is driven in the tab the extension opens on a Ctrl-click of the
 * launcher (« Ouvrir dans un onglet »): WebDriver BiDi sees no sidebar and may
 * not navigate to `moz-extension://` itself (see support/firefox.ts).
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSiret } from '../../shared/siret.js';
import { uniqueEmail, validSiret } from '../support/fixtures.js';
import { LIVE_TIMEOUT } from './pages/panel-page.js';
import { apiOf, type ApiCaller } from './support/api.js';
import {
  ensureFirefoxBuilt,
  extensionPageOf,
  firefoxTestsEnabled,
  launchFirefoxWithExtension,
  type FirefoxWithExtension,
} from './support/firefox.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const PASSWORD = 'mot-de-passe-principal';
const ALICE_PASSWORD = 'mot-de-passe-alice';
const TIMEOUT = 10_000;

/** What the tests read of the extension's own API, from a page of the extension. */
interface ExtensionApi {
  sidebarAction: { isOpen(details: object): Promise<boolean>; close(): Promise<void> };
  runtime: { getBackgroundPage(): Promise<object> };
}
declare const browser: ExtensionApi;

/** Firefox's background page, as the tests reach it. */
interface BackgroundPage {
  Array: ArrayConstructor;
  browser: { notifications: { create(id: string, options: object): Promise<string> } };
  qrpAsked?: unknown[];
}

/** An element by its role and accessible name, as a person finds it. */
function byRole(role: string, name: string): string {
  return `::-p-aria([name=${JSON.stringify(name)}][role=${JSON.stringify(role)}])`;
}

async function waitForText(page: Page, text: string, timeout = TIMEOUT): Promise<void> {
  await page.waitForFunction(
    (wanted) => document.body.innerText.includes(wanted),
    { timeout },
    text,
  );
}

/** The text inside the first element matching `selector` ('' while there is none). */
function textOf(page: Page, selector: string): Promise<string> {
  return page.evaluate(
    (css) => (document.querySelector(css) as HTMLElement | null)?.innerText ?? '',
    selector,
  );
}

/** The portal's stand-in page in a new tab, its launcher shown. */
async function openPortal(firefox: FirefoxWithExtension, serverUrl: string): Promise<Page> {
  const page = await firefox.browser.newPage();
  await page.goto(`${serverUrl}/demo/portail`);
  await page.waitForSelector('#qrp-parametrage-launcher:not([hidden]) >>> button', {
    timeout: TIMEOUT,
  });
  return page;
}

/** « Ouvrir dans un onglet »: a Ctrl-click on the launcher; returns the panel's new tab. */
async function openPanelInTab(firefox: FirefoxWithExtension, serverUrl: string): Promise<Page> {
  const portal = await openPortal(firefox, serverUrl);
  const before = await firefox.browser.pages();
  await portal.keyboard.down('Control');
  await portal.click('#qrp-parametrage-launcher >>> button');
  await portal.keyboard.up('Control');
  const panel = await extensionPageOf(firefox, before);
  await portal.close();
  await panel.bringToFront();
  await panel.waitForSelector('main, form', { timeout: TIMEOUT });
  return panel;
}

/** The user's own click on something of the panel's page: Firefox lets the sidebar close only then. */
async function closeSidebar(panel: Page): Promise<void> {
  await panel.evaluate(() => {
    const button = document.createElement('button');
    button.id = 'test-close-sidebar';
    button.textContent = 'Fermer la barre latérale';
    button.addEventListener('click', () => void browser.sidebarAction.close(), { once: true });
    document.body.prepend(button);
  });
  await panel.click('#test-close-sidebar');
  await panel.evaluate(() => document.getElementById('test-close-sidebar')?.remove());
  await expect.poll(() => sidebarOpen(panel), { timeout: TIMEOUT }).toBe(false);
}

interface NotificationAsked {
  id: string;
  title: string;
  message: string;
}

/**
 * Records the notifications the background asks for, in its own page (Firefox's background
 * page, reached from any page of the extension). Firefox headless drops a notification as
 * soon as it is shown (`notifications.getAll()` stays empty), so the record is what the tests
 * read; it is made of the background's own `Array.prototype.push`, which outlives the page
 * that installs it (a function of a closed page would be a dead object).
 */
async function recordNotifications(panel: Page): Promise<void> {
  await panel.evaluate(async () => {
    const background = (await browser.runtime.getBackgroundPage()) as unknown as BackgroundPage;
    background.qrpAsked = new background.Array();
    background.browser.notifications.create = background.Array.prototype.push.bind(
      background.qrpAsked,
    ) as unknown as BackgroundPage['browser']['notifications']['create'];
  });
}

/** What the background asked for since `recordNotifications`: its calls' (id, options) pairs. */
function notificationsAsked(panel: Page): Promise<NotificationAsked[]> {
  return panel.evaluate(async () => {
    const background = (await browser.runtime.getBackgroundPage()) as unknown as BackgroundPage;
    const asked: NotificationAsked[] = [];
    const calls = background.qrpAsked ?? [];
    for (let at = 0; at + 1 < calls.length; at += 2) {
      const options = calls[at + 1] as { title: string; message: string };
      asked.push({ id: String(calls[at]), title: options.title, message: options.message });
    }
    return asked;
  });
}

function sidebarOpen(panel: Page): Promise<boolean> {
  return panel.evaluate(() => browser.sidebarAction.isOpen({}));
}

async function setServer(panel: Page, url: string): Promise<void> {
  await panel.locator(byRole('button', 'Réglages du serveur')).click();
  await panel.locator(byRole('textbox', 'Adresse du serveur')).fill(url);
  await panel.locator(byRole('button', 'Enregistrer')).click();
  await waitForText(panel, 'Adresse du serveur enregistrée.');
  await waitForText(panel, `Serveur : ${url}`);
}

async function signIn(panel: Page, email: string, password: string): Promise<void> {
  await panel.locator(byRole('textbox', 'Adresse e-mail')).fill(email);
  await panel.locator('input[type="password"]').fill(password);
  await panel.locator(byRole('button', 'Se connecter')).click();
  await panel.waitForFunction(
    (wanted) => document.querySelector('.user-email')?.textContent === wanted,
    { timeout: TIMEOUT },
    email,
  );
  // textContent: « Temps réel : » is only said to screen readers.
  await panel.waitForFunction(
    () => document.querySelector('.connection')?.textContent === 'Temps réel : Connecté',
    { timeout: LIVE_TIMEOUT },
  );
}

describe.skipIf(!firefoxTestsEnabled())('the core story in Firefox', () => {
  let server: TestServer;
  let api: ApiCaller;
  let principalFirefox: FirefoxWithExtension;
  let secondaryFirefox: FirefoxWithExtension;
  let principal: Page;
  let secondary: Page;
  const [s1, s2] = [validSiret(), validSiret()];
  const principalEmail = uniqueEmail('employeur');
  const alice = uniqueEmail('alice');

  /** « Liste SIRETs » of Alice in the principal's panel: ticks these SIRETs and saves. */
  async function attributeToAlice(sirets: string[]): Promise<void> {
    await principal
      .locator(byRole('button', `Liste SIRETs de ${alice} (${sirets.length - 1})`))
      .click();
    const dialog = byRole('dialog', `Liste SIRETs — ${alice}`);
    await principal.waitForSelector(dialog, { timeout: TIMEOUT });
    for (const siret of sirets) {
      const box = await principal.waitForSelector(
        `${dialog} >>> ${byRole('checkbox', formatSiret(siret))}`,
      );
      if (!(await box!.evaluate((input) => (input as HTMLInputElement).checked)))
        await box!.click();
    }
    await principal.locator(`${dialog} >>> ${byRole('button', 'Enregistrer')}`).click();
    await principal.waitForSelector(dialog, { hidden: true, timeout: TIMEOUT });
    await principal.waitForSelector(
      byRole('button', `Liste SIRETs de ${alice} (${sirets.length})`),
      {
        timeout: LIVE_TIMEOUT,
      },
    );
  }

  beforeAll(async () => {
    [server] = await Promise.all([startTestServer(), ensureFirefoxBuilt()]);
    api = apiOf(server.url);
    // A space with two SIRETs and Alice, who accepted her invitation, made over HTTP.
    await api.openDossier(s1, 'CODE-S1');
    await api.openDossier(s2, 'CODE-S2');
    const token = await api.signUp(principalEmail, PASSWORD, s1, 'CODE-S1');
    await api.call('POST', '/sirets', { token, body: { siret: s2, unlockCode: 'CODE-S2' } });
    await api.call('POST', '/secondaries', { token, body: { email: alice } });
    const link = await server.waitForInvitationLink(alice);
    await api.call('POST', `/invitations/${link.split('/').at(-1)}/accept`, {
      body: { password: ALICE_PASSWORD },
    });
    [principalFirefox, secondaryFirefox] = await Promise.all([
      launchFirefoxWithExtension(),
      launchFirefoxWithExtension(),
    ]);
  });

  afterAll(async () => {
    await Promise.all([principalFirefox?.close(), secondaryFirefox?.close()]);
    await server?.dispose();
  });

  it('reaches each panel from the launcher, sets the server in « Réglages » and signs in', async () => {
    [principal, secondary] = await Promise.all([
      openPanelInTab(principalFirefox, server.url),
      openPanelInTab(secondaryFirefox, server.url),
    ]);
    // Each profile keeps its own fixed origin, which the server accepts.
    expect(await principal.evaluate(() => location.origin)).toBe(principalFirefox.origin);
    expect(await secondary.evaluate(() => location.origin)).toBe(secondaryFirefox.origin);
    await Promise.all([setServer(principal, server.url), setServer(secondary, server.url)]);
    await Promise.all([
      signIn(principal, principalEmail, PASSWORD),
      signIn(secondary, alice, ALICE_PASSWORD),
    ]);
    await waitForText(secondary, 'Aucun SIRET ne vous est attribué pour le moment.');
  });

  it('attributes a SIRET from « Liste SIRETs »; the secondary’s Firefox shows it live in « Mes SIRETs »', async () => {
    await principal.locator(byRole('tab', 'Paramétrage')).click();
    await attributeToAlice([s1]);
    await expect
      .poll(() => textOf(secondary, '.my-sirets'), { timeout: LIVE_TIMEOUT })
      .toContain(formatSiret(s1));
    expect(await textOf(secondary, '.my-sirets')).not.toContain(formatSiret(s2));
  });

  it('opens the panel from a click on the launcher: in a tab, as Firefox keeps its sidebar for the toolbar button', async () => {
    // Firefox opens an extension's sidebar at its install: closed first, as by the user.
    await closeSidebar(principal);
    // An open panel would take the launcher's request for « Paramétrage » itself.
    await principal.close();
    const portal = await openPortal(principalFirefox, server.url);
    const before = await principalFirefox.browser.pages();
    await portal.click('#qrp-parametrage-launcher >>> button');
    // Firefox refuses `sidebarAction.open()` for a click relayed from the portal's page (it
    // allows it from the extension's own pages: see closeSidebar), so the background opens the
    // panel in a tab, on the principal's « Paramétrage ».
    const panel = await extensionPageOf(principalFirefox, before);
    await expect
      .poll(() => textOf(panel, '[role="tab"][aria-selected="true"]'), { timeout: TIMEOUT })
      .toBe('Paramétrage');
    expect(await sidebarOpen(panel)).toBe(false);
    await portal.close();
    principal = panel;
  });

  it('has the background notify the secondary of a SIRET attributed while their panel is closed', async () => {
    await closeSidebar(secondary);
    await recordNotifications(secondary);
    await secondary.close();
    await attributeToAlice([s1, s2]);

    // The server sent the change to Alice's background with the principal's view, seen above.
    // Reopening the panel reads the background's record (opened sooner, the panel would have
    // shown the change itself, without a notification).
    secondary = await openPanelInTab(secondaryFirefox, server.url);
    const shown = await expect
      .poll(() => notificationsAsked(secondary), { timeout: LIVE_TIMEOUT })
      .toHaveLength(1)
      .then(() => notificationsAsked(secondary));
    expect(shown).toHaveLength(1);
    expect(shown[0]?.id).toMatch(/^qrp-change-\d+$/);
    expect(shown[0]?.message).toContain(formatSiret(s2));
    // Opened again, the panel is signed in and shows the new SIRET.
    await expect
      .poll(() => textOf(secondary, '.my-sirets'), { timeout: LIVE_TIMEOUT })
      .toContain(formatSiret(s2));
  });
});
