/**
 * Bad input on every route: bad JSON, wrong types, missing and unknown fields,
 * huge strings, bad path and query parameters. Each gets a 4xx with a French
 * message and changes nothing; none gets a 500.
 */
import { z } from 'zod';
import { expect, it } from 'vitest';
import { dumpTables } from '../support/fixtures.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { createHttpHarness } from '../support/http-harness.js';
import { createRouteCheckWorld, type RouteCheckWorld } from '../support/route-check-world.js';
import type { RouteRegistry } from '../../server/http/define-route.js';

type Spec = RouteRegistry[number];

function tokenFor(spec: Spec, world: RouteCheckWorld): string | null {
  if (spec.access === 'public') return null;
  return spec.access === 'admin' ? world.tokens.admin : world.tokens.principal;
}

/** A path with plausible parameters: the body is what is under test. */
function concretePath(spec: Spec, world: RouteCheckWorld): string {
  return `/api/v1${spec.path}`
    .replace(':siret', world.siretA)
    .replace(':token', world.pending.token ?? 'x')
    .replace(':id', String(world.active.user.id));
}

function malformedBodies(spec: Spec): { label: string; raw: string }[] {
  const json = z.toJSONSchema(spec.body!, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, unknown>;
    required?: string[];
  };
  const fields = Object.keys(json.properties ?? {});
  const bodies: { label: string; raw: string }[] = [
    { label: 'bad JSON', raw: '{"email": ' },
    { label: 'an array', raw: '[]' },
    { label: 'null', raw: 'null' },
    { label: 'a number', raw: '42' },
    { label: 'a string', raw: '"texte"' },
    { label: 'an unknown field only', raw: JSON.stringify({ role: 'admin' }) },
  ];
  // A body whose fields are all optional (a support agent's reason) is whole when empty.
  if ((json.required ?? []).length > 0) bodies.push({ label: 'no field', raw: '{}' });
  for (const field of fields) {
    for (const [label, value] of [
      ['a number', 12345],
      ['an object', { $gt: '' }],
      ['null', null],
      ['a list', ['a']],
      ['a long string', 'x'.repeat(5_000)],
      ['a huge string', 'x'.repeat(200_000)],
    ] as const) {
      bodies.push({ label: `${field} as ${label}`, raw: JSON.stringify({ [field]: value }) });
    }
  }
  return bodies;
}

describeOnEachDatabase('malformed requests', (getHandle) => {
  it('answer 4xx with a French message and change nothing, on every route with a body', async () => {
    const { db } = getHandle();
    const http = createHttpHarness(db);
    const world = await createRouteCheckWorld(db);
    const before = await dumpTables(db);
    const withBody = http.registry.filter((spec) => spec.body);
    expect(withBody.length).toBeGreaterThan(8);
    for (const spec of withBody) {
      for (const { label, raw } of malformedBodies(spec)) {
        const res = await http.call(spec.method.toUpperCase(), concretePath(spec, world), {
          token: tokenFor(spec, world),
          rawBody: raw,
          headers: { 'content-type': 'application/json' },
        });
        const what = `${spec.method.toUpperCase()} ${spec.path} with ${label} → ${res.status} ${res.text.slice(0, 160)}`;
        expect(res.status >= 400 && res.status < 500, what).toBe(true);
        expect(res.body?.error?.code, what).toBe('VALIDATION_FAILED');
        expect(res.body.error.message, what).toMatch(/[a-zéèàù]/i);
      }
    }
    expect(await dumpTables(db)).toEqual(before);
  });

  it('refuse bad path and query parameters with VALIDATION_FAILED', async () => {
    const { db } = getHandle();
    const http = createHttpHarness(db);
    const world = await createRouteCheckWorld(db);
    const before = await dumpTables(db);
    const cases: [string, string, string | null][] = [
      ['DELETE', '/api/v1/sirets/123', world.tokens.principal],
      ['DELETE', '/api/v1/sirets/73282932000075', world.tokens.principal],
      ['DELETE', '/api/v1/secondaries/abc', world.tokens.principal],
      ['DELETE', '/api/v1/secondaries/-1', world.tokens.principal],
      ['DELETE', '/api/v1/secondaries/99999999999999999999', world.tokens.principal],
      ['PUT', '/api/v1/secondaries/1.5/sirets', world.tokens.principal],
      ['GET', '/api/v1/secondaries?page=abc', world.tokens.principal],
      ['GET', '/api/v1/secondaries?pageSize=100000', world.tokens.principal],
      ['GET', '/api/v1/secondaries?page=0', world.tokens.principal],
      ['GET', `/api/v1/secondaries?q=${'x'.repeat(1000)}`, world.tokens.principal],
      ['GET', '/api/v1/invitations/short', null],
      ['POST', '/api/v1/invitations/short/accept', null],
      ['GET', '/api/v1/admin/invitations?status=maybe', world.tokens.admin],
      ['PATCH', '/api/v1/admin/dossiers/abc', world.tokens.admin],
    ];
    for (const [method, path, token] of cases) {
      const res = await http.call(method, path, { token, body: method === 'GET' ? undefined : {} });
      const what = `${method} ${path.slice(0, 80)} → ${res.status} ${res.text.slice(0, 120)}`;
      expect(res.status, what).toBe(400);
      expect(res.body.error.code, what).toBe('VALIDATION_FAILED');
    }
    expect(await dumpTables(db)).toEqual(before);
  });

  it('says which is wrong in a refused SIRET: its length or its check digit', async () => {
    const http = createHttpHarness(getHandle().db);
    const world = await createRouteCheckWorld(getHandle().db);
    for (const [siret, message] of [
      ['732 829 320 0007', "Le SIRET n'est pas valide : il compte 14 chiffres."],
      [
        '732 829 320 00075',
        "Ce SIRET n'existe pas : ses 14 chiffres ne respectent pas la clé de contrôle. Un chiffre est sans doute mal saisi.",
      ],
    ]) {
      const res = await http.call('POST', '/api/v1/sirets', {
        token: world.tokens.principal,
        body: { siret, unlockCode: 'CODE' },
      });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message });
    }
  });

  it('answer an unknown API path with a JSON 404, and a missing token with 401', async () => {
    const http = createHttpHarness(getHandle().db);
    const unknown = await http.call('GET', '/api/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    const garbage = await http.call('GET', '/api/v1/me', {
      headers: { authorization: 'Bearer ' + 'x'.repeat(5000) },
    });
    expect(garbage.status).toBe(401);
    expect(garbage.body.error.code).toBe('UNAUTHENTICATED');
  });
});
