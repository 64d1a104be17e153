/**
 * Support's acts on a space's invitation, on both databases (docs/domain.md
 * rule 4, « Support acts »): resent or revoked as the principal would, told
 * live to the principal's socket with the support as actor (no name, no
 * reason) and to the support's with the agent and the reason; kept in the
 * history; refused without a reason, changing nothing.
 */
import type { Kysely } from 'kysely';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createSession } from '../../server/auth/sessions.js';
import type { Database } from '../../server/db/schema.js';
import { describeOnEachDatabase } from '../support/databases.js';
import {
  createAdmin,
  createPrincipalWithSpace,
  createSecondary,
  dumpTables,
  type SpaceFixture,
} from '../support/fixtures.js';
import { callOverHttp } from '../support/http-client.js';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.js';
import { TestClient } from '../support/socket-clients.js';

describeOnEachDatabase('support acts on invitations', (getHandle) => {
  let server: InProcessServer;
  let db: Kysely<Database>;
  const opened: TestClient[] = [];

  beforeAll(async () => {
    db = getHandle().db;
    server = await startInProcessServer(db);
  });
  afterAll(async () => {
    await server?.close();
  });
  afterEach(() => {
    for (const client of opened.splice(0)) client.close();
  });

  const call = (method: string, path: string, token: string | null, body?: unknown) =>
    callOverHttp(server.url, method, `/api/v1${path}`, { token, body });

  async function connect(userId: number): Promise<{ token: string; client: TestClient }> {
    const { token } = await createSession(db, userId);
    const client = await TestClient.connect(server.url, token);
    opened.push(client);
    return { token, client };
  }

  async function world() {
    const space: SpaceFixture = await createPrincipalWithSpace(db);
    const pending = await createSecondary(db, space, { status: 'pending' });
    const { user: agent } = await createAdmin(db);
    const principal = await connect(space.principal.id);
    const support = await connect(agent.id);
    return { space, pending, agent, principal, support };
  }

  it('resends an invitation: a new link in the principal’s name, told live to the principal', async () => {
    const { space, pending, agent, principal, support } = await world();
    const answer = await call(
      'POST',
      `/admin/invitations/${pending.invitation!.id}/resend`,
      support.token,
      { reason: 'Lien perdu, appel au 3679' },
    );
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toEqual({ expiresAt: expect.any(String), mailSent: true });

    const revoked = await principal.client.nextOfType('invitation.revoked');
    const created = await principal.client.nextOfType('invitation.created');
    expect(revoked.data).toEqual({ invitationId: pending.invitation!.id, userId: pending.user.id });
    expect(created.data.invitation).toMatchObject({
      userId: pending.user.id,
      email: pending.user.email,
      invitedBy: space.principal.email,
      status: 'pending',
    });
    // Members see « le support », never which agent nor why.
    expect(created.actor).toEqual({ id: null, email: null, role: 'support' });
    const seenBySupport = await support.client.nextOfType('invitation.created');
    expect(seenBySupport.actor).toEqual({
      id: agent.id,
      email: agent.email,
      role: 'support',
      reason: 'Lien perdu, appel au 3679',
    });

    // The old link stops working, the new one works.
    expect((await call('GET', `/invitations/${pending.token}`, null)).status).toBe(410);
    const link = server.http.invitationLink(pending.user.email);
    const accepted = await call('POST', `/invitations/${link.split('/').at(-1)}/accept`, null, {
      password: 'un-mot-de-passe-secondaire',
    });
    expect(accepted.status, accepted.text).toBe(200);

    // Once active, there is nothing to resend.
    const again = await call(
      'POST',
      `/admin/invitations/${pending.invitation!.id}/resend`,
      support.token,
      { reason: 'Encore' },
    );
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CONFLICT');
  });

  it('revokes a pending invitation, told live to the principal; a link no longer pending is not found', async () => {
    const { pending, agent, principal, support } = await world();
    const answer = await call(
      'POST',
      `/admin/invitations/${pending.invitation!.id}/revoke`,
      support.token,
      { reason: 'Adresse erronée' },
    );
    expect(answer.status, answer.text).toBe(204);
    const revoked = await principal.client.nextOfType('invitation.revoked');
    expect(revoked.data).toEqual({ invitationId: pending.invitation!.id, userId: pending.user.id });
    expect(revoked.actor).toEqual({ id: null, email: null, role: 'support' });
    const seenBySupport = await support.client.nextOfType('invitation.revoked');
    expect(seenBySupport.actor).toMatchObject({ id: agent.id, reason: 'Adresse erronée' });

    const accept = await call('POST', `/invitations/${pending.token}/accept`, null, {
      password: 'un-mot-de-passe-secondaire',
    });
    expect(accept.body.error.code).toBe('INVITATION_INVALID');
    const team = await call('GET', '/team', principal.token);
    expect(team.body.items).toContainEqual(
      expect.objectContaining({ id: pending.user.id, status: 'pending' }),
    );

    const before = await dumpTables(db);
    const twice = await call(
      'POST',
      `/admin/invitations/${pending.invitation!.id}/revoke`,
      support.token,
      { reason: 'Encore' },
    );
    expect(twice.status).toBe(404);
    expect(
      (await call('POST', '/admin/invitations/999999999/resend', support.token, { reason: 'x' }))
        .status,
    ).toBe(404);
    expect(await dumpTables(db)).toEqual(before);
  });

  it('keeps both acts in the history, with the agent and the reason for support only', async () => {
    const { pending, agent, principal, support } = await world();
    await call('POST', `/admin/invitations/${pending.invitation!.id}/resend`, support.token, {
      reason: 'Relance demandée',
    });
    const created = await principal.client.nextOfType('invitation.created');
    await call('POST', `/admin/invitations/${created.data.invitation.id}/revoke`, support.token, {
      reason: 'Demande du principal',
    });

    const history = await call(
      'GET',
      `/admin/history?email=${encodeURIComponent(pending.user.email)}`,
      support.token,
    );
    expect(history.status, history.text).toBe(200);
    const texts = (history.body.entries as { actor: unknown; text: string }[]).map((e) => [
      e.actor,
      e.text,
    ]);
    expect(texts.slice(0, 3)).toEqual([
      [
        { email: agent.email, role: 'support' },
        `${agent.email} a annulé l’invitation de ${pending.user.email} (motif : Demande du principal)`,
      ],
      [
        { email: agent.email, role: 'support' },
        `${agent.email} a invité ${pending.user.email} (motif : Relance demandée)`,
      ],
      [
        { email: agent.email, role: 'support' },
        `${agent.email} a annulé l’invitation de ${pending.user.email} (motif : Relance demandée)`,
      ],
    ]);
    const own = await call('GET', '/history', principal.token);
    const ownTexts = (own.body.entries as { text: string }[]).map((e) => e.text);
    expect(ownTexts[0]).toBe(`Le support QRP a annulé l’invitation de ${pending.user.email}`);
    expect(ownTexts.join('\n')).not.toContain('motif');
    expect(ownTexts.join('\n')).not.toContain(agent.email);
  });

  it('refuses a missing or blank reason with 400, changing nothing', async () => {
    const { pending, support, principal } = await world();
    const before = await dumpTables(db);
    for (const act of ['resend', 'revoke']) {
      for (const body of [{}, { reason: '' }, { reason: '   ' }, undefined]) {
        const answer = await call(
          'POST',
          `/admin/invitations/${pending.invitation!.id}/${act}`,
          support.token,
          body,
        );
        expect(answer.status, `${act} ${JSON.stringify(body)}`).toBe(400);
        expect(answer.body.error.code).toBe('VALIDATION_FAILED');
      }
    }
    const refused = await call(
      'POST',
      `/admin/invitations/${pending.invitation!.id}/revoke`,
      principal.token,
      { reason: 'Pas à moi' },
    );
    expect(refused.status).toBe(403);
    expect(await dumpTables(db)).toEqual(before);
    await principal.client.barrier();
    expect(principal.client.stored).toEqual([]);
  });
});
