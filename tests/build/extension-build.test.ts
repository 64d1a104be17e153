import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACTION_TITLE } from '../../extension/background/badge.js';
import { EXTENSION_ID } from '../../extension/extension-id.js';
import { EXTENSION_KEY } from '../../wxt.config.js';
import {
  build,
  npmRun,
  OUTPUT,
  readJson,
  ROOT,
  withOutputLock,
  type Manifest,
} from './support/wxt-output.js';

const LOOPBACK = ['http://localhost/*', 'http://127.0.0.1/*'];
const PORTAL = ['https://questionnaires-risquepro.ameli.fr/*', 'http://localhost/*'];
const LOCALES = ['fr', 'en'];

type Messages = Record<string, { message: string; description?: string }>;

/** Every `__MSG_name__` the manifest names. */
function messageNames(manifest: Manifest): string[] {
  return [...JSON.stringify(manifest).matchAll(/__MSG_(\w+)__/g)].map((match) => match[1] ?? '');
}

/** Chrome's id from a manifest key: sha256 of the DER key, first 32 hex digits read 0-f as a-p. */
function idFromKey(key: string): string {
  const hex = createHash('sha256').update(Buffer.from(key, 'base64')).digest('hex').slice(0, 32);
  return [...hex].map((digit) => String.fromCharCode(97 + parseInt(digit, 16))).join('');
}

describe('extension build', { timeout: 240_000 }, () => {
  let chrome: Manifest;
  let firefox: Manifest;

  beforeAll(async () => {
    [chrome, firefox] = await withOutputLock(async () => [
      await build([], 'chrome-mv3'),
      await build(['-b', 'firefox'], 'firefox-mv2'),
    ]);
  }, 240_000);

  it('builds a Chrome MV3 side panel with only the permissions it uses', () => {
    expect(chrome.manifest_version).toBe(3);
    expect(chrome.side_panel).toEqual({ default_path: 'sidepanel.html' });
    expect(chrome.background).toEqual({ service_worker: 'background.js' });
    expect([...(chrome.permissions ?? [])].sort()).toEqual([
      'alarms',
      'notifications',
      'sidePanel',
      'storage',
    ]);
    expect(chrome.host_permissions).toEqual(LOOPBACK);
    expect(chrome.optional_host_permissions).toEqual(['http://*/*', 'https://*/*']);
    expect(chrome.action).toEqual({ default_title: '__MSG_actionTitle__' });
  });

  it('names the extension in French by default and in English, each locale holding every message', async () => {
    for (const [manifest, outDir] of [
      [chrome, 'chrome-mv3'],
      [firefox, 'firefox-mv2'],
    ] as const) {
      expect(manifest.default_locale).toBe('fr');
      expect(manifest.name).toBe('__MSG_extName__');
      expect(manifest.description).toBe('__MSG_extDescription__');
      const names = messageNames(manifest);
      expect(names.sort()).toEqual(['actionTitle', 'extDescription', 'extName']);
      for (const locale of LOCALES) {
        const messages = await readJson<Messages>(
          join(OUTPUT, outDir, '_locales', locale, 'messages.json'),
        );
        for (const name of names) expect(messages[name]?.message, `${locale} ${name}`).toBeTruthy();
        // The stores' limits: AMO's name, the Chrome Web Store's description.
        expect(messages.extName?.message.length).toBeLessThanOrEqual(50);
        expect(messages.extDescription?.message.length).toBeLessThanOrEqual(132);
      }
    }
    const french = await readJson<Messages>(
      join(OUTPUT, 'chrome-mv3', '_locales/fr/messages.json'),
    );
    expect(french.extName?.message).toBe('QRP Paramétrage');
    // The title the background restores when the badge is cleared.
    expect(french.actionTitle?.message).toBe(DEFAULT_ACTION_TITLE);
  });

  it('ships the icons with both builds', () => {
    for (const manifest of [chrome, firefox]) {
      expect(Object.keys(manifest.icons ?? {}).sort()).toEqual(['128', '16', '32', '48', '96']);
    }
  });

  it('zips both store packages and the Firefox sources with `npm run zip`', async () => {
    const { name, version } = await readJson<{ name: string; version: string }>(
      join(ROOT, 'package.json'),
    );
    const started = Date.now();
    await withOutputLock(() => npmRun('zip'));
    for (const kind of ['chrome', 'firefox', 'sources']) {
      const zip = await stat(join(OUTPUT, `${name}-${version}-${kind}.zip`));
      expect(zip.mtimeMs, kind).toBeGreaterThanOrEqual(started - 1_000);
      // The sources leave out the screenshots, the server and the tests.
      if (kind === 'sources') expect(zip.size).toBeLessThan(2_000_000);
    }
  });

  it('runs the launcher on the questionnaire site and on localhost', () => {
    for (const manifest of [chrome, firefox]) {
      expect(manifest.content_scripts).toHaveLength(1);
      expect([...(manifest.content_scripts?.[0]?.matches ?? [])].sort()).toEqual(
        [...PORTAL].sort(),
      );
      expect(manifest.content_scripts?.[0]?.js).toEqual(['content-scripts/launcher.js']);
    }
  });

  it('gives the Chrome build the fixed key whose id the server allows', () => {
    expect(chrome.key).toBe(EXTENSION_KEY);
    expect(idFromKey(EXTENSION_KEY)).toBe(EXTENSION_ID);
  });

  it('builds a Firefox sidebar with its gecko id', () => {
    expect(firefox.manifest_version).toBe(2);
    expect(firefox.sidebar_action).toMatchObject({ default_panel: 'sidepanel.html' });
    expect(firefox.browser_specific_settings).toMatchObject({
      gecko: { id: 'parametrage@qrp.local', strict_min_version: '140.0' },
    });
    expect([...(firefox.permissions ?? [])].sort()).toEqual(
      [...LOOPBACK, 'alarms', 'notifications', 'storage'].sort(),
    );
    expect(firefox.optional_permissions).toEqual(['http://*/*', 'https://*/*']);
    expect(firefox.key).toBeUndefined();
    expect(firefox.side_panel).toBeUndefined();
  });
});
