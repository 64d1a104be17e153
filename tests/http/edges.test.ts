import { describe, expect, it } from 'vitest';
import { ERRORS } from '../../shared/errors.js';
import { createTestDatabase, describeOnEachDatabase } from '../support/databases.js';
import { createHttpHarness, EXTENSION_ORIGIN, PUBLIC_URL } from '../support/http-harness.js';

describeOnEachDatabase('the edges of the HTTP server', (getHandle) => {
  it('answers /health once the database answers', async () => {
    const http = createHttpHarness(getHandle().db);
    const res = await http.call('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
  });

  it('allows cross-origin calls from its own origin and the extension (Chrome, any Firefox installation) only', async () => {
    const http = createHttpHarness(getHandle().db);
    const preflight = (origin: string) =>
      http.call('OPTIONS', '/api/v1/me', {
        headers: {
          origin,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      });
    expect((await preflight(EXTENSION_ORIGIN)).headers.get('access-control-allow-origin')).toBe(
      EXTENSION_ORIGIN,
    );
    expect((await preflight(PUBLIC_URL)).headers.get('access-control-allow-origin')).toBe(
      PUBLIC_URL,
    );
    expect(
      (await preflight('https://evil.example')).headers.get('access-control-allow-origin'),
    ).toBeNull();
    expect(
      (await preflight('chrome-extension://another')).headers.get('access-control-allow-origin'),
    ).toBeNull();
    // Any Firefox installation (its own random UUID), and nothing that only looks like one.
    const firefox = 'moz-extension://0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
    expect((await preflight(firefox)).headers.get('access-control-allow-origin')).toBe(firefox);
    for (const lookAlike of ['moz-extension://evil', `${firefox}.evil.example`]) {
      expect(
        (await preflight(lookAlike)).headers.get('access-control-allow-origin'),
        lookAlike,
      ).toBeNull();
    }
  });

  it('publishes an OpenAPI document generated from the route schemas', async () => {
    const http = createHttpHarness(getHandle().db);
    const res = await http.call('GET', '/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const paths = Object.keys(res.body.paths);
    expect(paths).toHaveLength(new Set(http.registry.map((r) => r.path)).size);
    expect(paths).toContain('/api/v1/secondaries/{id}/sirets');
    const signup = res.body.paths['/api/v1/auth/signup'].post;
    expect(signup.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['email', 'password', 'siret', 'unlockCode']),
    );
    expect(
      res.body.paths['/api/v1/secondaries'].get.parameters.map((p: { name: string }) => p.name),
    ).toEqual(expect.arrayContaining(['page', 'pageSize', 'q']));
  });
});

describe('an unexpected failure', () => {
  it('is answered 500 without details and logged with its request id', async () => {
    const handle = await createTestDatabase('embedded');
    const http = createHttpHarness(handle.db);
    await handle.close();
    const res = await http.call('GET', '/health');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: 'INTERNAL', message: ERRORS.INTERNAL.message } });
    const requestId = res.headers.get('x-request-id');
    expect(requestId).toBeTruthy();
    const logged = http.logLines.find((line) => line.includes('unexpected error'));
    expect(logged).toContain(`"requestId":"${requestId}"`);
  });
});
