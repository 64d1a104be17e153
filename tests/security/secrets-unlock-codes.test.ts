/**
 * Unlock codes cannot be guessed over HTTP: five wrong codes lock the
 * space's SIRET until a support agent resets it, the right code is refused
 * while locked, and a burst of concurrent guesses gets no more than five
 * codes checked (likewise wrong signup codes from one address, and refused
 * cessions).
 */
import { afterAll, expect, it } from 'vitest';
import { MAX_FAILED_ATTEMPTS, type LockScope } from '../../shared/domain.js';
import { describeOnEachDatabase } from '../support/databases.js';
import {
  createAdmin,
  createDossier,
  createPrincipalWithSpace,
  PASSWORD,
  uniqueEmail,
  UNLOCK_CODE,
  validSiret,
} from '../support/fixtures.js';
import { createHttpHarness, type CallResult, type HttpHarness } from '../support/http-harness.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../server/db/schema.js';
import { reportSecuritySummary } from './support/security-summary.js';

const counts = { wrongTries: 0, lockedRefusals: 0, resets: 0, concurrentBursts: 0 };

function addSiret(http: HttpHarness, token: string, siret: string, unlockCode: string) {
  return http.call('POST', '/api/v1/sirets', {
    token,
    body: { siret, unlockCode, assignToAllSecondaries: false },
  });
}

/** A principal signed in over HTTP, a SIRET with a dossier in progress, and a signed-in admin. */
async function scene(db: Kysely<Database>, http: HttpHarness) {
  const space = await createPrincipalWithSpace(db);
  const admin = await createAdmin(db);
  const siret = validSiret();
  await createDossier(db, { siret, status: 'completer_dossier' });
  return {
    space,
    siret,
    token: await http.signIn(space.principal.email, PASSWORD),
    adminToken: await http.signIn(admin.user.email, PASSWORD),
  };
}

/**
 * A counter by the SIRET it counts for, or by the user it counts against
 * (cessions): each test has SIRETs and users of its own.
 */
async function counterOf(
  db: Kysely<Database>,
  scope: LockScope,
  counted: { siret: string } | { userId: number },
) {
  let query = db
    .selectFrom('failedAttempts')
    .select(['failures', 'lockedAt'])
    .where('scope', '=', scope);
  query =
    'siret' in counted
      ? query.where('siret', '=', counted.siret)
      : query.where('userId', '=', counted.userId);
  const rows = await query.execute();
  expect(rows.length).toBeLessThanOrEqual(1);
  return rows[0] ?? null;
}

/** The space's counter of wrong codes for a SIRET (each test has SIRETs of its own). */
function failuresOf(db: Kysely<Database>, siret: string) {
  return counterOf(db, 'add_siret', { siret });
}

/**
 * Ten refused tries of one scope at once: each answer is the refusal or
 * LOCKED, and the counter (the number of tries actually checked) stops at
 * the limit.
 */
async function expectBurstStopsAtLimit(
  db: Kysely<Database>,
  counter: [LockScope, { siret: string } | { userId: number }],
  refusal: string,
  send: (i: number) => Promise<CallResult>,
) {
  const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => send(i)));
  counts.concurrentBursts += 1;
  const codes = responses.map((r) => r.body.error.code as string);
  expect(new Set(codes)).toEqual(new Set([refusal, 'LOCKED']));
  expect(codes.filter((c) => c === refusal).length).toBe(MAX_FAILED_ATTEMPTS - 1);
  expect(await counterOf(db, ...counter)).toMatchObject({
    failures: MAX_FAILED_ATTEMPTS,
    lockedAt: expect.any(Date),
  });
}

describeOnEachDatabase('unlock codes over HTTP', (getHandle) => {
  it('locks after five wrong codes, refuses even the right code, and opens again after a reset', async () => {
    const { db } = getHandle();
    const http = createHttpHarness(db);
    const { space, siret, token, adminToken } = await scene(db, http);

    const codes: string[] = [];
    for (let attempt = 1; attempt <= MAX_FAILED_ATTEMPTS; attempt++) {
      const response = await addSiret(http, token, siret, `MAUVAIS-CODE-${attempt}`);
      codes.push(response.body.error.code as string);
      counts.wrongTries += 1;
    }
    // The fifth failure is the one that locks: it already answers LOCKED.
    expect(codes).toEqual([
      'SIRET_UNLOCK_CODE_INVALID',
      'SIRET_UNLOCK_CODE_INVALID',
      'SIRET_UNLOCK_CODE_INVALID',
      'SIRET_UNLOCK_CODE_INVALID',
      'LOCKED',
    ]);
    expect(await failuresOf(db, siret)).toMatchObject({
      failures: MAX_FAILED_ATTEMPTS,
      lockedAt: expect.any(Date),
    });

    const sixth = await addSiret(http, token, siret, UNLOCK_CODE);
    expect(sixth.status).toBe(423);
    expect(sixth.body.error.code).toBe('LOCKED');
    counts.lockedRefusals += 1;
    const listed = await http.call('GET', '/api/v1/sirets', { token });
    expect(listed.body.items.map((item: { siret: string }) => item.siret)).not.toContain(siret);

    // Only a support agent lifts it; the principal cannot.
    const selfReset = await http.call('POST', `/api/v1/admin/users/${space.principal.id}/reset`, {
      token,
      body: { reason: 'Moi-même' },
    });
    expect(selfReset.status).toBe(403);
    const reset = await http.call('POST', `/api/v1/admin/users/${space.principal.id}/reset`, {
      token: adminToken,
      body: { reason: 'Appel au 3679' },
    });
    expect(reset.status).toBeLessThan(300);
    counts.resets += 1;
    expect(await failuresOf(db, siret)).toBeNull();

    const right = await addSiret(http, token, siret, UNLOCK_CODE);
    expect(right.status).toBe(201);
    const after = await http.call('GET', '/api/v1/sirets', { token });
    expect(after.body.items.map((item: { siret: string }) => item.siret)).toContain(siret);
  });

  it('checks no more than five codes when ten wrong ones arrive at once', async () => {
    const { db } = getHandle();
    const http = createHttpHarness(db);
    const { siret, token } = await scene(db, http);
    await expectBurstStopsAtLimit(db, ['add_siret', { siret }], 'SIRET_UNLOCK_CODE_INVALID', (i) =>
      addSiret(http, token, siret, `RAFALE-${i}-CODE`),
    );
    const right = await addSiret(http, token, siret, UNLOCK_CODE);
    expect(right.body.error.code).toBe('LOCKED');
  });

  it('counts a burst of wrong signup codes from one address and of refused cessions the same way', async () => {
    const { db } = getHandle();
    const http = createHttpHarness(db);
    const { space, siret, token } = await scene(db, http);
    // Every call of the harness comes from the same (unknown) address: one counter.
    await expectBurstStopsAtLimit(db, ['signup', { siret }], 'SIGNUP_PROOF_REFUSED', (i) =>
      http.call('POST', '/api/v1/auth/signup', {
        body: {
          email: uniqueEmail(`rafale-${i}`),
          password: 'un-mot-de-passe-solide',
          siret,
          unlockCode: `RAFALE-${i}-CODE`,
        },
      }),
    );
    await expectBurstStopsAtLimit(
      db,
      ['cession', { userId: space.principal.id }],
      'CESSION_TARGET_NOT_PRINCIPAL',
      (i) =>
        http.call('POST', '/api/v1/cession', { token, body: { email: uniqueEmail(`cible-${i}`) } }),
    );
  });
});

afterAll(() => {
  reportSecuritySummary({ file: 'secrets-unlock-codes', ...counts });
});
