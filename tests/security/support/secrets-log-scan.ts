/**
 * Global setup of the test run: gives the run a fresh log folder, and after
 * every test scans every log the servers wrote during the run for secrets.
 * A finding fails the run; so does a run that started servers and left no
 * log at all (a broken capture must not pass as "nothing leaked").
 *
 * Looked for: the fixed secrets of the fixtures, every secret the harnesses
 * recorded (tokens issued or sent, passwords and unlock codes sent), anything
 * shaped like a token (43 base64url characters), `Bearer <value>`, a
 * `password`/`token`/`unlockCode` field with a clear value, argon2 hashes.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { LOG_DIR_VARIABLE } from './secrets-log-files.js';
import { reportSecuritySummary } from './security-summary.js';

const LOGS_ROOT = resolve('test-results/logs');
/** Older run folders than this are leftovers of killed runs; younger ones may be a concurrent run's. */
const STALE_RUN_MS = 6 * 60 * 60 * 1000;
/** Test folders whose files start servers: a run with any of them must leave logs. */
const SERVER_TEST_FILES = /[\\/]tests[\\/](http|realtime|security|browser|chaos)[\\/]/;

/**
 * The secrets of the fixtures and test servers, written here as literals
 * rather than imported: the global setup runs outside the test workers,
 * where the fixtures' imports (vitest's `expect`) are not available.
 * `secrets-log-scan.test.ts` checks they still match the fixtures.
 */
export const FIXED_SECRETS = [
  'mot-de-passe-de-test', // fixtures PASSWORD
  'DEBLOC-2024-0001', // fixtures UNLOCK_CODE
  'DEBLOC-9999-9999', // fixtures WRONG_UNLOCK_CODE
  'support-3679-test', // browser test server ADMIN.password
];

/** Recorded values shorter than this, or plain words, would match innocent text. */
const MIN_RECORDED_LENGTH = 10;
/** Longer recorded values are oversized inputs of malformed-request tests, not secrets. */
const MAX_RECORDED_LENGTH = 200;

export interface Finding {
  file: string;
  line: number;
  what: string;
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const TOKEN_IN_TEXT = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g;

const PATTERNS: [string, RegExp][] = [
  ['token-shaped value', new RegExp(TOKEN_IN_TEXT.source)],
  // A credential after the scheme (not the word "bearer" in a sentence).
  ['Bearer credential', /\bBearer\s+(?!\[secret\])[A-Za-z0-9._~+/=-]{8,}/],
  ['clear password field', /"[A-Za-z_]*password"\s*:\s*"(?!\[secret\]")[^"]/i],
  ['clear token field', /"[A-Za-z_]*token"\s*:\s*"(?!\[secret\]")[^"]/i],
  ['clear unlock code field', /"unlock_?code"\s*:\s*"(?!\[secret\]")[^"]/i],
  ['argon2 hash', /\$argon2(id|i|d)\$/],
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every recorded secret of the run (one JSON string per line, one file per process). */
export function readRecordedSecrets(runDir: string): Set<string> {
  const secrets = new Set<string>();
  const dir = join(runDir, 'secrets');
  if (!existsSync(dir)) return secrets;
  for (const file of readdirSync(dir)) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (line) secrets.add(JSON.parse(line) as string);
    }
  }
  return secrets;
}

/** Scans the `.log` files of `runDir`; returns what it found and how much it read. */
export function scanLogs(
  runDir: string,
  secrets: Iterable<string>,
): { files: number; lines: number; findings: Finding[] } {
  const all = new Set([...FIXED_SECRETS, ...secrets]);
  // Tokens (thousands in a full run) are looked up among the token-shaped
  // strings of a line; the other secrets (a few passwords and codes) are
  // searched as they are.
  const tokens = new Set([...all].filter((s) => TOKEN.test(s)));
  const others = [...all].filter(
    (s) =>
      !tokens.has(s) &&
      s.length >= MIN_RECORDED_LENGTH &&
      s.length <= MAX_RECORDED_LENGTH &&
      !/^[a-z]+$/i.test(s),
  );
  const exact = others.length ? new RegExp(others.map(escapeRegExp).join('|')) : /(?!)/; // matches nothing
  const files = existsSync(runDir)
    ? readdirSync(runDir).filter((file) => file.endsWith('.log'))
    : [];
  const findings: Finding[] = [];
  let lines = 0;
  for (const file of files) {
    const text = readFileSync(join(runDir, file), 'utf8');
    for (const [index, line] of text.split('\n').entries()) {
      if (!line) continue;
      lines += 1;
      const secret =
        exact.exec(line)?.[0] ??
        [...line.matchAll(TOKEN_IN_TEXT)].map((m) => m[0]).find((t) => tokens.has(t));
      if (secret) {
        findings.push({
          file,
          line: index + 1,
          what: `a secret the tests used (${mask(secret)})`,
        });
        continue;
      }
      for (const [what, pattern] of PATTERNS) {
        const match = pattern.exec(line);
        if (match) findings.push({ file, line: index + 1, what: `${what} (${mask(match[0])})` });
      }
    }
  }
  return { files: files.length, lines, findings };
}

/** Enough of a secret to find it again, not enough to use it. */
function mask(secret: string): string {
  return `${secret.slice(0, 6)}…[${secret.length} chars]`;
}

function removeStaleRuns(): void {
  if (!existsSync(LOGS_ROOT)) return;
  for (const entry of readdirSync(LOGS_ROOT)) {
    const path = join(LOGS_ROOT, entry);
    if (Date.now() - statSync(path).mtimeMs > STALE_RUN_MS || entry === 'unscoped') {
      rmSync(path, { recursive: true, force: true });
    }
  }
}

/**
 * Every project of the run loads this file; the first one to start makes the
 * run's folder, the last one to finish scans it.
 */
interface RunState {
  dir: string;
  projects: number;
}
const STATE_KEY = Symbol.for('qrp.secretsLogScan');
type WithState = typeof globalThis & { [STATE_KEY]?: RunState };

export default function setup(project: TestProject): () => void {
  const global = globalThis as WithState;
  if (!global[STATE_KEY]) {
    removeStaleRuns();
    const dir = join(LOGS_ROOT, `run-${Date.now()}-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    // Test workers (and the server processes they spawn) inherit the environment.
    process.env[LOG_DIR_VARIABLE] = dir;
    global[STATE_KEY] = { dir, projects: 0 };
  }
  const state = global[STATE_KEY];
  state.projects += 1;
  return () => {
    state.projects -= 1;
    if (state.projects > 0) return;
    const ranFiles = project.vitest.state.getFiles().map((file) => file.filepath);
    const { files, lines, findings } = scanLogs(state.dir, readRecordedSecrets(state.dir));
    const serverTests = ranFiles.filter((file) => SERVER_TEST_FILES.test(file)).length;
    reportSecuritySummary({
      check: 'no secret in logs',
      logFiles: files,
      linesScanned: lines,
      findings: findings.length,
      testFiles: ranFiles.length,
      serverTestFiles: serverTests,
      dir: state.dir,
    });
    const problems = findings.map((f) => `${f.file}:${f.line}: ${f.what}`);
    if (serverTests > 0 && lines === 0) {
      problems.push(
        `no log line was written to ${state.dir} although ${serverTests} test files start servers: the log capture is broken`,
      );
    }
    if (problems.length > 0) {
      // Vitest only prints an error thrown by a global teardown ("error during
      // close") and still exits 0: the exit code is what fails the run.
      process.exitCode = 1;
      throw new Error(`Secrets check of the logs failed:\n${problems.slice(0, 50).join('\n')}`);
    }
  };
}
