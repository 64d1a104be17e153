import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeSession } from '../../server/auth/sessions.js';
import { createSession } from '../../server/auth/sessions.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { createAdmin, createPrincipalWithSpace, createSecondary } from '../support/fixtures.js';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.js';
import { connectError, TestClient, tokenFor } from '../support/socket-clients.js';

const EXTENSION_ORIGIN = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
const PUBLIC_ORIGIN = 'http://localhost:8787';

describeOnEachDatabase('Socket.IO handshake', (getHandle) => {
  let server: InProcessServer;
  beforeAll(async () => {
    server = await startInProcessServer(getHandle().db, {
      allowedOrigins: [EXTENSION_ORIGIN],
      publicOrigin: `${PUBLIC_ORIGIN}/`,
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses a connection without a token with UNAUTHENTICATED', async () => {
    const error = await connectError(server.url, undefined);
    expect(error.message).toBe('UNAUTHENTICATED');
    expect(error.data).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('refuses an unknown token', async () => {
    const error = await connectError(server.url, 'A'.repeat(43));
    expect(error.message).toBe('UNAUTHENTICATED');
    expect((await connectError(server.url, 'not a token')).message).toBe('UNAUTHENTICATED');
  });

  it('refuses the token of a revoked session', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db);
    const { token, session } = await createSession(db, space.principal.id);
    await revokeSession(db, session.id);
    expect((await connectError(server.url, token)).message).toBe('UNAUTHENTICATED');
  });

  it('refuses the token of an expired session', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db);
    const { token } = await createSession(
      db,
      space.principal.id,
      new Date(Date.now() - 31 * 864e5),
    );
    expect((await connectError(server.url, token)).message).toBe('UNAUTHENTICATED');
  });

  it('refuses a pending secondary, who has no session of their own to show', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db);
    const pending = await createSecondary(db, space, { status: 'pending' });
    const token = await tokenFor(db, pending.user.id);
    expect((await connectError(server.url, token)).message).toBe('UNAUTHENTICATED');
  });

  it('refuses a page of another origin before any transport opens, even with a good token', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db);
    const token = await tokenFor(db, space.principal.id);
    const error = await connectError(server.url, token, { origin: 'https://evil.example' });
    expect(error.message).not.toBe('UNAUTHENTICATED');
    await expect(
      connectError(server.url, token, { origin: 'chrome-extension://someotherextensionid' }),
    ).resolves.toBeInstanceOf(Error);
  });

  it('accepts the extension origin, the server origin and clients that send no origin', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db);
    const token = await tokenFor(db, space.principal.id);
    for (const origin of [EXTENSION_ORIGIN, PUBLIC_ORIGIN, undefined]) {
      const client = await TestClient.connect(server.url, token, origin ? { origin } : {});
      expect(client.snapshot.kind).toBe('member');
      client.close();
    }
  });

  it('sends a principal the snapshot of the whole space', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db, { sirets: 2 });
    const secondary = await createSecondary(db, space, { sirets: [space.sirets[0]!] });
    const pending = await createSecondary(db, space, { status: 'pending' });
    const client = await TestClient.connect(server.url, await tokenFor(db, space.principal.id));
    const snapshot = client.snapshot;
    if (snapshot.kind !== 'member') throw new Error('expected a member snapshot');
    expect(snapshot.me).toMatchObject({ id: space.principal.id, role: 'principal' });
    expect(snapshot.spaceId).toBe(space.spaceId);
    expect(snapshot.sirets.map((s) => s.siret)).toEqual(space.sirets);
    expect(snapshot.dossiers.map((d) => d.id).sort()).toEqual(
      space.dossiers.map((d) => d.id).sort(),
    );
    expect(snapshot.members.map((m) => m.id).sort()).toEqual(
      [space.principal.id, secondary.user.id, pending.user.id].sort(),
    );
    expect(snapshot.members.find((m) => m.id === secondary.user.id)?.sirets).toEqual([
      space.sirets[0],
    ]);
    expect(snapshot.invitations.map((i) => i.userId)).toEqual([pending.user.id]);
    expect(snapshot.online).toEqual([space.principal.id]);
    expect(snapshot.lastEventId).toBe(0);
    client.close();
  });

  it("sends a secondary their SIRETs and dossiers, the team, and no other secondary's list", async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db, { sirets: 3 });
    const [mine, theirs] = space.sirets as [string, string, string];
    const me = await createSecondary(db, space, { sirets: [mine] });
    const other = await createSecondary(db, space, { sirets: [theirs] });
    const principal = await TestClient.connect(server.url, await tokenFor(db, space.principal.id));
    const client = await TestClient.connect(server.url, await tokenFor(db, me.user.id));
    const snapshot = client.snapshot;
    if (snapshot.kind !== 'member') throw new Error('expected a member snapshot');
    expect(snapshot.me).toMatchObject({ id: me.user.id, role: 'secondary' });
    expect(snapshot.sirets.map((s) => s.siret)).toEqual([mine]);
    expect(snapshot.dossiers.map((d) => d.siret)).toEqual([mine]);
    expect(snapshot.invitations).toEqual([]);
    expect(snapshot.members.find((m) => m.id === me.user.id)?.sirets).toEqual([mine]);
    expect(snapshot.members.find((m) => m.id === other.user.id)).toMatchObject({
      status: 'active',
      sirets: null,
    });
    expect(snapshot.online).toEqual([space.principal.id, me.user.id].sort((a, b) => a - b));
    principal.close();
    client.close();
  });

  it('sends an admin the admin snapshot', async () => {
    const { db } = getHandle();
    const admin = await createAdmin(db);
    const client = await TestClient.connect(server.url, await tokenFor(db, admin.user.id));
    expect(client.snapshot).toMatchObject({
      kind: 'admin',
      me: { id: admin.user.id, isAdmin: true },
    });
    client.close();
  });
});

describe('origin normalisation', () => {
  it('compares origins as browsers send them', async () => {
    const { normalizeOrigin } = await import('../../server/extension-origins.js');
    expect(normalizeOrigin('HTTP://LocalHost:8787/')).toBe('http://localhost:8787');
    expect(normalizeOrigin('https://example.fr:443')).toBe('https://example.fr');
    expect(normalizeOrigin('chrome-extension://abcdef/')).toBe('chrome-extension://abcdef');
    expect(normalizeOrigin('moz-extension://1234-abcd')).toBe('moz-extension://1234-abcd');
  });
});
