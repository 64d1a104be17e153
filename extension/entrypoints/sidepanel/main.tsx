import { render } from 'preact';
import { browser } from 'wxt/browser';
import { App } from '../../components/app.js';
import { StoreProvider } from '../../components/store-context.js';
import { OPEN_TAB_REQUEST, PANEL_PORT_NAME, asRequestedTab } from '../../lib/panel-link.js';
import { createBrowserDeps } from '../../panel/browser-deps.js';
import { createPanelStore } from '../../panel/store.js';
import './style.css';
import './large-lists.css';
import './attributions-matrix.css';
import './attributions-import.css';

const store = createPanelStore(createBrowserDeps());
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

/** While this port is connected the background shows no badge and no notification. */
function tellBackgroundWhileOpen(): void {
  const port = browser.runtime.connect({ name: PANEL_PORT_NAME });
  // The background's worker may be stopped and restarted: connect again.
  port.onDisconnect.addListener(() => setTimeout(tellBackgroundWhileOpen, 1_000));
}
