/** Structured logs. Secrets never reach them: fields named like a secret are redacted at any depth. */
import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Field names that hold a secret or its hash: passwords, tokens (session,
 * invitation, handshake `auth.token`), unlock codes, `Authorization` and
 * cookie headers. Matched on the whole name, case-insensitively, wherever
 * the field sits (a request's headers, a body, a socket's handshake…).
 */
const SECRET_FIELD =
  /^(password|passwordHash|newPassword|token|tokenHash|accessToken|refreshToken|unlockCode|unlockCodeHash|unlock_code|authorization|proxy-authorization|cookie|set-cookie|secret)$/i;
const CENSOR = '[secret]';
/** Deep enough for any log object of this server; deeper levels are dropped, not walked. */
const MAX_DEPTH = 8;

/** A copy of `value` with every secret field censored; errors and other objects are kept as they are. */
export function redactSecrets(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (Array.isArray(value)) {
    seen.add(value);
    return value.map((item) => redactSecrets(item, depth + 1, seen));
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return value;
  seen.add(value);
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    copy[key] = SECRET_FIELD.test(key) ? CENSOR : redactSecrets(field, depth + 1, seen);
  }
  return copy;
}

/**
 * Lines reach stdout in writes of about 4 KB, at most 250 ms after they were
 * logged, at once from `warn` up, and on exit: one write per request (the
 * request log) was about a tenth of a command's CPU in the server process
 * (BENCHMARKS.md, "Where the time goes").
 */
const BATCH_BYTES = 4096;
const BATCH_FLUSH_MS = 250;
const WARN = 40;

export function createLogger(
  options: { level?: string; destination?: pino.DestinationStream } = {},
): Logger {
  const destination = options.destination ?? batchedStdout();
  return pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      formatters: { log: (object) => redactSecrets(object) as Record<string, unknown> },
      hooks: {
        logMethod(args, method, level) {
          method.apply(this, args);
          if (level >= WARN) this.flush();
        },
      },
    },
    destination,
  );
}

/** One stdout stream per process, however many loggers write to it. */
let stdout: pino.DestinationStream | undefined;

function batchedStdout(): pino.DestinationStream {
  if (stdout) return stdout;
  const stream = pino.destination({
    dest: 1,
    sync: true,
    minLength: BATCH_BYTES,
    periodicFlush: BATCH_FLUSH_MS,
  });
  process.once('exit', () => stream.flushSync());
  stdout = stream;
  return stream;
}
