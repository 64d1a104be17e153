/**
 * The refusals of the Paramétrage and admin routes, as a client sees them:
 * the code, its HTTP status and its French message, and nothing changed.
 */
import { expect, it } from 'vitest';
import { ERRORS, type ErrorCode } from '../../shared/errors.js';
import {
  dumpTables,
  PASSWORD,
  uniqueEmail,
  UNLOCK_CODE,
  WRONG_UNLOCK_CODE,
  validSiret,
} from '../support/fixtures.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { createHttpHarness, type CallResult } from '../support/http-harness.js';
import { createRouteCheckWorld } from '../support/route-check-world.js';

function expectRefusal(res: CallResult, code: ErrorCode): void {
  expect(res.status, res.text).toBe(ERRORS[code].status);
  expect(res.body.error.code).toBe(code);
  expect(res.body.error.message).toBeTruthy();
}

describeOnEachDatabase('refusals over HTTP', (getHandle) => {
  it('answers each refusal of the Paramétrage with its code and status, changing nothing', async () => {
    const { db } = getHandle();
    const http = createHttpHarness(db);
    const w = await createRouteCheckWorld(db);
    const principal = w.tokens.principal;
    const cases: [string, string, unknown, ErrorCode][] = [
      [
        'POST',
        '/api/v1/sirets',
        { siret: w.spaceB.sirets[0], unlockCode: UNLOCK_CODE },
        'SIRET_ALREADY_MANAGED',
      ],
      [
        'POST',
        '/api/v1/sirets',
        { siret: validSiret(), unlockCode: UNLOCK_CODE },
        'SIRET_NO_DOSSIER_IN_PROGRESS',
      ],
      ['DELETE', `/api/v1/sirets/${w.spaceB.sirets[0]}`, undefined, 'NOT_FOUND'],
      ['POST', '/api/v1/secondaries', { email: w.spaceB.principal.email }, 'EMAIL_ALREADY_USED'],
      [
        'PUT',
        `/api/v1/secondaries/${w.active.user.id}/sirets`,
        { sirets: [w.spaceB.sirets[0]] },
        'SIRET_NOT_IN_SPACE',
      ],
      ['PUT', `/api/v1/secondaries/${w.spaceB.principal.id}/sirets`, { sirets: [] }, 'NOT_FOUND'],
      ['POST', `/api/v1/secondaries/${w.active.user.id}/invitation`, undefined, 'CONFLICT'],
      ['DELETE', `/api/v1/secondaries/${w.active.user.id}/invitation`, undefined, 'NOT_FOUND'],
      ['DELETE', `/api/v1/secondaries/${w.spaceB.principal.id}`, undefined, 'NOT_FOUND'],
      ['PATCH', '/api/v1/admin/dossiers/2147483647', { status: 'cloture' }, 'FORBIDDEN'],
    ];
    for (const [method, path, body, code] of cases) {
      const before = await dumpTables(db);
      expectRefusal(await http.call(method, path, { token: principal, body }), code);
      expect(await dumpTables(db)).toEqual(before);
    }
    const before = await dumpTables(db);
    expectRefusal(
      await http.call('PATCH', '/api/v1/admin/dossiers/2147483647', {
        token: w.tokens.admin,
        body: { status: 'cloture' },
      }),
      'NOT_FOUND',
    );
    expectRefusal(
      await http.call('POST', '/api/v1/admin/dossiers', {
        token: w.tokens.admin,
        body: { reference: w.freeDossier.reference, siret: w.freeSiret, unlockCode: 'X' },
      }),
      'CONFLICT',
    );
    expect(await dumpTables(db)).toEqual(before);
  });

  it('locks adding a SIRET after five wrong codes, until the support resets it', async () => {
    const { db } = getHandle();
    const http = createHttpHarness(db);
    const w = await createRouteCheckWorld(db);
    const add = (unlockCode: string) =>
      http.call('POST', '/api/v1/sirets', {
        token: w.tokens.principal,
        body: { siret: w.freeSiret, unlockCode, assignToAllSecondaries: false },
      });
    // Each counted refusal tells the tries left before the lock (docs/api.md, « Errors »).
    for (const left of [4, 3, 2, 1]) {
      const res = await add(WRONG_UNLOCK_CODE);
      expectRefusal(res, 'SIRET_UNLOCK_CODE_INVALID');
      const tries = left === 1 ? 'Il vous reste 1 essai.' : `Il vous reste ${left} essais.`;
      expect(res.body).toEqual({
        error: {
          code: 'SIRET_UNLOCK_CODE_INVALID',
          message: `${ERRORS.SIRET_UNLOCK_CODE_INVALID.message} ${tries}`,
          remainingAttempts: left,
        },
      });
    }
    const locked = await add(WRONG_UNLOCK_CODE);
    expectRefusal(locked, 'LOCKED');
    expect(locked.body).toEqual({ error: { code: 'LOCKED', message: ERRORS.LOCKED.message } });
    expectRefusal(await add(UNLOCK_CODE), 'LOCKED');
    const locks = await http.call('GET', '/api/v1/admin/locks', { token: w.tokens.admin });
    const lock = locks.body.items.find((l: { siret: string | null }) => l.siret === w.freeSiret);
    expect(lock).toMatchObject({ scope: 'add_siret', userId: w.spaceA.principal.id, failures: 5 });
    expect(http.published.some((e) => e.type === 'lock.locked')).toBe(true);
    expect(
      (
        await http.call('POST', `/api/v1/admin/locks/${lock.id}/reset`, {
          token: w.tokens.admin,
          body: { reason: 'Courrier retrouvé' },
        })
      ).status,
    ).toBe(204);
    expect((await add(UNLOCK_CODE)).status).toBe(201);
  });

  it('answers an anonymous signup the same whatever the SIRET, without the tries left', async () => {
    const { db } = getHandle();
    const http = createHttpHarness(db);
    const w = await createRouteCheckWorld(db);
    const noDossier = validSiret();
    const refused = {
      error: { code: 'SIGNUP_PROOF_REFUSED', message: ERRORS.SIGNUP_PROOF_REFUSED.message },
    };
    const cases = [
      { siret: w.freeSiret, unlockCode: WRONG_UNLOCK_CODE },
      { siret: w.spaceB.sirets[0], unlockCode: WRONG_UNLOCK_CODE },
      { siret: noDossier, unlockCode: UNLOCK_CODE },
    ];
    // Up to the fourth try of each SIRET from this address: never a count, never a lock.
    for (let i = 0; i < 2; i++) {
      for (const body of cases) {
        const res = await http.call('POST', '/api/v1/auth/signup', {
          body: { email: uniqueEmail('inscription'), password: PASSWORD, ...body },
        });
        expect(res.status).toBe(422);
        expect(res.body).toEqual(refused);
      }
    }
  });
});
