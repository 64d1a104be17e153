/**
 * The panel's only door to the HTTP API (notes: api-extensions.md). Components
 * never call it: store actions do. A refusal becomes an `ApiError` carrying the
 * server's code and French message, shown as is.
 */
import { ERRORS } from '../../shared/errors.js';
import type { AddSiretBody, LoginBody, SignupBody } from '../../shared/schemas.js';
import type { MeView, SecondaryView, SessionView } from '../../shared/views.js';

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Everything the panel asks the server over HTTP. */
export interface ApiClient {
  login(body: LoginBody): Promise<SessionView>;
  signup(body: SignupBody): Promise<SessionView>;
  logout(): Promise<void>;
  me(): Promise<MeView>;
  /** The address as the server stores it when a cession to it would be accepted. */
  checkCessionTarget(email: string): Promise<string>;
  cede(email: string): Promise<MeView>;
  addSiret(body: AddSiretBody): Promise<void>;
  deleteSiret(siret: string): Promise<void>;
  addSecondary(email: string): Promise<SecondaryView>;
  removeSecondary(userId: number): Promise<void>;
  setSecondarySirets(userId: number, sirets: string[]): Promise<void>;
  resendInvitation(userId: number): Promise<{ expiresAt: string }>;
  exportAttributions(): Promise<Blob>;
  resetLock(lockId: number): Promise<void>;
}

/** Where requests go, read at each call (the address and token change over time). */
export interface ApiTarget {
  serverUrl: string;
  token: string | null;
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export function createHttpApiClient(
  target: () => ApiTarget,
  fetchImpl: FetchLike = (input, init) => fetch(input, init),
): ApiClient {
  async function request(method: string, path: string, body?: unknown): Promise<Response> {
    const { serverUrl, token } = target();
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    let response: Response;
    try {
      response = await fetchImpl(`${serverUrl}/api/v1${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(
        'NETWORK',
        `Le serveur ${serverUrl} ne répond pas. Vérifiez votre connexion ou l'adresse du serveur dans les réglages.`,
        0,
      );
    }
    if (!response.ok) throw await toApiError(response);
    return response;
  }

  async function json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await request(method, path, body);
    return (await response.json()) as T;
  }

  async function none(method: string, path: string, body?: unknown): Promise<void> {
    await request(method, path, body);
  }

  return {
    login: (body) => json('POST', '/auth/login', body),
    signup: (body) => json('POST', '/auth/signup', body),
    logout: () => none('POST', '/auth/logout'),
    me: async () => (await json<{ user: MeView }>('GET', '/me')).user,
    checkCessionTarget: async (email) =>
      (await json<{ email: string }>('POST', '/cession/check', { email })).email,
    cede: async (email) => (await json<{ user: MeView }>('POST', '/cession', { email })).user,
    addSiret: (body) => none('POST', '/sirets', body),
    deleteSiret: (siret) => none('DELETE', `/sirets/${encodeURIComponent(siret)}`),
    addSecondary: (email) => json('POST', '/secondaries', { email }),
    removeSecondary: (userId) => none('DELETE', `/secondaries/${userId}`),
    setSecondarySirets: (userId, sirets) =>
      none('PUT', `/secondaries/${userId}/sirets`, { sirets }),
    resendInvitation: (userId) => json('POST', `/secondaries/${userId}/invitation`),
    exportAttributions: async () => (await request('GET', '/attributions.csv')).blob(),
    resetLock: (lockId) => none('POST', `/admin/locks/${lockId}/reset`),
  };
}

async function toApiError(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    const { code, message } = body.error ?? {};
    if (typeof code === 'string' && typeof message === 'string') {
      return new ApiError(code, message, response.status);
    }
  } catch {
    // Not the contract's JSON (a proxy's page): fall back to a generic message.
  }
  const code = response.status === 401 ? 'UNAUTHENTICATED' : 'INTERNAL';
  return new ApiError(code, ERRORS[code].message, response.status);
}
