/**
 * The real server process (`server/main.ts`) on a real port, on the embedded
 * database and on PostgreSQL, called the way an attacker calls it: plain HTTP,
 * with an `X-Forwarded-For` header standing for the client a proxy saw.
 */
import { newToken } from '../../../server/security/secrets.js';
import { callOverHttp, type HttpAnswer } from '../../support/http-client.js';
import type { TestDatabaseKind } from '../../support/databases.js';
import { describeOnEachServerNode } from '../../support/server-node-per-database.js';
import type { ServerNode } from '../../support/server-node.js';
import { recordTestSecret } from './secrets-log-files.js';

/** The support account every attack server ensures at start: an account with a known password. */
export const OWNER = { email: 'support@exemple.fr', password: 'support-3679-attaque' };

export interface AttackServer {
  node: ServerNode;
  url: string;
  /** A POST with a JSON body (a form with `form`); `from` is sent as `X-Forwarded-For` when given. */
  post(
    path: string,
    body: unknown,
    options?: { from?: string; form?: boolean },
  ): Promise<HttpAnswer>;
  login(email: string, password: string, from?: string): Promise<HttpAnswer>;
}

function attackServerOn(node: ServerNode): AttackServer {
  const server: AttackServer = {
    node,
    url: node.url,
    post: (path, body, options = {}) =>
      callOverHttp(node.url, 'POST', path, {
        body,
        form: options.form,
        forwardedFor: options.from,
      }),
    login: (email, password, from) =>
      server.post('/api/v1/auth/login', { email, password }, { from }),
  };
  return server;
}

/** Runs `body` once per database kind, each with a server process of its own started with `env`. */
export function describeOnEachAttackServer(
  title: string,
  env: Record<string, string>,
  body: (getServer: () => AttackServer, kind: TestDatabaseKind) => void,
): void {
  recordTestSecret(OWNER.password);
  describeOnEachServerNode(
    title,
    { env: { ADMIN_EMAIL: OWNER.email, ADMIN_PASSWORD: OWNER.password, ...env } },
    (getNode, kind) => body(() => attackServerOn(getNode()), kind),
  );
}

/** An accept of a random link (unknown to the server) from `from`: a failed accept to count. */
export function acceptUnknownInvitation(server: AttackServer, from: string): Promise<HttpAnswer> {
  return server.post(
    `/api/v1/invitations/${newToken()}/accept`,
    { password: 'un-mot-de-passe-solide' },
    { from },
  );
}
