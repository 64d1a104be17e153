/** Moving through the panel with the keyboard only, as a person without a mouse does. */
import type { Locator } from 'playwright-core';
import { describeFocus } from './expect-page.js';

function isFocused(target: Locator): Promise<boolean> {
  return target.evaluate((node) => node === document.activeElement).catch(() => false);
}

/**
 * Presses Tab (or Shift+Tab) until `target` has the focus; fails when it is
 * not reached within `max` presses, i.e. not reachable from the keyboard.
 */
export async function tabTo(
  target: Locator,
  options: { backwards?: boolean; max?: number } = {},
): Promise<void> {
  const page = target.page();
  const max = options.max ?? 60;
  for (let presses = 0; presses <= max; presses++) {
    if (await isFocused(target)) return;
    await page.keyboard.press(options.backwards ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(
    `${String(target)} not reached with ${max} presses of ${options.backwards ? 'Shift+Tab' : 'Tab'} (focus: ${await describeFocus(target)})`,
  );
}

/** Types into the focused field, replacing what it held. */
export async function typeInFocused(target: Locator, text: string): Promise<void> {
  const page = target.page();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type(text);
}
