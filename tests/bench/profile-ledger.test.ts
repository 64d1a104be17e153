/**
 * The ledger that splits a CPU profile by layer (tests/bench/load/profile-ledger.ts)
 * counts each sample where its function lives, and leaves out the idle samples,
 * those inside `writev` and the loading of modules.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { profileLedger } from './load/profile-ledger.js';

const dir = mkdtempSync(join(tmpdir(), 'qrp-ledger-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function profileOf(frames: [functionName: string, url: string, samples: number][]): string {
  const nodes = frames.map(([functionName, url], i) => ({
    id: i + 1,
    callFrame: { functionName, url },
  }));
  const samples = frames.flatMap(([, , count], i) => Array<number>(count).fill(i + 1));
  const path = join(dir, `${Math.random().toString(36).slice(2)}.cpuprofile`);
  writeFileSync(path, JSON.stringify({ nodes, samples }));
  return path;
}

describe('profileLedger', () => {
  it('shares the working samples out by layer, from the package or module of each function', () => {
    const ledger = profileLedger(
      profileOf([
        ['(idle)', '', 50],
        ['writev', '', 30],
        ['compileSourceTextModule', 'node:internal/modules/esm/utils', 20],
        ['executeQuery', 'file:///app/node_modules/kysely/dist/esm/query-executor.js', 2],
        ['parse', 'file:///app/node_modules/pg-protocol/dist/parser.js', 3],
        ['dispatch', 'file:///app/node_modules/hono/dist/compose.js', 1],
        ['setSecondarySirets', 'file:///app/dist/server/main.mjs', 2],
        ['(garbage collector)', '', 1],
        ['runMicrotasks', '', 1],
      ]),
    );
    expect(Object.fromEntries(ledger)).toEqual({
      Kysely: 0.2,
      'pg driver': 0.3,
      'Hono and its Node adapter': 0.1,
      'own code': 0.2,
      'garbage collection': 0.1,
      'event loop, promises, events': 0.1,
    });
  });
});
