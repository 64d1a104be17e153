/**
 * Renders the side panel with a fake API client, a fake socket (the test plays
 * the server) and in-memory storage, so each screen can be driven like a user.
 */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, vi, type Mock } from 'vitest';
import type { Snapshot } from '../../../shared/events.js';
import type { MeView } from '../../../shared/views.js';
import { App } from '../../../extension/components/app.js';
import { LazyAdminHome, LazyAttributionsView } from '../../../extension/components/lazy-screens.js';
import { StoreProvider } from '../../../extension/components/store-context.js';
import { ApiError, type ApiClient } from '../../../extension/panel/api-client.js';
import { createPanelStore, type PanelStorage } from '../../../extension/panel/store.js';
import type { StoredSession, StoredState } from '../../../extension/lib/stored-session.js';
import { ERRORS, type ErrorCode } from '../../../shared/errors.js';
import { FakeSocket, flush } from './fake-socket.js';

// Tests share one document: unmount each panel after its test.
afterEach(() => {
  cleanup();
});

export type FakeApi = { [K in keyof ApiClient]: Mock<ApiClient[K]> };

export const TODAY = '2025-03-10';

export function fakeApi(): FakeApi {
  const resolved = <T,>(value: T) => vi.fn(async () => value);
  return {
    login: vi.fn(),
    signup: vi.fn(),
    logout: resolved(undefined),
    me: vi.fn(async () => {
      throw new ApiError('NETWORK', 'hors ligne', 0);
    }),
    // Every address is accepted unless a test says otherwise.
    checkCessionTarget: vi.fn(async (email: string) => email),
    cede: vi.fn(),
    addSiret: resolved(undefined),
    deleteSiret: resolved(undefined),
    addSecondary: vi.fn(),
    removeSecondary: resolved(undefined),
    setSecondarySirets: resolved(undefined),
    resendInvitation: resolved({ expiresAt: '2025-03-17T10:00:00.000Z' }),
    revokeInvitation: resolved(undefined),
    refuseCession: resolved(undefined),
    exportAttributions: resolved(new Blob(['Adresse email;Statut utilisateur;SIRET\n'])),
    setAttributions: resolved({ changed: [] }),
    // Tests that read the report say what it is.
    importAttributions: vi.fn(),
    resetLock: resolved(undefined),
    supportAccounts: resolved([]),
    supportSpace: vi.fn(),
    adminCessions: resolved([]),
    undoCession: resolved(undefined),
    makePrincipal: resolved(undefined),
    adminResendInvitation: resolved({ expiresAt: '2025-03-17T10:00:00.000Z' }),
    adminRevokeInvitation: resolved(undefined),
    // Tests that read the answer say what it is.
    addDossier: vi.fn(),
    changeDossierStatus: vi.fn(),
    history: resolved({ entries: [], next: null }),
    exportHistory: resolved(new Blob(['Date;Auteur;Rôle;Changement;Description\n'])),
    adminHistory: resolved({ entries: [], next: null }),
    exportAdminHistory: resolved(new Blob(['Date;Auteur;Rôle;Changement;Description\n'])),
    supportOverview: resolved({
      pendingInvitations: 0,
      validatedToday: 0,
      expiredThisWeek: 0,
      lockedAccounts: 0,
      days: [],
    }),
    agents: resolved([]),
    createAgent: vi.fn(),
    deactivateAgent: resolved(undefined),
  } as FakeApi;
}

/** The server's refusal, exactly as the API client raises it. */
export function refusal(code: ErrorCode): ApiError {
  return new ApiError(code, ERRORS[code].message, ERRORS[code].status);
}

export class MemoryStorage implements PanelStorage {
  state: StoredState = { serverUrl: null, session: null, remember: false };
  savedIn: 'local' | 'session' | null = null;

  async read(): Promise<StoredState> {
    return structuredClone(this.state);
  }
  async saveSession(session: StoredSession, remember: boolean): Promise<void> {
    this.state = { ...this.state, session, remember };
    this.savedIn = remember ? 'local' : 'session';
  }
  async clearSession(): Promise<void> {
    this.state = { ...this.state, session: null, remember: false };
    this.savedIn = null;
  }
  async saveServerUrl(serverUrl: string): Promise<void> {
    this.state = { ...this.state, serverUrl };
  }
}

export interface PanelOptions {
  signedInAs?: MeView;
}

export async function renderPanel(options: PanelOptions = {}) {
  // The screens in chunks of their own are there at once, as the tests drive them
  // (their loading state has its own test: lazy-component.test.tsx).
  await Promise.all([LazyAttributionsView.load(), LazyAdminHome.load()]);
  const api = fakeApi();
  const sockets: FakeSocket[] = [];
  const storage = new MemoryStorage();
  const requestHostPermission = vi.fn(async (_pattern: string) => true);
  const saveFile = vi.fn();
  if (options.signedInAs) {
    storage.state.session = { token: 'jeton-de-test', user: options.signedInAs };
  }
  const store = createPanelStore({
    createApiClient: () => api,
    openSocket: (serverUrl, token) => {
      const socket = new FakeSocket();
      Object.assign(socket, { serverUrl, token });
      sockets.push(socket);
      return socket;
    },
    storage,
    requestHostPermission,
    saveFile,
    today: () => TODAY,
  });
  const view = render(
    <StoreProvider store={store}>
      <App />
    </StoreProvider>,
  );
  await act(async () => {
    await store.init();
  });

  /** The socket opened last (each session opens its own). */
  const socket = () => {
    const last = sockets[sockets.length - 1];
    if (!last) throw new Error('No socket was opened');
    return last;
  };

  /** Plays the server: connect, then send this snapshot. */
  async function serverSends(snapshot: Snapshot) {
    await act(async () => {
      socket().connect();
      socket().sendSnapshot(snapshot);
      await flush();
    });
  }

  /** Plays the server: run something on the socket, then let the panel render. */
  async function server(action: (socket: FakeSocket) => void) {
    await act(async () => {
      action(socket());
      await flush();
    });
  }

  return {
    ...view,
    store,
    api,
    storage,
    sockets,
    socket,
    serverSends,
    server,
    requestHostPermission,
    saveFile,
  };
}

/** Types into the field with this label (as one input event). */
export function typeInto(
  label: string | RegExp,
  value: string,
  container: HTMLElement = document.body,
) {
  fireEvent.input(within(container).getByLabelText(label), { target: { value } });
}

/** Clicks the button with this accessible name and lets the store's action settle. */
export async function clickButton(name: string | RegExp, container: HTMLElement = document.body) {
  await press(within(container).getByRole('button', { name }));
}

export async function press(element: HTMLElement) {
  await act(async () => {
    fireEvent.click(element);
    await flush();
  });
}

export async function openTab(name: string) {
  await press(screen.getByRole('tab', { name }));
}

/** The words of every toast shown (successes and refusals), in order. */
export function toastTexts(): string[] {
  return Array.from(document.querySelectorAll('.toast-text')).map((item) => item.textContent ?? '');
}

/** The announced error messages inside `container` (fields and forms), outside the toasts. */
export function inlineErrors(container: HTMLElement = document.body): string[] {
  return Array.from(container.querySelectorAll('.field-error, .form-error')).map(
    (item) => item.textContent ?? '',
  );
}
