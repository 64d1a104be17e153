/**
 * The "Paramétrage" launcher on the portal's pages: a button in a shadow root
 * that opens the side panel, with a badge counting the principal's pending
 * invitations. It never sees the token: it only asks the background.
 */
import {
  LAUNCHER_HOST_ID,
  LAUNCHER_HTML,
  LAUNCHER_STYLE,
  findLauncherAnchor,
  pendingLabel,
} from './portal-page.js';

export interface LauncherBackend {
  pendingCount(): Promise<number | null>;
  openPanel(): void;
}

export interface MountedLauncher {
  root: ShadowRoot;
  refresh(): Promise<void>;
  remove(): void;
}

export function mountLauncher(doc: Document, backend: LauncherBackend): MountedLauncher | null {
  if (doc.getElementById(LAUNCHER_HOST_ID)) return null;
  const host = doc.createElement('span');
  host.id = LAUNCHER_HOST_ID;
  const anchor = findLauncherAnchor(doc);
  if (anchor) anchor.append(host);
  else {
    host.className = 'floating';
    (doc.body ?? doc.documentElement).append(host);
  }
  // Open so tests can reach it; the page's scripts gain nothing from it (no secret inside).
  const root = host.attachShadow({ mode: 'open' });
  const style = doc.createElement('style');
  style.textContent = LAUNCHER_STYLE;
  const template = doc.createElement('template');
  template.innerHTML = LAUNCHER_HTML;
  root.append(style, template.content.cloneNode(true));

  const button = root.querySelector('button');
  const badge = root.querySelector<HTMLElement>('.badge');
  const spoken = root.querySelector<HTMLElement>('.sr');
  button?.addEventListener('click', () => backend.openPanel());

  async function refresh(): Promise<void> {
    const count = await backend.pendingCount().catch(() => null);
    if (!badge || !spoken) return;
    const show = count !== null && count > 0;
    badge.hidden = !show;
    badge.textContent = show ? String(count) : '';
    spoken.textContent = show ? ` (${pendingLabel(count)})` : '';
  }

  return { root, refresh, remove: () => host.remove() };
}
