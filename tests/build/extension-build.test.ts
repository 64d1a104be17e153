import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXTENSION_ID } from '../../extension/extension-id.js';
import { EXTENSION_KEY } from '../../wxt.config.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const LOOPBACK = ['http://localhost/*', 'http://127.0.0.1/*'];
const PORTAL = ['https://questionnaires-risquepro.ameli.fr/*', 'http://localhost/*'];

type Manifest = Record<string, unknown> & {
  permissions?: string[];
  content_scripts?: { matches: string[]; js: string[] }[];
};

async function build(args: string[], outDir: string): Promise<Manifest> {
  await run('npx', ['wxt', 'build', ...args], { cwd: root, timeout: 120_000 });
  return JSON.parse(
    await readFile(join(root, '.output', outDir, 'manifest.json'), 'utf8'),
  ) as Manifest;
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
    chrome = await build([], 'chrome-mv3');
    firefox = await build(['-b', 'firefox'], 'firefox-mv2');
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
    expect(chrome.action).toEqual({ default_title: 'Ouvrir le Paramétrage QRP' });
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
      gecko: { id: 'parametrage@qrp.local' },
    });
    expect([...(firefox.permissions ?? [])].sort()).toEqual(
      [...LOOPBACK, 'alarms', 'notifications', 'storage'].sort(),
    );
    expect(firefox.optional_permissions).toEqual(['http://*/*', 'https://*/*']);
    expect(firefox.key).toBeUndefined();
    expect(firefox.side_panel).toBeUndefined();
  });
});
