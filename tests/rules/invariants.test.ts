/**
 * docs/domain.md's invariants after long random sequences of commands: every rule,
 * over a small pool of people, SIRETs and dossiers so that commands collide
 * often (the same e-mail invited twice, a SIRET deleted then attributed, a
 * cession to someone who just ceded...). Refusals are expected; any other error,
 * or any broken invariant after any command, fails with the seed to replay
 * (`INVARIANTS_SEED=<seed> npx vitest run tests/rules/invariants.test.ts`).
 */
import fc from 'fast-check';
import { sql, type Kysely, type Transaction } from 'kysely';
import { expect, it } from 'vitest';
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
import { hashSecret, hashToken, newToken } from '../../server/security/secrets.js';
import { createTestDatabase, describeOnEachDatabase } from '../support/databases.js';
import {
  UNLOCK_CODE,
  WRONG_UNLOCK_CODE,
  createAdmin,
  createDossier,
  createPrincipalWithSpace,
  createSecondary,
  passwordHash,
  uniqueEmail,
  uniqueReference,
  unlockCodeHash,
  validSiret,
} from '../support/fixtures.js';
import { checkInvariants } from '../support/invariants.js';

const PEOPLE = 8;
const SIRETS = 6;
/** People of the pool who sign up, each with one SIRET of the pool, before the first command. */
const FOUNDERS = 3;
const DAY_MS = 24 * 60 * 60 * 1000;
const NUM_RUNS = Number(process.env.INVARIANTS_RUNS ?? 25);
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

describeOnEachDatabase('the invariants of docs/domain.md', (getHandle, kind) => {
  it('are reported one by one when the tables break them', async () => {
    // A database of its own: the corruption must not leak into the property below.
    const handle = await createTestDatabase(kind);
    try {
      const { db } = handle;
      const a = await createPrincipalWithSpace(db, { sirets: 2 });
      const b = await createPrincipalWithSpace(db);
      const secondary = await createSecondary(db, a, { status: 'pending' });
      expect(await checkInvariants(db)).toEqual([]);

      await db
        .insertInto('attributions')
        .values({ userId: secondary.user.id, siret: b.sirets[0]! })
        .execute();
      await db
        .insertInto('invitations')
        .values({
          userId: secondary.user.id,
          spaceId: a.spaceId,
          email: secondary.user.email,
          invitedById: a.principal.id,
          tokenHash: hashToken(newToken()),
          status: 'pending',
          expiresAt: new Date(Date.now() + DAY_MS),
        })
        .execute();
      await db
        .updateTable('users')
        .set({ role: 'secondary' })
        .where('id', '=', b.principal.id)
        .execute();
      const dissolved = await createPrincipalWithSpace(db);
      await db
        .updateTable('spaces')
        .set({ dissolvedAt: new Date() })
        .where('id', '=', dissolved.spaceId)
        .execute();
      await db.insertInto('eventStreams').values({ stream: 'space:0', head: 3 }).execute();
      await sql`insert into events (stream, seq, type, data) values
        ('space:0', 1, 'siret.removed', '{}'), ('space:0', 3, 'siret.removed', '{}')`.execute(db);

      const violations = await checkInvariants(db);
      for (const broken of [
        'a SIRET is managed by an existing space that is not dissolved',
        "an attribution's SIRET belongs to the space of its user",
        'has exactly one principal',
        'a dissolved space has no member left and no SIRET',
        'a pending secondary has at most one pending invitation',
        'numbered 1..head, without hole or duplicate',
      ]) {
        expect(
          violations.some((v) => v.includes(broken)),
          broken,
        ).toBe(true);
      }
    } finally {
      await handle.close();
    }
  });

  it(
    'hold after every command of long random sequences over every rule',
    async () => {
      const { db } = getHandle();
      const { actor: admin } = await createAdmin(db);
      const codeHashes = {
        right: await unlockCodeHash(),
        wrong: await hashSecret(WRONG_UNLOCK_CODE),
      };
      const password = await passwordHash();
      /** How many commands ended each way (`ok`, `refused <code>`...), over all runs. */
      const outcomes = new Map<string, number>();

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
            // The founders' SIRETs have a dossier in progress, so that their signup succeeds.
            const all: DossierStatus[] = i < FOUNDERS ? ['consultation', ...statuses] : statuses;
            for (const status of all) {
              const dossier = await createDossier(db, { siret: pool.sirets[i]!, status });
              pool.dossierIds.push(dossier.id);
            }
          }
          for (let i = 0; i < FOUNDERS; i++) {
            await runRule(db, (trx) =>
              signUpPrincipal(trx, {
                email: pool.emails[i]!,
                passwordHash: password,
                siret: pool.sirets[i]!,
                unlockCode: UNLOCK_CODE,
                clientAddress: '192.0.2.1',
              }),
            );
          }
          const log: string[] = [];
          for (const cmd of commands) {
            const outcome = await execute(db, pool, cmd, { password, codeHashes });
            log.push(`${JSON.stringify(cmd)} -> ${outcome}`);
            const key = `${cmd.kind} ${outcome.replace(/ \(.*\)$/, '')}`;
            outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
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

      // Guards the generator: were nearly all commands refused, the property would prove little.
      let total = 0;
      let committed = 0;
      for (const [key, count] of outcomes) {
        total += count;
        if (key.endsWith(' ok')) committed += count;
      }
      const summary = [...outcomes].map(([key, count]) => `${key}: ${count}`).join('\n');
      expect(committed / total, summary).toBeGreaterThan(0.25);
    },
    60_000 + NUM_RUNS * 5_000,
  );
});

/** Runs one command; returns what happened, for the log of a failing run. */
async function execute(
  db: Kysely<Database>,
  pool: Pool,
  cmd: Command,
  secrets: { password: string; codeHashes: { right: string; wrong: string } },
): Promise<string> {
  const code = (right: boolean) => (right ? UNLOCK_CODE : WRONG_UNLOCK_CODE);
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
            siret: pool.sirets[cmd.siret]!,
            unlockCode: code(cmd.rightCode),
            clientAddress: '192.0.2.1',
          }),
        ),
      );
    case 'addSiret': {
      const who = await resolveActor(db, pool, cmd.actor);
      return outcomeOf(
        await run((trx) =>
          addSiret(trx, who, {
            siret: pool.sirets[cmd.siret]!,
            unlockCode: code(cmd.rightCode),
            assignToAllSecondaries: cmd.assignToAll,
          }),
        ),
      );
    }
    case 'deleteSiret': {
      const who = await resolveActor(db, pool, cmd.actor);
      const siret = await resolveSiret(db, pool, who, cmd.siret);
      return outcomeOf(await run((trx) => deleteSiret(trx, who, { siret })));
    }
    case 'cede': {
      const who = await resolveActor(db, pool, cmd.actor);
      // Any case: e-mails are compared case-insensitively.
      const email = (await resolveEmail(db, pool, cmd.target)).toUpperCase();
      return outcomeOf(await run((trx) => cedeSirets(trx, who, { email })));
    }
    case 'addSecondary': {
      const who = await resolveActor(db, pool, cmd.actor);
      const email = pool.emails[cmd.email]!;
      const outcome = await run((trx) =>
        addSecondary(trx, who, { email: cmd.upperCase ? email.toUpperCase() : email }),
      );
      if ('ok' in outcome) pool.tokens.push(outcome.ok.invitation.token);
      return outcomeOf(outcome);
    }
    case 'accept': {
      if (pool.tokens.length === 0) return 'no link issued yet';
      // Mostly the latest link (still valid unless something happened to it), else an older one.
      const index = cmd.token % 3 === 0 ? cmd.token : pool.tokens.length - 1;
      const token = pool.tokens[index % pool.tokens.length]!;
      const now = cmd.late ? new Date(Date.now() + 8 * DAY_MS) : undefined;
      return outcomeOf(
        await run((trx) => acceptInvitation(trx, { token, passwordHash: secrets.password, now })),
      );
    }
    case 'resend': {
      const who = await resolveActor(db, pool, cmd.actor);
      const userId = await resolveUser(db, pool, who, cmd.user);
      const outcome = await run((trx) => resendInvitation(trx, who, { userId }));
      if ('ok' in outcome) pool.tokens.push(outcome.ok.invitation.token);
      return outcomeOf(outcome);
    }
    case 'revoke': {
      const who = await resolveActor(db, pool, cmd.actor);
      const userId = await resolveUser(db, pool, who, cmd.user);
      return outcomeOf(await run((trx) => revokeInvitation(trx, who, { userId })));
    }
    case 'expire': {
      const now = new Date(Date.now() + cmd.days * DAY_MS);
      return outcomeOf(await run((trx) => expireInvitations(trx, { now })));
    }
    case 'remove': {
      const who = await resolveActor(db, pool, cmd.actor);
      const userId = await resolveUser(db, pool, who, cmd.user);
      return outcomeOf(await run((trx) => removeSecondary(trx, who, { userId })));
    }
    case 'setSirets': {
      const who = await resolveActor(db, pool, cmd.actor);
      const userId = await resolveUser(db, pool, who, cmd.user);
      // Among the SIRETs of the actor's space, or among the whole pool (often foreign ones).
      const candidates = cmd.foreign ? pool.sirets : await siretsOfSpaceOf(db, who.userId);
      const sirets = candidates.filter((_, i) => (cmd.mask >> i) & 1);
      const outcome = await run((trx) => setSecondarySirets(trx, who, { userId, sirets }));
      return `${outcomeOf(outcome)} (${sirets.length} SIRETs)`;
    }
    case 'addDossier': {
      const outcome = await run((trx) =>
        addDossier(trx, pool.admin, {
          reference: uniqueReference(),
          siret: pool.sirets[cmd.siret]!,
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
      const userId = await resolveUser(db, pool, pool.admin, cmd.user);
      return outcomeOf(await run((trx) => resetUserLocks(trx, pool.admin, { userId })));
    }
  }
}

/** The latest account of a person of the pool (removed included), or an id nobody has. */
async function latestAccount(db: Kysely<Database>, email: string): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('email', '=', email)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row?.id ?? 0;
}

/** The accounts of the pool, not removed, matching a role (oldest first). */
async function poolAccounts(
  db: Kysely<Database>,
  pool: Pool,
  filter: { role?: 'principal' | 'secondary'; orgOf?: number },
): Promise<{ id: number; email: string }[]> {
  let query = db
    .selectFrom('users')
    .select(['id', 'email'])
    .where('email', 'in', pool.emails)
    .where('status', '<>', 'removed');
  if (filter.role) query = query.where('role', '=', filter.role);
  if (filter.orgOf !== undefined) {
    const orgOf = filter.orgOf;
    query = query.where('spaceId', '=', (eb) =>
      eb.selectFrom('users as me').select('me.spaceId').where('me.id', '=', orgOf),
    );
  }
  return query.orderBy('id').execute();
}

function pick<T>(items: readonly T[], n: number): T | undefined {
  return items.length === 0 ? undefined : items[n % items.length];
}

async function resolveActor(db: Kysely<Database>, pool: Pool, ref: ActorRef): Promise<Actor> {
  if (ref.by === 'admin') return pool.admin;
  if (ref.by !== 'person') {
    const role = ref.by === 'principal' ? 'principal' : undefined;
    const found = pick(await poolAccounts(db, pool, { role }), ref.n);
    if (found) return { userId: found.id };
  }
  return { userId: await latestAccount(db, pool.emails[ref.n % PEOPLE]!) };
}

async function resolveUser(
  db: Kysely<Database>,
  pool: Pool,
  actor: Actor,
  ref: UserRef,
): Promise<number> {
  if (ref.by === 'teammate') {
    const found = pick(
      await poolAccounts(db, pool, { role: 'secondary', orgOf: actor.userId }),
      ref.n,
    );
    if (found) return found.id;
  }
  return latestAccount(db, pool.emails[ref.n % PEOPLE]!);
}

async function resolveEmail(db: Kysely<Database>, pool: Pool, ref: EmailRef): Promise<string> {
  if (ref.by === 'principal') {
    const found = pick(await poolAccounts(db, pool, { role: 'principal' }), ref.n);
    if (found) return found.email;
  }
  return pool.emails[ref.n % PEOPLE]!;
}

async function resolveSiret(
  db: Kysely<Database>,
  pool: Pool,
  actor: Actor,
  ref: SiretRef,
): Promise<string> {
  const own = ref.by === 'own' ? pick(await siretsOfSpaceOf(db, actor.userId), ref.n) : undefined;
  return own ?? pool.sirets[ref.n % SIRETS]!;
}

async function siretsOfSpaceOf(db: Kysely<Database>, userId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('sirets')
    .innerJoin('users', 'users.spaceId', 'sirets.spaceId')
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
