// @ts-check
/**
 * Refreshes docs/screenshots from the browser tests that take them: every
 * screen and dialog of the panel at 360 and 400 px, light and dark, the
 * launcher on the portal, and the toolbar badge with a notification. Then
 * writes docs/screens.md, the gallery that shows them side by side.
 *
 *   npm run screenshots                 # runs those tests, then copies
 *   npm run screenshots -- --last-run   # copies what the last test run took
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const TAKEN = join(ROOT, 'test-results/screenshots');
const DOCS = join(ROOT, 'docs/screenshots');
const WIDTHS = [360, 400];
/** Pictures kept as they are, beside the screens at each width. */
const SINGLES = ['launcher.png', 'launcher-dark.png', 'background-badge-notification.png'];
const TESTS = [
  'tests/browser/accessibility.test.ts',
  'tests/browser/live-connection.test.ts',
  'tests/browser/background-live.test.ts',
  'tests/browser/history.test.ts',
  'tests/browser/notices.test.ts',
  'tests/browser/locks.test.ts',
  'tests/browser/cession-revert.test.ts',
  'tests/browser/invitations-expiry.test.ts',
  'tests/browser/attributions.test.ts',
];

if (!process.argv.includes('--last-run')) {
  rmSync(TAKEN, { recursive: true, force: true });
  execFileSync('npx', ['vitest', 'run', ...TESTS], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, CI: 'true' },
  });
}

const SCREEN = /^(.+)-(360|400)(-dark)?\.png$/;
const taken = readdirSync(TAKEN);
/** The screens taken at both widths in both schemes (a test may take one single view of a step). */
const variants = WIDTHS.flatMap((width) => [`-${width}.png`, `-${width}-dark.png`]);
const screens = [...new Set(taken.flatMap((file) => SCREEN.exec(file)?.[1] ?? []))]
  .filter((name) => variants.every((variant) => taken.includes(`${name}${variant}`)))
  .sort();
rmSync(DOCS, { recursive: true, force: true });
mkdirSync(DOCS, { recursive: true });
for (const file of taken) {
  if (SCREEN.test(file) || SINGLES.includes(file))
    copyFileSync(join(TAKEN, file), join(DOCS, file));
}

const rows = screens.map((name) => {
  const cells = WIDTHS.flatMap((width) =>
    ['', '-dark'].map(
      (scheme) =>
        `<img src="screenshots/${name}-${width}${scheme}.png" width="180" alt="${name}, ${width} px${scheme ? ', sombre' : ''}">`,
    ),
  );
  return `| \`${name}\` | ${cells.join(' ')} |`;
});
writeFileSync(
  join(ROOT, 'docs/screens.md'),
  `# Every screen of the panel

Taken by the browser tests on the built extension (\`npm run screenshots\` refreshes them): each
screen at 360 and 400 px, light then dark. The same runs check each one with axe (WCAG 2.1 A/AA)
and for anything sticking out sideways.

| screen | 360 px, 360 px dark, 400 px, 400 px dark |
| ------ | ---------------------------------------- |
${rows.join('\n')}

The launcher on the portal's pages, and the toolbar badge with a system notification while the
panel is closed (drawn from the badge text and colour, tooltip and notification text the extension
set during the test, since a headless browser draws no toolbar):

<img src="screenshots/launcher.png" width="420" alt="Le lanceur « Paramétrage » dans la navigation du portail, avec 2 invitations en attente">
<img src="screenshots/background-badge-notification.png" width="420" alt="Icône de l'extension avec le compteur 1 et la notification « Vos SIRETs ont changé »">
`,
);
console.log(`${screens.length} screens, ${screens.length * 4} pictures in docs/screenshots`);
