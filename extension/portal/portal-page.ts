/**
 * Everything the extension assumes about the questionnaire site's pages, in one
 * place: where it runs, where the launcher goes, and the launcher's markup.
 * When the portal changes its markup, this is the file to update.
 */
import type { Role } from '../../shared/domain.js';

/** The portal, and any local stand-in page of it (any port of localhost). */
export const PORTAL_MATCHES = ['https://questionnaires-risquepro.ameli.fr/*', 'http://localhost/*'];

/** The element the launcher lives in (its shadow root isolates it from the page's styles). */
export const LAUNCHER_HOST_ID = 'qrp-parametrage-launcher';

/**
 * Where the launcher sits in the page, first match wins. The portal's header
 * navigation holds the "paramétrage" entry the guide talks about; a page without
 * one (login, a stand-in page) gets a floating button instead. In a list of
 * links the launcher is one more item, so it lines up with them instead of
 * wrapping under them.
 */
export const LAUNCHER_ANCHORS = [
  '[data-qrp-launcher]',
  'header nav ul',
  'header nav ol',
  'header nav',
  'header',
] as const;

export function findLauncherAnchor(doc: Document): Element | null {
  for (const selector of LAUNCHER_ANCHORS) {
    const found = doc.querySelector(selector);
    if (found) return found;
  }
  return null;
}

export const LAUNCHER_STYLE = `
:host { all: initial; display: inline-block; vertical-align: middle; }
:host([hidden]) { display: none; }
:host(.floating) { position: fixed; right: 16px; bottom: 16px; z-index: 2147483000; }
button {
  font: 600 14px/1.2 system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif;
  display: inline-flex; align-items: center; gap: 8px; white-space: nowrap;
  padding: 8px 14px; border-radius: 999px; cursor: pointer;
  color: #ffffff; background: #0a4a9c; border: 2px solid #ffffff;
  box-shadow: 0 2px 10px rgb(0 0 0 / 0.3);
}
button:hover { background: #083b7d; }
button:focus-visible { outline: 3px solid #c4380a; outline-offset: 2px; }
.badge {
  min-width: 20px; padding: 1px 6px; border-radius: 999px;
  background: #ffffff; color: #0a4a9c; font-size: 12px; text-align: center;
}
.badge[hidden] { display: none; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (prefers-color-scheme: dark) {
  button { color: #0b1a33; background: #8fb8ff; border-color: #0b1a33; }
  button:hover { background: #b3cfff; }
  .badge { background: #0b1a33; color: #8fb8ff; }
}
`;

/**
 * The launcher's button, built with DOM calls (no markup parsed into the
 * portal's page): the label goes in `.label`, the count in `.badge` and `.sr`.
 */
export function createLauncherButton(doc: Document): HTMLButtonElement {
  const button = doc.createElement('button');
  button.type = 'button';
  button.setAttribute('part', 'launcher');
  const part = (className: string) => {
    const span = doc.createElement('span');
    span.className = className;
    button.append(span);
    return span;
  };
  part('label');
  const badge = part('badge');
  badge.setAttribute('aria-hidden', 'true');
  badge.hidden = true;
  part('sr');
  return button;
}

/**
 * What the launcher says, by who is signed in: a principal goes to « Paramétrage »,
 * a secondary (who has none) to their SIRETs, the support to its desk.
 */
export function launcherLabel(role: Role | null): string {
  switch (role) {
    case 'principal':
      return 'Paramétrage';
    case 'secondary':
      return 'Mes SIRETs';
    case 'admin':
      return 'Support Paramétrage';
    default:
      return 'Se connecter au Paramétrage';
  }
}

/** What the badge counts, as its tooltip and for a screen reader. */
export function pendingLabel(count: number): string {
  return count === 1
    ? '1 invitation en attente de validation'
    : `${count} invitations en attente de validation`;
}
