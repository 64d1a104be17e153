/**
 * Lock-outs as the principal sees them (docs/domain.md, « Lock-outs and
 * attempt counting »): each counted refusal tells the tries left, the lock
 * shows in the principal's snapshot and on their space's stream (hidden from
 * the secondaries), and the support's reset takes it away the same way. An
 * anonymous signup's refusal tells nothing.
 */
import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { ERRORS } from '../../shared/errors.js';
import type { MemberSnapshot, Snapshot } from '../../shared/events.js';
import { applyEvent } from '../../shared/panel-state.js';
import type { Database } from '../../server/db/schema.js';
import { spaceStream } from '../../server/events/append-events.js';
import { recordOfRow } from '../../server/events/stream-record.js';
import { buildSnapshot } from '../../server/realtime/build-snapshot.js';
import { findJoinPosition } from '../../server/realtime/join-position.js';
import { projectEvent, type StreamEvent } from '../../server/realtime/project-event.js';
import type { Actor } from '../../server/rules/actor.js';
import { addSiret } from '../../server/rules/add-siret.js';
import { cedeSirets } from '../../server/rules/cede-sirets.js';
import { checkCessionTarget } from '../../server/rules/check-cession-target.js';
import { resetLock, resetUserLocks } from '../../server/rules/reset-lock.js';
import { runRule } from '../../server/rules/run-rule.js';
import { signUpPrincipal } from '../../server/rules/sign-up-principal.js';
import type { StoredEventType } from '../../shared/events.js';
import { describeOnEachDatabase } from '../support/databases.js';
import {
  createAdmin,
  createDossier,
  createPrincipalWithSpace,
  createSecondary,
  listEvents,
  passwordHash,
  streamHead,
  uniqueEmail,
  validSiret,
  WRONG_UNLOCK_CODE,
} from '../support/fixtures.js';

const TRIES_LEFT = [4, 3, 2, 1];

function triesLeft(n: number): string {
  return n === 1 ? 'Il vous reste 1 essai.' : `Il vous reste ${n} essais.`;
}

/** What a rule threw, for the test to look into. */
async function refusalOf(attempt: () => Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await attempt();
  } catch (error) {
    return { ...(error as object), message: (error as Error).message };
  }
  throw new Error('expected a refusal, the rule succeeded');
}

async function memberSnapshot(db: Kysely<Database>, userId: number): Promise<MemberSnapshot> {
  const snapshot = await buildSnapshot(db, userId, () => Promise.resolve([]));
  if (snapshot?.kind !== 'member') throw new Error(`user ${userId} has no member snapshot`);
  return snapshot;
}

/** The events of a space's stream after `after`, as this member receives them. */
async function receivedBy(
  db: Kysely<Database>,
  snapshot: MemberSnapshot,
  after: number,
): Promise<ReturnType<typeof projectEvent>[]> {
  const viewer = {
    userId: snapshot.me.id,
    sessionId: 0,
    role: snapshot.me.role,
    spaceId: snapshot.spaceId,
  };
  const joinedAt = await findJoinPosition(db, viewer);
  const rows = await db
    .selectFrom('events')
    .select(['seq', 'type', 'at', 'data', 'audience', 'actorRole', 'actorId', 'actorEmail'])
    .select('reason')
    .where('stream', '=', spaceStream(snapshot.spaceId))
    .where('seq', '>', after)
    .orderBy('seq')
    .execute();
  return rows.map((row) =>
    projectEvent(
      recordOfRow({
        ...row,
        type: row.type as StoredEventType,
        at: new Date(row.at).toISOString(),
      }) as StreamEvent,
      viewer,
      joinedAt,
    ),
  );
}

/** The panel's state after folding what the member received since `from`. */
async function folded(db: Kysely<Database>, from: MemberSnapshot): Promise<Snapshot> {
  const events = await receivedBy(db, from, from.lastEventId);
  return events.reduce(applyEvent, from as Snapshot);
}

describeOnEachDatabase('lock-outs the principal sees', (getHandle) => {
  async function spaceWithSecondary() {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db, { sirets: 1 });
    const secondary = await createSecondary(db, space, { sirets: [space.sirets[0]!] });
    const siret = validSiret();
    await createDossier(db, { siret, status: 'completer_dossier' });
    return { db, space, secondary, siret };
  }

  const wrongCode = (db: Kysely<Database>, actor: Actor, siret: string) =>
    runRule(db, (trx) =>
      addSiret(trx, actor, { siret, unlockCode: WRONG_UNLOCK_CODE, assignToAllSecondaries: false }),
    );

  it('tells the tries left after each wrong unlock code, then locks', async () => {
    const { db, space, siret } = await spaceWithSecondary();
    for (const left of TRIES_LEFT) {
      const refusal = await refusalOf(() => wrongCode(db, space.actor, siret));
      expect(refusal).toMatchObject({
        code: 'SIRET_UNLOCK_CODE_INVALID',
        remainingAttempts: left,
        message: `${ERRORS.SIRET_UNLOCK_CODE_INVALID.message} ${triesLeft(left)}`,
      });
    }
    const locked = await refusalOf(() => wrongCode(db, space.actor, siret));
    expect(locked).toMatchObject({ code: 'LOCKED', message: ERRORS.LOCKED.message });
    expect(locked.remainingAttempts).toBeUndefined();
  });

  it('tells the tries left of a refused cession, checks and cessions counted together', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db);
    const tries = [
      () => runRule(db, (trx) => checkCessionTarget(trx, space.actor, { email: uniqueEmail() })),
      () => runRule(db, (trx) => cedeSirets(trx, space.actor, { email: uniqueEmail() })),
    ];
    for (const [i, left] of TRIES_LEFT.entries()) {
      const refusal = await refusalOf(tries[i % 2]!);
      // The seed's message has no final stop: one is added before the count.
      expect(refusal).toMatchObject({
        code: 'CESSION_TARGET_NOT_PRINCIPAL',
        remainingAttempts: left,
        message: `${ERRORS.CESSION_TARGET_NOT_PRINCIPAL.message}. ${triesLeft(left)}`,
      });
    }
    expect(await refusalOf(tries[0]!)).toMatchObject({ code: 'LOCKED' });
  });

  it('says nothing of the tries left to an anonymous signup', async () => {
    const { db } = getHandle();
    const siret = validSiret();
    await createDossier(db, { siret, status: 'completer_dossier' });
    const hash = await passwordHash();
    for (let i = 0; i < TRIES_LEFT.length; i++) {
      const refusal = await refusalOf(() =>
        runRule(db, (trx) =>
          signUpPrincipal(trx, {
            email: uniqueEmail('inscription'),
            passwordHash: hash,
            siret,
            unlockCode: WRONG_UNLOCK_CODE,
            clientAddress: '192.0.2.44',
          }),
        ),
      );
      expect(refusal).toMatchObject({
        code: 'SIGNUP_PROOF_REFUSED',
        message: ERRORS.SIGNUP_PROOF_REFUSED.message,
      });
      expect(refusal.remainingAttempts).toBeUndefined();
    }
  });

  it("lists the lock in the principal's snapshot only, and shows it to them alone on the stream", async () => {
    const { db, space, secondary, siret } = await spaceWithSecondary();
    const stream = spaceStream(space.spaceId);
    const principalBefore = await memberSnapshot(db, space.principal.id);
    const secondaryBefore = await memberSnapshot(db, secondary.user.id);
    expect(principalBefore.locks).toEqual([]);
    const head = await streamHead(db, stream);
    for (let i = 0; i < 5; i++) await wrongCode(db, space.actor, siret).catch(() => undefined);

    const counter = await db
      .selectFrom('failedAttempts')
      .selectAll()
      .where('subject', '=', `space:${space.spaceId}:${siret}`)
      .executeTakeFirstOrThrow();
    const lock = {
      id: counter.id,
      scope: 'add_siret',
      siret,
      lockedAt: counter.lockedAt!.toISOString(),
    };
    const principal = await memberSnapshot(db, space.principal.id);
    expect(principal.locks).toEqual([lock]);
    expect((await memberSnapshot(db, secondary.user.id)).locks).toEqual([]);

    // One event on the space's stream, for the principal only (audience: no secondary).
    expect(await listEvents(db, stream, head)).toEqual([
      {
        stream,
        seq: head + 1,
        type: 'lock.locked',
        audience: [],
        data: {
          lock: {
            ...lock,
            userId: space.principal.id,
            email: space.principal.email,
            failures: 5,
          },
        },
      },
    ]);
    const [seen] = await receivedBy(db, principalBefore, head);
    expect(seen).toMatchObject({ type: 'lock.locked', actor: { role: 'system', id: null } });
    const [hidden] = await receivedBy(db, secondaryBefore, head);
    expect(hidden).toEqual({ id: head + 1, type: 'hidden', at: seen!.at, data: {} });

    // The panel's fold of those events gives the fresh snapshots.
    expect(await folded(db, principalBefore)).toEqual(principal);
    expect(await folded(db, secondaryBefore)).toEqual(await memberSnapshot(db, secondary.user.id));
  });

  it('takes the lock away from the principal when support resets it, live and in the snapshot', async () => {
    const { db, space, secondary, siret } = await spaceWithSecondary();
    const admin = await createAdmin(db);
    for (let i = 0; i < 5; i++) await wrongCode(db, space.actor, siret).catch(() => undefined);
    for (let i = 0; i < 5; i++) {
      await runRule(db, (trx) =>
        cedeSirets(trx, space.actor, { email: uniqueEmail('personne') }),
      ).catch(() => undefined);
    }
    const principalLocked = await memberSnapshot(db, space.principal.id);
    const secondaryLocked = await memberSnapshot(db, secondary.user.id);
    expect(principalLocked.locks.map((l) => [l.scope, l.siret])).toEqual([
      ['add_siret', siret],
      ['cession', null],
    ]);
    const [addSiretLock, cessionLock] = [principalLocked.locks[0]!, principalLocked.locks[1]!];

    const stream = spaceStream(space.spaceId);
    const head = await streamHead(db, stream);
    await runRule(db, (trx) => resetLock(trx, admin.actor, { lockId: cessionLock.id }));
    expect(await listEvents(db, stream, head)).toEqual([
      {
        stream,
        seq: head + 1,
        type: 'lock.reset',
        audience: [],
        data: { lockId: cessionLock.id, scope: 'cession', siret: null },
      },
    ]);
    const afterOne = await memberSnapshot(db, space.principal.id);
    expect(afterOne.locks.map((l) => l.id)).toEqual([addSiretLock.id]);
    expect(await folded(db, principalLocked)).toEqual(afterOne);

    await runRule(db, (trx) => resetUserLocks(trx, admin.actor, { userId: space.principal.id }));
    const afterAll = await memberSnapshot(db, space.principal.id);
    expect(afterAll.locks).toEqual([]);
    expect(await folded(db, afterOne)).toEqual(afterAll);
    const seen = await receivedBy(db, secondaryLocked, secondaryLocked.lastEventId);
    expect(seen.map((e) => e.type)).toEqual(['hidden', 'hidden']);
    expect(await folded(db, secondaryLocked)).toEqual(await memberSnapshot(db, secondary.user.id));

    // The form is open again: the next wrong code counts from zero.
    expect(await refusalOf(() => wrongCode(db, space.actor, siret))).toMatchObject({
      remainingAttempts: 4,
    });
  });

  it("keeps a space's locks out of every other space", async () => {
    const { db, space, siret } = await spaceWithSecondary();
    const other = await createPrincipalWithSpace(db);
    const otherHead = await streamHead(db, spaceStream(other.spaceId));
    for (let i = 0; i < 5; i++) await wrongCode(db, space.actor, siret).catch(() => undefined);
    expect((await memberSnapshot(db, other.principal.id)).locks).toEqual([]);
    expect(await listEvents(db, spaceStream(other.spaceId), otherHead)).toEqual([]);
  });
});
