import { computed, effect } from '@preact/signals';
import { render } from 'preact';
import { browser } from 'wxt/browser';
import { App } from '../../components/app.js';
import { StoreProvider } from '../../components/store-context.js';
import {
  OPEN_TAB_REQUEST,
  PANEL_PORT_NAME,
  asRequestedTab,
  type PanelViewMessage,
} from '../../lib/panel-link.js';
import { createBrowserDeps } from '../../panel/browser-deps.js';
import { createPanelStore } from '../../panel/store.js';
import './style.css';
import './large-lists.css';
import './attributions-matrix.css';
import './attributions-import.css';

const store = createPanelStore(createBrowserDeps());

/** The token of the session whose live view the panel holds, null before its first snapshot. */
const viewHeld = computed(() => {
  const session = store.session.value;
  return session.status === 'signed-in' && store.view.value !== null ? session.token : null;
});

const root = document.getElementById('app');
if (root) {
  render(
    <StoreProvider store={store}>
      <App />
    </StoreProvider>,
    root,
  );
}
void store.init().then(openTabIfAsked);
tellBackgroundWhileOpen();

// A notification's click asks for « Historique », the launcher for the user's own tab.
browser.storage.onChanged.addListener((changes, area) => {
  if (area === 'session' && asRequestedTab(changes[OPEN_TAB_REQUEST]?.newValue))
    void openTabIfAsked();
});

async function openTabIfAsked(): Promise<void> {
  const stored = await browser.storage.session.get(OPEN_TAB_REQUEST);
  const tab = asRequestedTab(stored[OPEN_TAB_REQUEST]);
  if (!tab) return;
  await browser.storage.session.remove(OPEN_TAB_REQUEST);
  store.showRequestedTab(tab);
}

/**
 * While this port is connected the background shows no badge and no
 * notification; it opens its own connection once the panel holds the view
 * (background/open-panels.ts), told after the frame that shows it is drawn so
 * that the server's second snapshot does not compete with the first screen.
 */
function tellBackgroundWhileOpen(): void {
  const port = browser.runtime.connect({ name: PANEL_PORT_NAME });
  let connected = true;
  let frame = 0;
  const stopTelling = effect(() => {
    const token = viewHeld.value;
    cancelAnimationFrame(frame);
    const tell = () => {
      if (connected) port.postMessage({ type: 'qrp:panel-view', token } satisfies PanelViewMessage);
    };
    if (token === null) tell();
    else frame = requestAnimationFrame(() => setTimeout(tell, 0));
  });
  // The background's worker may be stopped and restarted: connect again.
  port.onDisconnect.addListener(() => {
    connected = false;
    stopTelling();
    setTimeout(tellBackgroundWhileOpen, 1_000);
  });
}
