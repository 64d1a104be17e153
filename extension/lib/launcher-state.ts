/** What the portal's launcher shows: the signed-in role, and a principal's pending invitations. */
import type { Page, SecondaryView } from '../../shared/views.js';
import type { StoredState } from './stored-session.js';
import { DEFAULT_SERVER_URL } from './server-url.js';
import type { LauncherStateReply } from './messages.js';

const COUNT_TIMEOUT_MS = 3_000;

export async function readLauncherState(
  stored: StoredState,
  fetchImpl: typeof fetch = fetch,
): Promise<LauncherStateReply> {
  return {
    role: stored.session?.user.role ?? null,
    pending: await countPendingInvitations(stored, fetchImpl),
  };
}

export async function countPendingInvitations(
  stored: StoredState,
  fetchImpl: typeof fetch = fetch,
): Promise<number | null> {
  const session = stored.session;
  // Only a principal has invitations to follow (a secondary would get 403).
  if (!session || session.user.role !== 'principal') return null;
  const serverUrl = stored.serverUrl ?? DEFAULT_SERVER_URL;
  try {
    const response = await fetchImpl(`${serverUrl}/api/v1/secondaries?status=pending&pageSize=1`, {
      headers: { accept: 'application/json', authorization: `Bearer ${session.token}` },
      // A server that does not answer must not leave the launcher waiting.
      signal: AbortSignal.timeout(COUNT_TIMEOUT_MS),
    });
    if (!response.ok) return null;
    const page = (await response.json()) as Page<SecondaryView>;
    return typeof page.total === 'number' ? page.total : null;
  } catch {
    return null;
  }
}
