/**
 * Generated bad input on every route of the registry, over a real port:
 * malformed JSON bodies (wrong types, huge, deeply nested, `__proto__` and
 * `constructor` keys, unicode, NUL bytes), path parameters, query strings and
 * headers (content types that lie, huge headers, bad authorization shapes, bad
 * origins). The server never answers 500, never lets a failure escape, stays
 * up (health, a real socket still gets its snapshot) and changes nothing.
 * Fixed seeds keep every run the same.
 */
import fc from 'fast-check';
import { z } from 'zod';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RouteRegistry } from '../../server/http/define-route.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { dumpTables } from '../support/fixtures.js';
import { createRouteCheckWorld, type RouteCheckWorld } from '../support/route-check-world.js';
import { TestClient } from '../support/socket-clients.js';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.js';
import { rawRequest, type RawResponse } from './support/fuzz-raw-http.js';
import { watchProcessFailures, type ProcessGuard } from './support/fuzz-process-guard.js';
import { reportSecuritySummary } from './support/security-summary.js';

type Spec = RouteRegistry[number];

const SEED = 20_261_128;
const NUM_RUNS = { bodies: 200, parameters: 120, headers: 120 };

/** Keys that would pollute prototypes if a body were merged naively. */
const POLLUTING_KEYS = ['__proto__', 'constructor', 'prototype'];

/** A path parameter never naming a real row: numbers small enough to exist are left out. */
const badParameter = fc
  .oneof(
    fc.string({ maxLength: 60 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.constantFrom(
      '-1',
      '0',
      '1e3',
      '0x10',
      '1.5',
      '99999999999999999999',
      '2147483648',
      'NaN',
      'Infinity',
      '%00',
      '..',
      '../../etc/passwd',
      '١٢',
      'null',
      '[]',
      '{}',
      'A'.repeat(5000),
      '732 829 320 00074',
      '73282932000075',
    ),
  )
  .filter((value) => !/^\s*\+?0*\d{1,6}\s*$/.test(value));

/** Any JSON value, with keys that could pollute a prototype and strings with NUL bytes. */
const hostileValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 2 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom('\u0000', 'a\u0000b', '\ud800', '\u202e', 'x'.repeat(70_000)),
    fc.dictionary(fc.oneof(fc.constantFrom(...POLLUTING_KEYS), fc.string()), tie('value'), {
      maxKeys: 4,
    }),
    fc.array(tie('value'), { maxLength: 4 }),
  ),
})).value;

function bodyFor(spec: Spec): fc.Arbitrary<string> {
  const schema = spec.body
    ? (z.toJSONSchema(spec.body, { io: 'input', unrepresentable: 'any' }) as {
        properties?: Record<string, unknown>;
      })
    : {};
  const fields = Object.keys(schema.properties ?? {});
  const field = fields.length > 0 ? fc.constantFrom(...fields) : fc.string();
  const fieldsObject = fc.dictionary(
    fc.oneof(field, fc.constantFrom(...POLLUTING_KEYS)),
    hostileValue,
    {
      minKeys: 1,
      maxKeys: 5,
    },
  );
  return fc.oneof(
    fieldsObject.map((value) => JSON.stringify(value)),
    fieldsObject.map((value) =>
      // `__proto__` written as an own key, as JSON.stringify would never write it.
      JSON.stringify(value).replace(/^\{/, '{"__proto__":{"role":"admin","isAdmin":true},'),
    ),
    hostileValue.map((value) => JSON.stringify(value) ?? 'null'),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.integer({ min: 1, max: 20_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
    fc
      .integer({ min: 1, max: 20_000 })
      .map((depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
    fc.constantFrom(
      '',
      ' ',
      'null',
      '{',
      '{"a":1}}',
      '\u0000',
      '{"a":"\u0000"}',
      'x'.repeat(80_000),
    ),
  );
}

describeOnEachDatabase('bad HTTP input', (getHandle, kind) => {
  let server: InProcessServer;
  let world: RouteCheckWorld;
  let guard: ProcessGuard;
  const counts = { requests: 0, status500: 0, dropped: 0, byStatus: {} as Record<number, number> };

  beforeAll(async () => {
    guard = watchProcessFailures();
    server = await startInProcessServer(getHandle().db);
    world = await createRouteCheckWorld(getHandle().db);
  });
  afterAll(async () => {
    guard.stop();
    await server.close();
    reportSecuritySummary({ suite: 'bad-input-http', database: kind, seed: SEED, ...counts });
  });

  /** Tokens of every kind, and authorization headers of every bad shape. */
  function authorizations(): fc.Arbitrary<string | undefined> {
    const { principal, admin, secondary, otherPrincipal } = world.tokens;
    const valid = [principal, admin, secondary, otherPrincipal] as string[];
    return fc.oneof(
      fc.constant(undefined),
      fc.constantFrom(...valid).map((token) => `Bearer ${token}`),
      fc.constantFrom(...valid).map((token) => `bearer   ${token}`),
      fc.constantFrom(
        'Bearer',
        'Bearer ',
        `Bearer ${world.pending.token}`,
        `Basic ${Buffer.from('admin:admin').toString('base64')}`,
        `Bearer ${principal} ${admin}`,
        `Bearer ${principal},Bearer ${admin}`,
        `Token ${principal}`,
        `Bearer ${'A'.repeat(43)}`,
        `Bearer ${'A'.repeat(8000)}`,
      ),
      fc.string({
        unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
        maxLength: 120,
      }),
    );
  }

  async function send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<RawResponse> {
    const res = await rawRequest(server.url, { method, path, headers, body });
    counts.requests += 1;
    counts.byStatus[res.status] = (counts.byStatus[res.status] ?? 0) + 1;
    if (res.status === 0) counts.dropped += 1;
    if (res.status >= 500) counts.status500 += 1;
    return res;
  }

  function expectWellRefused(res: RawResponse, what: string): void {
    expect(res.status, what).not.toBe(0);
    expect(res.status, what).toBeLessThan(500);
    if (res.status >= 400 && String(res.headers['content-type']).includes('json')) {
      const body = JSON.parse(res.text) as { error?: { code?: unknown; message?: unknown } };
      expect(typeof body.error?.code, what).toBe('string');
      expect(typeof body.error?.message, what).toBe('string');
    }
  }

  /** Routes that end the caller's session: called with no valid token, they change nothing. */
  const endsSession = (spec: Spec) => spec.path === '/auth/logout';

  /**
   * The route's path with the given parameter, or with well-formed parameters
   * that name no row (an unmanaged SIRET, an unknown token, an unknown id): the
   * body and headers are then what is under test, and nothing can succeed.
   */
  function pathOf(spec: Spec, parameter?: string): string {
    const value = (wellFormed: string) =>
      parameter === undefined ? wellFormed : encodeURIComponent(parameter);
    return `/api/v1${spec.path}`
      .replace(':siret', value(world.freeSiret))
      .replace(':token', value('A'.repeat(43)))
      .replace(':id', value('999999999'));
  }

  it('answers generated bodies on every route without a 500, changing nothing', async () => {
    const { db } = getHandle();
    const before = await dumpTables(db);
    const routes = server.http.registry.filter((spec) => spec.method !== 'get');
    expect(routes.length).toBeGreaterThan(10);
    const arbitrary = fc.constantFrom(...routes).chain((spec) =>
      fc.record({
        spec: fc.constant(spec),
        body: bodyFor(spec),
        authorization: endsSession(spec) ? fc.constant(undefined) : authorizations(),
        contentType: fc.constantFrom(
          'application/json',
          'application/json; charset=utf-16',
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/json\u0000',
          '',
        ),
      }),
    );
    await fc.assert(
      fc.asyncProperty(arbitrary, async ({ spec, body, authorization, contentType }) => {
        const headers: Record<string, string> = {};
        if (contentType) headers['content-type'] = contentType.replace('\u0000', '');
        if (authorization !== undefined) headers.authorization = authorization;
        const res = await send(spec.method.toUpperCase(), pathOf(spec), headers, body);
        expectWellRefused(res, `${spec.method} ${spec.path} body ${body.slice(0, 80)}`);
        // Generated bodies never make a valid command.
        expect(res.status, `${spec.method} ${spec.path}`).toBeGreaterThanOrEqual(400);
      }),
      { seed: SEED, numRuns: NUM_RUNS.bodies },
    );
    expect(await dumpTables(db)).toEqual(before);
  });

  it('answers generated path parameters and query strings on every route without a 500', async () => {
    const { db } = getHandle();
    const before = await dumpTables(db);
    const routes = server.http.registry;
    const query = fc.array(
      fc.tuple(
        fc.oneof(
          fc.constantFrom('page', 'pageSize', 'status', 'q', '__proto__', 'constructor'),
          fc.string(),
        ),
        fc.oneof(badParameter, fc.string({ unit: 'binary', maxLength: 30 })),
      ),
      { maxLength: 6 },
    );
    const arbitrary = fc.record({
      spec: fc.constantFrom(...routes),
      parameter: badParameter,
      query,
      repeated: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(arbitrary, async ({ spec, parameter, query: pairs, repeated }) => {
        const hasParameter = spec.path.includes(':');
        const search = pairs
          .flatMap(([k, v]) =>
            repeated
              ? [
                  [k, v],
                  [k, v],
                ]
              : [[k, v]],
          )
          .map(([k, v]) => `${encodeURIComponent(k!)}=${encodeURIComponent(v!)}`)
          .join('&');
        const path = `${pathOf(spec, hasParameter ? parameter : undefined)}${search ? `?${search}` : ''}`;
        const token = spec.access === 'admin' ? world.tokens.admin : world.tokens.principal;
        const headers: Record<string, string> = endsSession(spec)
          ? {}
          : { authorization: `Bearer ${token!}` };
        if (spec.body) headers['content-type'] = 'application/json';
        const res = await send(
          spec.method.toUpperCase(),
          path,
          headers,
          spec.body ? '{}' : undefined,
        );
        expectWellRefused(res, `${spec.method} ${path.slice(0, 120)}`);
      }),
      { seed: SEED + 1, numRuns: NUM_RUNS.parameters },
    );
    // Raw bytes no client would send in a path.
    for (const path of [
      '/api/v1/secondaries/%',
      '/api/v1/sirets/%zz',
      '/api/v1/invitations/%E0%A4%A',
      '/api/v1/%00',
      '/api/v1/secondaries/1%2F..%2F2/sirets',
    ]) {
      const res = await send('DELETE', path, {
        authorization: `Bearer ${world.tokens.principal!}`,
      });
      expectWellRefused(res, path);
    }
    expect(await dumpTables(db)).toEqual(before);
  });

  it('answers generated headers (content types, authorization, origin, huge values) without a 500', async () => {
    const { db } = getHandle();
    const before = await dumpTables(db);
    const printable = fc.string({
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      maxLength: 200,
    });
    const arbitrary = fc.record({
      spec: fc.constantFrom(...server.http.registry.filter((spec) => !endsSession(spec))),
      authorization: authorizations(),
      origin: fc.oneof(
        fc.constant(undefined),
        fc.constantFrom(
          'null',
          'http://evil.example',
          'chrome-extension://other',
          'http://localhost:8787.evil.example',
          'file://',
        ),
        printable,
      ),
      contentType: fc.oneof(fc.constant(undefined), printable),
      contentLength: fc.oneof(fc.constant(undefined), fc.constantFrom('0', '1', '2', '-1', 'abc')),
      huge: fc.oneof(fc.constant(0), fc.constantFrom(8_000, 20_000, 70_000)),
      extra: fc.dictionary(
        printable.filter((k) => /^[A-Za-z][A-Za-z0-9-]{0,30}$/.test(k)),
        printable,
        { maxKeys: 3 },
      ),
    });
    await fc.assert(
      fc.asyncProperty(
        arbitrary,
        async ({ spec, authorization, origin, contentType, contentLength, huge, extra }) => {
          const headers: Record<string, string> = { ...extra };
          if (authorization !== undefined) headers.authorization = authorization;
          if (origin !== undefined) headers.origin = origin;
          if (contentType !== undefined) headers['content-type'] = contentType;
          if (contentLength !== undefined) headers['content-length'] = contentLength;
          if (huge > 0) headers['x-padding'] = 'p'.repeat(huge);
          delete headers.host;
          delete headers['transfer-encoding'];
          const res = await send(
            spec.method.toUpperCase(),
            pathOf(spec),
            headers,
            spec.method === 'get' ? undefined : '{}',
          );
          // A header too large for Node is refused before the app (431), or the connection dropped on a lying length.
          if (res.status === 0 && (contentLength !== undefined || huge > 16_000)) return;
          expectWellRefused(
            res,
            `${spec.method} ${spec.path} ${JSON.stringify({ authorization, origin, contentType, contentLength, huge }).slice(0, 200)}`,
          );
          if (origin !== undefined && res.headers['access-control-allow-origin'] !== undefined) {
            expect([
              'http://localhost:8787',
              'chrome-extension://abcdefghijklmnopabcdefghijklmnop',
            ]).toContain(res.headers['access-control-allow-origin']);
          }
        },
      ),
      { seed: SEED + 2, numRuns: NUM_RUNS.headers },
    );
    expect(await dumpTables(db)).toEqual(before);
  });

  it('is still up afterwards: health answers, a real client gets its snapshot, nothing escaped', async () => {
    const health = await rawRequest(server.url, { method: 'GET', path: '/health' });
    expect(health.status).toBe(200);
    const client = await TestClient.connect(server.url, world.tokens.principal!);
    expect(client.snapshot.kind).toBe('member');
    client.close();
    expect(guard.failures).toEqual([]);
    expect(server.httpErrors()).toEqual([]);
    expect(counts.status500).toBe(0);
  });
});
