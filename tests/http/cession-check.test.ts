/**
 * « Céder les SIRETs » checks the address before the confirmation: `POST
 * /cession/check` answers what `POST /cession` would, without ceding. Over
 * real HTTP on a real port: the principal of another space is accepted; one's
 * own address has its own refusal, not counted; every other address (a
 * secondary's, an unknown one, a support agent's, a removed principal's) gets
 * the cession's refusal and counts like a refused cession, so the check is no
 * free way of finding out who is a principal: the fifth refusal locks both.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { ERRORS } from '../../shared/errors.js';
import { MAX_FAILED_ATTEMPTS } from '../../shared/domain.js';
import { createSession } from '../../server/auth/sessions.js';
import type { Database } from '../../server/db/schema.js';
import { describeOnEachDatabase } from '../support/databases.js';
import {
  createAdmin,
  createPrincipalWithSpace,
  createSecondary,
  dumpTables,
  markUserRemoved,
  uniqueEmail,
  type SpaceFixture,
} from '../support/fixtures.js';
import { callOverHttp } from '../support/http-client.js';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.js';

describeOnEachDatabase('checking the address of a cession before confirming it', (getHandle) => {
  let server: InProcessServer;
  let db: Kysely<Database>;
  let adminToken: string;

  beforeAll(async () => {
    db = getHandle().db;
    server = await startInProcessServer(db);
    const admin = await createAdmin(db);
    adminToken = (await createSession(db, admin.user.id)).token;
  });
  afterAll(async () => {
    await server?.close();
  });

  /** What the panel reads of an answer: its status and body. */
  async function call(path: string, token: string, body?: unknown) {
    const { status, body: answer } = await callOverHttp(server.url, 'POST', `/api/v1${path}`, {
      token,
      body,
    });
    return { status, body: answer };
  }

  /** A principal with a secondary, signed in. */
  async function principal(): Promise<{ space: SpaceFixture; token: string; secondary: string }> {
    const space = await createPrincipalWithSpace(db, { sirets: 1 });
    const secondary = await createSecondary(db, space);
    const { token } = await createSession(db, space.principal.id);
    return { space, token, secondary: secondary.user.email };
  }

  const check = (token: string, email: string) => call('/cession/check', token, { email });
  const cede = (token: string, email: string) => call('/cession', token, { email });

  async function failures(space: SpaceFixture): Promise<number> {
    const row = await db
      .selectFrom('failedAttempts')
      .select('failures')
      .where('scope', '=', 'cession')
      .where('subject', '=', `space:${space.spaceId}`)
      .executeTakeFirst();
    return row?.failures ?? 0;
  }

  /** Addresses that are not the principal of another space, and whose they are. */
  async function refusedAddresses(secondaryOfCaller: string): Promise<[string, string][]> {
    const support = await createAdmin(db);
    const other = await createPrincipalWithSpace(db);
    const otherSecondary = await createSecondary(db, other);
    const removed = await createPrincipalWithSpace(db);
    await markUserRemoved(db, removed.principal.id);
    return [
      ["a secondary of one's own space", secondaryOfCaller],
      ['a secondary of another space', otherSecondary.user.email],
      ['an unknown address', uniqueEmail('inconnu')],
      ["a support agent's", support.user.email],
      ["a removed principal's", removed.principal.email],
    ];
  }

  it('accepts the principal of another space with the address as stored, and changes nothing', async () => {
    const { space, token } = await principal();
    const target = await createPrincipalWithSpace(db);
    const before = await dumpTables(db);
    const answer = await check(token, `  ${target.principal.email.toUpperCase()} `);
    expect(answer).toEqual({ status: 200, body: { email: target.principal.email } });
    expect(await dumpTables(db)).toEqual(before);
    expect(await failures(space)).toBe(0);
  });

  it("refuses one's own address in its own words, as the cession does, without ever counting it", async () => {
    const { space, token } = await principal();
    const own = space.principal.email;
    const expected = {
      status: 422,
      body: { error: { code: 'CESSION_TARGET_SELF', message: ERRORS.CESSION_TARGET_SELF.message } },
    };
    expect(ERRORS.CESSION_TARGET_SELF.message).toBe(
      "Vous ne pouvez pas céder vos SIRETs à votre propre adresse : renseignez celle d'un autre utilisateur principal.",
    );
    for (let i = 0; i <= MAX_FAILED_ATTEMPTS; i++) {
      expect(await check(token, own)).toEqual(expected);
      expect(await cede(token, own.toUpperCase())).toEqual(expected);
    }
    expect(await failures(space)).toBe(0);
    const target = await createPrincipalWithSpace(db);
    expect((await check(token, target.principal.email)).status).toBe(200);
  });

  it('refuses every other address exactly as the cession does, and counts each refusal alike', async () => {
    const checking = await principal();
    const ceding = await principal();
    const addresses = await refusedAddresses(checking.secondary);
    const cedingAddresses = await refusedAddresses(ceding.secondary);
    const before = await dumpTables(db);
    for (const [index, [who, email]] of addresses.slice(0, MAX_FAILED_ATTEMPTS - 1).entries()) {
      const checked = await check(checking.token, email);
      const ceded = await cede(ceding.token, cedingAddresses[index]![1]);
      // Each refusal tells the tries left before the lock (docs/api.md, « Errors »).
      const remaining = MAX_FAILED_ATTEMPTS - index - 1;
      expect(checked, who).toEqual({
        status: 422,
        body: {
          error: {
            code: 'CESSION_TARGET_NOT_PRINCIPAL',
            message: `${ERRORS.CESSION_TARGET_NOT_PRINCIPAL.message}. Il vous reste ${remaining} ${remaining > 1 ? 'essais' : 'essai'}.`,
            remainingAttempts: remaining,
          },
        },
      });
      expect(ceded, who).toEqual(checked);
      expect(await failures(checking.space), who).toBe(index + 1);
      expect(await failures(ceding.space), who).toBe(index + 1);
    }
    // Nothing moved: refusals change only their counters.
    expect(await dumpTables(db)).toEqual(before);
  });

  it('locks on the fifth refused address, checks and cessions counted together, until a support reset', async () => {
    const { space, token, secondary } = await principal();
    const target = await createPrincipalWithSpace(db);
    const addresses = (await refusedAddresses(secondary)).map(([, email]) => email);
    // Three refused checks and one refused cession: four refusals.
    for (const email of addresses.slice(0, 3)) expect((await check(token, email)).status).toBe(422);
    expect((await cede(token, addresses[3]!)).status).toBe(422);
    // A good address between guesses gives none of them back.
    expect((await check(token, target.principal.email)).status).toBe(200);
    expect(await failures(space)).toBe(MAX_FAILED_ATTEMPTS - 1);

    const fifth = await check(token, addresses[4]!);
    expect(fifth).toEqual({
      status: 423,
      body: { error: { code: 'LOCKED', message: ERRORS.LOCKED.message } },
    });
    for (const answer of [
      await check(token, target.principal.email),
      await cede(token, target.principal.email),
      await check(token, space.principal.email),
    ]) {
      expect(answer.status).toBe(423);
      expect(answer.body.error.code).toBe('LOCKED');
    }
    const locks = await fetch(`${server.url}/api/v1/admin/locks`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    const listed = ((await locks.json()) as { items: { scope: string; userId: number }[] }).items;
    expect(listed).toContainEqual(
      expect.objectContaining({ scope: 'cession', userId: space.principal.id }),
    );

    expect(
      (
        await call(`/admin/users/${space.principal.id}/reset`, adminToken, {
          reason: 'Appel au 3679',
        })
      ).status,
    ).toBe(204);
    expect(await check(token, target.principal.email)).toEqual({
      status: 200,
      body: { email: target.principal.email },
    });
    expect((await cede(token, target.principal.email)).status).toBe(200);
  });

  it('lets only a principal check an address, and validates it like the cession', async () => {
    const { space, token } = await principal();
    const secondary = await createSecondary(db, space);
    const secondaryToken = (await createSession(db, secondary.user.id)).token;
    const target = await createPrincipalWithSpace(db);
    expect((await check(secondaryToken, target.principal.email)).status).toBe(403);
    expect((await check(adminToken, target.principal.email)).status).toBe(403);
    expect((await check('A'.repeat(43), target.principal.email)).status).toBe(401);
    const malformed = await check(token, 'pas-une-adresse');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toBe("L'adresse e-mail n'est pas valide.");
    expect(await failures(space)).toBe(0);
  });
});
