/**
 * The HTTP app over a real database, called through `app.request()` (no port).
 * E-mails land as `.eml` files in a temporary outbox; published events and
 * ended sessions are recorded so tests can check what goes out after commit.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { RateLimitRule, ServerConfig } from '../../server/config.js';
import type { Database } from '../../server/db/schema.js';
import type { StoredEvent } from '../../server/events/append-events.js';
import type { RealtimePort } from '../../server/http/context.js';
import { createApp } from '../../server/http/create-app.js';
import { createMailer } from '../../server/mail/mailer.js';
import { recordTestSecret, testLogger } from '../security/support/secrets-log-files.js';
import { recordSecretsOf } from './http-client.js';

export const PUBLIC_URL = 'http://localhost:8787';
export const EXTENSION_ORIGIN = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';

const GENEROUS: RateLimitRule = { max: 100_000, windowMs: 60_000 };

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  /** Sent as is, for malformed bodies. */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  /** Parsed JSON: tests read into it freely and let the assertions do the checking. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Headers;
  text: string;
}

export function createHttpHarness(
  db: Kysely<Database>,
  options: {
    rateLimits?: Partial<ServerConfig['rateLimits']>;
    /** Also given what is published and ended (a real realtime side over a real port). */
    realtime?: RealtimePort;
  } = {},
) {
  const mailDir = mkdtempSync(join(tmpdir(), 'qrp-mail-'));
  const published: StoredEvent[] = [];
  const endedSessions: number[] = [];
  const logLines: string[] = [];
  // Also written to this run's log files, which are scanned for secrets after the suite.
  const logger = testLogger('http', (line) => void logLines.push(line));
  const { app, registry } = createApp({
    db,
    config: {
      publicUrl: PUBLIC_URL,
      allowedOrigins: [EXTENSION_ORIGIN],
      rateLimits: {
        loginFailuresPerAddress: GENEROUS,
        loginFailuresPerEmailAndAddress: GENEROUS,
        loginFailuresPerEmail: { ...GENEROUS, delayMs: 0 },
        signupPerEmail: GENEROUS,
        signupPerAddress: GENEROUS,
        invitationFailuresPerAddress: GENEROUS,
        ...options.rateLimits,
      },
    },
    mailer: createMailer({ smtpUrl: null, mailDir }),
    logger,
    realtime: {
      publish: (events) => {
        published.push(...events);
        options.realtime?.publish(events);
      },
      endSession: (sessionId, reason) => {
        endedSessions.push(sessionId);
        options.realtime?.endSession(sessionId, reason);
      },
      // No socket here unless a realtime server is given.
      online: async (spaceId) => (options.realtime ? options.realtime.online(spaceId) : []),
    },
  });

  async function call(
    method: string,
    path: string,
    options: CallOptions = {},
  ): Promise<CallResult> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    recordSecretsOf(options.token, options.body);
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await app.request(path, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('application/json') && text) {
      parsed = JSON.parse(text);
    }
    recordSecretsOf(null, parsed);
    return { status: response.status, body: parsed, headers: response.headers, text };
  }

  /** Signs in through the API; the session token, or an error naming the refusal. */
  async function signIn(email: string, password: string): Promise<string> {
    const answer = await call('POST', '/api/v1/auth/login', { body: { email, password } });
    if (answer.status !== 200) {
      throw new Error(`sign-in of ${email} answered ${answer.status}: ${answer.text}`);
    }
    return answer.body.token as string;
  }

  /** The `.eml` files written so far, as text, oldest first. */
  function mails(): { file: string; text: string }[] {
    return readdirSync(mailDir)
      .sort()
      .map((file) => ({ file, text: readFileSync(join(mailDir, file), 'utf8') }));
  }

  /** The invitation link of the last message sent to `email`. */
  function invitationLink(email: string): string {
    const messages = mails().filter((m) => m.text.includes(`To: ${email}`));
    const last = messages.at(-1);
    if (!last) throw new Error(`no e-mail to ${email}`);
    const unfolded = last.text.replace(/=\r?\n/g, '');
    const match = /http:\/\/localhost:8787\/invitations\/([A-Za-z0-9_-]{43})/.exec(unfolded);
    if (!match) throw new Error(`no invitation link in the e-mail to ${email}`);
    recordTestSecret(match[1]);
    return match[0];
  }

  return {
    app,
    registry,
    call,
    signIn,
    mailDir,
    mails,
    invitationLink,
    published,
    endedSessions,
    logLines,
  };
}

export type HttpHarness = ReturnType<typeof createHttpHarness>;
