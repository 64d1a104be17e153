/**
 * Commands sent over real HTTP, and a tally of what came back: each answer
 * is a success, a clean refusal (a known code of shared/errors.ts with its
 * status and a message), or something that must never happen (a 500, an
 * unknown code, a database error leaking). Network failures (a node just
 * killed) are counted apart: their outcome is unknown, not wrong.
 */
import { ERRORS, isErrorCode } from '../../../shared/errors.js';

export type ApiOutcome =
  | { kind: 'ok'; status: number; body: unknown }
  | { kind: 'refused'; status: number; code: string }
  | { kind: 'network'; reason: string }
  | { kind: 'wrong'; status: number; text: string };

/** What a refusal may never say: a driver's or the database's own words. */
const LEAK = /deadlock|serializ|violates|duplicate key|syntax|postgres|kysely|stack/i;

export async function callApi(
  baseUrl: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  timeoutMs = 20_000,
  headers: Record<string, string> = {},
): Promise<ApiOutcome> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { kind: 'network', reason: cause?.code ?? (error as Error).name };
  }
  if (response.status < 300) {
    return {
      kind: 'ok',
      status: response.status,
      body: text ? (JSON.parse(text) as unknown) : null,
    };
  }
  return refusalOf(response.status, text);
}

function refusalOf(status: number, text: string): ApiOutcome {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: 'wrong', status, text };
  }
  const error = (parsed as { error?: { code?: unknown; message?: unknown } }).error;
  const code = error?.code;
  const message = error?.message;
  const clean =
    status < 500 || code === 'SERVICE_UNAVAILABLE'
      ? isErrorCode(code) &&
        ERRORS[code].status === status &&
        typeof message === 'string' &&
        message.trim().length > 0 &&
        !LEAK.test(message)
      : false;
  return clean
    ? { kind: 'refused', status, code: code as string }
    : { kind: 'wrong', status, text };
}

/** Counts outcomes per kind and code; keeps the wrong ones to show them. */
export class OutcomeTally {
  ok = 0;
  network = 0;
  readonly refused: Record<string, number> = {};
  readonly networkReasons: Record<string, number> = {};
  readonly wrong: { what: string; status: number; text: string }[] = [];

  add(what: string, outcome: ApiOutcome): ApiOutcome {
    switch (outcome.kind) {
      case 'ok':
        this.ok += 1;
        break;
      case 'refused':
        this.refused[outcome.code] = (this.refused[outcome.code] ?? 0) + 1;
        break;
      case 'network':
        this.network += 1;
        this.networkReasons[outcome.reason] = (this.networkReasons[outcome.reason] ?? 0) + 1;
        break;
      case 'wrong':
        this.wrong.push({ what, status: outcome.status, text: outcome.text.slice(0, 300) });
        break;
    }
    return outcome;
  }

  get refusedTotal(): number {
    return Object.values(this.refused).reduce((a, b) => a + b, 0);
  }
}

/** A line on stderr saying where a long run is, so that a stuck one shows where it stopped. */
export function progress(message: string): void {
  process.stderr.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** One line a CI log can be searched for: `CHAOS-SUMMARY {json}`. */
export function printSummary(summary: Record<string, unknown>): void {
  process.stdout.write(`\nCHAOS-SUMMARY ${JSON.stringify(summary)}\n`);
}
