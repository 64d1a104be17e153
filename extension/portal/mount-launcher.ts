/**
 * The launcher on the portal's pages: a button in a shadow root that opens the
 * side panel, labelled for whoever is signed in, with a badge counting the
 * principal's pending invitations. It never sees the token: it only asks the
 * background.
 */
import type { LauncherStateReply } from '../lib/messages.js';
import {
  LAUNCHER_HOST_ID,
  LAUNCHER_STYLE,
  createLauncherButton,
  findLauncherAnchor,
  launcherLabel,
  pendingLabel,
} from './portal-page.js';

export interface LauncherBackend {
  state(): Promise<LauncherStateReply>;
  /** `inTab`: open the panel's page in a new tab instead of the side panel / sidebar. */
  openPanel(options: { inTab: boolean }): void;
}

export interface MountedLauncher {
  root: ShadowRoot;
  refresh(): Promise<void>;
  remove(): void;
}

const SIGNED_OUT: LauncherStateReply = { role: null, pending: null };

export function mountLauncher(doc: Document, backend: LauncherBackend): MountedLauncher | null {
  if (doc.getElementById(LAUNCHER_HOST_ID)) return null;
  const host = doc.createElement('span');
  host.id = LAUNCHER_HOST_ID;
  // Hidden until it knows whom it speaks to, so that its label never flips under the user's eyes.
  host.hidden = true;
  const anchor = findLauncherAnchor(doc);
  let placed: Element = host;
  if (anchor?.matches('ul, ol')) {
    placed = doc.createElement('li');
    placed.append(host);
  }
  if (anchor) anchor.append(placed);
  else {
    host.className = 'floating';
    (doc.body ?? doc.documentElement).append(host);
  }
  // Open so tests can reach it; the page's scripts gain nothing from it (no secret inside).
  const root = host.attachShadow({ mode: 'open' });
  const style = doc.createElement('style');
  style.textContent = LAUNCHER_STYLE;
  root.append(style, createLauncherButton(doc));

  const button = root.querySelector('button');
  const label = root.querySelector<HTMLElement>('.label');
  const badge = root.querySelector<HTMLElement>('.badge');
  const spoken = root.querySelector<HTMLElement>('.sr');
  // Ctrl/⌘-click or a middle click opens it in a tab, as on a link: « Ouvrir dans un
  // onglet » gives a wider panel (and it is how the Firefox tests reach the panel's page).
  button?.addEventListener('click', (event) =>
    backend.openPanel({ inTab: event.ctrlKey || event.metaKey }),
  );
  button?.addEventListener('auxclick', (event) => {
    if (event.button === 1) backend.openPanel({ inTab: true });
  });

  async function refresh(): Promise<void> {
    const { role, pending } = await backend.state().catch(() => SIGNED_OUT);
    if (!label || !badge || !spoken) return;
    const show = pending !== null && pending > 0;
    label.textContent = launcherLabel(role);
    badge.hidden = !show;
    badge.textContent = show ? String(pending) : '';
    badge.title = show ? pendingLabel(pending) : '';
    spoken.textContent = show ? ` (${pendingLabel(pending)})` : '';
    host.hidden = false;
  }

  return { root, refresh, remove: () => placed.remove() };
}
