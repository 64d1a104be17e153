import { render } from 'preact';
import { browser } from 'wxt/browser';
import { App } from '../../components/app.js';
import { StoreProvider } from '../../components/store-context.js';
import { OPEN_HISTORY_FLAG, PANEL_PORT_NAME } from '../../lib/panel-link.js';
import { createBrowserDeps } from '../../panel/browser-deps.js';
import { createPanelStore } from '../../panel/store.js';
import './style.css';

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
void store.init().then(openHistoryIfAsked);
tellBackgroundWhileOpen();

// A click on one of the background's notifications asks for « Historique ».
browser.storage.onChanged.addListener((changes, area) => {
  if (area === 'session' && changes[OPEN_HISTORY_FLAG]?.newValue === true)
    void openHistoryIfAsked();
});

async function openHistoryIfAsked(): Promise<void> {
  const stored = await browser.storage.session.get(OPEN_HISTORY_FLAG);
  if (stored[OPEN_HISTORY_FLAG] !== true) return;
  await browser.storage.session.remove(OPEN_HISTORY_FLAG);
  if (store.session.peek().status === 'signed-in') store.openHistory();
}

/** While this port is connected the background shows no badge and no notification. */
function tellBackgroundWhileOpen(): void {
  const port = browser.runtime.connect({ name: PANEL_PORT_NAME });
  // The background's worker may be stopped and restarted: connect again.
  port.onDisconnect.addListener(() => setTimeout(tellBackgroundWhileOpen, 1_000));
}
