/**
 * Wires the background's live connection to the browser: the stored session
 * (followed through `storage.onChanged`), the toolbar badge, system
 * notifications, the panel's port, and an alarm that wakes a stopped worker so
 * that it reconnects and catches up.
 */
import { browser } from 'wxt/browser';
import { readNotificationPreferences } from '../lib/notification-preferences.js';
import { OPEN_TAB_REQUEST, PANEL_PORT_NAME, isPanelViewMessage } from '../lib/panel-link.js';
import { readStoredState, type StorageAreaLike } from '../lib/stored-session.js';
import { openSocket } from '../panel/realtime.js';
import type { ActionLike } from './badge.js';
import { ChangeNotifier, NOTIFICATION_ID_PREFIX } from './change-notifier.js';
import { BackgroundLive, type StreamCursor } from './live-connection.js';
import { NOTIFICATION_ICON } from './notification-icon.js';
import { OpenPanels } from './open-panels.js';

const CURSOR_KEY = 'qrp.background.cursor';
const UNREAD_KEY = 'qrp.background.unread';
const WAKE_ALARM = 'qrp:wake';

export interface StartLiveOptions {
  /** Opens the side panel; must run synchronously inside the click that asks for it. */
  openPanel(windowId: number | undefined): void;
}

export function startBackgroundLive({ openPanel }: StartLiveOptions): void {
  const local = browser.storage.local as unknown as StorageAreaLike;
  const session = browser.storage.session as unknown as StorageAreaLike;
  const loose = browser as unknown as { browserAction?: ActionLike };
  const action: ActionLike = (browser.action as unknown as ActionLike | undefined) ??
    loose.browserAction ?? { setBadgeText() {}, setBadgeBackgroundColor() {}, setTitle() {} };

  const panels = new OpenPanels();
  const notifier = new ChangeNotifier({
    action,
    panelOpen: () => panels.anyOpen,
    notify: async (id, change) => {
      await browser.notifications.create(id, {
        type: 'basic',
        iconUrl: NOTIFICATION_ICON,
        title: change.title,
        message: change.message,
      });
    },
    preferences: () => readNotificationPreferences(local),
    unread: {
      read: async () => {
        const stored = (await session.get([UNREAD_KEY]))[UNREAD_KEY];
        return typeof stored === 'number' ? stored : 0;
      },
      write: (count) => session.set({ [UNREAD_KEY]: count }),
    },
  });

  const live = new BackgroundLive({
    openSocket,
    // At sign-in the panel gets its snapshot first; the server builds one at a time.
    beforeConnect: (stored) => panels.firstViewOf(stored.token),
    cursor: {
      read: async () => asCursor((await session.get([CURSOR_KEY]))[CURSOR_KEY]),
      write: (cursor) => session.set({ [CURSOR_KEY]: cursor }),
    },
    onEvent: (event, known) => void notifier.onEvent(event, known),
  });

  async function followStoredSession(): Promise<void> {
    const stored = await readStoredState(local, session);
    if (!stored.session) void notifier.reset();
    await live.follow(stored.serverUrl, stored.session);
  }

  browser.storage.onChanged.addListener((changes) => {
    if ('qrp.session' in changes || 'qrp.serverUrl' in changes) void followStoredSession();
  });

  browser.runtime.onConnect.addListener((port) => {
    if (port.name !== PANEL_PORT_NAME || port.sender?.id !== browser.runtime.id) return;
    panels.opened(port);
    void notifier.panelOpened();
    port.onMessage.addListener((message: unknown) => {
      if (isPanelViewMessage(message)) panels.holds(port, message.token);
    });
    port.onDisconnect.addListener(() => panels.closed(port));
  });

  // The window the user is in, known before a click so that the panel opens within it.
  let focusedWindow: number | undefined;
  void browser.windows
    ?.getLastFocused()
    .then((window) => (focusedWindow ??= window.id))
    .catch(() => undefined);
  browser.windows?.onFocusChanged.addListener((windowId) => {
    if (windowId !== browser.windows.WINDOW_ID_NONE) focusedWindow = windowId;
  });

  browser.notifications.onClicked.addListener((id) => {
    if (!id.startsWith(NOTIFICATION_ID_PREFIX)) return;
    void session.set({ [OPEN_TAB_REQUEST]: 'history' });
    openPanel(focusedWindow);
    void browser.notifications.clear(id);
  });

  // A worker stopped by the browser wakes up here, reconnects and catches up.
  void browser.alarms.create(WAKE_ALARM, { periodInMinutes: 0.5 });
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === WAKE_ALARM) void followStoredSession();
  });

  void notifier.restore();
  void followStoredSession();
}

function asCursor(value: unknown): StreamCursor | null {
  if (typeof value !== 'object' || value === null) return null;
  const cursor = value as Partial<StreamCursor>;
  if (typeof cursor.userId !== 'number' || typeof cursor.lastEventId !== 'number') return null;
  if (typeof cursor.role !== 'string') return null;
  if (cursor.spaceId !== null && typeof cursor.spaceId !== 'number') return null;
  return cursor as StreamCursor;
}
