/**
 * The build tests' one way to a fresh extension build. Test files run in
 * parallel workers while `wxt build` and `wxt zip` empty and refill the same
 * `.output/<target>` folders, so every test that builds, zips or reads a
 * build does it inside `withOutputLock`: a lock folder shared by all workers.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const ROOT = join(import.meta.dirname, '..', '..', '..');
export const OUTPUT = join(ROOT, '.output');
const LOCK = join(OUTPUT, '.build-tests.lock');
/** Longer than any build and zip: a lock this old was left by a killed run. */
const STALE_LOCK_MS = 300_000;

export type Manifest = Record<string, unknown> & {
  permissions?: string[];
  icons?: Record<string, string>;
  content_scripts?: { matches: string[]; js: string[] }[];
};

export async function withOutputLock<T>(work: () => Promise<T>): Promise<T> {
  await mkdir(OUTPUT, { recursive: true });
  for (;;) {
    try {
      await mkdir(LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const since = await stat(LOCK).then(
      (lock) => Date.now() - lock.mtimeMs,
      () => 0,
    );
    if (since > STALE_LOCK_MS) await rm(LOCK, { recursive: true, force: true });
    await sleep(200);
  }
  try {
    return await work();
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
}

/** `wxt build <args>`, then the manifest it wrote in `.output/<outDir>`. Call it under the lock. */
export async function build(args: string[], outDir: string): Promise<Manifest> {
  await run('npx', ['wxt', 'build', ...args], { cwd: ROOT, timeout: 120_000 });
  return readJson<Manifest>(join(OUTPUT, outDir, 'manifest.json'));
}

/** `npm run <script>` at the root. Call it under the lock when it builds. */
export async function npmRun(script: string): Promise<void> {
  await run('npm', ['run', script], { cwd: ROOT, timeout: 120_000 });
}

export async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}
