/**
 * Every answer the server sends is the one its route declares: each route of
 * the registry is called over a real port until it succeeds, and its body must
 * parse with the declared schema, unknown keys refused. The panel's client
 * reads its results' types from those schemas (shared/api-answers.ts): this is
 * what makes that reading safe. The OpenAPI document must describe each of
 * these answers too.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { API_ANSWERS } from '../../shared/api-answers.js';
import type { RouteRegistry } from '../../server/http/define-route.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { createSecondary, PASSWORD, UNLOCK_CODE, uniqueEmail } from '../support/fixtures.js';
import { callOverHttp, type HttpAnswer } from '../support/http-client.js';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.js';
import { createRouteCheckWorld } from '../support/route-check-world.js';

type Spec = RouteRegistry[number];
const routeOf = (spec: Spec) => `${spec.method.toUpperCase()} ${spec.path}`;

describeOnEachDatabase('the answers of the HTTP API', (getHandle) => {
  let server: InProcessServer;
  beforeAll(async () => {
    server = await startInProcessServer(getHandle().db);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('declare, for every JSON route, the schema the panel reads its types from', () => {
    const declared = new Map<string, unknown>();
    for (const spec of server.http.registry) {
      if ('schema' in spec.answer) declared.set(routeOf(spec), spec.answer.schema);
    }
    expect([...declared.keys()].sort()).toEqual(Object.keys(API_ANSWERS).sort());
    for (const [route, schema] of Object.entries(API_ANSWERS)) {
      expect(declared.get(route), route).toBe(schema);
    }
  });

  it('match the schema of their route, for every route of the registry', async () => {
    const { db } = getHandle();
    const world = await createRouteCheckWorld(db);
    const invited = await createSecondary(db, world.spaceA, { status: 'pending' });
    const { principal, admin } = world.tokens;
    const answers = new Map<string, HttpAnswer>();
    const call = async (
      route: string,
      path: string,
      options: { token?: string | null; body?: unknown } = {},
    ) => {
      const method = route.split(' ')[0]!;
      const answer = await callOverHttp(server.url, method, `/api/v1${path}`, options);
      answers.set(route, answer);
      return answer;
    };

    // In an order where each call leaves what the next ones need.
    await call('POST /auth/signup', '/auth/signup', {
      body: {
        email: uniqueEmail('signup'),
        password: PASSWORD,
        siret: world.otherFreeSiret,
        unlockCode: UNLOCK_CODE,
      },
    });
    const login = await call('POST /auth/login', '/auth/login', {
      body: { email: world.spaceA.principal.email, password: PASSWORD },
    });
    await call('GET /me', '/me', { token: principal });
    await call('GET /invitations/:token', `/invitations/${world.pending.token}`);
    await call('POST /invitations/:token/accept', `/invitations/${invited.token}/accept`, {
      body: { password: PASSWORD },
    });
    await call('POST /sirets', '/sirets', {
      token: principal,
      body: { siret: world.freeSiret, unlockCode: UNLOCK_CODE, assignToAllSecondaries: true },
    });
    await call('GET /sirets', '/sirets', { token: principal });
    await call('POST /cession/check', '/cession/check', {
      token: principal,
      body: { email: world.spaceB.principal.email },
    });
    const added = await call('POST /secondaries', '/secondaries', {
      token: principal,
      body: { email: uniqueEmail('added') },
    });
    await call('GET /secondaries', '/secondaries?page=1&pageSize=50', { token: principal });
    await call('PUT /secondaries/:id/sirets', `/secondaries/${world.active.user.id}/sirets`, {
      token: principal,
      body: { sirets: [world.siretA, world.spareSiretA] },
    });
    await call(
      'POST /secondaries/:id/invitation',
      `/secondaries/${world.pending.user.id}/invitation`,
      {
        token: principal,
      },
    );
    await call(
      'DELETE /secondaries/:id/invitation',
      `/secondaries/${world.pending.user.id}/invitation`,
      { token: principal },
    );
    await call('DELETE /secondaries/:id', `/secondaries/${String(added.body.id)}`, {
      token: principal,
    });
    await call('GET /attributions.csv', '/attributions.csv', { token: principal });
    await call('POST /attributions.csv', '/attributions.csv?dryRun=1', { token: principal });
    await call('PUT /attributions', '/attributions', {
      token: principal,
      body: {
        changes: [
          {
            userId: world.active.user.id,
            sirets: [world.siretA],
            base: [world.siretA, world.spareSiretA],
          },
        ],
      },
    });
    await call('GET /dossiers', '/dossiers', { token: principal });
    // A secondary sees the principal's SIRETs list as null: both forms of a member.
    await call('GET /team', '/team', { token: world.tokens.secondary });
    await call('GET /admin/invitations', '/admin/invitations', { token: admin });
    await call('GET /admin/locks', '/admin/locks', { token: admin });
    // A SIRET as typed: the accounts of space A.
    await call(
      'GET /admin/accounts',
      `/admin/accounts?q=${world.siretA.slice(0, 3)}%20${world.siretA.slice(3)}`,
      { token: admin },
    );
    await call('GET /admin/spaces/:id', `/admin/spaces/${world.spaceA.spaceId}`, { token: admin });
    await call('GET /admin/overview', '/admin/overview', { token: admin });
    await call('POST /admin/agents', '/admin/agents', {
      token: admin,
      body: { email: uniqueEmail('agent'), reason: 'Renfort' },
    });
    await call('GET /admin/agents', '/admin/agents', { token: admin });
    await call(
      'POST /admin/agents/:id/deactivate',
      `/admin/agents/${world.otherAgent.id}/deactivate`,
      { token: admin, body: { reason: 'Départ' } },
    );
    // The invitation the principal revoked above: support sends a new link from it.
    await call(
      'POST /admin/invitations/:id/resend',
      `/admin/invitations/${world.pending.invitation!.id}/resend`,
      { token: admin, body: { reason: 'Lien perdu' } },
    );
    const toRevoke = await createSecondary(db, world.spaceA, { status: 'pending' });
    await call(
      'POST /admin/invitations/:id/revoke',
      `/admin/invitations/${toRevoke.invitation!.id}/revoke`,
      { token: admin, body: { reason: 'Adresse erronée' } },
    );
    await call('POST /admin/locks/:id/reset', `/admin/locks/${world.lockId}/reset`, {
      token: admin,
      body: { reason: 'Courrier retrouvé' },
    });
    // That lock was the principal's only one: another space's principal has theirs.
    const other = await createRouteCheckWorld(db);
    await call('POST /admin/users/:id/reset', `/admin/users/${other.spaceA.principal.id}/reset`, {
      token: admin,
      body: { reason: 'Appel au 3679' },
    });
    // Space C's cession into A: support finds it, A's principal refuses it; the other
    // world's is undone by support, and its space gets a new principal.
    await call(
      'GET /admin/cessions',
      `/admin/cessions?email=${encodeURIComponent(world.spaceA.principal.email)}`,
      { token: admin },
    );
    await call('POST /cessions/:id/refuse', `/cessions/${world.cessionIntoA}/refuse`, {
      token: principal,
      body: {},
    });
    await call('POST /admin/cessions/:id/undo', `/admin/cessions/${other.cessionIntoA}/undo`, {
      token: admin,
      body: { reason: 'Cession faite par erreur' },
    });
    await call(
      'POST /admin/spaces/:id/principal',
      `/admin/spaces/${other.spaceA.spaceId}/principal`,
      { token: admin, body: { userId: other.active.user.id, reason: 'Départ du titulaire' } },
    );
    const dossier = await call('POST /admin/dossiers', '/admin/dossiers', {
      token: admin,
      body: { reference: world.newReference(), siret: world.spaceB.sirets[0], unlockCode: 'X-1' },
    });
    await call('PATCH /admin/dossiers/:id', `/admin/dossiers/${String(dossier.body.id)}`, {
      token: admin,
      body: { status: 'cloture' },
    });
    await call('GET /history', '/history?limit=5', { token: principal });
    await call('GET /history.csv', '/history.csv', { token: world.tokens.secondary });
    await call('GET /admin/history', `/admin/history?siret=${world.siretA}`, { token: admin });
    await call('GET /admin/history.csv', '/admin/history.csv?type=siret.added', { token: admin });
    await call('DELETE /sirets/:siret', `/sirets/${world.spareSiretA}`, { token: principal });
    await call('POST /cession', '/cession', {
      token: principal,
      body: { email: world.spaceB.principal.email },
    });
    await call('POST /auth/logout', '/auth/logout', { token: String(login.body.token) });

    const registry = server.http.registry;
    expect([...answers.keys()].sort()).toEqual(registry.map(routeOf).sort());
    const problems: string[] = [];
    for (const spec of registry) {
      const route = routeOf(spec);
      const res = answers.get(route)!;
      const seen = `${route} → ${res.status} ${res.text.slice(0, 200)}`;
      if (res.status !== spec.answer.status) {
        problems.push(`${seen}: declared ${spec.answer.status}`);
        continue;
      }
      const contentType = res.headers.get('content-type') ?? '';
      if ('schema' in spec.answer) {
        if (!contentType.startsWith('application/json')) problems.push(`${seen}: not JSON`);
        const parsed = spec.answer.schema.safeParse(res.body);
        if (!parsed.success) problems.push(`${seen}: ${parsed.error.message}`);
        // An empty list would leave its items unchecked.
        const list = res.body.items ?? res.body.entries;
        if (Array.isArray(list) && list.length === 0) {
          problems.push(`${seen}: no item to check`);
        }
      } else if ('contentType' in spec.answer) {
        if (!contentType.startsWith(spec.answer.contentType)) {
          problems.push(`${seen}: ${contentType}, declared ${spec.answer.contentType}`);
        }
      } else if (res.text !== '') {
        problems.push(`${seen}: a body on a 204`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('are described, with their schema, in the OpenAPI document', async () => {
    const res = await callOverHttp(server.url, 'GET', '/api/v1/openapi.json');
    expect(res.status).toBe(200);
    type Operation = {
      responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
    };
    const paths = res.body.paths as Record<string, Record<string, Operation>>;
    const problems: string[] = [];
    let operations = 0;
    for (const [path, methods] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        operations += 1;
        const successes = Object.entries(operation.responses).filter(([s]) => Number(s) < 300);
        if (successes.length === 0) problems.push(`${method} ${path}: no success answer`);
        for (const [status, response] of successes) {
          const schemas = Object.values(response.content ?? {}).map((c) => c.schema);
          if (status === '204' ? schemas.length > 0 : !schemas.every(Boolean) || !schemas.length) {
            problems.push(`${method} ${path} ${status}: ${JSON.stringify(response)}`);
          }
        }
      }
    }
    expect(operations).toBe(server.http.registry.length);
    expect(problems).toEqual([]);
    // The body of a JSON answer, down to its items: unknown keys are not part of it.
    const team = paths['/api/v1/team']!.get!.responses['200']!.content!['application/json']!;
    expect(team.schema).toMatchObject({
      type: 'object',
      required: ['items'],
      additionalProperties: false,
      properties: { items: { type: 'array', items: { additionalProperties: false } } },
    });
  });
});
