import { ROLE_LABELS } from '../../shared/domain.js';
import { Button } from './button.js';
import { ConnectionIndicator } from './connection-indicator.js';
import { ServiceName } from './service-brand.js';
import { useStore } from './store-context.js';

export function PanelHeader() {
  const store = useStore();
  const me = store.me.value;
  return (
    <header class="panel-header">
      <div class="panel-brand">
        <ServiceName />
        <div class="panel-title">
          <h1>Paramétrage</h1>
          <ConnectionIndicator />
        </div>
      </div>
      {me && (
        <div class="panel-user">
          <p class="panel-user-name">
            <span class="user-email">{me.email}</span>
            <span class="user-role">{me.isAdmin ? ROLE_LABELS.admin : ROLE_LABELS[me.role]}</span>
          </p>
          <div class="panel-user-actions">
            <Button variant="link" onClick={() => store.openSettings(true)}>
              Réglages
            </Button>
            <Button variant="link" busy={store.isBusy('signOut')} onClick={() => store.signOut()}>
              Se déconnecter
            </Button>
          </div>
        </div>
      )}
    </header>
  );
}
