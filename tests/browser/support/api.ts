/**
 * The server's HTTP API as the tests drive it from outside the browser: the
 * admin opening dossiers (the insurer's systems), another principal signing up.
 */
import type { DossierStatus } from '../../../shared/domain.js';
import { uniqueReference } from '../../support/fixtures.js';
import { callOverHttp, signInOverHttp } from '../../support/http-client.js';
import { ADMIN } from './test-server.js';

export interface ApiCaller {
  call<T = unknown>(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown },
  ): Promise<T>;
  /** Signs in and returns the session token. */
  login(email: string, password: string): Promise<string>;
  adminToken(): Promise<string>;
  /** Opens a dossier for a SIRET with this unlock code; returns its id. */
  openDossier(siret: string, unlockCode: string, status?: DossierStatus): Promise<number>;
  setDossierStatus(id: number, status: DossierStatus): Promise<void>;
  /** A new principal with their own space; returns the session token. */
  signUp(email: string, password: string, siret: string, unlockCode: string): Promise<string>;
}

export class ApiRefusal extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    label: string,
  ) {
    super(`${label} answered ${status}: ${JSON.stringify(body)}`);
  }
}

export function apiOf(baseUrl: string): ApiCaller {
  let admin: Promise<string> | undefined;

  async function call<T>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown } = {},
  ): Promise<T> {
    const answer = await callOverHttp(baseUrl, method, `/api/v1${path}`, {
      ...options,
      headers: { accept: 'application/json' },
    });
    if (answer.status >= 300) throw new ApiRefusal(answer.status, answer.body, `${method} ${path}`);
    return answer.body as T;
  }

  const login = (email: string, password: string) => signInOverHttp(baseUrl, email, password);

  const api: ApiCaller = {
    call,
    login,
    adminToken() {
      admin ??= login(ADMIN.email, ADMIN.password);
      return admin;
    },
    async openDossier(siret, unlockCode, status = 'completer_dossier') {
      const created = await call<{ id: number }>('POST', '/admin/dossiers', {
        token: await api.adminToken(),
        body: { reference: uniqueReference(), siret, kind: 'AT', status, unlockCode },
      });
      return created.id;
    },
    async setDossierStatus(id, status) {
      await call('PATCH', `/admin/dossiers/${id}`, {
        token: await api.adminToken(),
        body: { status },
      });
    },
    async signUp(email, password, siret, unlockCode) {
      return (
        await call<{ token: string }>('POST', '/auth/signup', {
          body: { email, password, siret, unlockCode },
        })
      ).token;
    },
  };
  return api;
}
