// @ts-check
/**
 * Draws the extension's icons (extension/public/icon/<size>.png) from
 * extension/icon.svg with Debian's Chromium. Run after changing the drawing:
 *
 *   node scripts/draw-icons.mjs
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const SIZES = [16, 32, 48, 96, 128];
const svg = readFileSync(resolve(ROOT, 'extension/icon.svg'), 'utf8');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
const page = await browser.newPage();
for (const size of SIZES) {
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(
    `<body style="margin:0">${svg.replace(/width="128" height="128"/, `width="${size}" height="${size}"`)}</body>`,
  );
  await page.screenshot({
    path: resolve(ROOT, `extension/public/icon/${size}.png`),
    omitBackground: true,
  });
}
await browser.close();
