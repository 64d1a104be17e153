/** Structured logs. Secrets never reach them: known secret fields are redacted wherever they appear. */
import { pino, type Logger } from 'pino';

export type { Logger };

const SECRET_PATHS = [
  'password',
  'token',
  'unlockCode',
  'authorization',
  'passwordHash',
  'tokenHash',
  'unlockCodeHash',
  '*.password',
  '*.token',
  '*.unlockCode',
  '*.authorization',
  '*.passwordHash',
  '*.tokenHash',
  '*.unlockCodeHash',
  'req.headers.authorization',
  'req.headers.cookie',
];

export function createLogger(
  options: { level?: string; destination?: pino.DestinationStream } = {},
): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      redact: { paths: SECRET_PATHS, censor: '[secret]' },
    },
    options.destination,
  );
}
