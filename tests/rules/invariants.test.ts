/**
 * DOMAIN.md's invariants after long random sequences of commands: every rule,
 * over a small pool of people, SIRETs and dossiers so that commands collide
 * often (the same e-mail invited twice, a SIRET deleted then attributed, a
 * cession to someone who just ceded...). Refusals are expected; any other error,
 * or any broken invariant after any command, fails with the seed to replay
 * (`INVARIANTS_SEED=<seed> npx vitest run tests/rules/invariants.test.ts`).
 */
import fc from 'fast-check';
import type { Kysely, Transaction } from 'kysely';
import { afterAll, expect, it } from 'vitest';
import { DOSSIER_KINDS, DOSSIER_STATUSES, type DossierStatus } from '../../shared/domain.js';
import type { Database } from '../../server/db/schema.js';
import type { StoredEvent } from '../../server/events/append-events.js';
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
import { resetUserLocks } from '../../server/rules/reset-lock.js';
import { revokeInvitation } from '../../server/rules/revoke-invitation.js';
import { runRule, type RuleResult } from '../../server/rules/run-rule.js';
import { setSecondarySirets } from '../../server/rules/set-secondary-sirets.js';
import { signUpPrincipal } from '../../server/rules/sign-up-principal.js';
import { hashSecret } from '../../server/security/secrets.js';
import { describeOnEachDatabase } from '../support/databases.js';
import {
  UNLOCK_CODE,
  WRONG_UNLOCK_CODE,
  createAdmin,
  createDossier,
  passwordHash,
  uniqueEmail,
  uniqueReference,
  unlockCodeHash,
  validSiret,
} from '../support/fixtures.js';
import { checkInvariants } from '../support/invariants.js';

const PEOPLE = 6;
const SIRETS = 5;
const DAY_MS = 24 * 60 * 60 * 1000;
const NUM_RUNS = Number(process.env.INVARIANTS_RUNS ?? 15);
const SEED =
  process.env.INVARIANTS_SEED === undefined ? undefined : Number(process.env.INVARIANTS_SEED);

/**
 * Who runs a command, resolved when it runs: mostly an active principal of the
 * pool (so that their rules get past the role check), sometimes any member,
 * any person of the pool (removed or never signed up) or the admin.
 */
const actorRef = fc.oneof(
  { weight: 6, arbitrary: fc.record({ by: fc.constant('principal' as const), n: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ by: fc.constant('member' as const), n: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ by: fc.constant('person' as const), n: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ by: fc.constant('admin' as const), n: fc.nat() }) },
);
/** Whom a command is about: mostly a secondary of the actor's space, else anyone of the pool. */
const userRef = fc.oneof(
  { weight: 4, arbitrary: fc.record({ by: fc.constant('teammate' as const), n: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ by: fc.constant('person' as const), n: fc.nat() }) },
);
/** A principal's e-mail (a valid cession target), or anyone's. */
const emailRef = fc.oneof(
  { weight: 2, arbitrary: fc.record({ by: fc.constant('principal' as const), n: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ by: fc.constant('person' as const), n: fc.nat() }) },
);
/** A SIRET of the actor's space, or any of the pool (often another space's, or no one's). */
const siretRef = fc.oneof(
  fc.record({ by: fc.constant('own' as const), n: fc.nat() }),
  fc.record({ by: fc.constant('pool' as const), n: fc.nat() }),
);
const person = fc.nat({ max: PEOPLE - 1 });
const poolSiret = fc.nat({ max: SIRETS - 1 });
const dossierStatus = fc.constantFrom(...DOSSIER_STATUSES);

type ActorRef = typeof actorRef extends fc.Arbitrary<infer T> ? T : never;
type UserRef = typeof userRef extends fc.Arbitrary<infer T> ? T : never;
type EmailRef = typeof emailRef extends fc.Arbitrary<infer T> ? T : never;
type SiretRef = typeof siretRef extends fc.Arbitrary<infer T> ? T : never;

const command = fc.oneof(
  fc.record({
    kind: fc.constant('signUp' as const),
    email: person,
    siret: poolSiret,
    rightCode: fc.boolean(),
  }),
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('addSiret' as const),
      actor: actorRef,
      siret: poolSiret,
      rightCode: fc.boolean(),
      assignToAll: fc.boolean(),
    }),
  },
  fc.record({ kind: fc.constant('deleteSiret' as const), actor: actorRef, siret: siretRef }),
  fc.record({ kind: fc.constant('cede' as const), actor: actorRef, target: emailRef }),
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('addSecondary' as const),
      actor: actorRef,
      email: person,
      upperCase: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('accept' as const),
      token: fc.nat(),
      late: fc.boolean(),
    }),
  },
  fc.record({ kind: fc.constant('resend' as const), actor: actorRef, user: userRef }),
  fc.record({ kind: fc.constant('revoke' as const), actor: actorRef, user: userRef }),
  fc.record({ kind: fc.constant('expire' as const), days: fc.integer({ min: 0, max: 10 }) }),
  fc.record({ kind: fc.constant('remove' as const), actor: actorRef, user: userRef }),
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('setSirets' as const),
      actor: actorRef,
      user: userRef,
      mask: fc.nat({ max: (1 << SIRETS) - 1 }),
      foreign: fc.boolean(),
    }),
  },
  fc.record({
    kind: fc.constant('addDossier' as const),
    siret: poolSiret,
    status: dossierStatus,
    dossierKind: fc.constantFrom(...DOSSIER_KINDS),
    rightCode: fc.boolean(),
  }),
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('changeStatus' as const),
      dossier: fc.nat(),
      status: dossierStatus,
    }),
  },
  fc.record({ kind: fc.constant('resetLocks' as const), user: userRef }),
);

type Command = typeof command extends fc.Arbitrary<infer C> ? C : never;

const scenario = fc.record({
  /** The dossiers each SIRET of the pool has before the first command (at least one). */
  dossiers: fc.array(fc.array(dossierStatus, { minLength: 1, maxLength: 2 }), {
    minLength: SIRETS,
    maxLength: SIRETS,
  }),
  commands: fc.array(command, { minLength: 40, maxLength: 80 }),
});

/** One run's people, SIRETs, dossiers and invitation links: fresh, so runs never meet. */
interface Pool {
  emails: string[];
  sirets: string[];
  dossierIds: number[];
  /** Every link issued so far, used or not. */
  tokens: string[];
  admin: Actor;
}

const STATS = new Map<string, number>();
afterAll(() => console.log([...STATS].sort().map(([k, v]) => `${k}: ${v}`).join('\n')));
describeOnEachDatabase('the invariants of DOMAIN.md', (getHandle) => {
  it('hold after every command of long random sequences over every rule', async () => {
    const { db } = getHandle();
    const { actor: admin } = await createAdmin(db);
    const codeHashes = {
      right: await unlockCodeHash(),
      wrong: await hashSecret(WRONG_UNLOCK_CODE),
    };
    const password = await passwordHash();

    await fc.assert(
      fc.asyncProperty(scenario, async ({ dossiers, commands }) => {
        const pool: Pool = {
          emails: Array.from({ length: PEOPLE }, () => uniqueEmail('pool')),
          sirets: Array.from({ length: SIRETS }, validSiret),
          dossierIds: [],
          tokens: [],
          admin,
        };
        for (const [i, statuses] of dossiers.entries()) {
          for (const status of statuses) {
            const dossier = await createDossier(db, { siret: pool.sirets[i]!, status });
            pool.dossierIds.push(dossier.id);
          }
        }
        const log: string[] = [];
        for (const cmd of commands) {
          const outcome = await execute(db, pool, cmd, { password, codeHashes });
          log.push(`${JSON.stringify(cmd)} -> ${outcome}`);
          const key = `${cmd.kind} ${outcome.replace(/ \(.*$/, '')}`;
          STATS.set(key, (STATS.get(key) ?? 0) + 1);
          const violations = await checkInvariants(db);
          if (violations.length > 0) {
            throw new Error(
              `invariants broken after:\n${log.join('\n')}\n\nviolations:\n${violations.join('\n')}`,
            );
          }
        }
      }),
      { numRuns: NUM_RUNS, seed: SEED, endOnFailure: process.env.INVARIANTS_SHRINK !== '1' },
    );
  }, 300_000);
});

/** Runs one command; returns what happened, for the log of a failing run. */
async function execute(
  db: Kysely<Database>,
  pool: Pool,
  cmd: Command,
  secrets: { password: string; codeHashes: { right: string; wrong: string } },
): Promise<string> {
  const code = (right: boolean) => (right ? UNLOCK_CODE : WRONG_UNLOCK_CODE);
  const actor = (index: number) => (index === PEOPLE ? pool.admin : actorOf(db, pool, index));
  const userId = async (index: number) => (await actorOf(db, pool, index)).userId;
  const siret = (index: number) => pool.sirets[index]!;

  const run = async <R extends RuleResult>(
    rule: (trx: Transaction<Database>) => Promise<R>,
  ): Promise<{ ok: R } | { refused: string }> => {
    try {
      const result = await runRule(db, rule);
      await expectEventsStored(db, result.events);
      return { ok: result };
    } catch (error) {
      if (isDomainError(error)) return { refused: error.code };
      throw error;
    }
  };
  const outcomeOf = (outcome: { ok: unknown } | { refused: string }) =>
    'refused' in outcome ? `refused ${outcome.refused}` : 'ok';

  switch (cmd.kind) {
    case 'signUp':
      return outcomeOf(
        await run((trx) =>
          signUpPrincipal(trx, {
            email: pool.emails[cmd.email]!,
            passwordHash: secrets.password,
            siret: siret(cmd.siret),
            unlockCode: code(cmd.rightCode),
          }),
        ),
      );
    case 'addSiret': {
      const who = await actor(cmd.actor);
      return outcomeOf(
        await run((trx) =>
          addSiret(trx, who, {
            siret: siret(cmd.siret),
            unlockCode: code(cmd.rightCode),
            assignToAllSecondaries: cmd.assignToAll,
          }),
        ),
      );
    }
    case 'deleteSiret': {
      const who = await actor(cmd.actor);
      return outcomeOf(await run((trx) => deleteSiret(trx, who, { siret: siret(cmd.siret) })));
    }
    case 'cede': {
      const who = await actor(cmd.actor);
      return outcomeOf(
        await run((trx) => cedeSirets(trx, who, { email: pool.emails[cmd.target]!.toUpperCase() })),
      );
    }
    case 'addSecondary': {
      const who = await actor(cmd.actor);
      const email = pool.emails[cmd.email]!;
      const outcome = await run((trx) =>
        addSecondary(trx, who, { email: cmd.upperCase ? email.toUpperCase() : email }),
      );
      if ('ok' in outcome) pool.tokens.push(outcome.ok.invitation.token);
      return outcomeOf(outcome);
    }
    case 'accept': {
      if (pool.tokens.length === 0) return 'no link issued yet';
      const token = pool.tokens[cmd.token % pool.tokens.length]!;
      const now = cmd.late ? new Date(Date.now() + 8 * DAY_MS) : undefined;
      return outcomeOf(
        await run((trx) => acceptInvitation(trx, { token, passwordHash: secrets.password, now })),
      );
    }
    case 'resend': {
      const who = await actor(cmd.actor);
      const target = await userId(cmd.user);
      const outcome = await run((trx) => resendInvitation(trx, who, { userId: target }));
      if ('ok' in outcome) pool.tokens.push(outcome.ok.invitation.token);
      return outcomeOf(outcome);
    }
    case 'revoke': {
      const who = await actor(cmd.actor);
      const target = await userId(cmd.user);
      return outcomeOf(await run((trx) => revokeInvitation(trx, who, { userId: target })));
    }
    case 'expire': {
      const now = new Date(Date.now() + cmd.days * DAY_MS);
      return outcomeOf(await run((trx) => expireInvitations(trx, { now })));
    }
    case 'remove': {
      const who = await actor(cmd.actor);
      const target = await userId(cmd.user);
      return outcomeOf(await run((trx) => removeSecondary(trx, who, { userId: target })));
    }
    case 'setSirets': {
      const who = await actor(cmd.actor);
      const target = await userId(cmd.user);
      // Either among the SIRETs of the actor's space, or among the whole pool (often foreign).
      const candidates = cmd.foreign ? pool.sirets : await siretsOfSpaceOf(db, who.userId);
      const sirets = candidates.filter((_, i) => (cmd.mask >> i) & 1);
      const outcome = await run((trx) => setSecondarySirets(trx, who, { userId: target, sirets }));
      return `${outcomeOf(outcome)} (${sirets.length} SIRETs)`;
    }
    case 'addDossier': {
      const outcome = await run((trx) =>
        addDossier(trx, pool.admin, {
          reference: uniqueReference(),
          siret: siret(cmd.siret),
          kind: cmd.dossierKind,
          status: cmd.status,
          unlockCodeHash: cmd.rightCode ? secrets.codeHashes.right : secrets.codeHashes.wrong,
        }),
      );
      if ('ok' in outcome) pool.dossierIds.push(outcome.ok.dossier.id);
      return outcomeOf(outcome);
    }
    case 'changeStatus': {
      const dossierId = pool.dossierIds[cmd.dossier % pool.dossierIds.length]!;
      const status: DossierStatus = cmd.status;
      return outcomeOf(
        await run((trx) => changeDossierStatus(trx, pool.admin, { dossierId, status })),
      );
    }
    case 'resetLocks': {
      const target = await userId(cmd.user);
      return outcomeOf(await run((trx) => resetUserLocks(trx, pool.admin, { userId: target })));
    }
  }
}

/**
 * The person of the pool as an actor: their latest account (removed ones
 * included, which rules must refuse), or an id nobody has.
 */
async function actorOf(db: Kysely<Database>, pool: Pool, index: number): Promise<Actor> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('email', '=', pool.emails[index]!)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return { userId: row?.id ?? 0 };
}

async function siretsOfSpaceOf(db: Kysely<Database>, userId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('sirets')
    .innerJoin('users', 'users.orgId', 'sirets.orgId')
    .select('sirets.siret')
    .where('users.id', '=', userId)
    .orderBy('sirets.siret')
    .execute();
  return rows.map((r) => r.siret);
}

/** Every event a committed rule handed back is in the table, as handed back. */
async function expectEventsStored(db: Kysely<Database>, events: StoredEvent[]): Promise<void> {
  for (const event of events) {
    const row = await db
      .selectFrom('events')
      .select(['type', 'audience'])
      .where('stream', '=', event.stream)
      .where('seq', '=', event.seq)
      .executeTakeFirst();
    expect(row, `${event.stream}#${event.seq}`).toEqual({
      type: event.type,
      audience: event.audience,
    });
  }
}
