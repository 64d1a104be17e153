/** The store's dependencies in the real extension: browser storage, permissions, downloads. */
import { browser } from 'wxt/browser';
import { todayInFrance } from '../../shared/jours-francs.js';
import {
  clearStoredSession,
  readStoredState,
  writeServerUrl,
  writeStoredSession,
  type StorageAreaLike,
} from '../lib/stored-session.js';
import { createHttpApiClient } from './api-client.js';
import { openSocket } from './realtime.js';
import type { PanelDeps } from './store.js';

export function createBrowserDeps(): PanelDeps {
  const local = browser.storage.local as unknown as StorageAreaLike;
  const session = browser.storage.session as unknown as StorageAreaLike;
  return {
    createApiClient: (target) => createHttpApiClient(target),
    openSocket,
    storage: {
      read: () => readStoredState(local, session),
      saveSession: (value, remember) => writeStoredSession(local, session, value, remember),
      clearSession: () => clearStoredSession(local, session),
      saveServerUrl: (serverUrl) => writeServerUrl(local, serverUrl),
    },
    // Called straight from the click (no await before it): the prompt needs the
    // user's gesture; an origin already granted resolves true without a prompt.
    requestHostPermission: (pattern) => browser.permissions.request({ origins: [pattern] }),
    saveFile,
    today: () => todayInFrance(),
  };
}

function saveFile(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
