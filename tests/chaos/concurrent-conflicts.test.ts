/**
 * A thousand conflicting commands at once, over HTTP, against two real server
 * processes on a PostgreSQL of the suite's own: crossed cessions and rings of
 * cessions, a SIRET deleted while being attributed or while its dossier goes
 * back to "Compléter dossier", a secondary removed while accepting their
 * invitation or while getting SIRETs, one SIRET claimed by several
 * principals, one e-mail invited into two spaces, invitations sent while the
 * space is ceded. Every answer is a success or a clean refusal (a known code,
 * its status, a French message), never a 500 nor a database error; each race
 * ends in one of its allowed outcomes; the domain's invariants hold.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../server/db/open-database.js';
import type { Database } from '../../server/db/schema.js';
import { tokenFor } from '../support/socket-clients.js';
import {
  createAdmin,
  createDossier,
  createPrincipalWithSpace,
  createSecondary,
  PASSWORD,
  uniqueEmail,
  UNLOCK_CODE,
  validSiret,
  WRONG_UNLOCK_CODE,
  type SpaceFixture,
} from '../support/fixtures.js';
import { checkInvariants } from '../support/invariants.js';
import {
  callApi,
  OutcomeTally,
  printSummary,
  progress,
  type ApiOutcome,
} from './support/api-outcomes.js';
import { NodeGroup } from './support/node-group.js';
import { hasPostgresBinaries, startOwnPostgres, type OwnPostgres } from './support/own-postgres.js';
import { shuffled } from '../support/shuffled.js';

const COMMANDS = 1000;

/** A space as a principal's client sees it: the fixture and a session token. */
interface Principal extends SpaceFixture {
  token: string;
}

/** A command of the batch, and the check its outcome (with its partners') must pass afterwards. */
interface Race {
  what: string;
  commands: { what: string; send: (url: string) => Promise<ApiOutcome> }[];
  check: (outcomes: ApiOutcome[]) => Promise<void>;
}

const ok = (o: ApiOutcome) => o.kind === 'ok';
const codeOf = (o: ApiOutcome) => (o.kind === 'refused' ? o.code : o.kind);

describe.skipIf(!hasPostgresBinaries())('a thousand conflicting commands at once', () => {
  let cluster: OwnPostgres | undefined;
  let handle: DatabaseHandle | undefined;
  let group: NodeGroup | undefined;

  beforeAll(async () => {
    cluster = await startOwnPostgres();
    const url = await cluster.createDatabase('qrp_conflicts');
    handle = await openDatabase({ kind: 'postgres', url, poolSize: 5 });
    // Each invited person accepts from an address of their own, as the proxy in front says.
    group = await NodeGroup.start(2, { DATABASE_URL: url, TRUST_PROXY: '127.0.0.1' });
  }, 120_000);

  afterAll(async () => {
    try {
      await group?.stopAll();
      await handle?.close();
    } finally {
      await cluster?.destroy();
    }
  }, 120_000);

  it('answers each with a success or a clean refusal, and keeps every invariant', async () => {
    const started = Date.now();
    const db = handle!.db;
    const admin = await createAdmin(db);
    const adminToken = await tokenFor(db, admin.user.id);
    const races = await prepareRaces(db, adminToken);
    const commands = races.flatMap((race, r) =>
      race.commands.map((command, k) => ({ r, k, command })),
    );
    expect(commands).toHaveLength(COMMANDS);
    progress(`${races.length} races, ${commands.length} commands ready`);

    const tally = new OutcomeTally();
    const outcomes = races.map((race) => new Array<ApiOutcome>(race.commands.length));
    const sentAt = Date.now();
    await Promise.all(
      shuffled(commands).map(async ({ r, k, command }, i) => {
        const url = group!.nodes[i % group!.nodes.length]!.url;
        outcomes[r]![k] = tally.add(command.what, await command.send(url));
      }),
    );
    const answeredMs = Date.now() - sentAt;
    progress(`answered in ${answeredMs} ms`);

    const failedChecks: string[] = [];
    for (const [r, race] of races.entries()) {
      try {
        await race.check(outcomes[r]!);
      } catch (error) {
        failedChecks.push(`${race.what}: ${(error as Error).message.slice(0, 300)}`);
      }
    }
    const violations = await checkInvariants(db);

    printSummary({
      suite: 'concurrent-conflicts',
      commands: commands.length,
      races: races.length,
      committed: tally.ok,
      refused: tally.refusedTotal,
      refusedByCode: tally.refused,
      wrongAnswers: tally.wrong.length,
      networkFailures: tally.network,
      racesWithWrongOutcome: failedChecks.length,
      invariantViolations: violations.length,
      answeredMs,
      durationMs: Date.now() - started,
    });
    expect(tally.wrong).toEqual([]);
    expect(tally.network).toBe(0);
    expect(failedChecks).toEqual([]);
    expect(violations).toEqual([]);
    expect(group!.crashes).toEqual([]);
  }, 300_000);

  function principalCall(principal: Principal, method: string, path: string, body?: unknown) {
    return (url: string) => callApi(url, principal.token, method, path, body, 120_000);
  }

  async function principalWithSpace(db: Kysely<Database>, sirets = 2): Promise<Principal> {
    const space = await createPrincipalWithSpace(db, { sirets });
    return { ...space, token: await tokenFor(db, space.principal.id) };
  }

  async function siretOwner(db: Kysely<Database>, siret: string): Promise<number | undefined> {
    const row = await db
      .selectFrom('sirets')
      .select('spaceId')
      .where('siret', '=', siret)
      .executeTakeFirst();
    return row?.spaceId;
  }

  async function prepareRaces(db: Kysely<Database>, adminToken: string): Promise<Race[]> {
    const races: Race[] = [];
    const expectOneOf = (outcome: ApiOutcome, allowed: string[], what: string) => {
      if (!allowed.includes(codeOf(outcome))) {
        throw new Error(`${what}: ${codeOf(outcome)} not in ${allowed.join(', ')}`);
      }
    };

    // Crossed cessions, each principal also attributing SIRETs meanwhile: 40 × 4.
    for (let i = 0; i < 40; i++) {
      const [a, b] = [await principalWithSpace(db), await principalWithSpace(db)];
      const holderA = await createSecondary(db, a, { sirets: [a.sirets[0]!] });
      const holderB = await createSecondary(db, b, { sirets: [b.sirets[0]!] });
      await createSecondary(db, a, { status: 'pending' });
      races.push({
        what: 'crossed cession',
        commands: [
          {
            what: 'POST /cession',
            send: principalCall(a, 'POST', '/cession', { email: b.principal.email }),
          },
          {
            what: 'POST /cession',
            send: principalCall(b, 'POST', '/cession', { email: a.principal.email }),
          },
          {
            what: 'PUT /secondaries/:id/sirets',
            send: principalCall(a, 'PUT', `/secondaries/${holderA.user.id}/sirets`, {
              sirets: a.sirets,
            }),
          },
          {
            what: 'PUT /secondaries/:id/sirets',
            send: principalCall(b, 'PUT', `/secondaries/${holderB.user.id}/sirets`, {
              sirets: b.sirets,
            }),
          },
        ],
        async check([aToB, bToA, setA, setB]) {
          if ([aToB!, bToA!].filter(ok).length !== 1) {
            throw new Error(`cessions: ${codeOf(aToB!)}, ${codeOf(bToA!)}`);
          }
          expectOneOf(
            ok(aToB!) ? bToA! : aToB!,
            ['CESSION_TARGET_NOT_PRINCIPAL', 'FORBIDDEN'],
            'loser',
          );
          const [from, to] = ok(aToB!) ? [a, b] : [b, a];
          for (const siret of [...from.sirets, ...to.sirets]) {
            if ((await siretOwner(db, siret)) !== to.spaceId)
              throw new Error(`${siret} not with the winner`);
          }
          // A principal turned secondary mid-request is refused, never half-served.
          for (const set of [setA!, setB!]) expectOneOf(set, ['ok', 'FORBIDDEN'], 'attribution');
        },
      });
    }

    // Rings of three cessions: 15 × 3.
    for (let i = 0; i < 15; i++) {
      const ring = [
        await principalWithSpace(db),
        await principalWithSpace(db),
        await principalWithSpace(db),
      ];
      races.push({
        what: 'ring of cessions',
        commands: ring.map((space, j) => ({
          what: 'POST /cession',
          send: principalCall(space, 'POST', '/cession', {
            email: ring[(j + 1) % 3]!.principal.email,
          }),
        })),
        async check(outcomes) {
          const won = outcomes.filter(ok).length;
          if (won < 1 || won > 2) throw new Error(`${won} cessions of a ring won`);
          for (const o of outcomes.filter((x) => !ok(x))) {
            expectOneOf(o, ['CESSION_TARGET_NOT_PRINCIPAL', 'FORBIDDEN'], 'ring loser');
          }
        },
      });
    }

    // A SIRET deleted while attributed: 70 × 2.
    for (let i = 0; i < 70; i++) {
      const space = await principalWithSpace(db);
      const secondary = await createSecondary(db, space);
      const siret = space.sirets[0]!;
      races.push({
        what: 'delete SIRET vs attribute it',
        commands: [
          {
            what: 'DELETE /sirets/:siret',
            send: principalCall(space, 'DELETE', `/sirets/${siret}`),
          },
          {
            what: 'PUT /secondaries/:id/sirets',
            send: principalCall(space, 'PUT', `/secondaries/${secondary.user.id}/sirets`, {
              sirets: space.sirets,
            }),
          },
        ],
        async check([deletion, attribution]) {
          expectOneOf(deletion!, ['ok'], 'deletion');
          expectOneOf(attribution!, ['ok', 'SIRET_NOT_IN_SPACE'], 'attribution');
          const left = await db
            .selectFrom('attributions')
            .select('siret')
            .where('userId', '=', secondary.user.id)
            .execute();
          if (left.some((row) => row.siret === siret))
            throw new Error('attribution of a deleted SIRET');
        },
      });
    }

    // A secondary removed while accepting their invitation: 50 × 2.
    for (let i = 0; i < 50; i++) {
      const space = await principalWithSpace(db, 1);
      const pending = await createSecondary(db, space, { status: 'pending' });
      races.push({
        what: 'remove secondary vs accept invitation',
        commands: [
          {
            what: 'DELETE /secondaries/:id',
            send: principalCall(space, 'DELETE', `/secondaries/${pending.user.id}`),
          },
          {
            what: 'POST /invitations/:token/accept',
            send: (url) =>
              callApi(
                url,
                '',
                'POST',
                `/invitations/${pending.token}/accept`,
                { password: PASSWORD },
                120_000,
                { 'x-forwarded-for': `198.51.100.${i + 1}` },
              ),
          },
        ],
        async check([removal, acceptance]) {
          expectOneOf(removal!, ['ok'], 'removal');
          expectOneOf(acceptance!, ['ok', 'INVITATION_INVALID'], 'acceptance');
          const user = await db
            .selectFrom('users')
            .select('status')
            .where('id', '=', pending.user.id)
            .executeTakeFirstOrThrow();
          if (user.status !== 'removed') throw new Error(`removed secondary is ${user.status}`);
        },
      });
    }

    // One SIRET claimed by five principals at once, one of them with a wrong code: 25 × 5.
    for (let i = 0; i < 25; i++) {
      const siret = validSiret();
      await createDossier(db, { siret, status: 'consultation' });
      const claimants: Principal[] = [];
      for (let k = 0; k < 5; k++) claimants.push(await principalWithSpace(db, 1));
      races.push({
        what: 'one SIRET, five claimants',
        commands: claimants.map((space, k) => ({
          what: 'POST /sirets',
          send: principalCall(space, 'POST', '/sirets', {
            siret,
            unlockCode: k === 4 ? WRONG_UNLOCK_CODE : UNLOCK_CODE,
            assignToAllSecondaries: k % 2 === 0,
          }),
        })),
        async check(outcomes) {
          const winners = outcomes.flatMap((o, k) => (ok(o) ? [k] : []));
          if (winners.length !== 1 || winners[0] === 4)
            throw new Error(`winners ${winners.join(',')}`);
          outcomes.forEach((o, k) => {
            if (!ok(o)) {
              expectOneOf(
                o,
                k === 4
                  ? ['SIRET_UNLOCK_CODE_INVALID', 'SIRET_ALREADY_MANAGED']
                  : ['SIRET_ALREADY_MANAGED'],
                'claim',
              );
            }
          });
          if ((await siretOwner(db, siret)) !== claimants[winners[0]!]!.spaceId)
            throw new Error('owner');
        },
      });
    }

    // One e-mail invited into two spaces: 50 × 2.
    for (let i = 0; i < 50; i++) {
      const [a, b] = [await principalWithSpace(db, 1), await principalWithSpace(db, 1)];
      const email = uniqueEmail('disputed');
      races.push({
        what: 'same e-mail in two spaces',
        commands: [
          { what: 'POST /secondaries', send: principalCall(a, 'POST', '/secondaries', { email }) },
          {
            what: 'POST /secondaries',
            send: principalCall(b, 'POST', '/secondaries', { email: email.toUpperCase() }),
          },
        ],
        async check(outcomes) {
          if (outcomes.filter(ok).length !== 1) throw new Error(outcomes.map(codeOf).join(', '));
          expectOneOf(
            outcomes.find((o) => !ok(o))!,
            ['EMAIL_ALREADY_USED'],
            'second invitation',
          );
        },
      });
    }

    // A SIRET deleted while its dossier goes back to "Compléter dossier": 60 × 2.
    for (let i = 0; i < 60; i++) {
      const space = await principalWithSpace(db, 1);
      const siret = space.sirets[0]!;
      const dossierId = space.dossiers[0]!.id;
      races.push({
        what: 'delete SIRET vs dossier back to completer_dossier',
        commands: [
          {
            what: 'DELETE /sirets/:siret',
            send: principalCall(space, 'DELETE', `/sirets/${siret}`),
          },
          {
            what: 'PATCH /admin/dossiers/:id',
            send: (url) =>
              callApi(
                url,
                adminToken,
                'PATCH',
                `/admin/dossiers/${dossierId}`,
                { status: 'completer_dossier' },
                120_000,
              ),
          },
        ],
        async check([deletion, change]) {
          expectOneOf(change!, ['ok'], 'status change');
          expectOneOf(deletion!, ['ok', 'SIRET_DELETE_NOT_ALLOWED'], 'deletion');
          const owner = await siretOwner(db, siret);
          if (ok(deletion!) !== (owner === undefined))
            throw new Error(`deleted ${ok(deletion!)}, owner ${owner}`);
        },
      });
    }

    // A secondary removed while getting SIRETs: 60 × 2.
    for (let i = 0; i < 60; i++) {
      const space = await principalWithSpace(db, 2);
      const secondary = await createSecondary(db, space, { sirets: [space.sirets[0]!] });
      races.push({
        what: 'remove secondary vs attribute to them',
        commands: [
          {
            what: 'DELETE /secondaries/:id',
            send: principalCall(space, 'DELETE', `/secondaries/${secondary.user.id}`),
          },
          {
            what: 'PUT /secondaries/:id/sirets',
            send: principalCall(space, 'PUT', `/secondaries/${secondary.user.id}/sirets`, {
              sirets: space.sirets,
            }),
          },
        ],
        async check([removal, attribution]) {
          expectOneOf(removal!, ['ok'], 'removal');
          expectOneOf(attribution!, ['ok', 'NOT_FOUND'], 'attribution');
        },
      });
    }

    // Invitations sent while the space is ceded: 45 × 2.
    for (let i = 0; i < 45; i++) {
      const [a, b] = [await principalWithSpace(db, 1), await principalWithSpace(db, 1)];
      const email = uniqueEmail('during');
      races.push({
        what: 'invite vs cede',
        commands: [
          {
            what: 'POST /cession',
            send: principalCall(a, 'POST', '/cession', { email: b.principal.email }),
          },
          { what: 'POST /secondaries', send: principalCall(a, 'POST', '/secondaries', { email }) },
        ],
        async check([cession, invitation]) {
          expectOneOf(cession!, ['ok'], 'cession');
          expectOneOf(invitation!, ['ok', 'FORBIDDEN'], 'invitation');
          if (ok(invitation!)) {
            // Invited first, then moved with the space.
            const user = await db
              .selectFrom('users')
              .select('spaceId')
              .where('email', '=', email)
              .executeTakeFirstOrThrow();
            if (user.spaceId !== b.spaceId) throw new Error('the invited secondary stayed behind');
          }
        },
      });
    }
    return races;
  }
});
