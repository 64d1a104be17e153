/**
 * Debian's Chromium with the built extension loaded, driven by playwright-core.
 * Without Chromium the browser tests are skipped with a clear message, except
 * under CI where a missing browser is a failure.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const EXTENSION_DIR = resolve('.output/chrome-mv3');

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

/** A fresh browser profile with the extension; each call is one person's browser. */
export async function launchBrowserWithExtension(): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), 'qrp-chromium-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 480, height: 900 },
    locale: 'fr-FR',
    args: [
      `--disable-extensions-except=${EXTENSION_DIR}`,
      `--load-extension=${EXTENSION_DIR}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** The extension's id, read from its service worker (it also equals EXTENSION_ID). */
export async function extensionIdOf(context: BrowserContext): Promise<string> {
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  return new URL(worker.url()).host;
}
