/**
 * `npm start`, second start, as a user feels it: from typing the command (on
 * a data folder a first start already created and seeded, sources unchanged)
 * until `/health` answers 200 — the extension build and the server bundle
 * checked for changes and reused, the server started. The server alone
 * (`node dist/server/main.mjs --demo`) is timed beside it.
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

const GOAL_MS = 2000;

export async function measureSecondStart(context: BenchContext): Promise<MeasureResult> {
  const starts = context.quick ? 2 : 5;
  const dataDir = mkdtempSync(join(tmpdir(), 'qrp-bench-start-'));
  try {
    const port = await freePort();
    // The embedded database, whatever the benchmark's own environment says.
    const env = { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: '' };
    context.log(
      'second-start: first `npm start` (builds what changed, creates and seeds the data)',
    );
    await useBuiltServer();
    const bareEntry = buildBarePeer('tests/bench/bare-health.ts', 'dist/bench/bare-health.mjs');
    const first = await timeStart(['npm', 'start'], env, port, 240_000);
    const command: number[] = [];
    const server: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < starts; i++) {
      context.log(`second-start: \`npm start\` ${i + 2}, server alone, bare start ${i + 1}`);
      command.push(await timeStart(['npm', 'start'], env, port));
      server.push(await timeStart(['node', BUILT_SERVER, '--demo'], env, port));
      bare.push(await timeStart(['node', bareEntry], env, port));
    }
    const median = percentile(command, 0.5);
    const runs = (values: number[]) => values.map((v) => round(v / 1000, 2)).join(', ');
    return {
      id: 'second-start',
      title: '`npm start`, second start: command typed → /health answers (embedded database)',
      figures: [
        {
          label: `\`npm start\` → /health 200, builds checked, median of ${starts}`,
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
          label: `server alone (\`node dist/server/main.mjs --demo\`) → /health 200, median of ${starts}`,
          value: round(percentile(server, 0.5) / 1000, 2),
          unit: 's',
        },
        {
          label: 'first `npm start` (builds if needed, creates and seeds the database)',
          value: round(first / 1000, 2),
          unit: 's',
        },
      ],
      notes: [
        `Timed from spawning \`npm start\` until GET /health answers 200 (polled every 10 ms), on a data folder the first start created, sources unchanged: \`scripts/fresh-builds.mjs\` finds the extension build and the server bundle up to date by their digests and rebuilds neither, the embedded PGlite database opens and is migrated (nothing to do), the demo seed finds its data and writes nothing, the banner reads the accounts as they stand. Runs (s): ${runs(command)}.`,
        `The server alone, as \`npm start\` runs it once the builds are checked: runs (s): ${runs(server)}.`,
        `Baseline: tests/bench/bare-health.ts built as the server is and run by \`node\` (Hono on @hono/node-server answering /health, no database), runs (s): ${runs(bare)}.`,
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
    // The group's last processes (the server under `npm start`) outlive the leader
    // while they close the database: the next start needs its data folder free.
    await waitGroupGone(child.pid!);
    await waitPortFree(port);
  }
}

async function waitGroupGone(groupId: number): Promise<void> {
  for (let i = 0; i < 1500; i++) {
    try {
      process.kill(-groupId, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`process group ${groupId} still running after 30 s`);
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
