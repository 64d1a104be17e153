/**
 * Crossed races around a cession put back, on a real PostgreSQL (the embedded
 * database runs one transaction at a time): an undo while the receiver deletes
 * a SIRET, a refusal while support undoes, a change of principal while that
 * member is removed. Whatever the order, one outcome of the two, the
 * invariants hold, and nothing is half applied.
 */
import type { Kysely, Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/schema.js';
import type { Actor } from '../../server/rules/actor.js';
import { cedeSirets } from '../../server/rules/cede-sirets.js';
import { changePrincipal } from '../../server/rules/change-principal.js';
import { deleteSiret } from '../../server/rules/delete-siret.js';
import { isDomainError } from '../../server/rules/domain-error.js';
import { removeSecondary } from '../../server/rules/remove-secondary.js';
import { refuseCession, undoCession } from '../../server/rules/revert-cession.js';
import { runRule, type RuleResult } from '../../server/rules/run-rule.js';
import { createTestDatabase, hasPostgres } from '../support/databases.js';
import {
  createAdmin,
  createPrincipalWithSpace,
  createSecondary,
  type SecondaryFixture,
  type SpaceFixture,
} from '../support/fixtures.js';
import { checkInvariants } from '../support/invariants.js';

const CASES = 12;

type Outcome = 'ok' | string;

describe.skipIf(!hasPostgres())('cessions put back, in crossed races [postgres]', () => {
  let handle: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let agent: Actor;
  const db = (): Kysely<Database> => handle!.db;

  beforeAll(async () => {
    handle = await createTestDatabase('postgres', { poolSize: 20 });
    agent = (await createAdmin(handle.db)).actor;
  });
  afterAll(async () => {
    await handle?.close();
  });

  async function run(rule: (trx: Transaction<Database>) => Promise<RuleResult>): Promise<Outcome> {
    try {
      await runRule(db(), rule);
      return 'ok';
    } catch (error) {
      if (isDomainError(error)) return error.code;
      throw error;
    }
  }

  async function spaceOfSiret(siret: string): Promise<number | undefined> {
    const row = await db()
      .selectFrom('sirets')
      .select('spaceId')
      .where('siret', '=', siret)
      .executeTakeFirst();
    return row?.spaceId;
  }

  /** Two rules crossing on one case; `check` reads what they left, whichever ran first. */
  interface Crossing<Case> {
    setUp(): Promise<Case>;
    first(one: Case): Promise<Outcome>;
    second(one: Case): Promise<Outcome>;
    check(one: Case, first: Outcome, second: Outcome): Promise<void>;
  }

  async function race<Case>({ setUp, first, second, check }: Crossing<Case>): Promise<void> {
    const cases = await Promise.all(Array.from({ length: CASES }, setUp));
    const outcomes = await Promise.all(cases.flatMap((one) => [first(one), second(one)]));
    for (const [i, one] of cases.entries()) {
      await check(one, outcomes[2 * i]!, outcomes[2 * i + 1]!);
    }
    expect(await checkInvariants(db())).toEqual([]);
  }

  /** A race may take the same order many runs in a row: each order is played here for sure. */
  async function eachOrderInTurn<Case>({ setUp, first, second, check }: Crossing<Case>) {
    const firstFirst = await setUp();
    const firstOutcome = await first(firstFirst);
    expect(firstOutcome).toBe('ok');
    await check(firstFirst, firstOutcome, await second(firstFirst));

    const secondFirst = await setUp();
    const secondOutcome = await second(secondFirst);
    expect(secondOutcome).toBe('ok');
    await check(secondFirst, await first(secondFirst), secondOutcome);
    expect(await checkInvariants(db())).toEqual([]);
  }

  async function cededPair() {
    const from = await createPrincipalWithSpace(db(), { sirets: 2 });
    const to = await createPrincipalWithSpace(db());
    await createSecondary(db(), from, { sirets: from.sirets });
    const { cessionId } = await runRule(db(), (trx) =>
      cedeSirets(trx, from.actor, { email: to.principal.email }),
    );
    return { from, to, cessionId };
  }

  const undoAgainstDeletion: Crossing<Awaited<ReturnType<typeof cededPair>>> = {
    setUp: cededPair,
    first: ({ cessionId }) =>
      run((trx) => undoCession(trx, agent, { cessionId, reason: 'Erreur', confirmPartial: false })),
    second: ({ from, to }) => run((trx) => deleteSiret(trx, to.actor, { siret: from.sirets[0]! })),
    async check({ from }, undo, deletion) {
      const owner = await spaceOfSiret(from.sirets[0]!);
      if (undo === 'ok') {
        // Undone first: the SIRET is back home, out of the receiver's reach.
        expect(deletion).toBe('NOT_FOUND');
        expect(owner).toBe(from.spaceId);
        expect(await spaceOfSiret(from.sirets[1]!)).toBe(from.spaceId);
      } else {
        // Deleted first: the undo names it and waits for a confirmation; nothing moved.
        expect([undo, deletion]).toEqual(['CESSION_REVERT_PARTIAL', 'ok']);
        expect(owner).toBeUndefined();
      }
    },
  };

  it('an undo while the receiver deletes one of the ceded SIRETs: one order or the other', async () => {
    await race(undoAgainstDeletion);
  }, 60_000);

  it('an undo and a deletion one after the other give what the race expects of that order', async () => {
    await eachOrderInTurn(undoAgainstDeletion);
  });

  it('a refusal while support undoes: exactly one puts the cession back', async () => {
    const pairs = await Promise.all(Array.from({ length: CASES }, cededPair));
    const outcomes = await Promise.all(
      pairs.flatMap(({ to, cessionId }) => [
        run((trx) =>
          undoCession(trx, agent, { cessionId, reason: 'Erreur', confirmPartial: true }),
        ),
        run((trx) => refuseCession(trx, to.actor, { cessionId, confirmPartial: true })),
      ]),
    );
    for (const [i, { from, cessionId }] of pairs.entries()) {
      const pair = [outcomes[2 * i], outcomes[2 * i + 1]].sort();
      // The refusal that comes second finds its principal still principal of the
      // receiving space, and the cession put back.
      expect(pair).toEqual(['CESSION_ALREADY_REVERTED', 'ok']);
      const record = await db()
        .selectFrom('cessions')
        .select('revertedHow')
        .where('id', '=', cessionId)
        .executeTakeFirstOrThrow();
      expect(record.revertedHow).toBe(outcomes[2 * i] === 'ok' ? 'undone' : 'refused');
      expect(await spaceOfSiret(from.sirets[0]!)).toBe(from.spaceId);
      const events = await db()
        .selectFrom('events')
        .select('id')
        .where('type', '=', 'space.cession_reverted')
        .where(({ eb, ref }) =>
          eb(
            eb.fn('jsonb_extract_path_text', [ref('data'), eb.val('cessionId')]),
            '=',
            String(cessionId),
          ),
        )
        .execute();
      expect(events).toHaveLength(2);
    }
    expect(await checkInvariants(db())).toEqual([]);
  }, 60_000);

  const changeAgainstRemoval: Crossing<{ space: SpaceFixture; chosen: SecondaryFixture }> = {
    async setUp() {
      const space = await createPrincipalWithSpace(db());
      const chosen = await createSecondary(db(), space);
      return { space, chosen };
    },
    first: ({ space, chosen }) =>
      run((trx) =>
        changePrincipal(trx, agent, {
          spaceId: space.spaceId,
          userId: chosen.user.id,
          reason: 'Départ',
        }),
      ),
    second: ({ space, chosen }) =>
      run((trx) => removeSecondary(trx, space.actor, { userId: chosen.user.id })),
    async check({ chosen }, change, removal) {
      const user = await db()
        .selectFrom('users')
        .select(['role', 'status'])
        .where('id', '=', chosen.user.id)
        .executeTakeFirstOrThrow();
      if (change === 'ok') {
        // Principal first: the former principal, now a secondary, may remove no one.
        expect(removal).toBe('FORBIDDEN');
        expect(user).toEqual({ role: 'principal', status: 'active' });
      } else {
        expect([change, removal]).toEqual(['PRINCIPAL_CANDIDATE_INVALID', 'ok']);
        expect(user.status).toBe('removed');
      }
    },
  };

  it('a new principal chosen while the principal removes that member: never a removed principal', async () => {
    await race(changeAgainstRemoval);
  }, 60_000);

  it('a change of principal and a removal one after the other give what the race expects of that order', async () => {
    await eachOrderInTurn(changeAgainstRemoval);
  });
});
