import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_FAILED_ATTEMPTS, SIGNUP_ALERT_FAILURES } from '../../shared/domain.js';
import { ERRORS } from '../../shared/errors.js';
import { toDossierView } from '../../server/db/queries/dossiers.js';
import type { Database } from '../../server/db/schema.js';
import { ADMIN_STREAM, spaceStream } from '../../server/events/append-events.js';
import { resetLock } from '../../server/rules/reset-lock.js';
import { runRule } from '../../server/rules/run-rule.js';
import { signUpPrincipal } from '../../server/rules/sign-up-principal.js';
import { hashSecret } from '../../server/security/secrets.js';
import { describeOnEachDatabase } from '../support/databases.js';
import {
  UNLOCK_CODE,
  WRONG_UNLOCK_CODE,
  createAdmin,
  createDossier,
  createPrincipalWithSpace,
  createSecondary,
  expectRefusedWithoutChange,
  listEvents,
  markUserRemoved,
  passwordHash,
  streamHead,
  uniqueEmail,
  validSiret,
} from '../support/fixtures.js';

/** The address a signup comes from unless a test says otherwise (TEST-NET-1, RFC 5737). */
const ADDRESS = '192.0.2.10';

/** The counters a SIRET's signups left: per address (`signup`) and across addresses. */
async function signupCounters(db: Kysely<Database>, siret: string) {
  const rows = await db
    .selectFrom('failedAttempts')
    .selectAll()
    .where('siret', '=', siret)
    .where('scope', 'in', ['signup', 'signup_alert'])
    .orderBy('id')
    .execute();
  return {
    perAddress: rows.filter((row) => row.scope === 'signup'),
    acrossAddresses: rows.find((row) => row.scope === 'signup_alert') ?? null,
  };
}

describeOnEachDatabase('signUpPrincipal', (getHandle) => {
  let hash: string;
  beforeAll(async () => {
    hash = await passwordHash();
  });

  function signUp(input: {
    email: string;
    siret: string;
    unlockCode: string;
    clientAddress?: string;
  }) {
    return runRule(getHandle().db, (trx) =>
      signUpPrincipal(trx, { clientAddress: ADDRESS, ...input, passwordHash: hash }),
    );
  }

  it('creates a space, its active principal and its SIRET, and tells the principal', async () => {
    const { db } = getHandle();
    const siret = validSiret();
    const open = await createDossier(db, { siret, status: 'completer_dossier' });
    const closed = await createDossier(db, { siret, status: 'cloture', openedAt: '2026-01-05' });
    const email = uniqueEmail('signup');

    const { events, user } = await signUp({ email, siret, unlockCode: UNLOCK_CODE });

    expect(user).toMatchObject({ email, role: 'principal', status: 'active', passwordHash: hash });
    const spaceId = user.spaceId as number;
    const space = await db
      .selectFrom('spaces')
      .selectAll()
      .where('id', '=', spaceId)
      .executeTakeFirst();
    expect(space?.dissolvedAt).toBeNull();
    const siretRow = await db
      .selectFrom('sirets')
      .selectAll()
      .where('siret', '=', siret)
      .executeTakeFirstOrThrow();
    expect(siretRow.spaceId).toBe(spaceId);

    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      stream: spaceStream(spaceId),
      type: 'siret.added',
      audience: [],
      data: {
        siret: { siret, addedAt: siretRow.addedAt.toISOString() },
        dossiers: [toDossierView(closed), toDossierView(open)],
      },
    });
    const stored = await listEvents(db, spaceStream(spaceId));
    expect(stored).toEqual([
      {
        stream: spaceStream(spaceId),
        seq: 1,
        type: 'siret.added',
        data: events[0]?.data,
        audience: [],
      },
    ]);
  });

  it('accepts the code of any dossier in progress of the SIRET', async () => {
    const { db } = getHandle();
    const siret = validSiret();
    await createDossier(db, { siret });
    await createDossier(db, {
      siret,
      status: 'consultation',
      unlockCodeHash: await hashSecret('AUTRE-CODE'),
    });
    const { user } = await signUp({ email: uniqueEmail(), siret, unlockCode: 'AUTRE-CODE' });
    expect(user.role).toBe('principal');
  });

  it('accepts the e-mail of a removed account', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db);
    const removed = await createSecondary(db, space);
    await markUserRemoved(db, removed.user.id);
    const siret = validSiret();
    await createDossier(db, { siret });
    const { user } = await signUp({ email: removed.user.email, siret, unlockCode: UNLOCK_CODE });
    expect(user.id).not.toBe(removed.user.id);
  });

  describe('refusals', () => {
    it('refuses an e-mail already used by a member of a space, once the code is proved', async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db);
      const secondary = await createSecondary(db, space, { status: 'pending' });
      const siret = validSiret();
      await createDossier(db, { siret });
      for (const email of [space.principal.email, secondary.user.email]) {
        await expectRefusedWithoutChange(
          db,
          () => signUp({ email, siret, unlockCode: UNLOCK_CODE }),
          'EMAIL_ALREADY_USED',
        );
        // Before the proof the e-mail is not looked at.
        await expectRefusedWithoutChange(
          db,
          () => signUp({ email, siret, unlockCode: WRONG_UNLOCK_CODE }),
          'SIGNUP_PROOF_REFUSED',
        );
      }
    });

    it('tells the holder of the code that another space manages the SIRET, and nobody else', async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db, { dossierStatus: 'completer_dossier' });
      const siret = space.sirets[0]!;
      await expectRefusedWithoutChange(
        db,
        () => signUp({ email: uniqueEmail(), siret, unlockCode: UNLOCK_CODE }),
        'SIRET_ALREADY_MANAGED',
      );
      await expectRefusedWithoutChange(
        db,
        () => signUp({ email: uniqueEmail(), siret, unlockCode: WRONG_UNLOCK_CODE }),
        'SIGNUP_PROOF_REFUSED',
      );
    });

    it('answers an unknown SIRET, a managed one, one with only closed dossiers and a wrong code alike, and counts each', async () => {
      const { db } = getHandle();
      const managed = await createPrincipalWithSpace(db);
      const closedOnly = validSiret();
      await createDossier(db, { siret: closedOnly, status: 'cloture' });
      const open = validSiret();
      await createDossier(db, { siret: open });
      const cases = [
        ['unknown', validSiret(), WRONG_UNLOCK_CODE],
        ['managed', managed.sirets[0]!, WRONG_UNLOCK_CODE],
        // The code of a closed dossier proves nothing.
        ['closed dossiers only', closedOnly, UNLOCK_CODE],
        ['wrong code', open, WRONG_UNLOCK_CODE],
      ] as const;
      for (const [what, siret, unlockCode] of cases) {
        const refusal = await signUp({ email: uniqueEmail(), siret, unlockCode }).then(
          () => null,
          (error: unknown) => error as { code: string; message: string },
        );
        expect({ code: refusal?.code, message: refusal?.message }, what).toEqual({
          code: 'SIGNUP_PROOF_REFUSED',
          message: ERRORS.SIGNUP_PROOF_REFUSED.message,
        });
        const counters = await signupCounters(db, siret);
        expect(counters.perAddress, what).toMatchObject([
          { subject: `siret:${siret}:${ADDRESS}`, userId: null, failures: 1, lockedAt: null },
        ]);
        expect(counters.acrossAddresses, what).toMatchObject({
          subject: `siret:${siret}`,
          failures: 1,
          lockedAt: null,
          alertedAt: null,
        });
      }
    });

    it('refuses the code of a closed dossier when another is in progress', async () => {
      const { db } = getHandle();
      const siret = validSiret();
      await createDossier(db, { siret, status: 'cloture' });
      await createDossier(db, { siret, unlockCodeHash: await hashSecret('AUTRE-CODE') });
      await expectRefusedWithoutChange(
        db,
        () => signUp({ email: uniqueEmail(), siret, unlockCode: UNLOCK_CODE }),
        'SIGNUP_PROOF_REFUSED',
      );
    });

    it('counts a wrong code against the SIRET from that address, and against the SIRET', async () => {
      const { db } = getHandle();
      const siret = validSiret();
      await createDossier(db, { siret });
      await expectRefusedWithoutChange(
        db,
        () => signUp({ email: uniqueEmail(), siret, unlockCode: WRONG_UNLOCK_CODE }),
        'SIGNUP_PROOF_REFUSED',
      );
      await expect(
        signUp({
          email: uniqueEmail(),
          siret,
          unlockCode: WRONG_UNLOCK_CODE,
          clientAddress: '::1',
        }),
      ).rejects.toMatchObject({ code: 'SIGNUP_PROOF_REFUSED' });
      const counters = await signupCounters(db, siret);
      expect(counters.perAddress).toMatchObject([
        { scope: 'signup', subject: `siret:${siret}:${ADDRESS}`, siret, failures: 1 },
        { scope: 'signup', subject: `siret:${siret}:::1`, siret, failures: 1 },
      ]);
      expect(counters.acrossAddresses).toMatchObject({ siret, failures: 2, alertedAt: null });
    });

    it('forgets the wrong codes once the right one is given', async () => {
      const { db } = getHandle();
      const siret = validSiret();
      await createDossier(db, { siret });
      await expect(
        signUp({ email: uniqueEmail(), siret, unlockCode: WRONG_UNLOCK_CODE }),
      ).rejects.toThrow();
      await signUp({ email: uniqueEmail(), siret, unlockCode: UNLOCK_CODE });
      expect(await signupCounters(db, siret)).toEqual({ perAddress: [], acrossAddresses: null });
    });
  });

  it('locks the SIRET for an address after 5 wrong codes from it, even for the right code, until an admin reset', async () => {
    const { db } = getHandle();
    const admin = await createAdmin(db);
    const siret = validSiret();
    await createDossier(db, { siret });
    const attempt = (unlockCode: string) => signUp({ email: uniqueEmail(), siret, unlockCode });

    for (let i = 1; i < MAX_FAILED_ATTEMPTS; i++) {
      await expect(attempt(WRONG_UNLOCK_CODE)).rejects.toMatchObject({
        code: 'SIGNUP_PROOF_REFUSED',
      });
    }
    const adminHead = await streamHead(db, ADMIN_STREAM);
    await expect(attempt(WRONG_UNLOCK_CODE)).rejects.toMatchObject({ code: 'LOCKED' });

    const [counter] = (await signupCounters(db, siret)).perAddress;
    expect(counter?.failures).toBe(MAX_FAILED_ATTEMPTS);
    expect(counter?.lockedAt).not.toBeNull();
    const locked = await listEvents(db, ADMIN_STREAM, adminHead);
    expect(locked).toEqual([
      {
        stream: ADMIN_STREAM,
        seq: adminHead + 1,
        type: 'lock.locked',
        audience: null,
        data: {
          lock: {
            id: counter?.id,
            scope: 'signup',
            userId: null,
            email: null,
            siret,
            failures: MAX_FAILED_ATTEMPTS,
            lockedAt: counter?.lockedAt?.toISOString(),
          },
        },
      },
    ]);

    await expectRefusedWithoutChange(db, () => attempt(UNLOCK_CODE), 'LOCKED', [
      'spaces',
      'users',
      'sirets',
      'events',
      'failed_attempts',
    ]);

    await runRule(db, (trx) => resetLock(trx, admin.actor, { lockId: counter!.id }));
    const { user } = await attempt(UNLOCK_CODE);
    expect(user.role).toBe('principal');
  });

  it("does not let one address's wrong codes lock out the right code from another", async () => {
    const { db } = getHandle();
    const siret = validSiret();
    await createDossier(db, { siret });
    for (let i = 1; i <= MAX_FAILED_ATTEMPTS + 2; i++) {
      await expect(
        signUp({
          email: uniqueEmail(),
          siret,
          unlockCode: `FAUX-${i}`,
          clientAddress: '203.0.113.7',
        }),
      ).rejects.toMatchObject({
        code: i < MAX_FAILED_ATTEMPTS ? 'SIGNUP_PROOF_REFUSED' : 'LOCKED',
      });
    }
    const { user } = await signUp({ email: uniqueEmail(), siret, unlockCode: UNLOCK_CODE });
    expect(user.role).toBe('principal');
    // The stranger's lock stays for support to see; the owner's success took nothing of it.
    const counters = await signupCounters(db, siret);
    expect(counters.perAddress).toMatchObject([
      { subject: `siret:${siret}:203.0.113.7`, failures: MAX_FAILED_ATTEMPTS },
    ]);
    expect(counters.perAddress[0]?.lockedAt).not.toBeNull();
  });

  it('alerts the support agents once when wrong codes from many addresses reach the threshold, and locks nothing', async () => {
    const { db } = getHandle();
    const siret = validSiret();
    await createDossier(db, { siret });
    const adminHead = await streamHead(db, ADMIN_STREAM);
    const perAddress = MAX_FAILED_ATTEMPTS - 1;
    for (let i = 0; i < SIGNUP_ALERT_FAILURES + 2; i++) {
      const clientAddress = `198.51.100.${Math.floor(i / perAddress) + 1}`;
      await expect(
        signUp({ email: uniqueEmail(), siret, unlockCode: `FAUX-${i}`, clientAddress }),
      ).rejects.toMatchObject({ code: 'SIGNUP_PROOF_REFUSED' });
    }
    const { acrossAddresses } = await signupCounters(db, siret);
    expect(acrossAddresses).toMatchObject({ failures: SIGNUP_ALERT_FAILURES + 2, lockedAt: null });
    expect(acrossAddresses?.alertedAt).not.toBeNull();
    expect(await listEvents(db, ADMIN_STREAM, adminHead)).toEqual([
      {
        stream: ADMIN_STREAM,
        seq: adminHead + 1,
        type: 'lock.locked',
        audience: null,
        data: {
          lock: {
            id: acrossAddresses?.id,
            scope: 'signup_alert',
            userId: null,
            email: null,
            siret,
            failures: SIGNUP_ALERT_FAILURES,
            lockedAt: acrossAddresses?.alertedAt?.toISOString(),
          },
        },
      },
    ]);

    const { user } = await signUp({
      email: uniqueEmail(),
      siret,
      unlockCode: UNLOCK_CODE,
      clientAddress: '198.51.100.200',
    });
    expect(user.role).toBe('principal');
    // The alert stays for support to look at.
    expect((await signupCounters(db, siret)).acrossAddresses?.id).toBe(acrossAddresses?.id);
  });

  it('checks no more codes than the limit when ten wrong ones arrive at once from one address', async () => {
    const { db } = getHandle();
    const withDossier = validSiret();
    await createDossier(db, { siret: withDossier });
    // Without a dossier nothing else makes the tries queue: the counter must.
    for (const siret of [validSiret(), withDossier]) {
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          signUp({ email: uniqueEmail(), siret, unlockCode: `RAFALE-${i}` }),
        ),
      );
      const codes = results.map((r) => (r.status === 'rejected' ? r.reason.code : 'ok'));
      expect(codes.filter((c) => c === 'SIGNUP_PROOF_REFUSED')).toHaveLength(
        MAX_FAILED_ATTEMPTS - 1,
      );
      expect(codes.filter((c) => c === 'LOCKED')).toHaveLength(10 - (MAX_FAILED_ATTEMPTS - 1));
      const counters = await signupCounters(db, siret);
      expect(counters.perAddress).toMatchObject([{ failures: MAX_FAILED_ATTEMPTS }]);
      expect(counters.perAddress[0]?.lockedAt).not.toBeNull();
      expect(counters.acrossAddresses?.failures).toBe(MAX_FAILED_ATTEMPTS);
    }
  });

  it('counts every one of simultaneous wrong codes from many addresses', async () => {
    const { db } = getHandle();
    const siret = validSiret();
    await createDossier(db, { siret });
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        signUp({
          email: uniqueEmail(),
          siret,
          unlockCode: `RAFALE-${i}`,
          clientAddress: `198.51.100.${(i % 4) + 1}`,
        }),
      ),
    );
    expect(results.map((r) => r.status === 'rejected' && r.reason.code)).toEqual(
      Array<string>(12).fill('SIGNUP_PROOF_REFUSED'),
    );
    const counters = await signupCounters(db, siret);
    expect(counters.perAddress.map((row) => row.failures)).toEqual([3, 3, 3, 3]);
    expect(counters.acrossAddresses?.failures).toBe(12);
  });

  it('lets only one of two simultaneous signups for one SIRET through', async () => {
    const { db } = getHandle();
    const siret = validSiret();
    await createDossier(db, { siret });
    const results = await Promise.allSettled([
      signUp({ email: uniqueEmail(), siret, unlockCode: UNLOCK_CODE }),
      signUp({ email: uniqueEmail(), siret, unlockCode: UNLOCK_CODE, clientAddress: '::1' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected');
    expect(refused?.reason).toMatchObject({ code: 'SIRET_ALREADY_MANAGED' });
    const spaces = await db
      .selectFrom('sirets')
      .select('spaceId')
      .where('siret', '=', siret)
      .execute();
    expect(spaces).toHaveLength(1);
  });

  it('lets only one of two simultaneous signups with one e-mail through', async () => {
    const { db } = getHandle();
    const email = uniqueEmail();
    const [first, second] = [validSiret(), validSiret()];
    await createDossier(db, { siret: first });
    await createDossier(db, { siret: second });
    const results = await Promise.allSettled([
      signUp({ email, siret: first, unlockCode: UNLOCK_CODE }),
      signUp({ email, siret: second, unlockCode: UNLOCK_CODE }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')?.reason).toMatchObject({
      code: 'EMAIL_ALREADY_USED',
    });
  });
});
