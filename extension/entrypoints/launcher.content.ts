import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import type { LauncherMessage, LauncherStateReply } from '../lib/messages.js';
import { mountLauncher } from '../portal/mount-launcher.js';

/**
 * How often the launcher asks again (invitations get accepted while the page is
 * open); it also asks when the page comes back into view or gets the focus back
 * from the side panel, where the user may have signed in or out.
 */
const REFRESH_MS = 60_000;

export default defineContentScript({
  matches: ['https://questionnaires-risquepro.ameli.fr/*', 'http://localhost/*'],
  runAt: 'document_idle',
  main(ctx) {
    const send = <T>(message: LauncherMessage) =>
      browser.runtime.sendMessage(message) as Promise<T>;
    const launcher = mountLauncher(document, {
      state: () => send<LauncherStateReply>({ type: 'qrp:launcher-state' }),
      // Sent straight from the click: Chrome lets the background open the panel
      // only while the user's gesture lasts.
      openPanel: ({ inTab }) => void send({ type: 'qrp:open-panel', inTab }).catch(() => undefined),
    });
    if (!launcher) return;
    void launcher.refresh();
    ctx.setInterval(() => void launcher.refresh(), REFRESH_MS);
    ctx.addEventListener(document, 'visibilitychange', () => {
      if (document.visibilityState === 'visible') void launcher.refresh();
    });
    ctx.addEventListener(window, 'focus', () => void launcher.refresh());
    ctx.onInvalidated(() => launcher.remove());
  },
});
