/**
 * A cession put back, over real HTTP as the panels call it: the cession's
 * answer names its record; support finds it by either principal's e-mail with
 * what an undo would leave behind, and must give a reason; a partial undo is
 * named and then confirmed; the receiver refuses their own cession only.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ERRORS } from '../../shared/errors.js';
import { formatSiret } from '../../shared/siret.js';
import { createSession } from '../../server/auth/sessions.js';
import type { Database } from '../../server/db/schema.js';
import { describeOnEachDatabase } from '../support/databases.js';
import {
  createAdmin,
  createPrincipalWithSpace,
  createSecondary,
  dumpTables,
} from '../support/fixtures.js';
import { callOverHttp } from '../support/http-client.js';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.js';

describeOnEachDatabase('putting a cession back over HTTP', (getHandle) => {
  let server: InProcessServer;
  let db: Kysely<Database>;
  let agentToken: string;
  let agentEmail: string;

  beforeAll(async () => {
    db = getHandle().db;
    server = await startInProcessServer(db);
    const agent = await createAdmin(db);
    agentEmail = agent.user.email;
    agentToken = (await createSession(db, agent.user.id)).token;
  });
  afterAll(async () => {
    await server?.close();
  });

  function call(method: string, path: string, token: string, body?: unknown) {
    return callOverHttp(server.url, method, `/api/v1${path}`, { token, body });
  }

  async function cededSpace() {
    const from = await createPrincipalWithSpace(db, { sirets: 2 });
    const to = await createPrincipalWithSpace(db);
    const holder = await createSecondary(db, from, { sirets: [from.sirets[0]!] });
    const tokens = {
      from: (await createSession(db, from.principal.id)).token,
      to: (await createSession(db, to.principal.id)).token,
    };
    const ceded = await call('POST', '/cession', tokens.from, { email: to.principal.email });
    expect(ceded.status).toBe(200);
    expect(ceded.body).toMatchObject({
      cessionId: expect.any(Number),
      user: { role: 'secondary', spaceId: to.spaceId },
    });
    return { from, to, holder, tokens, cessionId: ceded.body.cessionId as number };
  }

  it('asks support for a reason, and changes nothing without one', async () => {
    const { to, holder, cessionId } = await cededSpace();
    const before = await dumpTables(db);
    for (const [path, body] of [
      [`/admin/cessions/${cessionId}/undo`, {}],
      [`/admin/cessions/${cessionId}/undo`, { reason: '   ' }],
      [`/admin/cessions/${cessionId}/undo`, { reason: 'x'.repeat(501) }],
      [`/admin/cessions/${cessionId}/undo`, { reason: 'Erreur', confirmPartial: 'oui' }],
      [`/admin/spaces/${to.spaceId}/principal`, { userId: holder.user.id }],
      [`/admin/spaces/${to.spaceId}/principal`, { userId: holder.user.id, reason: '' }],
      [`/admin/spaces/${to.spaceId}/principal`, { userId: 2 ** 40, reason: 'Départ' }],
    ] as const) {
      const res = await call('POST', path, agentToken, body);
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.message).toMatch(/motif|identifiant|confirmPartial/i);
    }
    expect(await dumpTables(db)).toEqual(before);
  });

  it('shows support what cannot come back, names it on a partial undo, then does the rest once confirmed', async () => {
    const { from, to, tokens, cessionId } = await cededSpace();
    expect((await call('DELETE', `/sirets/${from.sirets[1]}`, tokens.to)).status).toBe(204);

    const listed = await call(
      'GET',
      `/admin/cessions?email=${encodeURIComponent(from.principal.email.toUpperCase())}`,
      agentToken,
    );
    expect(listed.status).toBe(200);
    expect(listed.body.cessions).toEqual([
      expect.objectContaining({
        id: cessionId,
        fromPrincipalEmail: from.principal.email,
        toPrincipalEmail: to.principal.email,
        sirets: from.sirets,
        secondaryCount: 1,
        revertedAt: null,
        revert: {
          possible: true,
          blockedBy: null,
          missingSirets: [from.sirets[1]],
          missingMembers: [],
        },
      }),
    ]);

    const before = await dumpTables(db);
    const partial = await call('POST', `/admin/cessions/${cessionId}/undo`, agentToken, {
      reason: 'Cédé à la mauvaise adresse',
    });
    expect(partial.status).toBe(409);
    expect(partial.body.error.code).toBe('CESSION_REVERT_PARTIAL');
    expect(partial.body.error.message).toBe(
      `Ne peuvent pas revenir : le SIRET ${formatSiret(from.sirets[1]!)} (supprimé ou cédé depuis). Confirmez pour rétablir tout le reste.`,
    );
    expect(await dumpTables(db)).toEqual(before);

    const done = await call('POST', `/admin/cessions/${cessionId}/undo`, agentToken, {
      reason: 'Cédé à la mauvaise adresse',
      confirmPartial: true,
    });
    expect(done.status).toBe(204);
    const after = await call('GET', `/admin/cessions?email=${to.principal.email}`, agentToken);
    expect(after.body.cessions[0]).toMatchObject({
      id: cessionId,
      revertedHow: 'undone',
      revertedByEmail: agentEmail,
      reason: 'Cédé à la mauvaise adresse',
      revert: null,
    });
    // The former principal is principal again: their own token opens their space.
    const me = await call('GET', '/me', tokens.from);
    expect(me.body.user).toMatchObject({ role: 'principal', spaceId: from.spaceId });

    const again = await call('POST', `/admin/cessions/${cessionId}/undo`, agentToken, {
      reason: 'Encore',
      confirmPartial: true,
    });
    expect(again.status).toBe(409);
    expect(again.body.error).toEqual({
      code: 'CESSION_ALREADY_REVERTED',
      message: ERRORS.CESSION_ALREADY_REVERTED.message,
    });
  });

  it('lets the receiver refuse their own cession, and no other principal', async () => {
    const { from, tokens, cessionId } = await cededSpace();
    const stranger = await createPrincipalWithSpace(db);
    const strangerToken = (await createSession(db, stranger.principal.id)).token;
    const before = await dumpTables(db);
    const refused = await call('POST', `/cessions/${cessionId}/refuse`, strangerToken, {});
    expect(refused.status).toBe(404);
    expect(refused.body.error.code).toBe('NOT_FOUND');
    expect(await dumpTables(db)).toEqual(before);

    expect((await call('POST', `/cessions/${cessionId}/refuse`, tokens.to, {})).status).toBe(204);
    const me = await call('GET', '/me', tokens.from);
    expect(me.body.user).toMatchObject({ role: 'principal', spaceId: from.spaceId });
  });
});
