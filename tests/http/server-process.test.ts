/**
 * `npm run server` as a real process: it answers /health, keeps a second
 * process off its data folder, finishes a request in flight when told to stop,
 * and stops cleanly on SIGTERM and SIGINT.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServerNode } from '../support/server-node.js';

describe('the server process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'qrp-process-'));
  const env = {
    DATA_DIR: dataDir,
    ADMIN_EMAIL: 'support@exemple.fr',
    ADMIN_PASSWORD: 'support-3679-test',
  };
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('answers /health, refuses a second server on its data folder, and stops on SIGTERM after finishing a request', async () => {
    const server = await startServerNode({ env });
    const health = await fetch(`${server.url}/health`);
    expect(await health.json()).toEqual({ ok: true });

    const second = await startServerNode({ env }).then(
      () => 'started',
      (error: Error) => error.message,
    );
    expect(second).toContain('already used by another server');

    // A login takes a while (argon2): stop the server while it runs.
    const inFlight = fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'support@exemple.fr', password: 'support-3679-test' }),
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    server.process.kill('SIGTERM');
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('"msg":"stopped"');
  }, 60_000);

  it('starts again on the same data and stops on SIGINT', async () => {
    const server = await startServerNode({ env });
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'support@exemple.fr', password: 'support-3679-test' }),
    });
    expect(login.status).toBe(200);
    server.process.kill('SIGINT');
    expect(await server.exited).toBe(0);
  }, 60_000);
});
