/**
 * A headless browser draws no toolbar and no system notification, so the
 * README's picture of them is drawn here from what the extension itself set
 * during the test: the badge's text and colour, the button's tooltip, the
 * notification's title and message, and the extension's own icon.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { screenshot } from './screens.js';

export interface ToolbarState {
  badge: string;
  badgeColor: readonly number[];
  title: string;
  notification: { title: string; message: string };
}

const ICON = resolve('extension/public/icon/48.png');

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`);
}

export async function drawToolbarPicture(
  context: BrowserContext,
  name: string,
  state: ToolbarState,
): Promise<void> {
  const icon = `data:image/png;base64,${readFileSync(ICON).toString('base64')}`;
  const [r, g, b] = state.badgeColor;
  const page = await context.newPage();
  await page.setViewportSize({ width: 420, height: 230 });
  await page.setContent(`<!doctype html><html lang="fr"><body style="margin:0;font:13px system-ui,sans-serif;background:#dfe3ea">
  <div style="display:flex;align-items:center;justify-content:flex-end;gap:10px;height:40px;padding:0 12px;background:#f1f3f6;border-bottom:1px solid #c5cad3">
    <span style="flex:1;height:26px;border-radius:13px;background:#fff;border:1px solid #c5cad3;color:#555;display:flex;align-items:center;padding:0 12px">questionnaires-risquepro.ameli.fr</span>
    <span style="position:relative;display:inline-block;width:24px;height:24px">
      <img src="${icon}" width="24" height="24" alt="">
      <span style="position:absolute;right:-7px;bottom:-5px;min-width:14px;padding:0 3px;border-radius:3px;background:rgb(${r} ${g} ${b});color:#fff;font:700 10px/14px system-ui;text-align:center">${escape(state.badge)}</span>
    </span>
  </div>
  <div style="position:absolute;top:46px;right:14px;background:#fff;border:1px solid #c5cad3;border-radius:4px;padding:3px 7px;font-size:12px;color:#222">${escape(state.title)}</div>
  <div style="position:absolute;left:14px;right:14px;bottom:14px;display:flex;gap:12px;background:#fff;border-radius:10px;padding:12px;box-shadow:0 6px 20px rgb(0 0 0 / .25)">
    <img src="${icon}" width="40" height="40" alt="">
    <div><div style="color:#555;font-size:11px">QRP Paramétrage</div>
    <div style="font-weight:700;margin:2px 0">${escape(state.notification.title)}</div>
    <div>${escape(state.notification.message)}</div></div>
  </div></body></html>`);
  await screenshot(page, name);
  await page.close();
}
