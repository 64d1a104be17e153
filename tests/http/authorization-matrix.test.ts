/**
 * Every route that needs a session, called by each kind of caller: only the
 * callers its access allows get through; a principal of another space never
 * reaches space A's rows. Everyone else gets a 401, 403 or 404 with a French
 * JSON error and changes nothing; a pending user's invitation token and a
 * removed secondary's session open nothing.
 */
import { afterAll, expect, it } from 'vitest';
import { dumpTables, UNLOCK_CODE, uniqueEmail } from '../support/fixtures.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { createHttpHarness } from '../support/http-harness.js';
import {
  createRouteCheckWorld,
  type Caller,
  type RouteCheckWorld,
} from '../support/route-check-world.js';
import {
  createUnauthenticatedCallers,
  UNAUTHENTICATED_CALLERS,
  type UnauthenticatedCaller,
} from '../security/support/authz-callers.js';
import { reportSecuritySummary } from '../security/support/security-summary.js';

interface Case {
  path: (w: RouteCheckWorld) => string;
  body?: (w: RouteCheckWorld, caller: Caller) => unknown;
  /** Callers that must get a 2xx answer; every other caller must get a 4xx. */
  allowed: Caller[];
  /** Callers the route lets in but whose request the rule refuses (status expected). */
  refusedByRule?: Partial<Record<Caller, number>>;
}

const CASES: Record<string, Case> = {
  'POST /auth/logout': {
    path: () => '/api/v1/auth/logout',
    allowed: ['secondary', 'otherPrincipal', 'admin', 'principal'],
  },
  'GET /me': {
    path: () => '/api/v1/me',
    allowed: ['secondary', 'otherPrincipal', 'admin', 'principal'],
  },
  'GET /sirets': { path: () => '/api/v1/sirets', allowed: ['otherPrincipal', 'principal'] },
  'POST /sirets': {
    path: () => '/api/v1/sirets',
    body: (w, caller) => ({
      siret: caller === 'principal' ? w.freeSiret : w.otherFreeSiret,
      unlockCode: UNLOCK_CODE,
      assignToAllSecondaries: false,
    }),
    allowed: ['otherPrincipal', 'principal'],
  },
  'DELETE /sirets/:siret': {
    path: (w) => `/api/v1/sirets/${w.spareSiretA}`,
    allowed: ['principal'],
  },
  'POST /cession': {
    path: () => '/api/v1/cession',
    body: (w) => ({ email: w.spaceB.principal.email }),
    allowed: ['principal'],
    // A principal may cede, but not to themselves.
    refusedByRule: { otherPrincipal: 422 },
  },
  'POST /cession/check': {
    path: () => '/api/v1/cession/check',
    body: (w) => ({ email: w.spaceB.principal.email }),
    allowed: ['principal'],
    // Their own address, for the other principal.
    refusedByRule: { otherPrincipal: 422 },
  },
  'GET /secondaries': {
    path: () => '/api/v1/secondaries',
    allowed: ['otherPrincipal', 'principal'],
  },
  'POST /secondaries': {
    path: () => '/api/v1/secondaries',
    body: () => ({ email: `matrix-${Math.random().toString(36).slice(2)}@example.fr` }),
    allowed: ['otherPrincipal', 'principal'],
  },
  'DELETE /secondaries/:id': {
    path: (w) => `/api/v1/secondaries/${w.pending.user.id}`,
    allowed: ['principal'],
  },
  'PUT /secondaries/:id/sirets': {
    path: (w) => `/api/v1/secondaries/${w.active.user.id}/sirets`,
    body: (w) => ({ sirets: [w.siretA, w.spareSiretA] }),
    allowed: ['principal'],
  },
  'POST /secondaries/:id/invitation': {
    path: (w) => `/api/v1/secondaries/${w.pending.user.id}/invitation`,
    allowed: ['principal'],
  },
  'DELETE /secondaries/:id/invitation': {
    path: (w) => `/api/v1/secondaries/${w.pending.user.id}/invitation`,
    allowed: ['principal'],
  },
  'GET /attributions.csv': {
    path: () => '/api/v1/attributions.csv',
    allowed: ['otherPrincipal', 'principal'],
  },
  'POST /attributions.csv': {
    // No file and dryRun: the report of an empty file, changing nothing.
    path: () => '/api/v1/attributions.csv?dryRun=1',
    allowed: ['otherPrincipal', 'principal'],
  },
  'PUT /attributions': {
    path: () => '/api/v1/attributions',
    body: (w) => ({
      changes: [{ userId: w.active.user.id, sirets: [w.siretA, w.spareSiretA], base: [w.siretA] }],
    }),
    // The other principal names a secondary who is not theirs: 404.
    allowed: ['principal'],
  },
  'GET /dossiers': {
    path: () => '/api/v1/dossiers',
    allowed: ['secondary', 'otherPrincipal', 'admin', 'principal'],
  },
  'GET /team': {
    path: () => '/api/v1/team',
    allowed: ['secondary', 'otherPrincipal', 'principal'],
  },
  'GET /admin/invitations': { path: () => '/api/v1/admin/invitations', allowed: ['admin'] },
  'GET /admin/locks': { path: () => '/api/v1/admin/locks', allowed: ['admin'] },
  'POST /admin/locks/:id/reset': {
    path: (w) => `/api/v1/admin/locks/${w.lockId}/reset`,
    body: () => ({ reason: 'Courrier retrouvé' }),
    allowed: ['admin'],
  },
  'POST /admin/users/:id/reset': {
    path: (w) => `/api/v1/admin/users/${w.spaceA.principal.id}/reset`,
    body: () => ({ reason: 'Appel au 3679' }),
    allowed: ['admin'],
  },
  'POST /admin/dossiers': {
    path: () => '/api/v1/admin/dossiers',
    body: (w) => ({ reference: w.newReference(), siret: w.freeSiret, unlockCode: 'CODE-X' }),
    allowed: ['admin'],
  },
  'PATCH /admin/dossiers/:id': {
    path: (w) => `/api/v1/admin/dossiers/${w.freeDossier.id}`,
    body: () => ({ status: 'consultation' }),
    allowed: ['admin'],
  },
  'GET /history': {
    path: () => '/api/v1/history',
    allowed: ['secondary', 'otherPrincipal', 'principal'],
  },
  'GET /history.csv': {
    path: () => '/api/v1/history.csv',
    allowed: ['secondary', 'otherPrincipal', 'principal'],
  },
  'GET /admin/history': { path: () => '/api/v1/admin/history', allowed: ['admin'] },
  'GET /admin/history.csv': { path: () => '/api/v1/admin/history.csv', allowed: ['admin'] },
  'GET /admin/accounts': {
    path: (w) => `/api/v1/admin/accounts?q=${encodeURIComponent(w.spaceA.principal.email)}`,
    allowed: ['admin'],
  },
  'GET /admin/spaces/:id': {
    path: (w) => `/api/v1/admin/spaces/${w.spaceA.spaceId}`,
    allowed: ['admin'],
  },
  'GET /admin/overview': { path: () => '/api/v1/admin/overview', allowed: ['admin'] },
  'GET /admin/agents': { path: () => '/api/v1/admin/agents', allowed: ['admin'] },
  'GET /admin/cessions': {
    path: (w) => `/api/v1/admin/cessions?email=${encodeURIComponent(w.spaceA.principal.email)}`,
    allowed: ['admin'],
  },
  'POST /admin/cessions/:id/undo': {
    path: (w) => `/api/v1/admin/cessions/${w.cessionIntoA}/undo`,
    body: () => ({ reason: 'Cession faite par erreur' }),
    allowed: ['admin'],
  },
  'POST /cessions/:id/refuse': {
    path: (w) => `/api/v1/cessions/${w.cessionIntoA}/refuse`,
    body: () => ({}),
    allowed: ['principal'],
  },
  'POST /admin/spaces/:id/principal': {
    path: (w) => `/api/v1/admin/spaces/${w.spaceA.spaceId}/principal`,
    body: (w) => ({ userId: w.active.user.id, reason: 'Départ du titulaire' }),
    allowed: ['admin'],
  },
  'POST /admin/agents': {
    path: () => '/api/v1/admin/agents',
    body: () => ({ email: uniqueEmail('agent'), reason: 'Renfort du 3679' }),
    allowed: ['admin'],
  },
  'POST /admin/agents/:id/deactivate': {
    path: (w) => `/api/v1/admin/agents/${w.otherAgent.id}/deactivate`,
    body: () => ({ reason: 'Départ du service' }),
    allowed: ['admin'],
  },
  'POST /admin/invitations/:id/resend': {
    path: (w) => `/api/v1/admin/invitations/${w.pending.invitation!.id}/resend`,
    body: () => ({ reason: 'Lien perdu, demandé au 3679' }),
    allowed: ['admin'],
  },
  'POST /admin/invitations/:id/revoke': {
    path: (w) => `/api/v1/admin/invitations/${w.pending.invitation!.id}/revoke`,
    body: () => ({ reason: 'Adresse erronée' }),
    allowed: ['admin'],
  },
};

/** Routes anyone may call: each is listed here on purpose, so that a new one is looked at. */
const PUBLIC_ROUTES = [
  'GET /invitations/:token',
  'POST /auth/login',
  'POST /auth/signup',
  'POST /invitations/:token/accept',
];

type MatrixCaller = Caller | UnauthenticatedCaller;

/** The owner acts last: their call may change the world the others were refused on. */
const CALLERS: MatrixCaller[] = [
  'anonymous',
  ...UNAUTHENTICATED_CALLERS,
  'secondary',
  'otherPrincipal',
  'admin',
  'principal',
];
const WITHOUT_SESSION: readonly MatrixCaller[] = ['anonymous', ...UNAUTHENTICATED_CALLERS];

describeOnEachDatabase('the authorization matrix', (getHandle, kind) => {
  const counts = { calls: 0, allowed: 0, refused: 0, unauthorisedSuccesses: 0 };
  afterAll(() => {
    reportSecuritySummary({
      suite: 'http-authorization',
      database: kind,
      routes: Object.keys(CASES).length,
      publicRoutes: PUBLIC_ROUTES.length,
      callers: CALLERS.length,
      ...counts,
    });
  });

  it('covers every route that needs a session, and knows every public one', () => {
    const http = createHttpHarness(getHandle().db);
    const name = (r: (typeof http.registry)[number]) => `${r.method.toUpperCase()} ${r.path}`;
    const guarded = http.registry.filter((r) => r.access !== 'public').map(name);
    expect(Object.keys(CASES).sort()).toEqual(guarded.sort());
    const open = http.registry.filter((r) => r.access === 'public').map(name);
    expect(open.sort()).toEqual(PUBLIC_ROUTES);
  });

  for (const [route, testCase] of Object.entries(CASES)) {
    it(`lets only ${testCase.allowed.join(', ')} through ${route}`, async () => {
      const { db } = getHandle();
      const http = createHttpHarness(db);
      const world = await createRouteCheckWorld(db);
      const { tokens: unauthenticated } = await createUnauthenticatedCallers(db, world.spaceA);
      const tokens: Record<MatrixCaller, string | null> = { ...world.tokens, ...unauthenticated };
      const method = route.split(' ')[0]!;
      // The tables as the last allowed call left them: a refused call must leave them so.
      let before = await dumpTables(db);
      for (const caller of CALLERS) {
        const allowed = (testCase.allowed as MatrixCaller[]).includes(caller);
        const res = await http.call(method, testCase.path(world), {
          token: tokens[caller],
          body: testCase.body?.(world, caller as Caller),
        });
        counts.calls += 1;
        const expectation = `${route} as ${caller} → ${res.status} ${res.text.slice(0, 120)}`;
        if (allowed) {
          counts.allowed += 1;
          expect(res.status < 300, expectation).toBe(true);
          if (method !== 'GET') before = await dumpTables(db);
          continue;
        }
        counts.refused += 1;
        if (res.status < 300) counts.unauthorisedSuccesses += 1;
        const ruleStatus = testCase.refusedByRule?.[caller as Caller];
        expect(ruleStatus ? [ruleStatus] : [401, 403, 404], expectation).toContain(res.status);
        if (WITHOUT_SESSION.includes(caller)) {
          expect(res.status, expectation).toBe(401);
          expect(res.body.error.code, expectation).toBe('UNAUTHENTICATED');
        }
        expect(res.headers.get('content-type'), expectation).toMatch(/application\/json/);
        expect(res.body.error.code, expectation).toMatch(/^[A-Z_]+$/);
        expect(res.body.error.message, expectation).toMatch(/[éèàêç]|\b(le|la|les|de|du)\b/i);
        expect(await dumpTables(db), expectation).toEqual(before);
      }
    });
  }
});
