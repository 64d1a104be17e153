import { Button } from './button.js';
import { useStore } from './store-context.js';

/**
 * A server that does not answer (or fails) is said here, once, at the top of
 * the panel beside the connection state, never under a field: nothing the
 * user typed is wrong. It goes when a request goes through again, when the
 * live connection is back, or when the user closes it.
 */
export function OutageBanner() {
  const store = useStore();
  const message = store.outage.value;
  if (message === null) return null;
  return (
    <div class="outage" role="alert">
      <p>{message}</p>
      <Button variant="link" onClick={store.clearOutage}>
        Fermer
      </Button>
    </div>
  );
}
