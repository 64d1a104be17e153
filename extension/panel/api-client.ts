/**
 * The panel's only door to the HTTP API (notes: api-extensions.md). Components
 * never call it: store actions do. A refusal becomes an `ApiError` carrying the
 * server's code and French message, shown as is.
 */
import { ERRORS, type ErrorDetails } from '../../shared/errors.js';
import type { ApiAnswer, JsonRoute } from '../../shared/api-answers.js';
import type {
  AddSiretBody,
  LoginBody,
  SetAttributionsBody,
  SignupBody,
} from '../../shared/schemas.js';
import type { HistoryPageView, MeView, SecondaryView, SessionView } from '../../shared/views.js';
import type { AgentView, SupportOverviewView } from '../../shared/views.js';
import type { CessionView, SupportAccountView, SupportSpaceView } from '../../shared/views.js';
import type { DossierKind, DossierStatus } from '../../shared/domain.js';
import type { DossierView } from '../../shared/views.js';

/** A dossier the support desk opens (`POST /api/v1/admin/dossiers`), with the agent's reason. */
export interface NewDossierRequest {
  reference: string;
  siret: string;
  kind: DossierKind;
  status: DossierStatus;
  /** The code printed on the dossier's letter: sent once, never kept nor shown. */
  unlockCode: string;
  reason: string;
}

/** The support's history filters (`GET /api/v1/admin/history`); empty fields are no filter. */
export interface HistoryFilters {
  email?: string;
  siret?: string;
  type?: string;
  /** Days in France, `YYYY-MM-DD`, both included. */
  from?: string;
  to?: string;
}

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    /** What the refusal tells besides its message (shared/errors.ts). */
    readonly details: ErrorDetails = {},
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
  revokeInvitation(userId: number): Promise<void>;
  refuseCession(cessionId: number, confirmPartial: boolean): Promise<void>;
  exportAttributions(): Promise<Blob>;
  /** « Attributions »: one save of the matrix (409 `ATTRIBUTIONS_CONFLICT` with `details.conflicts`). */
  setAttributions(body: SetAttributionsBody): Promise<ApiAnswer<'PUT /attributions'>>;
  /** The edited export sent back; `dryRun` changes nothing (422 with `details.lines` when wrong). */
  importAttributions(csv: string, dryRun: boolean): Promise<ApiAnswer<'POST /attributions.csv'>>;
  /** `reason`: why support lifts it, kept in the history (the support desk always gives one). */
  resetLock(lockId: number, reason: string): Promise<void>;
  /** Support desk: the accounts found by part of an e-mail, or by a SIRET typed any way. */
  supportAccounts(q: string): Promise<SupportAccountView[]>;
  /** Support desk: a space whole, a dissolved one too. */
  supportSpace(spaceId: number): Promise<SupportSpaceView>;
  /** Support: the cessions whose ceding or receiving principal's e-mail contains `email`. */
  adminCessions(email: string): Promise<CessionView[]>;
  undoCession(cessionId: number, body: { reason: string; confirmPartial: boolean }): Promise<void>;
  /** Support: an active secondary of the space becomes its principal. */
  makePrincipal(spaceId: number, userId: number, reason: string): Promise<void>;
  /** Support's « Renvoyer l'invitation », by the invitation's id. */
  adminResendInvitation(invitationId: number, reason: string): Promise<{ expiresAt: string }>;
  adminRevokeInvitation(invitationId: number, reason: string): Promise<void>;
  /** Support, standing in for the insurer: a dossier arrives for a SIRET. */
  addDossier(body: NewDossierRequest): Promise<DossierView>;
  /** Support, standing in for the insurer: a dossier moves to another step. */
  changeDossierStatus(
    dossierId: number,
    body: { status: DossierStatus; reason: string },
  ): Promise<DossierView>;
  /** A page of the caller's own history, newest first, before the cursor `before`. */
  history(page: { before?: number | null; limit?: number }): Promise<HistoryPageView>;
  exportHistory(): Promise<Blob>;
  /** Support: a page of every space's history, filtered. */
  adminHistory(
    filters: HistoryFilters,
    page: { before?: number | null; limit?: number },
  ): Promise<HistoryPageView>;
  exportAdminHistory(filters: HistoryFilters): Promise<Blob>;
  /** Support: the desk's figures and its last 30 days. */
  supportOverview(): Promise<SupportOverviewView>;
  /** Support: every support account, deactivated ones included, oldest first. */
  agents(): Promise<AgentView[]>;
  /** `mailSent` is false when the new agent's link could not be e-mailed. */
  createAgent(body: { email: string; reason: string }): Promise<ApiAnswer<'POST /admin/agents'>>;
  deactivateAgent(agentId: number, reason: string): Promise<void>;
}

/** `?a=1&b=x` of the values that are set; '' when none is. */
function queryString(values: Record<string, string | number | null | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== '') query.set(name, String(value));
  }
  const text = query.toString();
  return text ? `?${text}` : '';
}

/** The `:names` of a route's path, e.g. `id` for `PUT /secondaries/:id/sirets`. */
type ParamNames<Path> = Path extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamNames<`/${Rest}`>
  : Path extends `${string}:${infer Name}`
    ? Name
    : never;

type Query = Record<string, string | number | null | undefined>;

/** A route's body and query, and its path's values when it has `:names` (then required). */
type JsonArgs<R extends JsonRoute> = [ParamNames<R>] extends [never]
  ? [call?: { body?: unknown; query?: Query }]
  : [call: { body?: unknown; query?: Query; params: Record<ParamNames<R>, string | number> }];

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
  async function request(
    method: string,
    path: string,
    body?: unknown,
    file?: { text: string; type: string },
  ): Promise<Response> {
    const { serverUrl, token } = target();
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (file) headers['content-type'] = file.type;
    if (token) headers.authorization = `Bearer ${token}`;
    let response: Response;
    try {
      response = await fetchImpl(`${serverUrl}/api/v1${path}`, {
        method,
        headers,
        body: file ? file.text : body === undefined ? undefined : JSON.stringify(body),
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

  /**
   * A JSON route, named as the server declares it (shared/api-answers.ts): its
   * answer's type comes from that declaration. This is the one place where
   * JSON becomes a declared answer; tests/http/typed-answers.test.ts checks
   * every answer the server sends against the very same schemas.
   */
  async function json<R extends JsonRoute>(route: R, ...args: JsonArgs<R>): Promise<ApiAnswer<R>> {
    const call: { body?: unknown; query?: Query; params?: Record<string, string | number> } =
      args[0] ?? {};
    const [method = '', template = ''] = route.split(' ');
    const params = call.params ?? {};
    const path =
      template.replace(/:([A-Za-z]+)/g, (_, name: string) =>
        encodeURIComponent(String(params[name])),
      ) + queryString(call.query ?? {});
    const response = await request(method, path, call.body);
    return (await response.json()) as ApiAnswer<R>;
  }

  async function none(method: string, path: string, body?: unknown): Promise<void> {
    await request(method, path, body);
  }

  return {
    login: (body) => json('POST /auth/login', { body }),
    signup: (body) => json('POST /auth/signup', { body }),
    logout: () => none('POST', '/auth/logout'),
    me: async () => (await json('GET /me')).user,
    checkCessionTarget: async (email) =>
      (await json('POST /cession/check', { body: { email } })).email,
    cede: async (email) => (await json('POST /cession', { body: { email } })).user,
    addSiret: (body) => none('POST', '/sirets', body),
    deleteSiret: (siret) => none('DELETE', `/sirets/${encodeURIComponent(siret)}`),
    addSecondary: (email) => json('POST /secondaries', { body: { email } }),
    removeSecondary: (userId) => none('DELETE', `/secondaries/${userId}`),
    setSecondarySirets: (userId, sirets) =>
      none('PUT', `/secondaries/${userId}/sirets`, { sirets }),
    resendInvitation: (userId) =>
      json('POST /secondaries/:id/invitation', { params: { id: userId } }),
    revokeInvitation: (userId) => none('DELETE', `/secondaries/${userId}/invitation`),
    refuseCession: (cessionId, confirmPartial) =>
      none('POST', `/cessions/${cessionId}/refuse`, { confirmPartial }),
    exportAttributions: async () => (await request('GET', '/attributions.csv')).blob(),
    setAttributions: (body) => json('PUT /attributions', { body }),
    importAttributions: async (csv, dryRun) => {
      const path = `/attributions.csv${dryRun ? '?dryRun=1' : ''}`;
      const response = await request('POST', path, undefined, {
        text: csv,
        type: 'text/csv; charset=utf-8',
      });
      return (await response.json()) as ApiAnswer<'POST /attributions.csv'>;
    },
    resetLock: (lockId, reason) => none('POST', `/admin/locks/${lockId}/reset`, { reason }),
    supportAccounts: async (q) => (await json('GET /admin/accounts', { query: { q } })).accounts,
    supportSpace: (spaceId) => json('GET /admin/spaces/:id', { params: { id: spaceId } }),
    adminCessions: async (email) =>
      (await json('GET /admin/cessions', { query: { email } })).cessions,
    undoCession: (cessionId, body) => none('POST', `/admin/cessions/${cessionId}/undo`, body),
    makePrincipal: (spaceId, userId, reason) =>
      none('POST', `/admin/spaces/${spaceId}/principal`, { userId, reason }),
    adminResendInvitation: (invitationId, reason) =>
      json('POST /admin/invitations/:id/resend', {
        params: { id: invitationId },
        body: { reason },
      }),
    adminRevokeInvitation: (invitationId, reason) =>
      none('POST', `/admin/invitations/${invitationId}/revoke`, { reason }),
    addDossier: async (body) => (await json('POST /admin/dossiers', { body })).dossier,
    changeDossierStatus: async (dossierId, body) =>
      (await json('PATCH /admin/dossiers/:id', { params: { id: dossierId }, body })).dossier,
    history: (page) => json('GET /history', { query: page }),
    exportHistory: async () => (await request('GET', '/history.csv')).blob(),
    adminHistory: (filters, page) => json('GET /admin/history', { query: { ...filters, ...page } }),
    exportAdminHistory: async (filters) =>
      (await request('GET', `/admin/history.csv${queryString({ ...filters })}`)).blob(),
    supportOverview: () => json('GET /admin/overview'),
    agents: async () => (await json('GET /admin/agents')).items,
    createAgent: (body) => json('POST /admin/agents', { body }),
    deactivateAgent: (agentId, reason) =>
      none('POST', `/admin/agents/${agentId}/deactivate`, { reason }),
  };
}

async function toApiError(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as {
      error?: { code?: unknown; message?: unknown } & ErrorDetails;
    };
    const { code, message, remainingAttempts, conflicts, lines } = body.error ?? {};
    if (typeof code === 'string' && typeof message === 'string') {
      return new ApiError(code, message, response.status, { remainingAttempts, conflicts, lines });
    }
  } catch {
    // Not the contract's JSON (a proxy's page): fall back to a generic message.
  }
  const code = response.status === 401 ? 'UNAUTHENTICATED' : 'INTERNAL';
  return new ApiError(code, ERRORS[code].message, response.status);
}
