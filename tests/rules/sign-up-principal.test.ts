import { beforeAll, describe, expect, it } from 'vitest';
import { toDossierView } from '../../server/db/queries/dossiers.js';
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

describeOnEachDatabase('signUpPrincipal', (getHandle) => {
  let hash: string;
  beforeAll(async () => {
    hash = await passwordHash();
  });

  function signUp(input: { email: string; siret: string; unlockCode: string }) {
    return runRule(getHandle().db, (trx) => signUpPrincipal(trx, { ...input, passwordHash: hash }));
  }

  it('creates a space, its active principal and its SIRET, and tells the principal', async () => {
    const { db } = getHandle();
    const siret = validSiret();
    const open = await createDossier(db, { siret, status: 'completer_dossier' });
    const closed = await createDossier(db, { siret, status: 'cloture', openedAt: '2026-01-05' });
    const email = uniqueEmail('signup');

    const { events, user } = await signUp({ email, siret, unlockCode: UNLOCK_CODE });

    expect(user).toMatchObject({ email, role: 'principal', status: 'active', passwordHash: hash });
    const orgId = user.orgId as number;
    const space = await db
      .selectFrom('spaces')
      .selectAll()
      .where('id', '=', orgId)
      .executeTakeFirst();
    expect(space?.dissolvedAt).toBeNull();
    const siretRow = await db
      .selectFrom('sirets')
      .selectAll()
      .where('siret', '=', siret)
      .executeTakeFirstOrThrow();
    expect(siretRow.orgId).toBe(orgId);

    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      stream: spaceStream(orgId),
      type: 'siret.added',
      audience: [],
      data: {
        siret: { siret, addedAt: siretRow.addedAt.toISOString() },
        dossiers: [toDossierView(closed), toDossierView(open)],
      },
    });
    const stored = await listEvents(db, spaceStream(orgId));
    expect(stored).toEqual([
      {
        stream: spaceStream(orgId),
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
    it('refuses an e-mail already used by a member of a space', async () => {
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
      }
    });

    it('refuses a SIRET another space manages', async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db, { dossierStatus: 'completer_dossier' });
      await expectRefusedWithoutChange(
        db,
        () => signUp({ email: uniqueEmail(), siret: space.sirets[0]!, unlockCode: UNLOCK_CODE }),
        'SIRET_ALREADY_MANAGED',
      );
    });

    it('refuses a SIRET with no dossier, or only closed ones', async () => {
      const { db } = getHandle();
      const closedOnly = validSiret();
      await createDossier(db, { siret: closedOnly, status: 'cloture' });
      for (const siret of [validSiret(), closedOnly]) {
        await expectRefusedWithoutChange(
          db,
          () => signUp({ email: uniqueEmail(), siret, unlockCode: UNLOCK_CODE }),
          'SIRET_NO_DOSSIER_IN_PROGRESS',
          ['spaces', 'users', 'sirets', 'events', 'failed_attempts'],
        );
      }
    });

    it('refuses the code of a closed dossier', async () => {
      const { db } = getHandle();
      const siret = validSiret();
      await createDossier(db, { siret, status: 'cloture' });
      await createDossier(db, { siret, unlockCodeHash: await hashSecret('AUTRE-CODE') });
      await expectRefusedWithoutChange(
        db,
        () => signUp({ email: uniqueEmail(), siret, unlockCode: UNLOCK_CODE }),
        'SIRET_UNLOCK_CODE_INVALID',
      );
    });

    it('refuses a wrong code and counts it against the SIRET', async () => {
      const { db } = getHandle();
      const siret = validSiret();
      await createDossier(db, { siret });
      await expectRefusedWithoutChange(
        db,
        () => signUp({ email: uniqueEmail(), siret, unlockCode: WRONG_UNLOCK_CODE }),
        'SIRET_UNLOCK_CODE_INVALID',
      );
      const counter = await db
        .selectFrom('failedAttempts')
        .selectAll()
        .where('subject', '=', `siret:${siret}`)
        .executeTakeFirstOrThrow();
      expect(counter).toMatchObject({
        scope: 'signup',
        userId: null,
        siret,
        failures: 1,
        lockedAt: null,
      });
    });

    it('forgets the wrong codes once the right one is given', async () => {
      const { db } = getHandle();
      const siret = validSiret();
      await createDossier(db, { siret });
      await expect(
        signUp({ email: uniqueEmail(), siret, unlockCode: WRONG_UNLOCK_CODE }),
      ).rejects.toThrow();
      await signUp({ email: uniqueEmail(), siret, unlockCode: UNLOCK_CODE });
      const counters = await db
        .selectFrom('failedAttempts')
        .select('id')
        .where('subject', '=', `siret:${siret}`)
        .execute();
      expect(counters).toEqual([]);
    });
  });

  it('locks the SIRET after 5 wrong codes, even for the right code, until an admin reset', async () => {
    const { db } = getHandle();
    const admin = await createAdmin(db);
    const siret = validSiret();
    await createDossier(db, { siret });
    const attempt = (unlockCode: string) => signUp({ email: uniqueEmail(), siret, unlockCode });

    for (let i = 1; i <= 4; i++) {
      await expect(attempt(WRONG_UNLOCK_CODE)).rejects.toMatchObject({
        code: 'SIRET_UNLOCK_CODE_INVALID',
      });
    }
    const adminHead = await streamHead(db, ADMIN_STREAM);
    await expect(attempt(WRONG_UNLOCK_CODE)).rejects.toMatchObject({ code: 'LOCKED' });

    const counter = await db
      .selectFrom('failedAttempts')
      .selectAll()
      .where('subject', '=', `siret:${siret}`)
      .executeTakeFirstOrThrow();
    expect(counter.failures).toBe(5);
    expect(counter.lockedAt).not.toBeNull();
    const locked = await listEvents(db, ADMIN_STREAM, adminHead);
    expect(locked).toEqual([
      {
        stream: ADMIN_STREAM,
        seq: adminHead + 1,
        type: 'lock.locked',
        audience: null,
        data: {
          lock: {
            id: counter.id,
            scope: 'signup',
            userId: null,
            email: null,
            siret,
            failures: 5,
            lockedAt: counter.lockedAt?.toISOString(),
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

    await runRule(db, (trx) => resetLock(trx, admin.actor, { lockId: counter.id }));
    const { user } = await attempt(UNLOCK_CODE);
    expect(user.role).toBe('principal');
  });

  it('lets only one of two simultaneous signups for one SIRET through', async () => {
    const { db } = getHandle();
    const siret = validSiret();
    await createDossier(db, { siret });
    const results = await Promise.allSettled([
      signUp({ email: uniqueEmail(), siret, unlockCode: UNLOCK_CODE }),
      signUp({ email: uniqueEmail(), siret, unlockCode: UNLOCK_CODE }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected');
    expect(refused?.reason).toMatchObject({ code: 'SIRET_ALREADY_MANAGED' });
    const spaces = await db
      .selectFrom('sirets')
      .select('orgId')
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
