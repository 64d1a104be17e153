/**
 * Retrying expectations on page elements (vitest's `expect.poll`), for what
 * `locator.waitFor` does not say: a text, a count, the focus, a name.
 */
import type { Locator } from 'playwright-core';
import { expect } from 'vitest';

const TIMEOUT = 10_000;

export async function expectVisible(locator: Locator, timeout = TIMEOUT): Promise<void> {
  await locator.first().waitFor({ state: 'visible', timeout });
}

export async function expectCount(locator: Locator, count: number, timeout = TIMEOUT) {
  await expect.poll(() => locator.count(), { timeout }).toBe(count);
}

export async function expectText(locator: Locator, text: string | RegExp, timeout = TIMEOUT) {
  const actual = () => locator.innerText();
  if (typeof text === 'string') await expect.poll(actual, { timeout }).toContain(text);
  else await expect.poll(actual, { timeout }).toMatch(text);
}

export async function expectNoText(locator: Locator, text: string, timeout = TIMEOUT) {
  await expect.poll(() => locator.innerText(), { timeout }).not.toContain(text);
}

export async function expectFocused(locator: Locator, timeout = TIMEOUT): Promise<void> {
  await expect
    .poll(() => locator.evaluate((node) => node === document.activeElement), { timeout })
    .toBe(true);
}

export async function expectLabel(locator: Locator, label: string, timeout = TIMEOUT) {
  await expect.poll(() => locator.getAttribute('aria-label'), { timeout }).toBe(label);
}

/** What has the focus now, in words: its role-ish tag and its accessible text. */
export function describeFocus(locator: Locator): Promise<string> {
  return locator.page().evaluate(() => {
    const node = document.activeElement;
    if (!node || node === document.body) return 'body';
    const label = node.getAttribute('aria-label') ?? (node as HTMLElement).innerText ?? '';
    return `${node.tagName.toLowerCase()}${node.getAttribute('role') ? `[role=${node.getAttribute('role')}]` : ''} ${label.trim().slice(0, 60)}`;
  });
}
