import { useStore } from './store-context.js';

/** Visible, announced notices: a SIRET attributed or taken away, a cession. */
export function SiretNotices() {
  const store = useStore();
  const notices = store.notices.value;
  return (
    <div class="notices" role="status" aria-live="polite" aria-label="Notifications">
      {notices.map((notice) => (
        <div key={notice.id} class={`notice notice-${notice.kind}`}>
          <p>{notice.text}</p>
          <button
            type="button"
            class="toast-close"
            aria-label="Masquer la notification"
            onClick={() => store.dismissNotice(notice.id)}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
