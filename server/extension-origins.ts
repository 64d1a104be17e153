/**
 * Which browser origins may call the API and open sockets (SECURITY.md, « Origins »):
 * the server's own, this project's extension in Chrome (a fixed manifest key,
 * so one id everywhere), any installation of it in Firefox, and those an
 * operator lists in `ALLOWED_ORIGINS`. Web pages never: they cannot send an
 * extension's origin.
 */
import { EXTENSION_ID } from '../extension/extension-id.js';

/** `Origin` as browsers send it: scheme, host and non-default port, no path. */
export function normalizeOrigin(origin: string): string {
  try {
    const url = new URL(origin.trim());
    return `${url.protocol}//${url.host}`.toLowerCase();
  } catch {
    return origin.trim().replace(/\/+$/, '').toLowerCase();
  }
}

export const EXTENSION_ORIGINS: readonly string[] = [`chrome-extension://${EXTENSION_ID}`];

/**
 * Firefox gives each installation of an extension an origin of its own,
 * `moz-extension://<random UUID>`, unknown to the server. Any page with such an
 * origin is an extension's page, never a web page: accepting them all keeps web
 * pages out, which is what the check is for (sessions are bearer tokens, never
 * cookies: another extension gains nothing without a token).
 */
const FIREFOX_EXTENSION_ORIGIN =
  /^moz-extension:\/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isFirefoxExtensionOrigin(origin: string): boolean {
  return FIREFOX_EXTENSION_ORIGIN.test(normalizeOrigin(origin));
}

/** Whether a page of `origin` may call the API and open sockets. */
export function createOriginPolicy(listed: Iterable<string>): (origin: string) => boolean {
  const allowed = new Set([...listed].map(normalizeOrigin));
  // Every request asks (most with no origin at all, which `URL` refuses with an exception):
  // the answers for the origins seen lately are kept, a bounded number of them.
  const decided = new Map<string, boolean>();
  return (origin) => {
    let decision = decided.get(origin);
    if (decision === undefined) {
      decision = allowed.has(normalizeOrigin(origin)) || isFirefoxExtensionOrigin(origin);
      if (decided.size >= REMEMBERED_ORIGINS) decided.clear();
      decided.set(origin, decision);
    }
    return decision;
  };
}

const REMEMBERED_ORIGINS = 256;
