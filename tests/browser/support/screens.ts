/**
 * What every screen of the panel is checked for: axe-core's WCAG 2.1 A/AA
 * rules, and a screenshot kept in test-results/screenshots/ for review.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';

export const SCREENSHOT_DIR = resolve('test-results/screenshots');
const AXE_PATH = resolve('node_modules/axe-core/axe.min.js');
let axeSource: string | undefined;
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export type ColorScheme = 'light' | 'dark';

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/**
 * Saves `<name>.png` (the viewport: the panel as a person sees it). Toasts of
 * earlier steps are left out unless asked for: the steps follow each other
 * faster than a person would, so they pile up over the screen.
 */
export async function screenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean; toasts?: boolean } = {},
) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({
    path: resolve(SCREENSHOT_DIR, `${name}.png`),
    fullPage: options.fullPage ?? false,
    animations: 'disabled',
    caret: 'hide',
    ...(options.toasts ? {} : { style: '.toasts { display: none !important; }' }),
  });
}

/** The WCAG 2.1 A/AA violations axe finds on the page as it is now. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) {
    // The extension's pages forbid inline scripts (CSP `script-src 'self'`), so a
    // script tag is refused there; evaluating the source through the DevTools
    // protocol is not subject to the page's CSP.
    await page.addScriptTag({ path: AXE_PATH }).catch(async () => {
      axeSource ??= readFileSync(AXE_PATH, 'utf8');
      await page.evaluate(axeSource);
    });
  }
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run: (...args: unknown[]) => Promise<unknown> } })
      .axe;
    const result = (await axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    })) as { violations: AxeViolation[] };
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node) => ({
        target: node.target,
        failureSummary: node.failureSummary,
      })),
    }));
  }, WCAG_TAGS);
}

/** Readable lines for a failing expectation. */
export function describeViolations(violations: AxeViolation[]): string[] {
  return violations.flatMap((violation) =>
    violation.nodes.map(
      (node) =>
        `${violation.id} (${violation.impact ?? '?'}) ${violation.help} @ ${node.target.join(' ')}: ${node.failureSummary ?? ''}`,
    ),
  );
}

export async function setColorScheme(page: Page, colorScheme: ColorScheme): Promise<void> {
  await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
}

/**
 * What sticks out sideways at the panel's width: the page itself scrolling
 * horizontally, or a box (a dialog, a table) whose content is wider than it.
 */
export function horizontalOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth + 1) {
      problems.push(`page ${root.scrollWidth}px wide in a ${root.clientWidth}px panel`);
    }
    for (const node of Array.from(document.body.querySelectorAll<HTMLElement>('*'))) {
      const style = getComputedStyle(node);
      if (!['auto', 'scroll', 'hidden'].includes(style.overflowX)) continue;
      if (node.closest('.visually-hidden') || node.classList.contains('visually-hidden')) continue;
      if (node.scrollWidth > node.clientWidth + 1 && node.clientWidth > 1) {
        const name = `${node.tagName.toLowerCase()}.${Array.from(node.classList).join('.')}`;
        problems.push(`${name}: ${node.scrollWidth}px of content in ${node.clientWidth}px`);
      }
    }
    return problems;
  });
}

/**
 * A screen as a user of the side panel gets it: at each width, axe in both
 * colour schemes (with a screenshot of each, `<name>-<width>[-dark]`) and
 * nothing sticking out sideways. Returns the problems as readable lines; the
 * page is left in the light scheme. `prepare` runs after each resize (scroll
 * the part looked at into view); `keep` filters the lines a test leaves to
 * another.
 */
export async function screenProblems(
  page: Page,
  name: string,
  options: {
    widths?: readonly number[];
    height?: number;
    prepare?: () => Promise<unknown>;
    keep?: (line: string) => boolean;
  } = {},
): Promise<string[]> {
  const { widths = [360, 400], height = 800, prepare, keep = () => true } = options;
  const problems: string[] = [];
  for (const width of widths) {
    await page.setViewportSize({ width, height });
    await prepare?.();
    for (const scheme of ['light', 'dark'] as const) {
      await setColorScheme(page, scheme);
      problems.push(
        ...describeViolations(await axeViolations(page))
          .filter(keep)
          .map((line) => `[${name}, ${width}px, ${scheme}] ${line}`),
      );
      await screenshot(page, `${name}-${width}${scheme === 'dark' ? '-dark' : ''}`);
    }
    problems.push(
      ...(await horizontalOverflow(page))
        .filter(keep)
        .map((line) => `[${name}, ${width}px] ${line}`),
    );
  }
  await setColorScheme(page, 'light');
  return problems;
}
