/**
 * docs/domain.md's invariants under concurrency, on a real PostgreSQL (the
 * embedded database runs one transaction at a time, so it cannot race):
 * many rules at once on the same spaces, SIRETs and people. After every
 * round the invariants hold and the events table holds exactly the events of
 * the transactions that committed, numbered without holes.
 */
import type { Kysely, Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateToken, createSession } from '../../server/auth/sessions.js';
import type { Database } from '../../server/db/schema.js';
import {
  spaceStream,
  type StoredEvent,
  type StreamKey,
} from '../../server/events/append-events.js';
import { acceptInvitation } from '../../server/rules/accept-invitation.js';
import type { Actor } from '../../server/rules/actor.js';
import { addDossier } from '../../server/rules/add-dossier.js';
import { addSecondary } from '../../server/rules/add-secondary.js';
import { addSiret } from '../../server/rules/add-siret.js';
import { cedeSirets } from '../../server/rules/cede-sirets.js';
import { changeDossierStatus } from '../../server/rules/change-dossier-status.js';
import { deleteSiret } from '../../server/rules/delete-siret.js';
import { isDomainError } from '../../server/rules/domain-error.js';
import { expireInvitations } from '../../server/rules/expire-invitations.js';
import { removeSecondary } from '../../server/rules/remove-secondary.js';
import { resendInvitation } from '../../server/rules/resend-invitation.js';
import { revokeInvitation } from '../../server/rules/revoke-invitation.js';
import { runRule, type RuleResult } from '../../server/rules/run-rule.js';
import { setSecondarySirets } from '../../server/rules/set-secondary-sirets.js';
import { signUpPrincipal } from '../../server/rules/sign-up-principal.js';
import { createTestDatabase, hasPostgres } from '../support/databases.js';
import {
  UNLOCK_CODE,
  WRONG_UNLOCK_CODE,
  createAdmin,
  createDossier,
  createPrincipalWithSpace,
  createSecondary,
  passwordHash,
  streamHead,
  uniqueEmail,
  uniqueReference,
  unlockCodeHash,
  validSiret,
  type SpaceFixture,
} from '../support/fixtures.js';
import { checkInvariants } from '../support/invariants.js';
import { shuffled } from '../support/shuffled.js';

const ROUNDS = 3;
const DAY_MS = 24 * 60 * 60 * 1000;

/** What became of one of the commands sent at once: committed, or refused with a code. */
type Outcome<R> = { ok: R } | { refused: string };

function isOk<R>(outcome: Outcome<R>): outcome is { ok: R } {
  return 'ok' in outcome;
}

function refusedCode<R>(outcome: Outcome<R>): string | undefined {
  return 'refused' in outcome ? outcome.refused : undefined;
}

describe.skipIf(!hasPostgres())('concurrent commands [postgres]', () => {
  let handle: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let admin: Actor;
  /** Every event of every transaction that committed in this file, as handed to the publisher. */
  const committed: StoredEvent[] = [];

  beforeAll(async () => {
    handle = await createTestDatabase('postgres', { poolSize: 20 });
    admin = (await createAdmin(handle.db)).actor;
  });
  afterAll(async () => {
    await handle?.close();
  });

  function db(): Kysely<Database> {
    if (!handle) throw new Error('database not open yet');
    return handle.db;
  }

  /** Runs a rule as the server does, recording what it commits (failed attempts included). */
  async function run<R extends RuleResult>(
    rule: (trx: Transaction<Database>) => Promise<R>,
  ): Promise<Outcome<R>> {
    try {
      return { ok: await runRule(db(), rule, (events) => committed.push(...events)) };
    } catch (error) {
      // A refusal is a possible outcome of a race; anything else is a failure.
      if (isDomainError(error)) return { refused: error.code };
      throw error;
    }
  }

  /**
   * The invariants hold, and the events table is exactly the events of the
   * committed transactions: none lost, none from a rolled-back one.
   */
  async function expectConsistent(): Promise<void> {
    expect(await checkInvariants(db())).toEqual([]);
    const rows = await db()
      .selectFrom('events')
      .select(['stream', 'seq', 'type', 'at', 'data', 'audience'])
      .orderBy('stream')
      .orderBy('seq')
      .execute();
    const stored = rows.map((r) => ({ ...r, at: r.at.toISOString() }));
    const expected = [...committed]
      .sort((a, b) => (a.stream === b.stream ? a.seq - b.seq : a.stream < b.stream ? -1 : 1))
      .map((e) => ({
        stream: e.stream,
        seq: e.seq,
        type: e.type,
        at: e.at,
        data: JSON.parse(JSON.stringify(e.data)) as unknown,
        audience: e.audience,
      }));
    expect(stored).toEqual(expected);
  }

  async function siretOwner(siret: string): Promise<number | undefined> {
    const row = await db()
      .selectFrom('sirets')
      .select('spaceId')
      .where('siret', '=', siret)
      .executeTakeFirst();
    return row?.spaceId;
  }

  async function attributionsOf(userId: number): Promise<string[]> {
    const rows = await db()
      .selectFrom('attributions')
      .select('siret')
      .where('userId', '=', userId)
      .orderBy('siret')
      .execute();
    return rows.map((r) => r.siret);
  }

  /** A space with SIRETs, an active secondary holding the first and a pending one. */
  async function populatedSpace(): Promise<SpaceFixture> {
    const space = await createPrincipalWithSpace(db(), { sirets: 2 });
    await createSecondary(db(), space, { sirets: [space.sirets[0]!] });
    await createSecondary(db(), space, { status: 'pending', sirets: [space.sirets[1]!] });
    return space;
  }

  it('lets exactly one of two crossed cessions win, and the loser is refused', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const pairs: [SpaceFixture, SpaceFixture][] = [];
      for (let i = 0; i < 12; i++) pairs.push([await populatedSpace(), await populatedSpace()]);

      const outcomes = await Promise.all(
        pairs.flatMap(([a, b]) => [
          run((trx) => cedeSirets(trx, a.actor, { email: b.principal.email })),
          run((trx) => cedeSirets(trx, b.actor, { email: a.principal.email })),
        ]),
      );

      for (const [i, [a, b]] of pairs.entries()) {
        const aToB = outcomes[2 * i]!;
        const bToA = outcomes[2 * i + 1]!;
        expect([isOk(aToB), isOk(bToA)].filter(Boolean)).toHaveLength(1);
        const [from, to] = isOk(aToB) ? [a, b] : [b, a];
        const loser = isOk(aToB) ? bToA : aToB;
        expect(['CESSION_TARGET_NOT_PRINCIPAL', 'FORBIDDEN']).toContain(refusedCode(loser));
        for (const siret of [...from.sirets, ...to.sirets]) {
          expect(await siretOwner(siret)).toBe(to.spaceId);
        }
        const formerPrincipal = await db()
          .selectFrom('users')
          .select(['role', 'spaceId'])
          .where('id', '=', from.principal.id)
          .executeTakeFirstOrThrow();
        expect(formerPrincipal).toEqual({ role: 'secondary', spaceId: to.spaceId });
        expect(await attributionsOf(from.principal.id)).toEqual(from.sirets);
      }
      await expectConsistent();
    }
  }, 120_000);

  it('never lets a ring of cessions (A to B, B to C, C to A) all win', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const rings: SpaceFixture[][] = [];
      for (let i = 0; i < 8; i++) {
        rings.push([await populatedSpace(), await populatedSpace(), await populatedSpace()]);
      }
      const outcomes = await Promise.all(
        rings.flatMap((ring) =>
          ring.map((space, j) =>
            run((trx) =>
              cedeSirets(trx, space.actor, { email: ring[(j + 1) % ring.length]!.principal.email }),
            ),
          ),
        ),
      );
      for (let i = 0; i < rings.length; i++) {
        const won = outcomes.slice(3 * i, 3 * i + 3).filter(isOk).length;
        expect(won).toBeGreaterThanOrEqual(1);
        expect(won).toBeLessThanOrEqual(2);
      }
      await expectConsistent();
    }
  }, 120_000);

  it('never leaves an attribution to a SIRET deleted while it was being attributed', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const cases: { space: SpaceFixture; secondaryId: number }[] = [];
      for (let i = 0; i < 15; i++) {
        const space = await createPrincipalWithSpace(db(), { sirets: 2 });
        const secondary = await createSecondary(db(), space);
        cases.push({ space, secondaryId: secondary.user.id });
      }

      const outcomes = await Promise.all(
        cases.flatMap(({ space, secondaryId }) => [
          run((trx) => deleteSiret(trx, space.actor, { siret: space.sirets[0]! })),
          run((trx) =>
            setSecondarySirets(trx, space.actor, { userId: secondaryId, sirets: space.sirets }),
          ),
        ]),
      );

      for (const [i, { space, secondaryId }] of cases.entries()) {
        const deletion = outcomes[2 * i]!;
        const attribution = outcomes[2 * i + 1]!;
        expect(isOk(deletion)).toBe(true);
        expect(await siretOwner(space.sirets[0]!)).toBeUndefined();
        // Attributed first then taken away by the deletion, or refused after it.
        if (isOk(attribution)) {
          expect(await attributionsOf(secondaryId)).toEqual([space.sirets[1]]);
        } else {
          expect(refusedCode(attribution)).toBe('SIRET_NOT_IN_SPACE');
          expect(await attributionsOf(secondaryId)).toEqual([]);
        }
      }
      const orphans = await db()
        .selectFrom('attributions')
        .select('siret')
        .where(
          'siret',
          'in',
          cases.map((c) => c.space.sirets[0]!),
        )
        .execute();
      expect(orphans).toEqual([]);
      await expectConsistent();
    }
  }, 120_000);

  it('never leaves a removed secondary active, nor a session of theirs that authenticates', async () => {
    const password = await passwordHash();
    for (let round = 0; round < ROUNDS; round++) {
      const cases: { space: SpaceFixture; userId: number; token: string }[] = [];
      for (let i = 0; i < 15; i++) {
        const space = await createPrincipalWithSpace(db());
        const added = await run((trx) => addSecondary(trx, space.actor, { email: uniqueEmail() }));
        if (!isOk(added)) throw new Error(`could not invite: ${refusedCode(added)}`);
        cases.push({ space, userId: added.ok.secondary.id, token: added.ok.invitation.token });
      }

      const sessions = new Map<number, string>();
      const outcomes = await Promise.all(
        cases.map(async ({ space, userId, token }, i) => {
          const remove = () => run((trx) => removeSecondary(trx, space.actor, { userId }));
          // What the invitation page does: accept, then open a session.
          const accept = async () => {
            const outcome = await run((trx) =>
              acceptInvitation(trx, { token, passwordHash: password }),
            );
            if (isOk(outcome)) sessions.set(userId, (await createSession(db(), userId)).token);
            return outcome;
          };
          // Either one starts first, so that each wins the race in some cases.
          if (i % 2 === 0) {
            const [removal, acceptance] = await Promise.all([remove(), accept()]);
            return { removal, acceptance };
          }
          const [acceptance, removal] = await Promise.all([accept(), remove()]);
          return { removal, acceptance };
        }),
      );

      for (const [i, { space, userId }] of cases.entries()) {
        const { removal, acceptance } = outcomes[i]!;
        expect(isOk(removal)).toBe(true);
        if (!isOk(acceptance)) expect(refusedCode(acceptance)).toBe('INVITATION_INVALID');
        const user = await db()
          .selectFrom('users')
          .select('status')
          .where('id', '=', userId)
          .executeTakeFirstOrThrow();
        expect(user.status).toBe('removed');
        const session = sessions.get(userId);
        if (session !== undefined) expect(await authenticateToken(db(), session)).toBeNull();

        // In the space's stream, the activation (if any) comes before the removal, never after.
        const events = await db()
          .selectFrom('events')
          .select(['seq', 'type', 'data'])
          .where('stream', '=', spaceStream(space.spaceId))
          .where('type', 'in', ['secondary.status_changed', 'secondary.removed'])
          .orderBy('seq')
          .execute();
        const types = events
          .filter((e) => (e.data as { userId?: number }).userId === userId)
          .map((e) => e.type);
        expect(types).toEqual(
          isOk(acceptance)
            ? ['secondary.status_changed', 'secondary.removed']
            : ['secondary.removed'],
        );
      }
      await expectConsistent();
    }
  }, 120_000);

  it('lets one space only take an e-mail added in two spaces and signed up at once', async () => {
    const password = await passwordHash();
    for (let round = 0; round < ROUNDS; round++) {
      const cases: { a: SpaceFixture; b: SpaceFixture; email: string; siret: string }[] = [];
      for (let i = 0; i < 10; i++) {
        const siret = validSiret();
        await createDossier(db(), { siret, status: 'consultation' });
        cases.push({
          a: await createPrincipalWithSpace(db()),
          b: await createPrincipalWithSpace(db()),
          email: uniqueEmail('shared'),
          siret,
        });
      }

      const outcomes = await Promise.all(
        cases.flatMap(({ a, b, email, siret }): Promise<Outcome<RuleResult>>[] => [
          run((trx) => addSecondary(trx, a.actor, { email })),
          run((trx) => addSecondary(trx, b.actor, { email: email.toUpperCase() })),
          run((trx) =>
            signUpPrincipal(trx, {
              email,
              passwordHash: password,
              siret,
              unlockCode: UNLOCK_CODE,
              clientAddress: '192.0.2.1',
            }),
          ),
        ]),
      );

      for (const [i, { email }] of cases.entries()) {
        const three = outcomes.slice(3 * i, 3 * i + 3);
        expect(three.filter(isOk)).toHaveLength(1);
        for (const refused of three.filter((o) => !isOk(o))) {
          expect(refusedCode(refused)).toBe('EMAIL_ALREADY_USED');
        }
        const holders = await db()
          .selectFrom('users')
          .select('id')
          .where('email', '=', email)
          .where('status', '<>', 'removed')
          .execute();
        expect(holders).toHaveLength(1);
      }
      await expectConsistent();
    }
  }, 120_000);

  it('gives a SIRET claimed by many principals and signups at once to exactly one space', async () => {
    const password = await passwordHash();
    for (let round = 0; round < ROUNDS; round++) {
      const siret = validSiret();
      await createDossier(db(), { siret, status: 'consultation' });
      const principals: SpaceFixture[] = [];
      for (let i = 0; i < 12; i++) {
        const space = await createPrincipalWithSpace(db());
        await createSecondary(db(), space);
        principals.push(space);
      }
      // A signup takes the SIRET's lock first and mostly wins: every other round is principals only.
      const signups = Array.from({ length: round % 2 === 0 ? 12 : 0 }, () =>
        uniqueEmail('claimant'),
      );

      const claims: (() => Promise<Outcome<RuleResult>>)[] = [
        ...principals.map(
          (space, i) => () =>
            run((trx) =>
              addSiret(trx, space.actor, {
                siret,
                // A few wrong codes: counted while the others race.
                unlockCode: i % 4 === 3 ? WRONG_UNLOCK_CODE : UNLOCK_CODE,
                assignToAllSecondaries: i % 2 === 0,
              }),
            ),
        ),
        ...signups.map(
          (email, i) => () =>
            run((trx) =>
              signUpPrincipal(trx, {
                email,
                passwordHash: password,
                siret,
                unlockCode: i % 4 === 3 ? WRONG_UNLOCK_CODE : UNLOCK_CODE,
                clientAddress: `192.0.2.${i + 1}`,
              }),
            ),
        ),
      ];
      // Started in a random order; the outcomes stay in the order of `claims`.
      const outcomes: Outcome<RuleResult>[] = new Array(claims.length);
      await Promise.all(
        shuffled(claims.map((claim, i) => ({ claim, i }))).map(async ({ claim, i }) => {
          outcomes[i] = await claim();
        }),
      );

      expect(outcomes.filter(isOk)).toHaveLength(1);
      for (const refused of outcomes.filter((o) => !isOk(o))) {
        expect([
          'SIRET_ALREADY_MANAGED',
          'SIRET_UNLOCK_CODE_INVALID',
          'SIGNUP_PROOF_REFUSED',
        ]).toContain(refusedCode(refused));
      }
      const winner = outcomes.findIndex(isOk);
      const owner = await siretOwner(siret);
      if (winner < principals.length) {
        expect(owner).toBe(principals[winner]!.spaceId);
      } else {
        const principal = await db()
          .selectFrom('users')
          .select('spaceId')
          .where('email', '=', signups[winner - principals.length]!)
          .executeTakeFirstOrThrow();
        expect(owner).toBe(principal.spaceId);
      }
      await expectConsistent();
    }
  }, 120_000);

  /**
   * A space ready for a burst: SIRETs (one blocked by a dossier to complete),
   * active and pending secondaries, free SIRETs to add; and the burst itself,
   * every kind of command on that space, to be started at once.
   */
  async function burstOn(space: SpaceFixture): Promise<(() => Promise<Outcome<RuleResult>>)[]> {
    const password = await passwordHash();
    const codeHash = await unlockCodeHash();
    // Dossiers to complete block deletion of their SIRET: some deletions are refused.
    await createDossier(db(), { siret: space.sirets[3]!, status: 'completer_dossier' });
    const actives: number[] = [];
    for (let i = 0; i < 3; i++) {
      actives.push((await createSecondary(db(), space, { sirets: [space.sirets[i]!] })).user.id);
    }
    const pending: { userId: number; token: string }[] = [];
    for (let i = 0; i < 4; i++) {
      const added = await run((trx) => addSecondary(trx, space.actor, { email: uniqueEmail() }));
      if (!isOk(added)) throw new Error(`could not invite: ${refusedCode(added)}`);
      pending.push({ userId: added.ok.secondary.id, token: added.ok.invitation.token });
    }
    const free: string[] = [];
    for (let i = 0; i < 3; i++) {
      const siret = validSiret();
      await createDossier(db(), { siret, status: 'consultation' });
      free.push(siret);
    }
    const secondaries = [...actives, ...pending.map((p) => p.userId)];
    return [
      ...free.map(
        (siret, i) => () =>
          run((trx) =>
            addSiret(trx, space.actor, {
              siret,
              unlockCode: UNLOCK_CODE,
              assignToAllSecondaries: i !== 1,
            }),
          ),
      ),
      ...[space.sirets[0]!, space.sirets[3]!].map(
        (siret) => () => run((trx) => deleteSiret(trx, space.actor, { siret })),
      ),
      ...secondaries.map(
        (userId, i) => () =>
          run((trx) =>
            setSecondarySirets(trx, space.actor, {
              userId,
              // Some lists hold a SIRET being deleted, or one being added.
              sirets: [...space.sirets, ...free].filter((_, j) => (i + j) % 2 === 0),
            }),
          ),
      ),
      ...Array.from(
        { length: 5 },
        () => () => run((trx) => addSecondary(trx, space.actor, { email: uniqueEmail() })),
      ),
      () => run((trx) => removeSecondary(trx, space.actor, { userId: actives[0]! })),
      () => run((trx) => removeSecondary(trx, space.actor, { userId: pending[0]!.userId })),
      () => run((trx) => resendInvitation(trx, space.actor, { userId: pending[1]!.userId })),
      () => run((trx) => revokeInvitation(trx, space.actor, { userId: pending[2]!.userId })),
      ...pending.map(
        ({ token }) =>
          () =>
            run((trx) => acceptInvitation(trx, { token, passwordHash: password })),
      ),
      ...[...space.sirets, ...free].map(
        (siret, i) => () =>
          run((trx) =>
            addDossier(trx, admin, {
              reference: uniqueReference(),
              siret,
              kind: i % 2 === 0 ? 'AT' : 'MP',
              status: 'consultation',
              unlockCodeHash: codeHash,
            }),
          ),
      ),
      ...space.dossiers.map(
        ({ id }, i) =>
          () =>
            run((trx) =>
              changeDossierStatus(trx, admin, {
                dossierId: id,
                status: i % 2 === 0 ? 'cloture' : 'completer_dossier',
              }),
            ),
      ),
      () => run((trx) => expireInvitations(trx, { now: new Date(Date.now() + 8 * DAY_MS) })),
    ];
  }

  /**
   * Reads a stream as a live client would, from `afterSeq` until `done()`:
   * returns every seq seen, in the order seen. Were a seq committed after a
   * higher one, the reader would have passed it and it would be missing.
   */
  async function tailStream(stream: string, afterSeq: number, done: () => boolean) {
    const seen: number[] = [];
    let last = afterSeq;
    for (;;) {
      // Read the flag first: the last read then starts after every command settled.
      const finished = done();
      const rows = await db()
        .selectFrom('events')
        .select('seq')
        .where('stream', '=', stream)
        .where('seq', '>', last)
        .orderBy('seq')
        .execute();
      for (const { seq } of rows) {
        seen.push(seq);
        last = seq;
      }
      if (finished) return seen;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  /**
   * Starts the commands at once in a random order while a reader tails each
   * stream; then every stream was seen 1..head in order, and its events are
   * those of the committed commands.
   */
  async function burst(
    commands: (() => Promise<Outcome<RuleResult>>)[],
    streams: StreamKey[],
  ): Promise<Outcome<RuleResult>[]> {
    const heads = await Promise.all(streams.map((stream) => streamHead(db(), stream)));
    const committedBefore = committed.length;
    let settled = false;
    const readers = streams.map((stream, i) => tailStream(stream, heads[i]!, () => settled));
    // Started in a random order; the outcomes stay in the order of `commands`.
    const outcomes: Outcome<RuleResult>[] = new Array(commands.length);
    await Promise.all(
      shuffled(commands.map((command, i) => ({ command, i }))).map(async ({ command, i }) => {
        outcomes[i] = await command();
      }),
    );
    settled = true;
    const seen = await Promise.all(readers);

    for (const [i, stream] of streams.entries()) {
      const head = await streamHead(db(), stream);
      const numbered = Array.from({ length: head - heads[i]! }, (_, k) => heads[i]! + 1 + k);
      expect(seen[i]).toEqual(numbered);
      const seqs = committed
        .slice(committedBefore)
        .filter((e) => e.stream === stream)
        .map((e) => e.seq)
        .sort((a, b) => a - b);
      expect(seqs).toEqual(numbered);
    }
    await expectConsistent();
    return outcomes;
  }

  it('numbers the events of a burst of mixed commands on one space 1..head, none missing', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const space = await createPrincipalWithSpace(db(), { sirets: 4 });
      const commands = await burstOn(space);
      const outcomes = await burst(commands, [spaceStream(space.spaceId)]);
      expect(outcomes.filter(isOk).length).toBeGreaterThan(commands.length / 2);
    }
  }, 120_000);

  it('keeps the invariants when both spaces cede to each other in the middle of their bursts', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const a = await createPrincipalWithSpace(db(), { sirets: 4 });
      const b = await createPrincipalWithSpace(db(), { sirets: 4 });
      const commands = [
        ...(await burstOn(a)),
        ...(await burstOn(b)),
        () => run((trx) => cedeSirets(trx, a.actor, { email: b.principal.email })),
        () => run((trx) => cedeSirets(trx, b.actor, { email: a.principal.email })),
      ];
      const outcomes = await burst(commands, [spaceStream(a.spaceId), spaceStream(b.spaceId)]);
      expect(outcomes.slice(-2).filter(isOk)).toHaveLength(1);
    }
  }, 120_000);
});
