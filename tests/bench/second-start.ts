/**
 * `npm start`, second start: from launching the server as `npm start` runs it
 * (`node dist/server/main.mjs --demo` after its builds, embedded database, on a data folder a first
 * start already created and seeded) until `/health` answers 200. The
 * extension build that `npm start` runs first is not part of the server's
 * readiness; the full `npm start` (build included) is timed too, once.
 * Baseline: a minimal @hono/node-server `/health`, built the same way.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { percentile, round, type BenchContext, type MeasureResult } from './measure.js';
import { BUILT_SERVER, buildBarePeer, useBuiltServer } from './load/built-server.js';
import { freePort } from '../support/free-port.js';

const GOAL_MS = 3000;

export async function measureSecondStart(context: BenchContext): Promise<MeasureResult> {
  const starts = context.quick ? 2 : 5;
  const dataDir = mkdtempSync(join(tmpdir(), 'qrp-bench-start-'));
  try {
    const port = await freePort();
    // The embedded database, whatever the benchmark's own environment says.
    const env = { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: '' };
    context.log('second-start: first start (creates and seeds the data folder)');
    useBuiltServer();
    const bareEntry = buildBarePeer('tests/bench/bare-health.ts', 'dist/bench/bare-health.mjs');
    const first = await timeStart(['node', BUILT_SERVER, '--demo'], env, port);
    const server: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < starts; i++) {
      context.log(`second-start: start ${i + 2} of the server, bare start ${i + 1}`);
      server.push(await timeStart(['node', BUILT_SERVER, '--demo'], env, port));
      bare.push(await timeStart(['node', bareEntry], env, port));
    }
    let full: number | null = null;
    if (!context.quick) {
      context.log('second-start: full `npm start` (extension build included)');
      full = await timeStart(['npm', 'start'], env, port, 240_000);
    }
    const median = percentile(server, 0.5);
    return {
      id: 'second-start',
      title: '`npm start`, second start → /health answers (embedded database)',
      figures: [
        {
          label: `server start → /health 200, median of ${starts}`,
          value: round(median / 1000, 2),
          unit: 's',
          baseline: {
            label: 'bare @hono/node-server /health, built the same way',
            value: round(percentile(bare, 0.5) / 1000, 2),
          },
          goal: `≤ ${GOAL_MS / 1000} s`,
          pass: median <= GOAL_MS,
        },
        {
          label: 'first start (creates and seeds the database)',
          value: round(first / 1000, 2),
          unit: 's',
        },
        ...(full === null
          ? []
          : [
              {
                label: 'full `npm start` second start, extension build included',
                value: round(full / 1000, 2),
                unit: 's' as const,
              },
            ]),
      ],
      notes: [
        `Timed from spawning \`node dist/server/main.mjs --demo\` (what \`npm start\` runs after \`wxt build\` and \`npm run build:server\`) until GET /health answers 200 (polled every 10 ms), on a data folder the first start created; the embedded PGlite database opens and is migrated (nothing to do), the demo seed finds its data and writes nothing. Runs (s): ${server.map((v) => round(v / 1000, 2)).join(', ')}.`,
        '`npm start` builds the extension before starting the server; the build is not part of the server being ready, so the goal applies to the server start alone' +
          (full === null
            ? ' (full `npm start` timed only in a full run).'
            : `; the full \`npm start\`, build included, took ${round(full / 1000, 1)} s.`),
        `Baseline: tests/bench/bare-health.ts built as the server is and run by \`node\` (Hono on @hono/node-server answering /health, no database), runs (s): ${bare.map((v) => round(v / 1000, 2)).join(', ')}.`,
      ],
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Spawns `command`, waits until /health answers 200, then stops it; returns the time to health. */
async function timeStart(
  command: string[],
  env: Record<string, string>,
  port: number,
  timeoutMs = 60_000,
): Promise<number> {
  const started = performance.now();
  // A process group of its own: `npm start` runs children, all stopped together.
  const child = spawn(command[0]!, command.slice(1), {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`${command.join(' ')} exited: ${stderr.slice(-1000)}`);
      if (performance.now() - started > timeoutMs)
        throw new Error(`${command.join(' ')}: no /health within ${timeoutMs} ms`);
      const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
        (res) => res.status === 200,
        () => false,
      );
      if (ok) return performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM');
    await exited;
    // The group's last processes may outlive the leader briefly.
    await waitPortFree(port);
  }
}

async function waitPortFree(port: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`port ${port} still taken`);
}
