import { useEffect, useRef } from 'preact/hooks';
import { formatDateTimeAt, plural } from '../../shared/french-format.js';
import { EVENT_TYPE_LABELS } from '../../shared/history-text.js';
import type { HistoryListState } from '../panel/history-store.js';
import { Button } from './button.js';
import { useStore } from './store-context.js';

/** « Historique (3) » on the tab, read out as « Historique, 3 changements non lus ». */
export function historyTabLabel(unread: number): { label: string; ariaLabel?: string } {
  if (unread === 0) return { label: 'Historique' };
  return {
    label: `Historique (${unread})`,
    ariaLabel: `Historique, ${plural(unread, 'changement non lu', 'changements non lus')}`,
  };
}

/** A member's « Historique » tab: their changes, newest first, live. */
export function HistoryView() {
  const store = useStore();
  const history = store.memberHistory;
  return (
    <section aria-labelledby="history-title" class="section history">
      <div class="history-head">
        <h2 id="history-title">Historique</h2>
        <Button busy={store.isBusy('exportHistory')} onClick={() => void history.exportCsv()}>
          Exporter (CSV)
        </Button>
      </div>
      <p class="hint">Les changements de votre espace, les plus récents d’abord.</p>
      <HistoryEntries
        list={history}
        labelledBy="history-title"
        empty="Aucun changement pour le moment."
        onMore={() => void history.loadMore()}
      />
    </section>
  );
}

export interface HistoryEntriesProps {
  list: HistoryListState;
  labelledBy: string;
  empty: string;
  onMore: () => void;
  /** Support reads many kinds of change at once: each entry names its kind. */
  showType?: boolean;
}

/**
 * The entries, then a way to older ones: scrolling to the end loads them, and
 * « Afficher plus » does the same from the keyboard (or without an observer).
 */
export function HistoryEntries({ list, labelledBy, empty, onMore, showType }: HistoryEntriesProps) {
  const entries = list.entries.value;
  const loading = list.loading.value;
  const error = list.error.value;
  const hasMore = list.loaded.value && list.next.value !== null;
  const canLoad = hasMore && !loading && error === null;
  const sentinel = useLoadOnScroll(canLoad, onMore);

  return (
    <div class="history-list">
      {entries.length > 0 && (
        <ol class="feed history-entries" aria-labelledby={labelledBy}>
          {entries.map((entry) => (
            <li key={entry.id} class="feed-item history-entry">
              <p class="feed-main">{entry.text}</p>
              <p class="cell-detail">
                <time dateTime={entry.at}>{formatDateTimeAt(entry.at)}</time>
                {showType && ` · ${EVENT_TYPE_LABELS[entry.type]}`}
              </p>
            </li>
          ))}
        </ol>
      )}
      <span ref={sentinel} class="history-sentinel" aria-hidden="true" />
      {list.loaded.value && entries.length === 0 && error === null && <p class="empty">{empty}</p>}
      <p class="history-status" role="status">
        {loading ? 'Chargement…' : ''}
      </p>
      {error !== null && (
        <div class="history-error" role="alert">
          <p>{error}</p>
          <Button onClick={onMore}>Réessayer</Button>
        </div>
      )}
      {hasMore && error === null && (
        <Button class="history-more" onClick={onMore}>
          Afficher plus
        </Button>
      )}
    </div>
  );
}

/** Calls `load` when the end of the list scrolls into view (where the browser can tell). */
function useLoadOnScroll(enabled: boolean, load: () => void) {
  const sentinel = useRef<HTMLSpanElement | null>(null);
  const latest = useRef(load);
  latest.current = load;
  useEffect(() => {
    const node = sentinel.current;
    if (!enabled || !node || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(
      (records) => {
        if (records.some((record) => record.isIntersecting)) latest.current();
      },
      { rootMargin: '200px 0px' },
    );
    observer.observe(node);
    return () => observer.disconnect();
  }, [enabled]);
  return sentinel;
}
