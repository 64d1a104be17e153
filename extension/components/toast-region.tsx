import { useStore } from './store-context.js';

/** Success and refusal messages; refusals are alerts, the rest polite. */
export function ToastRegion() {
  const store = useStore();
  const toasts = store.toasts.value;
  return (
    <div class="toasts">
      <div role="status" aria-live="polite" class="toast-stack">
        {toasts
          .filter((toast) => toast.kind !== 'error')
          .map((toast) => (
            <ToastItem key={toast.id} id={toast.id} kind={toast.kind} text={toast.text} />
          ))}
      </div>
      <div role="alert" aria-live="assertive" class="toast-stack">
        {toasts
          .filter((toast) => toast.kind === 'error')
          .map((toast) => (
            <ToastItem key={toast.id} id={toast.id} kind={toast.kind} text={toast.text} />
          ))}
      </div>
    </div>
  );
}

export interface ToastItemProps {
  id: number;
  kind: 'success' | 'error' | 'info';
  text: string;
}

function ToastItem({ id, kind, text }: ToastItemProps) {
  const store = useStore();
  return (
    <div class={`toast toast-${kind}`}>
      <span class="toast-icon" aria-hidden="true">
        {kind === 'error' ? '!' : kind === 'success' ? '✓' : 'i'}
      </span>
      <p class="toast-text">{text}</p>
      <button
        type="button"
        class="toast-close"
        aria-label="Masquer le message"
        onClick={() => store.dismissToast(id)}
      >
        ×
      </button>
    </div>
  );
}
