import type { ConnectionStatus } from '../../shared/live-sync.js';
import { useStore } from './store-context.js';

const LABELS: Record<ConnectionStatus, string> = {
  connecting: 'Connexion…',
  connected: 'Connecté',
  reconnecting: 'Reconnexion…',
  closed: 'Déconnecté',
};

export function ConnectionIndicator() {
  const status = useStore().connection.value;
  return (
    <p class={`connection connection-${status}`} role="status" aria-live="polite">
      <span class="connection-dot" aria-hidden="true" />
      <span class="visually-hidden">Temps réel : </span>
      {LABELS[status]}
    </p>
  );
}
