/**
 * No route tells whether an e-mail has an account: a login with an unknown
 * address and one with a known address and a wrong password get the same
 * answer (status, body, headers) after the same work (argon2), and so do
 * signups and invitation links; rate limits count both alike. Nor does an
 * anonymous signup tell anything of a SIRET before its unlock code is proved
 * (`attack-signup-proof.test.ts` times it over a real port).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../server/db/open-database.js';
import { configFromEnv } from '../../server/config.js';
import { decoySecretHash, verifySecret } from '../../server/security/secrets.js';
import {
  createTestDatabase,
  describeOnEachDatabase,
  testDatabaseKinds,
} from '../support/databases.js';
import {
  createDossier,
  createPrincipalWithSpace,
  createSecondary,
  markUserRemoved,
  PASSWORD,
  uniqueEmail,
  validSiret,
} from '../support/fixtures.js';
import { createHttpHarness, type CallResult, type HttpHarness } from '../support/http-harness.js';
import { median } from '../support/timing.js';
import { reportSecuritySummary } from './support/security-summary.js';

const WRONG_PASSWORD = 'pas-le-bon-mot-de-passe';
const ONE_KIND = testDatabaseKinds().at(-1)!;
const summary = {
  comparedAnswers: 0,
  timedTriesPerKind: 0,
  loginMedianMs: {} as Record<string, { unknown: number; known: number; argon2: number }>,
  rateLimitedAlike: 0,
};

/** What a client can observe of an answer, the request id aside. */
function observable(response: CallResult) {
  const headers = [...response.headers.entries()].filter(([name]) => name !== 'x-request-id');
  return { status: response.status, text: response.text, headers };
}

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await run();
  return [result, performance.now() - started];
}

function login(http: HttpHarness, email: string, password = WRONG_PASSWORD) {
  return http.call('POST', '/api/v1/auth/login', { body: { email, password } });
}

describeOnEachDatabase('no account enumeration', (getHandle) => {
  it('answers a login alike for an unknown e-mail and for a wrong password of any account', async () => {
    const { db } = getHandle();
    const http = createHttpHarness(db);
    const space = await createPrincipalWithSpace(db);
    const active = await createSecondary(db, space);
    const pending = await createSecondary(db, space, { status: 'pending' });
    const removed = await createSecondary(db, space);
    await markUserRemoved(db, removed.user.id);

    const reference = observable(await login(http, uniqueEmail('inconnu')));
    expect(reference.status).toBe(401);
    expect(JSON.parse(reference.text).error.code).toBe('INVALID_CREDENTIALS');
    for (const email of [
      space.principal.email,
      active.user.email,
      space.principal.email.toUpperCase(),
    ]) {
      expect(observable(await login(http, email)), email).toEqual(reference);
    }
    // Known accounts that cannot sign in, even with the right password.
    for (const email of [pending.user.email, removed.user.email]) {
      expect(observable(await login(http, email, PASSWORD)), email).toEqual(reference);
    }
    summary.comparedAnswers += 6;
  });

  it('answers a signup alike whatever the e-mail and the SIRET, until the SIRET is proved', async () => {
    const { db } = getHandle();
    const http = createHttpHarness(db);
    const space = await createPrincipalWithSpace(db);
    const pending = await createSecondary(db, space, { status: 'pending' });
    const withDossier = validSiret();
    await createDossier(db, { siret: withDossier, status: 'completer_dossier' });
    const closedOnly = validSiret();
    await createDossier(db, { siret: closedOnly, status: 'cloture' });
    const signup = (email: string, siret: string, unlockCode: string) =>
      http.call('POST', '/api/v1/auth/signup', {
        body: { email, password: 'un-mot-de-passe-solide', siret, unlockCode },
      });
    // A SIRET nobody knows, one with only closed dossiers, another space's SIRET, a
    // wrong unlock code: the answer depends neither on the SIRET nor on the e-mail.
    const reference = observable(
      await signup(uniqueEmail('nouveau'), withDossier, 'CODE-FAUX-0000'),
    );
    expect(reference.status).toBe(422);
    expect(JSON.parse(reference.text).error.code).toBe('SIGNUP_PROOF_REFUSED');
    for (const siret of [validSiret(), closedOnly, space.sirets[0]!, withDossier]) {
      for (const email of [uniqueEmail('nouveau'), space.principal.email, pending.user.email]) {
        expect(
          observable(await signup(email, siret, 'CODE-FAUX-0000')),
          `${email} ${siret}`,
        ).toEqual(reference);
        summary.comparedAnswers += 1;
      }
    }
  });

  it('answers an unknown invitation link like a used one', async () => {
    const { db } = getHandle();
    const http = createHttpHarness(db);
    const space = await createPrincipalWithSpace(db);
    const principal = (await login(http, space.principal.email, PASSWORD)).body.token as string;
    const email = uniqueEmail('lien');
    expect(
      (await http.call('POST', '/api/v1/secondaries', { token: principal, body: { email } }))
        .status,
    ).toBe(201);
    const link = http.invitationLink(email);
    const used = link.slice(link.lastIndexOf('/') + 1);
    const accept = (token: string) =>
      http.call('POST', `/api/v1/invitations/${token}/accept`, {
        body: { password: 'un-mot-de-passe-solide' },
      });
    expect((await accept(used)).status).toBe(200);
    const unknown = randomBytes(32).toString('base64url');
    expect(observable(await accept(unknown))).toEqual(observable(await accept(used)));
    expect(observable(await http.call('GET', `/api/v1/invitations/${unknown}`))).toEqual(
      observable(await http.call('GET', `/api/v1/invitations/${used}`)),
    );
    summary.comparedAnswers += 2;
  });
});

// Timing and rate limits do not depend on the kind of database: measured once, on the
// real PostgreSQL when there is one (the embedded one otherwise).
describe(`no account enumeration: timing and rate limits [${ONE_KIND}]`, () => {
  let handle: DatabaseHandle | undefined;
  beforeAll(async () => {
    handle = await createTestDatabase(ONE_KIND);
  });
  afterAll(async () => {
    await handle?.close();
  });
  const getHandle = () => handle!;

  it('takes the same time, argon2 included, for an unknown e-mail as for a wrong password', async () => {
    const { db } = getHandle();
    const http = createHttpHarness(db);
    const space = await createPrincipalWithSpace(db);
    const decoy = await decoySecretHash();
    const tries = 30;
    const times = { unknown: [] as number[], known: [] as number[], argon2: [] as number[] };
    // Interleaved, in alternating order, so that a load spike of this shared
    // machine hits both kinds alike; each round also times one bare argon2
    // verification, the cost both answers must include.
    for (let i = 0; i < tries; i++) {
      const unknownEmail = uniqueEmail('chrono');
      const kinds = i % 2 ? (['unknown', 'known'] as const) : (['known', 'unknown'] as const);
      for (const which of kinds) {
        const email = which === 'known' ? space.principal.email : unknownEmail;
        const [response, ms] = await timed(() => login(http, email));
        expect(response.status).toBe(401);
        times[which].push(ms);
      }
      times.argon2.push((await timed(() => verifySecret(decoy, WRONG_PASSWORD)))[1]);
    }
    const medians = {
      unknown: median(times.unknown),
      known: median(times.known),
      argon2: median(times.argon2),
    };
    summary.timedTriesPerKind = tries;
    summary.loginMedianMs[ONE_KIND] = {
      unknown: Number(medians.unknown.toFixed(1)),
      known: Number(medians.known.toFixed(1)),
      argon2: Number(medians.argon2.toFixed(1)),
    };
    // Medians of 30 interleaved tries resist the outliers of a loaded 2-core
    // machine; a factor of 2 either way still catches the real difference
    // (a skipped argon2 makes a login many times faster: ~1 ms against tens).
    expect(medians.argon2).toBeGreaterThan(2);
    expect(medians.unknown / medians.known).toBeGreaterThan(0.5);
    expect(medians.unknown / medians.known).toBeLessThan(2);
    // Both pay for the argon2 verification (half of it at least, for the noise).
    expect(medians.unknown).toBeGreaterThan(medians.argon2 / 2);
    expect(medians.known).toBeGreaterThan(medians.argon2 / 2);
  });

  it('rate limits logins and signups per e-mail with the real limits, known or not alike', async () => {
    const { db } = getHandle();
    const limits = configFromEnv({}).rateLimits;
    const http = createHttpHarness(db, {
      rateLimits: {
        loginFailuresPerEmailAndAddress: limits.loginFailuresPerEmailAndAddress,
        signupPerEmail: limits.signupPerEmail,
      },
    });
    const space = await createPrincipalWithSpace(db);
    const unknown = uniqueEmail('limite');
    const answers: Record<string, ReturnType<typeof observable>[]> = { known: [], unknown: [] };
    for (let i = 0; i <= limits.loginFailuresPerEmailAndAddress.max; i++) {
      answers.known!.push(observable(await login(http, space.principal.email)));
      answers.unknown!.push(observable(await login(http, unknown)));
    }
    expect(answers.known).toEqual(answers.unknown);
    expect(answers.known!.map((a) => a.status)).toEqual([
      ...Array<number>(limits.loginFailuresPerEmailAndAddress.max).fill(401),
      429,
    ]);
    // Past the limit even the right password from that address waits.
    const right = await login(http, space.principal.email, PASSWORD);
    expect(right.status).toBe(429);
    expect(right.body.error.code).toBe('RATE_LIMITED');
    summary.rateLimitedAlike += 1;

    const signup = (email: string) =>
      http.call('POST', '/api/v1/auth/signup', {
        body: { email, password: 'un-mot-de-passe-solide', siret: validSiret(), unlockCode: 'X-1' },
      });
    const signupUnknown = uniqueEmail('limite-inscription');
    const statuses: Record<string, number[]> = { known: [], unknown: [] };
    for (let i = 0; i <= limits.signupPerEmail.max; i++) {
      statuses.known!.push((await signup(space.principal.email)).status);
      statuses.unknown!.push((await signup(signupUnknown)).status);
    }
    expect(statuses.known).toEqual(statuses.unknown);
    expect(statuses.known!.at(-1)).toBe(429);
    summary.rateLimitedAlike += 1;
  });
});

afterAll(() => {
  reportSecuritySummary({ file: 'secrets-enumeration', ...summary });
});
