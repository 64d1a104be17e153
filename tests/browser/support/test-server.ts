/**
 * The real server for the browser tests, as a process of its own on a free
 * port of localhost (where the content script runs), on the embedded database
 * or on PostgreSQL when TEST_DATABASE_URL is set. It can be stopped and
 * started again on the same port and data, as a restarted server is.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { configFromEnv } from '../../../server/config.js';
import { openDatabase } from '../../../server/db/open-database.js';
import type { Database } from '../../../server/db/schema.js';
import { createTestDatabase } from '../../support/databases.js';
import { freePort } from '../../support/free-port.js';
import { startServerNode, type ServerNode } from '../../support/server-node.js';

export const ADMIN = { email: 'support@exemple.fr', password: 'support-3679-test' };

export interface TestServer {
  node: ServerNode;
  /** `http://localhost:<port>`: the address typed in the panel's settings. */
  url: string;
  port: number;
  mailDir: string;
  invitationLink(email: string): string;
  /** The link of the latest invitation e-mail to `email`, once it is written (sent after commit). */
  waitForInvitationLink(email: string, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
  /** Starts the same server again on the same port and data (a restart). */
  restart(): Promise<void>;
  /**
   * Opens the server's own database (for a change made while the server is
   * stopped: the embedded one allows a single process at a time).
   */
  withDatabase<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T>;
  /** Stops the server if running and drops a PostgreSQL test database. */
  dispose(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'qrp-browser-'));
  const mailDir = join(dataDir, 'mail');
  const database = process.env.TEST_DATABASE_URL ? await createTestDatabase('postgres') : null;
  const env = {
    PUBLIC_URL: `http://localhost:${port}`,
    DATA_DIR: dataDir,
    MAIL_DIR: mailDir,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    // Empty: the embedded database, whatever the environment of the test run names.
    DATABASE_URL: database?.url ?? '',
  };
  const start = () => startServerNode({ env, port });
  let node = await start();
  const handle: TestServer = {
    get node() {
      return node;
    },
    url: `http://localhost:${port}`,
    port,
    mailDir,
    invitationLink(email: string) {
      // The outbox names each file `<time>-<pid>-<n>-<recipient>.eml`.
      const suffix = `-${email.replace(/[^a-z0-9@._-]/gi, '_')}.eml`;
      const files = existsSync(mailDir)
        ? readdirSync(mailDir)
            .filter((file) => file.endsWith(suffix))
            .sort()
        : [];
      const last = files.at(-1);
      if (!last) throw new Error(`no e-mail to ${email}`);
      const text = readFileSync(join(mailDir, last), 'utf8').replace(/=\r?\n/g, '');
      const match = /http:\/\/localhost:\d+\/invitations\/[A-Za-z0-9_-]{43}/.exec(text);
      if (!match) throw new Error(`no invitation link in the e-mail to ${email}`);
      return match[0];
    },
    async waitForInvitationLink(email: string, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        try {
          return handle.invitationLink(email);
        } catch (error) {
          if (Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    },
    async stop() {
      await node.stop();
    },
    async restart() {
      node = await start();
    },
    async withDatabase(fn) {
      const opened = await openDatabase(configFromEnv(env).database);
      try {
        return await fn(opened.db);
      } finally {
        await opened.close();
      }
    },
    async dispose() {
      await node.stop();
      await database?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}
