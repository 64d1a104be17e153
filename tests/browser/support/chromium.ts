/**
 * Debian's Chromium with the built extension loaded, driven by playwright-core.
 * Without Chromium the browser tests are skipped with a clear message, except
 * under CI where a missing browser is a failure.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { ensureExtensionBuild } from '../../../scripts/fresh-builds.mjs';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The build mode of the tested extension. Its own output folder
 * (`.output/chrome-mv3-browser-test`) keeps a release build running elsewhere
 * (`npm run build`, the build test) from rewriting the files Chromium is reading.
 */
const BUILD_MODE = 'browser-test';
export const EXTENSION_DIR = resolve(`.output/chrome-mv3-${BUILD_MODE}`);

export const hasChromium = existsSync(CHROMIUM_PATH);

/** True when the browser tests run; under CI a missing Chromium throws instead. */
export function browserTestsEnabled(): boolean {
  if (hasChromium) return true;
  if (process.env.CI === 'true') {
    throw new Error(
      `Chromium is missing at ${CHROMIUM_PATH}: the browser tests cannot run (apt-get install chromium).`,
    );
  }
  console.warn(
    `Browser tests skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium).`,
  );
  return false;
}

/**
 * Builds the Chrome extension in the tests' own mode unless its sources are
 * unchanged since the last build: the first test file of a run builds, the
 * next ones reuse it.
 */
export async function ensureExtensionBuilt(): Promise<void> {
  ensureExtensionBuild({ mode: BUILD_MODE });
}

/**
 * A fresh browser profile with the extension; each call is one person's
 * browser. `extensionDir`: another build of it (the benchmarks' own).
 */
export async function launchBrowserWithExtension(
  extensionDir: string = EXTENSION_DIR,
): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), 'qrp-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    // A side panel is about 420 px wide.
    viewport: { width: 420, height: 900 },
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    args: [
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  // Chromium may still flush its profile while exiting: retry, and never fail a test over it.
  context.once('close', () => {
    void rm(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }).catch(
      () => undefined,
    );
  });
  return context;
}

/** The extension's id, read from its service worker (it also equals EXTENSION_ID). */
export async function extensionIdOf(context: BrowserContext): Promise<string> {
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  return new URL(worker.url()).host;
}
