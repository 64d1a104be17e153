/**
 * Calls to a server listening on a real port (in this process or a process
 * of its own), the way a client calls it: plain HTTP through `fetch`. The
 * secrets sent and received are remembered for the log scan run after the suite.
 */
import { recordTestSecret } from '../security/support/secrets-log-files.js';

export interface HttpAnswer {
  status: number;
  /** Parsed when the answer is JSON, else the text: tests read into it freely. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  text: string;
  headers: Headers;
  /** From sending the request to the end of the answer's body. */
  ms: number;
}

export interface HttpCallOptions {
  token?: string | null;
  /** Sent as JSON, or as an HTML form with `form`. */
  body?: unknown;
  form?: boolean;
  /** Sent as `X-Forwarded-For`: the client a proxy in front of the server saw. */
  forwardedFor?: string;
  headers?: Record<string, string>;
}

/** One request to `baseUrl` + `path` (the whole path, `/api/v1/...` for the API). */
export async function callOverHttp(
  baseUrl: string,
  method: string,
  path: string,
  options: HttpCallOptions = {},
): Promise<HttpAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.forwardedFor !== undefined) headers['x-forwarded-for'] = options.forwardedFor;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] ??= options.form
      ? 'application/x-www-form-urlencoded'
      : 'application/json';
    body = options.form
      ? new URLSearchParams(options.body as Record<string, string>).toString()
      : JSON.stringify(options.body);
  }
  recordSecretsOf(options.token, options.body);
  const started = performance.now();
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  const ms = performance.now() - started;
  let parsed: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('application/json') && text) {
    parsed = JSON.parse(text);
  }
  recordSecretsOf(null, parsed);
  return { status: response.status, body: parsed, text, headers: response.headers, ms };
}

/** Signs in through the API; the session token, or an error naming the refusal. */
export async function signInOverHttp(
  baseUrl: string,
  email: string,
  password: string,
): Promise<string> {
  const answer = await callOverHttp(baseUrl, 'POST', '/api/v1/auth/login', {
    body: { email, password },
  });
  if (answer.status !== 200) {
    throw new Error(`sign-in of ${email} answered ${answer.status}: ${answer.text}`);
  }
  return answer.body.token as string;
}

/** Remembers the token and the secret fields a test sent or got, for the log scan. */
export function recordSecretsOf(token: string | null | undefined, body: unknown): void {
  recordTestSecret(token);
  if (typeof body !== 'object' || body === null) return;
  const fields = body as Record<string, unknown>;
  for (const key of ['token', 'password', 'unlockCode']) recordTestSecret(fields[key]);
}
