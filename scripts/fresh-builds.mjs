// @ts-check
/**
 * Builds that are redone only when their sources changed, so that a second
 * `npm start` goes straight to the server. Each build leaves a stamp beside
 * its output: the SHA-256 of every file it was built from. Content, not
 * modification times: a checkout or a copy touches times without changing
 * anything.
 *
 *   node scripts/fresh-builds.mjs server      # the server bundle, if its sources changed
 *   node scripts/fresh-builds.mjs extension   # the Chrome build, likewise
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

export const SERVER_ENTRY = 'server/main.ts';
export const SERVER_BUNDLE = 'dist/server/main.mjs';

/** esbuild's options for the server bundle: one file, npm packages left to Node. */
export const SERVER_BUILD_OPTIONS = /** @type {const} */ ({
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  logLevel: 'warning',
});

/** What the extension is built from: a change to any of these calls for a new build. */
const EXTENSION_INPUTS = [
  'extension',
  'shared',
  'wxt.config.ts',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
];

/**
 * The Chrome build in `.output/chrome-mv3` (or `.output/chrome-mv3-<mode>`),
 * built by `wxt build` unless the stamp says its sources are unchanged.
 * `browser: 'firefox'`: the Firefox build, in `.output/firefox-mv2[-<mode>]`.
 * @param {{ mode?: string, browser?: 'chrome' | 'firefox' }} [options]
 * @returns {{ dir: string, built: boolean }}
 */
export function ensureExtensionBuild(options = {}) {
  const target = options.browser === 'firefox' ? 'firefox-mv2' : 'chrome-mv3';
  const dir = join(ROOT, '.output', options.mode ? `${target}-${options.mode}` : target);
  const stamp = `${dir}.sources.json`;
  const files = listFiles(EXTENSION_INPUTS);
  const hash = hashFiles(files);
  if (existsSync(join(dir, 'manifest.json')) && readStamp(stamp)?.hash === hash) {
    return { dir, built: false };
  }
  console.warn(`Building the extension into ${relative(ROOT, dir)} (its sources changed)…`);
  const args = [
    'build',
    ...(options.mode ? ['--mode', options.mode] : []),
    ...(options.browser === 'firefox' ? ['-b', 'firefox'] : []),
  ];
  execFileSync(join(ROOT, 'node_modules/.bin/wxt'), args, {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (!existsSync(join(dir, 'manifest.json'))) {
    throw new Error(`wxt build left no manifest in ${dir}`);
  }
  writeStamp(stamp, { hash, files });
  return { dir, built: true };
}

/**
 * The server bundle, rebuilt by esbuild unless none of the files the last
 * bundle was made of changed (esbuild's metafile lists them).
 * @returns {Promise<{ file: string, built: boolean }>}
 */
export async function ensureServerBundle() {
  const file = join(ROOT, SERVER_BUNDLE);
  const stamp = `${file}.sources.json`;
  const previous = readStamp(stamp);
  if (existsSync(file) && previous && previous.files.every((f) => existsSync(join(ROOT, f)))) {
    if (hashFiles(previous.files) === previous.hash) return { file, built: false };
  }
  const { build } = await import('esbuild');
  const result = await build({
    ...SERVER_BUILD_OPTIONS,
    absWorkingDir: ROOT,
    entryPoints: [SERVER_ENTRY],
    outfile: SERVER_BUNDLE,
    metafile: true,
  });
  const files = Object.keys(result.metafile.inputs).sort();
  writeStamp(stamp, { hash: hashFiles(files), files });
  return { file, built: true };
}

/**
 * Every file under these paths (relative to the root), sorted.
 * @param {string[]} paths
 * @returns {string[]}
 */
function listFiles(paths) {
  /** @type {string[]} */
  const files = [];
  /** @param {string} path */
  const walk = (path) => {
    const full = join(ROOT, path);
    if (!existsSync(full)) return;
    if (statSync(full).isDirectory()) {
      for (const child of readdirSync(full)) walk(join(path, child));
    } else {
      files.push(path);
    }
  };
  paths.forEach(walk);
  return files.sort();
}

/**
 * @param {string[]} files relative to the root
 * @returns {string}
 */
function hashFiles(files) {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(ROOT, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/**
 * @param {string} path
 * @returns {{ hash: string, files: string[] } | null}
 */
function readStamp(path) {
  try {
    const stamp = JSON.parse(readFileSync(path, 'utf8'));
    return typeof stamp?.hash === 'string' && Array.isArray(stamp.files) ? stamp : null;
  } catch {
    return null;
  }
}

/**
 * @param {string} path
 * @param {{ hash: string, files: string[] }} stamp
 */
function writeStamp(path, stamp) {
  writeFileSync(path, `${JSON.stringify(stamp)}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const what = process.argv[2];
  if (what === 'server') await ensureServerBundle();
  else if (what === 'extension') ensureExtensionBuild();
  else {
    console.error('Usage: node scripts/fresh-builds.mjs server|extension');
    process.exitCode = 2;
  }
}
