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

describe('request bodies on the real HTTP server', () => {
  it('refuse over 64 KB with a French 413, whether the length is declared or the body chunked', async () => {
    const server = await startServerNode({
      env: { DATA_DIR: mkdtempSync(join(tmpdir(), 'qrp-body-')) },
    });
    try {
      const huge = JSON.stringify({ email: `${'x'.repeat(70_000)}@exemple.fr` });
      const declared = await fetch(`${server.url}/api/v1/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: huge,
      });
      expect(declared.status).toBe(413);
      expect((await declared.json()).error.message).toBe('La requête est trop volumineuse.');

      const chunks = [huge.slice(0, 40_000), huge.slice(40_000)];
      const chunked = await fetch(`${server.url}/api/v1/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: new ReadableStream({
          pull(controller) {
            const next = chunks.shift();
            if (next === undefined) controller.close();
            else controller.enqueue(new TextEncoder().encode(next));
          },
        }),
        duplex: 'half',
      } as RequestInit);
      expect(chunked.status).toBe(413);

      // A small body is read on the direct path and refused on its content, not its size.
      const small = await fetch(`${server.url}/api/v1/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"email": ',
      });
      expect(small.status).toBe(400);
      expect((await small.json()).error.code).toBe('VALIDATION_FAILED');
    } finally {
      await server.stop();
    }
  }, 60_000);
});
