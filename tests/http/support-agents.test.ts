/**
 * Support accounts over real HTTP on a real port, on both databases
 * (docs/domain.md, « Support accounts »): an agent creates another, whose
 * e-mailed link lets them choose a password on the invitation page and sign
 * in as support; an address already held is refused; deactivation closes the
 * agent's live socket and their next request gets 401; nobody deactivates
 * themselves or the last active agent; each act shows in the support history
 * with the acting agent and their reason; a missing or blank reason is refused
 * and changes nothing.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSession } from '../../server/auth/sessions.js';
import type { Database } from '../../server/db/schema.js';
import { describeOnEachDatabase } from '../support/databases.js';
import {
  createAdmin,
  createPrincipalWithSpace,
  dumpTables,
  uniqueEmail,
} from '../support/fixtures.js';
import { callOverHttp, signInOverHttp } from '../support/http-client.js';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.js';
import { TestClient } from '../support/socket-clients.js';

const NEW_PASSWORD = 'un-mot-de-passe-support';

describeOnEachDatabase('support accounts', (getHandle) => {
  let server: InProcessServer;
  let db: Kysely<Database>;

  beforeAll(async () => {
    db = getHandle().db;
    server = await startInProcessServer(db);
  });
  afterAll(async () => {
    await server?.close();
  });

  const call = (method: string, path: string, token: string | null, body?: unknown) =>
    callOverHttp(server.url, method, `/api/v1${path}`, { token, body });

  async function agentWithSession() {
    const { user } = await createAdmin(db);
    const { token } = await createSession(db, user.id);
    return { user, token };
  }

  async function agentsOf(token: string): Promise<{ id: number; email: string; status: string }[]> {
    const answer = await call('GET', '/admin/agents', token);
    expect(answer.status).toBe(200);
    return answer.body.items;
  }

  it('creates an agent whose e-mailed link lets them choose a password and sign in as support', async () => {
    const creator = await agentWithSession();
    const email = uniqueEmail('agent');

    const created = await call('POST', '/admin/agents', creator.token, {
      email: email.toUpperCase(),
      reason: 'Renfort du 3679 pour la campagne',
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toEqual({
      agent: { id: expect.any(Number), email, status: 'pending', createdAt: expect.any(String) },
      mailSent: true,
    });
    const agentId = created.body.agent.id as number;
    expect(await agentsOf(creator.token)).toContainEqual(
      expect.objectContaining({ id: agentId, email, status: 'pending' }),
    );

    // No password yet: the account cannot sign in.
    const early = await call('POST', '/auth/login', null, { email, password: NEW_PASSWORD });
    expect(early.status).toBe(401);

    const link = server.http.invitationLink(email);
    const mail = server.http.mails().findLast((m) => m.text.includes(`To: ${email}`))!;
    expect(mail.text).toContain('compte du support');
    const token = link.split('/').at(-1)!;
    const preview = await call('GET', `/invitations/${token}`, null);
    expect(preview.status).toBe(200);
    expect(preview.body).toEqual({
      email,
      invitedBy: creator.user.email,
      expiresAt: expect.any(String),
    });
    const days = (Date.parse(preview.body.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThanOrEqual(7);
    // The link's token is never stored in clear.
    const stored = await db
      .selectFrom('agentInvitations')
      .selectAll()
      .where('userId', '=', agentId)
      .execute();
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(token);

    const page = await callOverHttp(server.url, 'GET', `/invitations/${token}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Activer votre compte support (3679)');
    const accepted = await callOverHttp(server.url, 'POST', `/invitations/${token}`, {
      form: true,
      body: { password: NEW_PASSWORD, confirmation: NEW_PASSWORD },
    });
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.text).toContain('est maintenant « Actif »');

    const session = await signInOverHttp(server.url, email, NEW_PASSWORD);
    const me = await call('GET', '/me', session);
    expect(me.body.user).toMatchObject({
      id: agentId,
      role: 'admin',
      status: 'active',
      isAdmin: true,
    });
    expect((await call('GET', '/admin/locks', session)).status).toBe(200);
    expect(await agentsOf(creator.token)).toContainEqual(
      expect.objectContaining({ id: agentId, status: 'active' }),
    );
    // A link serves once.
    expect((await call('GET', `/invitations/${token}`, null)).status).toBe(410);
    const again = await call('POST', `/invitations/${token}/accept`, null, {
      password: NEW_PASSWORD,
    });
    expect(again.status).toBe(410);
    expect(again.body.error.code).toBe('INVITATION_INVALID');
  });

  it('refuses an address already used by a member or an agent, changing nothing', async () => {
    const creator = await agentWithSession();
    const space = await createPrincipalWithSpace(db);
    const before = await dumpTables(db);
    for (const email of [space.principal.email, creator.user.email.toUpperCase()]) {
      const answer = await call('POST', '/admin/agents', creator.token, {
        email,
        reason: 'Renfort',
      });
      expect(answer.status, email).toBe(409);
      expect(answer.body.error).toEqual({
        code: 'EMAIL_ALREADY_USED',
        message:
          'Cette adresse e-mail est déjà utilisée par un compte Questionnaires Risques Professionnels.',
      });
    }
    expect(await dumpTables(db)).toEqual(before);
  });

  it('ends a deactivated agent’s live socket at once; their next request gets 401', async () => {
    const boss = await agentWithSession();
    const leaving = await agentWithSession();
    const client = await TestClient.connect(server.url, leaving.token);
    const watcher = await TestClient.connect(server.url, boss.token);
    try {
      const answer = await call('POST', `/admin/agents/${leaving.user.id}/deactivate`, boss.token, {
        reason: 'Départ du service',
      });
      expect(answer.status, answer.text).toBe(204);
      await client.disconnected();
      expect(client.ofType('session.revoked')).toEqual([
        { id: 0, type: 'session.revoked', at: expect.any(String), data: { reason: 'removed' } },
      ]);
      const seen = await watcher.nextOfType('agent.deactivated');
      expect(seen.data).toEqual({ userId: leaving.user.id });
      expect(seen.actor).toEqual({
        id: boss.user.id,
        email: boss.user.email,
        role: 'support',
        reason: 'Départ du service',
      });
      const next = await call('GET', '/admin/agents', leaving.token);
      expect(next.status).toBe(401);
      expect(next.body.error.code).toBe('UNAUTHENTICATED');
      const login = await call('POST', '/auth/login', null, {
        email: leaving.user.email,
        password: 'mot-de-passe-de-test',
      });
      expect(login.status).toBe(401);
      expect(await agentsOf(boss.token)).toContainEqual(
        expect.objectContaining({ id: leaving.user.id, status: 'removed' }),
      );
      // Already deactivated: nothing left to deactivate.
      const twice = await call('POST', `/admin/agents/${leaving.user.id}/deactivate`, boss.token, {
        reason: 'Encore',
      });
      expect(twice.status).toBe(404);
    } finally {
      client.close();
      watcher.close();
    }
  });

  it('deactivates a pending agent: their link stops working', async () => {
    const boss = await agentWithSession();
    const email = uniqueEmail('agent');
    const created = await call('POST', '/admin/agents', boss.token, { email, reason: 'Essai' });
    const token = server.http.invitationLink(email).split('/').at(-1)!;
    const answer = await call(
      'POST',
      `/admin/agents/${created.body.agent.id}/deactivate`,
      boss.token,
      {
        reason: 'Créé par erreur',
      },
    );
    expect(answer.status).toBe(204);
    expect((await call('GET', `/invitations/${token}`, null)).status).toBe(410);
    const accept = await call('POST', `/invitations/${token}/accept`, null, {
      password: NEW_PASSWORD,
    });
    expect(accept.body.error.code).toBe('INVITATION_INVALID');
  });

  it('refuses the last active agent’s deactivation, then one’s own, changing nothing', async () => {
    const last = await agentWithSession();
    // Every other active agent goes first, so that `last` is the only one left.
    for (const agent of await agentsOf(last.token)) {
      if (agent.id === last.user.id || agent.status === 'removed') continue;
      const answer = await call('POST', `/admin/agents/${agent.id}/deactivate`, last.token, {
        reason: 'Ménage avant le test',
      });
      expect(answer.status, answer.text).toBe(204);
    }
    let before = await dumpTables(db);
    const alone = await call('POST', `/admin/agents/${last.user.id}/deactivate`, last.token, {
      reason: 'Je pars',
    });
    expect(alone.status).toBe(409);
    expect(alone.body.error).toEqual({
      code: 'LAST_ACTIVE_AGENT',
      message:
        'Ce compte est le dernier compte support actif : créez et activez un autre agent avant de le désactiver.',
    });
    expect(await dumpTables(db)).toEqual(before);

    // A pending agent does not count as active: still the last one.
    await call('POST', '/admin/agents', last.token, {
      email: uniqueEmail('agent'),
      reason: 'Renfort',
    });
    before = await dumpTables(db);
    const stillAlone = await call('POST', `/admin/agents/${last.user.id}/deactivate`, last.token, {
      reason: 'Je pars',
    });
    expect(stillAlone.body.error.code).toBe('LAST_ACTIVE_AGENT');
    expect(await dumpTables(db)).toEqual(before);

    await createAdmin(db);
    before = await dumpTables(db);
    const self = await call('POST', `/admin/agents/${last.user.id}/deactivate`, last.token, {
      reason: 'Je pars',
    });
    expect(self.status).toBe(409);
    expect(self.body.error).toEqual({
      code: 'AGENT_SELF_DEACTIVATION',
      message:
        'Vous ne pouvez pas désactiver votre propre compte support : demandez-le à un autre agent.',
    });
    expect(await dumpTables(db)).toEqual(before);
    expect((await call('GET', '/me', last.token)).status).toBe(200);
  });

  it('shows each act in the support history with the acting agent and the reason', async () => {
    const boss = await agentWithSession();
    const email = uniqueEmail('agent');
    const created = await call('POST', '/admin/agents', boss.token, {
      email,
      reason: 'Renfort du lundi',
    });
    const token = server.http.invitationLink(email).split('/').at(-1)!;
    await call('POST', `/invitations/${token}/accept`, null, { password: NEW_PASSWORD });
    const agentId = created.body.agent.id as number;
    await call('POST', `/admin/agents/${agentId}/deactivate`, boss.token, {
      reason: 'Fin de mission',
    });

    const history = await call(
      'GET',
      `/admin/history?email=${encodeURIComponent(email)}`,
      boss.token,
    );
    expect(history.status, history.text).toBe(200);
    const entries = history.body.entries as { type: string; actor: unknown; text: string }[];
    expect(entries.map((e) => [e.type, e.actor, e.text])).toEqual([
      [
        'agent.deactivated',
        { email: boss.user.email, role: 'support' },
        `${boss.user.email} a désactivé le compte support de ${email} (motif : Fin de mission)`,
      ],
      ['agent.activated', { email, role: 'support' }, `${email} a activé son compte support`],
      [
        'agent.created',
        { email: boss.user.email, role: 'support' },
        `${boss.user.email} a créé le compte support de ${email} (motif : Renfort du lundi)`,
      ],
    ]);
    const byType = await call('GET', '/admin/history?type=agent.created', boss.token);
    expect(byType.status).toBe(200);
    expect(byType.body.entries.some((e: { text: string }) => e.text.includes(email))).toBe(true);
  });

  it('refuses a missing or blank reason on every route with 400, changing nothing', async () => {
    const boss = await agentWithSession();
    const other = await agentWithSession();
    const before = await dumpTables(db);
    const attempts: [string, Record<string, unknown>][] = [
      ['/admin/agents', { email: uniqueEmail('agent') }],
      ['/admin/agents', { email: uniqueEmail('agent'), reason: '   ' }],
      [`/admin/agents/${other.user.id}/deactivate`, {}],
      [`/admin/agents/${other.user.id}/deactivate`, { reason: '' }],
      [`/admin/agents/${other.user.id}/deactivate`, { reason: ' \t ' }],
    ];
    for (const [path, body] of attempts) {
      const answer = await call('POST', path, boss.token, body);
      expect(answer.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(answer.body.error.code).toBe('VALIDATION_FAILED');
      expect(answer.body.error.message).toContain('Le motif est obligatoire.');
    }
    const noBody = await call('POST', `/admin/agents/${other.user.id}/deactivate`, boss.token);
    expect(noBody.status).toBe(400);
    expect(await dumpTables(db)).toEqual(before);
    expect((await call('GET', '/me', other.token)).status).toBe(200);
  });

  it('is for support only', async () => {
    const space = await createPrincipalWithSpace(db);
    const { token } = await createSession(db, space.principal.id);
    const boss = await agentWithSession();
    const before = await dumpTables(db);
    const refused = [
      await call('GET', '/admin/agents', token),
      await call('POST', '/admin/agents', token, { email: uniqueEmail('agent'), reason: 'x' }),
      await call('POST', `/admin/agents/${boss.user.id}/deactivate`, token, { reason: 'x' }),
    ];
    expect(refused.map((r) => [r.status, r.body.error.code])).toEqual([
      [403, 'FORBIDDEN'],
      [403, 'FORBIDDEN'],
      [403, 'FORBIDDEN'],
    ]);
    expect(await dumpTables(db)).toEqual(before);
  });
});
