import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { readLauncherState } from '../lib/launcher-state.js';
import {
  isLauncherMessage,
  type LauncherStateReply,
  type OpenPanelReply,
} from '../lib/messages.js';
import { OPEN_TAB_REQUEST, launcherTabOf } from '../lib/panel-link.js';
import { readStoredState, type StorageAreaLike } from '../lib/stored-session.js';
import { startBackgroundLive } from '../background/start-live.js';

/** Firefox's sidebar API (absent from Chrome's typings). */
interface SidebarAction {
  open(): Promise<void>;
  toggle(): Promise<void>;
  isOpen(details: { windowId?: number }): Promise<boolean>;
}

interface ChromeSidePanel {
  open(options: { tabId?: number; windowId?: number }): Promise<void>;
  setPanelBehavior(behavior: { openPanelOnActionClick: boolean }): Promise<void>;
}

export default defineBackground(() => {
  const api = browser as unknown as {
    sidePanel?: ChromeSidePanel;
    sidebarAction?: SidebarAction;
    browserAction?: typeof browser.action;
  };

  if (api.sidePanel) {
    // Chrome: the toolbar button opens the side panel, on every site.
    void api.sidePanel.setPanelBehavior({ openPanelOnActionClick: true }).catch(() => undefined);
  } else if (api.sidebarAction) {
    // Firefox: the toolbar button toggles the sidebar.
    const action = browser.action ?? api.browserAction;
    action?.onClicked.addListener(() => void api.sidebarAction?.toggle());
  }

  // Live changes while the panel is closed: badge and system notifications.
  startBackgroundLive({
    openPanel: (windowId) => {
      try {
        const opening = api.sidePanel
          ? api.sidePanel.open({ windowId })
          : api.sidebarAction?.open();
        void Promise.resolve(opening).catch(() => undefined);
      } catch {
        // No window known yet: the flag still opens « Historique » at the panel's next start.
      }
    },
  });

  const local = browser.storage.local as unknown as StorageAreaLike;
  const session = browser.storage.session as unknown as StorageAreaLike;

  browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (!isLauncherMessage(message) || sender.id !== browser.runtime.id) return undefined;
    if (message.type === 'qrp:open-panel') {
      const openInTab = () =>
        browser.tabs.create({
          url: browser.runtime.getURL('/sidepanel.html'),
          windowId: sender.tab?.windowId,
        });
      // Called before any await: the launcher's click is the gesture Chrome requires. Firefox
      // opens its sidebar only for a gesture made in the extension's own pages and refuses a
      // click relayed from the portal's page: the panel then opens in a tab, unless the
      // sidebar is open already (it then shows the user's own tab, as below).
      const sidebar = api.sidebarAction;
      const opening = message.inTab
        ? openInTab()
        : api.sidePanel
          ? api.sidePanel.open({ tabId: sender.tab?.id, windowId: sender.tab?.windowId })
          : sidebar
              ?.open()
              .catch(async () =>
                (await sidebar.isOpen({ windowId: sender.tab?.windowId }))
                  ? undefined
                  : openInTab(),
              );
      // The panel, new or already open, shows the signed-in user's own tab.
      const asking = readStoredState(local, session).then((stored) =>
        session.set({ [OPEN_TAB_REQUEST]: launcherTabOf(stored.session?.user.role ?? null) }),
      );
      Promise.all([opening, asking]).then(
        () => sendResponse({ opened: true } satisfies OpenPanelReply),
        () => sendResponse({ opened: false } satisfies OpenPanelReply),
      );
      return true;
    }
    void readStoredState(local, session)
      .then((stored) => readLauncherState(stored))
      .then(
        (state) => sendResponse(state satisfies LauncherStateReply),
        () => sendResponse({ role: null, pending: null } satisfies LauncherStateReply),
      );
    return true;
  });
});
