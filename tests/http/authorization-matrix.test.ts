/**
 * Every route that needs a session, called by each kind of caller: only the
 * callers its access allows get through; a principal of another space never
 * reaches space A's rows.
 */
import { expect, it } from 'vitest';
import { UNLOCK_CODE } from '../support/fixtures.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { createHttpHarness } from '../support/http-harness.js';
import { createWorld, type Caller, type World } from '../support/http-world.js';

interface Case {
  path: (w: World) => string;
  body?: (w: World, caller: Caller) => unknown;
  /** Callers that must get a 2xx answer; every other caller must get a 4xx. */
  allowed: Caller[];
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
    allowed: ['admin'],
  },
  'POST /admin/users/:id/reset': {
    path: (w) => `/api/v1/admin/users/${w.spaceA.principal.id}/reset`,
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
};

/** The owner acts last: their call may change the world the others were refused on. */
const CALLERS: Caller[] = ['anonymous', 'secondary', 'otherPrincipal', 'admin', 'principal'];

describeOnEachDatabase('the authorization matrix', (getHandle) => {
  it('covers every route that needs a session', () => {
    const http = createHttpHarness(getHandle().db);
    const guarded = http.registry
      .filter((r) => r.access !== 'public')
      .map((r) => `${r.method.toUpperCase()} ${r.path}`)
      .sort();
    expect(Object.keys(CASES).sort()).toEqual(guarded);
  });

  for (const [route, testCase] of Object.entries(CASES)) {
    it(`lets only ${testCase.allowed.join(', ')} through ${route}`, async () => {
      const { db } = getHandle();
      const http = createHttpHarness(db);
      const world = await createWorld(db);
      const method = route.split(' ')[0]!;
      for (const caller of CALLERS) {
        const res = await http.call(method, testCase.path(world), {
          token: world.tokens[caller],
          body: testCase.body?.(world, caller),
        });
        const expectation = `${route} as ${caller} → ${res.status} ${res.text.slice(0, 120)}`;
        if (testCase.allowed.includes(caller)) {
          expect(res.status < 300, expectation).toBe(true);
        } else {
          expect(res.status >= 400 && res.status < 500, expectation).toBe(true);
          if (caller === 'anonymous') expect(res.status, expectation).toBe(401);
        }
      }
    });
  }
});
