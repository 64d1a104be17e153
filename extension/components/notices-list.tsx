import { useEffect, useRef } from 'preact/hooks';
import { plural } from '../../shared/french-format.js';
import { Button } from './button.js';
import { useStore } from './store-context.js';

/** More would push the member's own screens out of sight; the rest is in the Historique. */
const VISIBLE_NOTICES = 3;

/**
 * What others changed that concerns the member, newest first: the latest few,
 * each with its close button, and the way to the rest.
 */
export function NoticesList() {
  const store = useStore();
  const notices = store.notices.value;
  const visible = notices.slice(0, VISIBLE_NOTICES);
  const more = notices.length - visible.length;
  const region = useRef<HTMLDivElement>(null);
  // A closed notice takes its focused button away: the keyboard goes on to the next one.
  const refocus = useRef(false);
  useEffect(() => {
    if (!refocus.current) return;
    refocus.current = false;
    region.current?.querySelector<HTMLElement>('.toast-close')?.focus();
  });
  return (
    <div class="notices-area">
      {/* Only the notices are live: the counter below changing would be read out too. */}
      <div ref={region} class="notices" role="status" aria-live="polite" aria-label="Notifications">
        {visible.map((notice) => (
          <div key={notice.id} class={`notice notice-${notice.kind}`}>
            <p>{notice.text}</p>
            <button
              type="button"
              class="toast-close"
              aria-label="Masquer la notification"
              onClick={() => {
                refocus.current = true;
                store.dismissNotice(notice.id);
              }}
            >
              ×
            </button>
          </div>
        ))}
      </div>
      {notices.length > 1 && (
        <div class="notices-actions">
          {more > 0 && (
            <Button variant="link" onClick={() => store.openHistory()}>
              {plural(more, 'autre changement', 'autres changements')}
            </Button>
          )}
          <Button variant="link" class="notices-clear" onClick={() => store.clearNotices()}>
            Tout effacer
          </Button>
        </div>
      )}
    </div>
  );
}
