/**
 * « Historique » in the panel (docs/domain.md): the member's own history,
 * kept up to date by the live events, with its unread count on the tab, and
 * the support's search over every space. Pages come newest first by cursor
 * (`next` is the `before` of the older page); entries are kept ordered by id,
 * without duplicates, whatever order the answers come back in.
 */
import { batch, signal, type ReadonlySignal } from '@preact/signals';
import { ERRORS } from '../../shared/errors.js';
import { isUnreadHistoryChange } from '../../shared/history-scope.js';
import type { LiveChange } from '../../shared/live-sync.js';
import type { HistoryEntryView, HistoryPageView } from '../../shared/views.js';
import { ApiError, type ApiClient, type HistoryFilters } from './api-client.js';
import type { Feedback } from './feedback.js';

/** Entries asked for per page: a few screens of the narrow panel. */
export const HISTORY_PAGE_SIZE = 30;
/** Past this many pages of new entries, the list starts again from the top. */
const MAX_CATCH_UP_PAGES = 5;
export const HISTORY_TAB = 'history';
export const HISTORY_FILE = 'history.csv';

export interface HistoryListState {
  entries: ReadonlySignal<HistoryEntryView[]>;
  /** The cursor of the older page; null once the oldest entry is shown. */
  next: ReadonlySignal<number | null>;
  /** The first page has arrived. */
  loaded: ReadonlySignal<boolean>;
  loading: ReadonlySignal<boolean>;
  /** Why the last load failed, in French; null when it did not. */
  error: ReadonlySignal<string | null>;
}

interface HistoryListDeps {
  fetchPage(before: number | null): Promise<HistoryPageView>;
  /** Returns true when the refusal is shown elsewhere (a form's own message, a session ended). */
  onRefused(error: ApiError): boolean;
}

/** Newest first, each id once. */
function mergeEntries(
  current: readonly HistoryEntryView[],
  added: readonly HistoryEntryView[],
): HistoryEntryView[] {
  const byId = new Map<number, HistoryEntryView>();
  for (const entry of [...current, ...added]) byId.set(entry.id, entry);
  return [...byId.values()].sort((a, b) => b.id - a.id);
}

function createHistoryList({ fetchPage, onRefused }: HistoryListDeps) {
  const entries = signal<HistoryEntryView[]>([]);
  const next = signal<number | null>(null);
  const loaded = signal(false);
  const loading = signal(false);
  const error = signal<string | null>(null);
  /** Bumped by `reset`: answers to requests sent before it are dropped. */
  let generation = 0;
  let refreshing = false;
  /** A live change came while the list could not take it yet: look again afterwards. */
  let refreshAgain = false;

  function failed(cause: unknown): void {
    const refusal =
      cause instanceof ApiError ? cause : new ApiError('INTERNAL', ERRORS.INTERNAL.message, 0);
    if (onRefused(refusal)) return;
    error.value = `L’historique n’a pas pu être chargé. ${refusal.message}`;
  }

  /** Loads the first page (again), or the next older one once the first is there. */
  async function load(): Promise<void> {
    if (loading.peek()) return;
    const asked = generation;
    const before = loaded.peek() ? next.peek() : null;
    if (loaded.peek() && before === null) return;
    batch(() => {
      loading.value = true;
      error.value = null;
    });
    try {
      const page = await fetchPage(before);
      if (asked !== generation) return;
      batch(() => {
        entries.value = mergeEntries(entries.peek(), page.entries);
        next.value = page.next;
        loaded.value = true;
      });
    } catch (cause) {
      if (asked === generation) failed(cause);
    } finally {
      if (asked === generation) loading.value = false;
    }
    if (asked === generation && refreshAgain && loaded.peek()) void refreshTop();
  }

  /**
   * Brings the entries newer than the top one: pages from the top down to the
   * first id already shown, so nothing is missed between them.
   */
  async function refreshTop(): Promise<void> {
    if (!loaded.peek() && !loading.peek()) return;
    if (loading.peek() || refreshing) {
      refreshAgain = true;
      return;
    }
    refreshing = true;
    const asked = generation;
    try {
      do {
        refreshAgain = false;
        const top = entries.peek()[0]?.id ?? 0;
        const fresh: HistoryEntryView[] = [];
        let before: number | null = null;
        let reached = false;
        let older: number | null = null;
        for (let pages = 0; pages < MAX_CATCH_UP_PAGES && !reached; pages++) {
          const page: HistoryPageView = await fetchPage(before);
          if (asked !== generation) return;
          for (const entry of page.entries) {
            if (entry.id <= top) {
              reached = true;
              break;
            }
            fresh.push(entry);
          }
          older = page.next;
          if (page.next === null) reached = true;
          before = page.next;
        }
        batch(() => {
          if (reached) {
            entries.value = mergeEntries(entries.peek(), fresh);
          } else {
            // Too far behind to join up: the list starts again from what just came.
            entries.value = mergeEntries([], fresh);
            next.value = older;
          }
        });
      } while (refreshAgain);
    } catch {
      // Quietly: the list stays as it was, and the next change looks again.
    } finally {
      if (asked === generation) refreshing = false;
    }
  }

  function reset(): void {
    generation++;
    refreshing = false;
    refreshAgain = false;
    batch(() => {
      entries.value = [];
      next.value = null;
      loaded.value = false;
      loading.value = false;
      error.value = null;
    });
  }

  const state: HistoryListState = { entries, next, loaded, loading, error };
  return { state, load, refreshTop, reset };
}

export interface HistoryStoreDeps {
  api: ApiClient;
  run: Feedback['run'];
  saveFile(blob: Blob, filename: string): void;
  /** The server no longer knows the token: the session ends with this message. */
  endSession(message: string): void;
}

function sessionEnder(endSession: (message: string) => void) {
  return (error: ApiError): boolean => {
    if (error.code !== 'UNAUTHENTICATED') return false;
    endSession(error.message);
    return true;
  };
}

/** The member's history, its unread count and the member's selected tab. */
export function createMemberHistory({ api, run, saveFile, endSession }: HistoryStoreDeps) {
  const list = createHistoryList({
    fetchPage: (before) => api.history({ before, limit: HISTORY_PAGE_SIZE }),
    onRefused: sessionEnder(endSession),
  });
  const memberTab = signal('dashboard');
  const unread = signal(0);
  /** Whose history the list holds: ids only mean something in one space's stream. */
  let viewKey: string | null = null;

  function selectMemberTab(id: string): void {
    batch(() => {
      memberTab.value = id;
      if (id === HISTORY_TAB) unread.value = 0;
    });
    if (id === HISTORY_TAB && !list.state.loaded.peek()) void list.load();
  }

  function onLiveChange(change: LiveChange): void {
    const { state, cause } = change;
    if (state?.kind !== 'member') return;
    const key = `${state.me.id}:${state.spaceId}:${state.me.role}`;
    if (key !== viewKey) {
      // A cession moves the member to another space: ids there belong to another stream.
      const had = viewKey !== null;
      viewKey = key;
      if (had) {
        list.reset();
        if (memberTab.peek() === HISTORY_TAB) void list.load();
      }
    } else if (cause.kind === 'snapshot' && list.state.loaded.peek()) {
      // Back after a break: whatever happened meanwhile goes on top.
      void list.refreshTop();
    }
    if (cause.kind !== 'event') return;
    const { event } = cause;
    const viewer = change.previous?.kind === 'member' ? change.previous.me : state.me;
    if (memberTab.peek() !== HISTORY_TAB && isUnreadHistoryChange(event, viewer)) {
      unread.value = unread.peek() + 1;
    }
    // Any change the member may see might be in their page (the server decides what it
    // holds, and writes its sentence): look, the answer stops at the first entry shown.
    if (event.id > 0 && event.type !== 'hidden') void list.refreshTop();
  }

  function reset(): void {
    viewKey = null;
    list.reset();
    batch(() => {
      memberTab.value = 'dashboard';
      unread.value = 0;
    });
  }

  return {
    memberTab: memberTab as ReadonlySignal<string>,
    historyUnread: unread as ReadonlySignal<number>,
    memberHistory: {
      ...list.state,
      loadMore: list.load,
      exportCsv: () =>
        run('exportHistory', async () => saveFile(await api.exportHistory(), HISTORY_FILE), {
          success: 'Export CSV téléchargé.',
        }),
    },
    selectMemberTab,
    openHistory: () => selectMemberTab(HISTORY_TAB),
    onLiveChange,
    reset,
  };
}

/** The support's search over every space's history. */
export function createSupportHistory({ api, run, saveFile, endSession }: HistoryStoreDeps) {
  const filters = signal<HistoryFilters>({});
  /** The server's refusal of the filters (its French message), shown by the form. */
  const refusal = signal<string | null>(null);
  const endOnUnauthenticated = sessionEnder(endSession);
  const list = createHistoryList({
    fetchPage: (before) => api.adminHistory(filters.peek(), { before, limit: HISTORY_PAGE_SIZE }),
    onRefused: (error) => {
      if (error.status === 400) {
        refusal.value = error.message;
        return true;
      }
      return endOnUnauthenticated(error);
    },
  });

  function search(next: HistoryFilters): Promise<void> {
    batch(() => {
      filters.value = withoutBlanks(next);
      refusal.value = null;
      list.reset();
    });
    return list.load();
  }

  return {
    ...list.state,
    filters: filters as ReadonlySignal<HistoryFilters>,
    refusal: refusal as ReadonlySignal<string | null>,
    search,
    loadMore: list.load,
    exportCsv: () =>
      run(
        'exportAdminHistory',
        async () => saveFile(await api.exportAdminHistory(filters.peek()), HISTORY_FILE),
        { success: 'Export CSV téléchargé.' },
      ),
    reset: () => {
      list.reset();
      batch(() => {
        filters.value = {};
        refusal.value = null;
      });
    },
  };
}

/** The filters as the server takes them: no blank field, a SIRET without its spaces. */
function withoutBlanks(filters: HistoryFilters): HistoryFilters {
  const tidy = (name: string, value: string) =>
    name === 'siret' ? value.replace(/\s/g, '') : value.trim();
  return Object.fromEntries(
    Object.entries(filters)
      .map(([name, value]) => [name, typeof value === 'string' ? tidy(name, value) : value])
      .filter(([, value]) => value !== undefined && value !== ''),
  ) as HistoryFilters;
}

export type MemberHistory = ReturnType<typeof createMemberHistory>['memberHistory'];
export type SupportHistory = ReturnType<typeof createSupportHistory>;
