/**
 * The real server process (`server/main.ts`) on a real port, on the embedded
 * database and on PostgreSQL, called the way an attacker calls it: plain HTTP,
 * with an `X-Forwarded-For` header standing for the client a proxy saw.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import type { DatabaseHandle } from '../../../server/db/open-database.js';
import {
  createTestDatabase,
  testDatabaseKinds,
  type TestDatabaseKind,
} from '../../support/databases.js';
import { startServerNode, type ServerNode } from '../../support/server-node.js';
import { recordTestSecret } from './secrets-log-files.js';

/** The support account every attack server ensures at start: an account with a known password. */
export const OWNER = { email: 'support@exemple.fr', password: 'support-3679-attaque' };

export interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  text: string;
  headers: Headers;
  /** From sending the request to the end of the answer's body. */
  ms: number;
}

export interface AttackServer {
  node: ServerNode;
  url: string;
  /** A POST with a JSON body; `from` is sent as `X-Forwarded-For` when given. */
  post(path: string, body: unknown, options?: { from?: string; form?: boolean }): Promise<Answer>;
  login(email: string, password: string, from?: string): Promise<Answer>;
}

export async function startAttackServer(
  kind: TestDatabaseKind,
  env: Record<string, string>,
): Promise<{ server: AttackServer; close(): Promise<void> }> {
  let database: (DatabaseHandle & { url: string | null }) | undefined;
  if (kind === 'postgres') database = await createTestDatabase('postgres', { poolSize: 2 });
  recordTestSecret(OWNER.password);
  const node = await startServerNode({
    env: {
      ADMIN_EMAIL: OWNER.email,
      ADMIN_PASSWORD: OWNER.password,
      ...(database?.url ? { DATABASE_URL: database.url } : {}),
      ...env,
    },
  });
  const server: AttackServer = {
    node,
    url: node.url,
    async post(path, body, options = {}) {
      const headers: Record<string, string> = {
        'content-type': options.form ? 'application/x-www-form-urlencoded' : 'application/json',
      };
      if (options.from !== undefined) headers['x-forwarded-for'] = options.from;
      const started = performance.now();
      const response = await fetch(`${node.url}${path}`, {
        method: 'POST',
        headers,
        body: options.form
          ? new URLSearchParams(body as Record<string, string>).toString()
          : JSON.stringify(body),
      });
      const text = await response.text();
      const ms = performance.now() - started;
      let parsed: unknown = text;
      if ((response.headers.get('content-type') ?? '').includes('application/json') && text) {
        parsed = JSON.parse(text);
        recordTestSecret((parsed as { token?: unknown }).token);
      }
      return { status: response.status, body: parsed, text, headers: response.headers, ms };
    },
    login(email, password, from) {
      recordTestSecret(password);
      return server.post('/api/v1/auth/login', { email, password }, { from });
    },
  };
  return {
    server,
    async close() {
      await node.stop();
      await database?.close();
    },
  };
}

/** Runs `body` once per database kind, each with a server process of its own started with `env`. */
export function describeOnEachAttackServer(
  title: string,
  env: Record<string, string>,
  body: (getServer: () => AttackServer, kind: TestDatabaseKind) => void,
): void {
  for (const kind of testDatabaseKinds()) {
    describe(`${title} [${kind}]`, () => {
      let started: Awaited<ReturnType<typeof startAttackServer>> | undefined;
      beforeAll(async () => {
        started = await startAttackServer(kind, env);
      });
      afterAll(async () => {
        await started?.close();
      });
      body(() => {
        if (!started) throw new Error('server not started yet');
        return started.server;
      }, kind);
    });
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
