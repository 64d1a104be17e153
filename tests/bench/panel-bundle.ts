/**
 * The side panel's JavaScript as shipped, minified by the extension's own
 * build, gzip -9 file by file: what a principal's sign-in loads and parses
 * (`sidepanel.html`'s scripts and their static imports, Preact and
 * socket.io-client included; the goal applies to it), and the total with the
 * chunks only loaded later with `import()` (« Attributions », the support
 * desk). Baseline: the least a panel on the same libraries ships — preact,
 * @preact/signals and socket.io-client behind an entry that renders one
 * element and connects — built by the same Vite.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { round, type BenchContext, type MeasureResult } from './measure.js';

const GOAL_KB = 45;
/** Its own build mode, hence its own folder: a build elsewhere never rewrites what is measured. */
const BUILD_MODE = 'bench';
export const BENCH_EXTENSION_DIR = resolve(`.output/chrome-mv3-${BUILD_MODE}`);
const BARE_DIR = resolve('.output/bench-bare-panel');

export interface PageScripts {
  /** Scripts loaded when the page opens: entries, module preloads and their static imports. */
  eager: { file: string; bytes: number; gzip: number }[];
  /** Chunks only imported with `import()`. */
  lazy: { file: string; bytes: number; gzip: number }[];
  css: { file: string; bytes: number; gzip: number }[];
}

export async function measurePanelBundle(context: BenchContext): Promise<MeasureResult> {
  context.log('panel-bundle: wxt build');
  await buildBenchExtension();
  const panel = pageScripts(BENCH_EXTENSION_DIR, 'sidepanel.html');
  context.log('panel-bundle: bare preact + signals + socket.io-client bundle');
  const bare = await buildBarePanel();

  const kb = (files: PageScripts['eager'], key: 'bytes' | 'gzip') =>
    round(files.reduce((sum, f) => sum + f[key], 0) / 1024, 1);
  const panelGzip = kb(panel.eager, 'gzip');
  const shipped = [...panel.eager, ...panel.lazy];
  return {
    id: 'panel-bundle',
    title: 'Side panel JavaScript shipped',
    figures: [
      {
        label: 'side panel JavaScript loaded at sign-in (entry and its static imports), gzip',
        value: panelGzip,
        unit: 'KB',
        baseline: {
          label: 'bare preact + signals + socket.io-client, gzip',
          value: kb(bare.eager, 'gzip'),
        },
        goal: `≤ ${GOAL_KB} KB`,
        pass: panelGzip <= GOAL_KB,
      },
      {
        label: 'side panel JavaScript loaded at sign-in, minified',
        value: kb(panel.eager, 'bytes'),
        unit: 'KB',
        baseline: { label: 'bare bundle, minified', value: kb(bare.eager, 'bytes') },
      },
      {
        label: 'side panel JavaScript in all, chunks loaded later included, gzip',
        value: kb(shipped, 'gzip'),
        unit: 'KB',
      },
      { label: 'side panel CSS, gzip', value: kb(panel.css, 'gzip'), unit: 'KB' },
    ],
    notes: [
      `\`wxt build --mode ${BUILD_MODE}\` (the production build into a folder of its own); every script \`sidepanel.html\` loads and their static imports: ${panel.eager.map((f) => `${f.file} ${round(f.gzip / 1024, 1)} KB`).join(', ')}. KB = 1,024 bytes, gzip level 9, file by file as they are shipped.`,
      panel.lazy.length > 0
        ? `Loaded later with import(): ${panel.lazy.map((f) => `${f.file} ${round(f.gzip / 1024, 1)} KB`).join(', ')} (counted in the total only).`
        : 'No chunk is loaded later with import(): everything is counted above.',
      'Baseline: an entry that imports preact, @preact/signals and socket.io-client, renders one element bound to a signal and opens a socket, built by the same Vite with its default minifier.',
    ],
  };
}

/** Builds the extension into its bench folder. */
export async function buildBenchExtension(): Promise<void> {
  await promisify(execFile)('npx', ['wxt', 'build', '--mode', BUILD_MODE], {
    cwd: resolve('.'),
    timeout: 180_000,
  });
  if (!existsSync(join(BENCH_EXTENSION_DIR, 'manifest.json')))
    throw new Error(`wxt build left no manifest in ${BENCH_EXTENSION_DIR}`);
}

async function buildBarePanel(): Promise<PageScripts> {
  rmSync(BARE_DIR, { recursive: true, force: true });
  const src = join(BARE_DIR, 'src');
  mkdirSync(src, { recursive: true });
  writeFileSync(
    join(src, 'index.html'),
    '<!doctype html><html><body><div id="app"></div><script type="module" src="./main.js"></script></body></html>',
  );
  writeFileSync(
    join(src, 'main.js'),
    [
      "import { h, render } from 'preact';",
      "import { signal } from '@preact/signals';",
      "import { io } from 'socket.io-client';",
      'const status = signal("connecting");',
      "render(h('p', null, status), document.getElementById('app'));",
      "const socket = io('http://127.0.0.1:8787', { transports: ['websocket'] });",
      "socket.on('connect', () => { status.value = 'connected'; });",
    ].join('\n'),
  );
  const vite = await import('vite');
  await vite.build({
    root: src,
    configFile: false,
    logLevel: 'silent',
    build: { outDir: join(BARE_DIR, 'dist'), emptyOutDir: true },
  });
  return pageScripts(join(BARE_DIR, 'dist'), 'index.html');
}

/** The scripts and styles an HTML page of a build loads, with their sizes. */
export function pageScripts(root: string, page: string): PageScripts {
  const html = readFileSync(join(root, page), 'utf8');
  const refs = (pattern: RegExp) => [...html.matchAll(pattern)].map((m) => m[1]!);
  const entries = [
    ...refs(/<script[^>]*\ssrc="([^"]+)"/g),
    ...refs(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
  ];
  const css = refs(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g);
  const eager = new Set<string>();
  const lazy = new Set<string>();
  const visit = (file: string, into: Set<string>) => {
    if (eager.has(file) || into.has(file)) return;
    into.add(file);
    const code = readFileSync(join(root, file), 'utf8');
    for (const m of code.matchAll(
      /(?:\bimport|\bexport)\s*(?:[\w$*{}\s,]*?\bfrom\s*)?["']([^"']+\.js)["']/g,
    ))
      visit(resolveRef(file, m[1]!), into);
    // Vite writes a dynamic import's path between backticks.
    for (const m of code.matchAll(/\bimport\(\s*["'`]([^"'`]+\.js)["'`]\s*\)/g))
      visit(resolveRef(file, m[1]!), lazy);
  };
  for (const entry of entries) visit(entry.replace(/^\//, ''), eager);
  for (const file of eager) lazy.delete(file);
  const sized = (file: string) => {
    const content = readFileSync(join(root, file));
    return { file, bytes: content.length, gzip: gzipSync(content, { level: 9 }).length };
  };
  return {
    eager: [...eager].map(sized),
    lazy: [...lazy].map(sized),
    css: css.map((file) => sized(file.replace(/^\//, ''))),
  };
}

function resolveRef(from: string, ref: string): string {
  if (ref.startsWith('/')) return ref.slice(1);
  return join(dirname(from), ref);
}
