/**
 * Where the servers started by the tests write their logs, and the secrets
 * the tests handled, so that the check run after the whole suite
 * (`secrets-log-scan.ts`) can prove that no secret reached a log.
 *
 * One run of `vitest` gets one folder (set by the global setup in
 * `QRP_TEST_LOG_DIR`); each test process appends to files of its own in it:
 * `<kind>-<pid>.log` for logs, `secrets/<pid>.txt` for the secrets it saw.
 * Outside vitest (the benchmarks) nothing is written.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { threadId } from 'node:worker_threads';
import type { DestinationStream } from 'pino';
import { createLogger, type Logger } from '../../../server/logger.js';

export const LOG_DIR_VARIABLE = 'QRP_TEST_LOG_DIR';

/** The folder of this run's logs, or null when not under vitest. */
export function testLogDir(): string | null {
  const dir = process.env[LOG_DIR_VARIABLE];
  if (dir) return dir;
  // Under vitest without the global setup (another config): still capture, in a fixed folder.
  return process.env.VITEST ? resolve('test-results/logs/unscoped') : null;
}

function processFile(...parts: string[]): string | null {
  const dir = testLogDir();
  if (!dir) return null;
  const path = join(dir, ...parts);
  mkdirSync(join(path, '..'), { recursive: true });
  return path;
}

const suffix = `${process.pid}-${threadId}`;

/** Appends raw log output (JSON lines) to this process's file for `kind`. */
export function appendTestLog(kind: string, text: string): void {
  const file = processFile(`${kind}-${suffix}.log`);
  if (file) appendFileSync(file, text);
}

/** A pino destination writing synchronously to this process's file for `kind`. */
export function testLogDestination(kind: string): DestinationStream {
  return { write: (line: string) => appendTestLog(kind, line) };
}

/** A server logger at `debug` whose lines go to this run's log files (and to `also`, if given). */
export function testLogger(kind: string, also?: (line: string) => void): Logger {
  const file = testLogDestination(kind);
  const logger = createLogger({
    level: 'debug',
    destination: {
      write(line: string) {
        file.write(line);
        also?.(line);
      },
    },
  });
  // One line per server at least: a run whose servers left no line at all has a broken capture.
  logger.debug({ kind, pid: process.pid }, 'test log capture started');
  return logger;
}

/**
 * Remembers a secret the tests sent or received (token, password, unlock
 * code), for the scan to look for in the logs. Written in clear under
 * `test-results/` (ignored by git), never in a log.
 */
export function recordTestSecret(value: unknown): void {
  if (typeof value !== 'string' || value.length === 0) return;
  const file = processFile('secrets', `${suffix}.txt`);
  if (file) appendFileSync(file, `${JSON.stringify(value)}\n`);
}
