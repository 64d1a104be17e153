/**
 * The side panel's one store: signals the components read, actions they call.
 *
 *   component ── action ──► ApiClient (HTTP) ──► server
 *                                                  │ commit, publish
 *   component ◄── signals ◄── LiveSync ◄── socket ◄┘ snapshot / event
 *
 * Actions never write the live state from an HTTP answer: the event that
 * follows does (only the session itself comes from HTTP answers). Components
 * never touch the socket or fetch.
 */
import { batch, computed, effect, signal } from '@preact/signals';
import { ERRORS } from '../../shared/errors.js';
import type { Snapshot } from '../../shared/events.js';
import {
  attachLiveSync,
  type ConnectionStatus,
  type LiveChange,
  type LiveSocket,
  type LiveSync,
} from '../../shared/live-sync.js';
import type { LoginBody, SignupBody } from '../../shared/schemas.js';
import type { MeView } from '../../shared/views.js';
import {
  DEFAULT_SERVER_URL,
  hostPermissionPattern,
  isLoopbackServer,
  normaliseServerUrl,
} from '../lib/server-url.js';
import type { RequestedTab } from '../lib/panel-link.js';
import type { StoredSession, StoredState } from '../lib/stored-session.js';
import { ApiError, type ApiClient, type ApiTarget } from './api-client.js';
import { createFeedback, type ActionResult } from './feedback.js';
import { createMemberHistory, createSupportHistory } from './history-store.js';
import {
  describeEvent,
  isOwnChange,
  liveNotices,
  mergeNotices,
  type NoticeText,
} from './notices.js';
import { createSpaceActions, liftsALock, LOCK_LIFTED } from './space-actions.js';
import { createSupportDesk } from './support-desk-store.js';
import { createSupportAdmin } from './support-admin-store.js';

export type { ActionResult, Toast } from './feedback.js';

/** What the store needs from the outside world (the browser, or a test). */
export interface PanelDeps {
  createApiClient(target: () => ApiTarget): ApiClient;
  openSocket(serverUrl: string, token: string): LiveSocket;
  storage: PanelStorage;
  /** Must be called during the user's click: the browser shows its prompt then. */
  requestHostPermission(pattern: string): Promise<boolean>;
  saveFile(blob: Blob, filename: string): void;
  /** Today's date in France (YYYY-MM-DD). */
  today(): string;
}

export interface PanelStorage {
  read(): Promise<StoredState>;
  saveSession(session: StoredSession, remember: boolean): Promise<void>;
  clearSession(): Promise<void>;
  saveServerUrl(serverUrl: string): Promise<void>;
}

export type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out' }
  | { status: 'signed-in'; token: string; user: MeView; remember: boolean };

export interface Notice extends NoticeText {
  id: number;
}

/** How long a secondary's row stays highlighted after they validated their invitation. */
export const HIGHLIGHT_MS = 4_000;

export type AuthScreen = 'sign-in' | 'sign-up';

const REVOKED_MESSAGES = {
  logout: 'Vous avez été déconnecté.',
  removed: 'Votre accès à cet espace employeur a été supprimé.',
  expired: ERRORS.UNAUTHENTICATED.message,
} as const;

export type PanelStore = ReturnType<typeof createPanelStore>;

export function createPanelStore(deps: PanelDeps) {
  const serverUrl = signal(DEFAULT_SERVER_URL);
  const session = signal<SessionState>({ status: 'loading' });
  const view = signal<Snapshot | null>(null);
  const connection = signal<ConnectionStatus>('closed');
  const authScreen = signal<AuthScreen>('sign-in');
  const settingsOpen = signal(false);
  const notices = signal<Notice[]>([]);
  /** Secondaries whose row is highlighted for a moment (they just validated their invitation). */
  const highlightedMembers = signal<readonly number[]>([]);
  /** The last sentence for the polite live region (changes made by others). */
  const announcement = signal('');
  const feedback = createFeedback(async (message) => {
    if (session.peek().status !== 'signed-in') return false;
    await endSession(message);
    return true;
  });
  const { run, toast } = feedback;

  /** The signed-in user as the live view knows them (the role changes with a cession). */
  const me = computed<MeView | null>(() => {
    const current = session.value;
    if (current.status !== 'signed-in') return null;
    return view.value?.me ?? current.user;
  });

  const api = deps.createApiClient(() => {
    const current = session.peek();
    return {
      serverUrl: serverUrl.peek(),
      token: current.status === 'signed-in' ? current.token : null,
    };
  });

  let live: LiveSync | null = null;
  /** Ends the support's watch of a space on the socket being replaced. */
  let stopWatching: (() => void) | null = null;
  const historyDeps = {
    api,
    run,
    saveFile: deps.saveFile,
    endSession: (message: string) => void endSession(message),
  };
  const history = createMemberHistory(historyDeps);
  const supportHistory = createSupportHistory(historyDeps);
  const supportDesk = createSupportDesk(historyDeps);
  const supportAdmin = createSupportAdmin({ ...historyDeps, toast });
  let nextId = 1;

  function dismissNotice(id: number): void {
    notices.value = notices.peek().filter((item) => item.id !== id);
  }

  function clearNotices(): void {
    notices.value = [];
  }

  function highlightMember(userId: number): void {
    highlightedMembers.value = [...highlightedMembers.peek().filter((id) => id !== userId), userId];
    setTimeout(() => {
      highlightedMembers.value = highlightedMembers.peek().filter((id) => id !== userId);
    }, HIGHLIGHT_MS);
  }

  /**
   * Shows the new notices (read out by their own live region); notices that
   * cancel out leave no visible trace, so only the live region tells of them.
   */
  function addNotices(texts: NoticeText[]): void {
    const incoming = texts.map((text) => ({ ...text, id: nextId++ }));
    const merged = mergeNotices(notices.peek(), incoming);
    notices.value = merged.notices;
    if (merged.cancelled.length > 0) {
      announcement.value = merged.cancelled.map((item) => item.text).join(' ');
    }
    for (const { kind, userId } of incoming) {
      if (kind === 'validated' && userId !== undefined) highlightMember(userId);
    }
  }

  function onLiveChange(change: LiveChange): void {
    // Back in touch with the server: the outage said at the top is over.
    if (change.status === 'connected' && connection.peek() !== 'connected') feedback.clearOutage();
    batch(() => {
      view.value = change.state;
      connection.value = change.status;
      const texts = liveNotices(change);
      if (texts.length > 0) {
        addNotices(texts);
      } else if (change.cause.kind === 'event' && !isOwnChange(change)) {
        const sentence = describeEvent(change.cause.event, change.previous);
        if (sentence) announcement.value = sentence;
      }
    });
    history.onLiveChange(change);
    supportDesk.onLiveChange(change);
    supportAdmin.onLiveChange(change);
    // The lifted form comes back by itself; the toast says why.
    if (liftsALock(change)) toast('success', LOCK_LIFTED);
    if (change.cause.kind === 'snapshot' && change.state) void rememberUser(change.state.me);
  }

  /** Keeps the stored user in step with the live one (a cession changes the role). */
  async function rememberUser(user: MeView): Promise<void> {
    const current = session.peek();
    if (current.status !== 'signed-in') return;
    if (current.user.role === user.role && current.user.spaceId === user.spaceId) return;
    session.value = { ...current, user };
    await deps.storage.saveSession({ token: current.token, user }, current.remember);
  }

  function connect(token: string): void {
    live?.close();
    const socket = deps.openSocket(serverUrl.peek(), token);
    const current = attachLiveSync(socket, {
      onSessionRevoked: (reason) => void endSession(REVOKED_MESSAGES[reason]),
      onConnectError: (code) => {
        if (code === 'UNAUTHENTICATED') void endSession(ERRORS.UNAUTHENTICATED.message);
      },
      onSyncError: (code) => {
        if (code === 'UNAUTHENTICATED') void endSession(ERRORS.UNAUTHENTICATED.message);
      },
    });
    current.subscribe(onLiveChange);
    live = current;
    connection.value = current.status;
    watchSupportSpace(socket);
  }

  /**
   * A support agent's page of a space stays live: the socket watches the space
   * shown (again after each reconnection) and the page is read again when told
   * of a change there (docs/api.md, « watch-space »).
   */
  function watchSupportSpace(socket: LiveSocket): void {
    stopWatching?.();
    stopWatching = null;
    const current = session.peek();
    if (current.status !== 'signed-in' || current.user.role !== 'admin') return;
    socket.on('connect', () => socket.emit('watch-space', supportDesk.spaceId.peek()));
    socket.on('space-touched', ({ spaceId }) => {
      if (spaceId === supportDesk.spaceId.peek()) void supportDesk.refresh();
    });
    stopWatching = effect(() => void socket.emit('watch-space', supportDesk.spaceId.value));
  }

  async function startSession(stored: StoredSession, remember: boolean): Promise<void> {
    batch(() => {
      session.value = { status: 'signed-in', token: stored.token, user: stored.user, remember };
      settingsOpen.value = false;
      notices.value = [];
    });
    // A refused sign-in's toast would linger over the freshly opened screen.
    feedback.clearErrors();
    connect(stored.token);
  }

  /** Forgets the session here (the server already ended it, or is told separately). */
  async function endSession(message?: string): Promise<void> {
    if (session.peek().status !== 'signed-in') return;
    live?.close();
    live = null;
    stopWatching?.();
    stopWatching = null;
    batch(() => {
      session.value = { status: 'signed-out' };
      view.value = null;
      connection.value = 'closed';
      notices.value = [];
      highlightedMembers.value = [];
      authScreen.value = 'sign-in';
      history.reset();
      supportHistory.reset();
      supportDesk.reset();
      supportAdmin.reset();
    });
    if (message) toast('info', message);
    await deps.storage.clearSession();
  }

  async function init(): Promise<void> {
    const stored = await deps.storage.read();
    serverUrl.value = stored.serverUrl ?? DEFAULT_SERVER_URL;
    if (!stored.session) {
      session.value = { status: 'signed-out' };
      return;
    }
    await startSession(stored.session, stored.remember);
    try {
      await rememberUser(await api.me());
    } catch (error) {
      // Offline is fine (the socket retries); a token the server no longer knows is not.
      if (error instanceof ApiError && error.code === 'UNAUTHENTICATED') {
        await endSession(error.message);
      }
    }
  }

  function signIn(body: LoginBody & { remember: boolean }): Promise<ActionResult> {
    // The form says a refusal above its button (sign-in-screen.tsx).
    return run(
      'signIn',
      async () => {
        const { remember, ...credentials } = body;
        const result = await api.login(credentials);
        await deps.storage.saveSession(result, remember);
        await startSession(result, remember);
      },
      { quiet: 'all' },
    );
  }

  function signUp(body: SignupBody & { remember: boolean }): Promise<ActionResult> {
    return run(
      'signUp',
      async () => {
        const { remember, ...input } = body;
        const result = await api.signup(input);
        await deps.storage.saveSession(result, remember);
        await startSession(result, remember);
      },
      { success: 'Votre espace employeur est créé.', quiet: 'all' },
    );
  }

  function signOut(): Promise<ActionResult> {
    return run('signOut', async () => {
      const current = session.peek();
      if (current.status !== 'signed-in') return;
      // Stop listening first: the server's own `session.revoked` is expected now.
      live?.close();
      live = null;
      try {
        await api.logout();
      } catch {
        // The local session ends anyway; the server's token expires on its own.
      }
      await endSession();
    });
  }

  function saveServerUrl(input: string): Promise<ActionResult> {
    const origin = normaliseServerUrl(input);
    if (!origin) {
      const message = 'Adresse invalide : saisissez par exemple http://localhost:8787.';
      return Promise.resolve({ ok: false, code: 'VALIDATION_FAILED', message, outage: false });
    }
    // Asked before any await: the browser only shows its prompt during the click.
    const granted = isLoopbackServer(origin)
      ? Promise.resolve(true)
      : deps.requestHostPermission(hostPermissionPattern(origin));
    return run(
      'saveServerUrl',
      async () => {
        if (!(await granted.catch(() => false))) {
          throw new ApiError(
            'PERMISSION_DENIED',
            "L'accès à ce serveur n'a pas été autorisé : l'adresse n'a pas été enregistrée.",
            0,
          );
        }
        const changed = origin !== serverUrl.peek();
        await deps.storage.saveServerUrl(origin);
        serverUrl.value = origin;
        settingsOpen.value = false;
        // A token belongs to the server that issued it.
        if (changed) await endSession('Adresse du serveur modifiée : reconnectez-vous.');
      },
      // The settings form says a refusal under the address.
      { success: 'Adresse du serveur enregistrée.', quiet: 'all' },
    );
  }

  /** A tab asked for from outside the panel (the launcher, a notification), as far as the user has it. */
  function showRequestedTab(tab: RequestedTab): void {
    const current = session.peek();
    if (current.status !== 'signed-in' || current.user.role === 'admin') return;
    settingsOpen.value = false;
    const allowed = tab !== 'parametrage' || current.user.role === 'principal';
    history.selectMemberTab(allowed ? tab : 'dashboard');
  }

  return {
    // state (read-only for components)
    serverUrl,
    session,
    view,
    me,
    connection,
    authScreen,
    settingsOpen,
    toasts: feedback.toasts,
    outage: feedback.outage,
    clearOutage: feedback.clearOutage,
    notices,
    highlightedMembers,
    announcement,
    isBusy: feedback.isBusy,
    today: deps.today,
    // actions
    init,
    signIn,
    signUp,
    signOut,
    saveServerUrl,
    ...createSpaceActions({ api, run, saveFile: deps.saveFile, today: deps.today }),
    // « Historique »: `openHistory()` shows the member's tab from anywhere in the panel.
    memberTab: history.memberTab,
    historyUnread: history.historyUnread,
    memberHistory: history.memberHistory,
    selectMemberTab: history.selectMemberTab,
    openHistory: history.openHistory,
    showRequestedTab,
    supportHistory,
    supportDesk,
    // « Aperçu » and « Agents »: read over HTTP, read again when the admin stream moves them.
    supportOverview: supportAdmin.overview,
    supportAgents: supportAdmin.agents,
    dismissToast: feedback.dismissToast,
    dismissNotice,
    clearNotices,
    showAuthScreen: (screen: AuthScreen) => {
      authScreen.value = screen;
    },
    openSettings: (open: boolean) => {
      settingsOpen.value = open;
    },
  };
}
