import { render } from 'preact';
import { App } from '../../components/app.js';
import { StoreProvider } from '../../components/store-context.js';
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
void store.init();
