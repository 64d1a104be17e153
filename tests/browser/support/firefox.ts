/**
 * Debian's Firefox ESR with the built extension installed, driven by
 * puppeteer-core over WebDriver BiDi. Without Firefox the Firefox tests are
 * skipped with a clear message, except under CI where a missing browser is a
 * failure.
 *
 * WebDriver BiDi refuses to navigate a tab to `moz-extension://…`, and the
 * sidebar is no page it can see: the tests reach the panel through the tab the
 * extension itself opens on a Ctrl-click of the portal's launcher (« Ouvrir
 * dans un onglet »), found with `extensionPageOf`.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { ensureExtensionBuild } from '../../../scripts/fresh-builds.mjs';

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/** The gecko id of the Firefox build (`browser_specific_settings` in wxt.config.ts). */
export const GECKO_ID = 'parametrage@qrp.local';

/**
 * The tests' own build mode, as for Chromium: `.output/firefox-mv2-browser-test`
 * is never rewritten by a release build (`wxt build -b firefox`, the store's zip).
 */
const BUILD_MODE = 'browser-test';
export const FIREFOX_EXTENSION_DIR = resolve(`.output/firefox-mv2-${BUILD_MODE}`);

export const hasFirefox = existsSync(FIREFOX_PATH);

/** True when the Firefox tests run; under CI a missing Firefox throws instead. */
export function firefoxTestsEnabled(): boolean {
  if (hasFirefox) return true;
  if (process.env.CI === 'true') {
    throw new Error(
      `Firefox is missing at ${FIREFOX_PATH}: the Firefox tests cannot run (apt-get install firefox-esr).`,
    );
  }
  console.warn(
    `Firefox tests skipped: no Firefox at ${FIREFOX_PATH} (apt-get install firefox-esr).`,
  );
  return false;
}

/** Builds the Firefox extension in the tests' mode unless its sources are unchanged (same stamp as Chrome's). */
export async function ensureFirefoxBuilt(): Promise<void> {
  ensureExtensionBuild({ mode: BUILD_MODE, browser: 'firefox' });
}

export interface FirefoxWithExtension {
  browser: Browser;
  /** `moz-extension://<uuid>`: fixed for this profile, the origin the server sees. */
  origin: string;
  close(): Promise<void>;
}

/** A fresh Firefox profile with the extension installed; each call is one person's browser. */
export async function launchFirefoxWithExtension(
  extensionDir: string = FIREFOX_EXTENSION_DIR,
): Promise<FirefoxWithExtension> {
  const profile = mkdtempSync(join(tmpdir(), 'qrp-firefox-'));
  const uuid = randomUUID();
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    userDataDir: profile,
    // A side panel is about 420 px wide.
    defaultViewport: { width: 420, height: 900 },
    extraPrefsFirefox: {
      // Without it, each install draws a new uuid, so a new origin.
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: uuid }),
      'intl.accept_languages': 'fr-FR',
      'intl.locale.requested': 'fr-FR',
    },
  });
  try {
    const id = await browser.installExtension(extensionDir);
    if (id !== GECKO_ID) throw new Error(`Firefox installed ${id}, not ${GECKO_ID}`);
  } catch (error) {
    await browser.close();
    throw error;
  }
  return {
    browser,
    origin: `moz-extension://${uuid}`,
    async close() {
      await browser.close();
      // Firefox may still flush its profile while exiting: retry, and never fail a test over it.
      await rm(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }).catch(
        () => undefined,
      );
    },
  };
}

/**
 * The newest tab showing a page of the extension, once there is one that is
 * not in `known`. Read from the page itself: BiDi reports such tabs as
 * `about:blank`.
 */
export async function extensionPageOf(
  firefox: FirefoxWithExtension,
  known: Page[] = [],
  timeout = 10_000,
): Promise<Page> {
  const until = Date.now() + timeout;
  for (;;) {
    const pages = (await firefox.browser.pages()).filter((page) => !known.includes(page));
    for (const page of pages.reverse()) {
      const href = await page.evaluate(() => location.href).catch(() => '');
      if (href.startsWith(`${firefox.origin}/`)) return page;
    }
    if (Date.now() > until) throw new Error(`No tab of ${firefox.origin} opened`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
