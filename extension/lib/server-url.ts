/** The server the panel talks to: chosen in the settings screen, loopback by default. */

export const DEFAULT_SERVER_URL = 'http://localhost:8787';

/** Hosts covered by the manifest's host_permissions (no runtime request needed). */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1']);

/**
 * The origin of what the user typed (`localhost:8787/` → `http://localhost:8787`),
 * or null when it is not an http(s) address. Paths are dropped: the API lives at
 * the server's root.
 */
export function normaliseServerUrl(input: string): string | null {
  const trimmed = input.trim();
  if (trimmed === '') return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  try {
    const url = new URL(withScheme);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (url.username || url.password) return null;
    return url.origin;
  } catch {
    return null;
  }
}

export function isLoopbackServer(origin: string): boolean {
  try {
    return LOOPBACK_HOSTS.has(new URL(origin).hostname);
  } catch {
    return false;
  }
}

/** The match pattern asked for when the server is elsewhere (optional host permission). */
export function hostPermissionPattern(origin: string): string {
  const url = new URL(origin);
  return `${url.protocol}//${url.hostname}/*`;
}
