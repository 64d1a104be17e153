/**
 * Where the extension keeps the server address and the session. The token sits
 * in session storage (gone when the browser closes) unless the user ticked
 * "Rester connecté"; content scripts cannot read either area (session storage
 * is limited to the extension's own pages and background by default, and the
 * launcher only ever asks the background).
 */
import type { MeView } from '../../shared/views.js';

export interface StoredSession {
  token: string;
  user: MeView;
}

export interface StoredState {
  serverUrl: string | null;
  session: StoredSession | null;
  remember: boolean;
}

/** The two storage areas, as `browser.storage.local` / `.session` expose them. */
export interface StorageAreaLike {
  get(keys: string[]): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string[]): Promise<void>;
}

export const SERVER_URL_KEY = 'qrp.serverUrl';
export const SESSION_KEY = 'qrp.session';

export async function readStoredState(
  local: StorageAreaLike,
  session: StorageAreaLike,
): Promise<StoredState> {
  const [fromLocal, fromSession] = await Promise.all([
    local.get([SERVER_URL_KEY, SESSION_KEY]),
    session.get([SESSION_KEY]),
  ]);
  const serverUrl =
    typeof fromLocal[SERVER_URL_KEY] === 'string' ? fromLocal[SERVER_URL_KEY] : null;
  const short = asStoredSession(fromSession[SESSION_KEY]);
  const long = asStoredSession(fromLocal[SESSION_KEY]);
  return { serverUrl, session: short ?? long, remember: short === null && long !== null };
}

export async function writeStoredSession(
  local: StorageAreaLike,
  session: StorageAreaLike,
  value: StoredSession,
  remember: boolean,
): Promise<void> {
  // One place only: a session kept "for this browser session" must not linger on disk.
  const [keep, clear] = remember ? [local, session] : [session, local];
  await clear.remove([SESSION_KEY]);
  await keep.set({ [SESSION_KEY]: value });
}

export async function clearStoredSession(
  local: StorageAreaLike,
  session: StorageAreaLike,
): Promise<void> {
  await Promise.all([local.remove([SESSION_KEY]), session.remove([SESSION_KEY])]);
}

export async function writeServerUrl(local: StorageAreaLike, serverUrl: string): Promise<void> {
  await local.set({ [SERVER_URL_KEY]: serverUrl });
}

function asStoredSession(value: unknown): StoredSession | null {
  if (typeof value !== 'object' || value === null) return null;
  const candidate = value as Partial<StoredSession>;
  if (typeof candidate.token !== 'string' || typeof candidate.user !== 'object') return null;
  return candidate as StoredSession;
}
