import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { MemberSnapshot } from '../../shared/events.js';
import { createSession, revokeSession } from '../../server/auth/sessions.js';
import { spaceStream } from '../../server/events/append-events.js';
import { spaceRoom } from '../../server/realtime/rooms.js';
import { addSecondary } from '../../server/rules/add-secondary.js';
import { cedeSirets } from '../../server/rules/cede-sirets.js';
import { changeDossierStatus } from '../../server/rules/change-dossier-status.js';
import { removeSecondary } from '../../server/rules/remove-secondary.js';
import { runRule } from '../../server/rules/run-rule.js';
import { setSecondarySirets } from '../../server/rules/set-secondary-sirets.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { createPrincipalWithSpace, createSecondary, uniqueEmail } from '../support/fixtures.js';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.js';
import {
  comparableSnapshot,
  connectError,
  freshSnapshot,
  LiveClient,
  TestClient,
  tokenFor,
} from '../support/socket-clients.js';
import {
  createConnectedWorld,
  expectReceived,
  streamEvents,
  type ConnectedWorld,
} from '../support/connected-world.js';

describeOnEachDatabase('access changes take effect at once', (getHandle) => {
  let server: InProcessServer;
  let world: ConnectedWorld | undefined;
  const opened: { close(): void }[] = [];
  beforeAll(async () => {
    server = await startInProcessServer(getHandle().db);
  });
  afterAll(async () => {
    await server?.close();
  });
  afterEach(() => {
    world?.close();
    world = undefined;
    for (const client of opened.splice(0)) client.close();
  });

  it('disconnects a removed secondary, who gets nothing more and cannot come back', async () => {
    world = await createConnectedWorld(getHandle().db, server);
    const { space, first, second, clients } = world;
    const removal = await world.run((trx) =>
      removeSecondary(trx, space.actor, { userId: first.user.id }),
    );
    await clients.first.disconnected();
    expect(clients.first.ofType('session.revoked')).toEqual([
      { id: 0, type: 'session.revoked', at: expect.any(String), data: { reason: 'removed' } },
    ]);
    const seen = clients.first.events.length;
    await world.settle();
    const pushed = streamEvents(removal.events, spaceStream(space.spaceId));
    expect(pushed.map((e) => e.type)).toContain('secondary.removed');
    expectReceived(clients.principal, pushed, 'full');
    expectReceived(clients.second, pushed, (e) => (e.audience === null ? 'full' : 'hidden'));

    await world.run((trx) =>
      setSecondarySirets(trx, space.actor, { userId: second.user.id, sirets: space.sirets }),
    );
    await world.settle();
    expect(clients.first.events).toHaveLength(seen);
    expect((await connectError(server.url, world.tokens.first)).message).toBe('UNAUTHENTICATED');
  });

  it('ends the sockets of a session signed out, and only those', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db);
    const signedOut = await createSession(db, space.principal.id);
    const stillIn = await createSession(db, space.principal.id);
    const leaving = await TestClient.connect(server.url, signedOut.token);
    const staying = await TestClient.connect(server.url, stillIn.token);
    opened.push(leaving, staying);
    server.realtime.endSession(signedOut.session.id, 'logout');
    await leaving.disconnected();
    expect(leaving.ofType('session.revoked').map((e) => e.data)).toEqual([{ reason: 'logout' }]);
    await staying.barrier();
    expect(staying.socket.connected).toBe(true);
    expect(staying.ofType('session.revoked')).toEqual([]);
  });

  it('ends, at the next session check, sockets whose session ended without a broadcast reaching them', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db);
    const revoked = await createSession(db, space.principal.id);
    const expired = await createSession(db, space.principal.id);
    const valid = await createSession(db, space.principal.id);
    const clients = {
      revoked: await TestClient.connect(server.url, revoked.token),
      expired: await TestClient.connect(server.url, expired.token),
      valid: await TestClient.connect(server.url, valid.token),
    };
    opened.push(...Object.values(clients));
    // Changed in the database only, as when the node that signed out lost its broadcast.
    await revokeSession(db, revoked.session.id);
    await db
      .updateTable('sessions')
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where('id', '=', expired.session.id)
      .execute();
    await clients.valid.barrier();
    expect(clients.revoked.socket.connected).toBe(true);

    expect(await server.realtime.sweepSessions()).toBe(2);
    await clients.revoked.disconnected();
    await clients.expired.disconnected();
    expect(clients.expired.ofType('session.revoked').map((e) => e.data)).toEqual([
      { reason: 'expired' },
    ]);
    await clients.valid.barrier();
    expect(clients.valid.socket.connected).toBe(true);
    expect(await server.realtime.sweepSessions()).toBe(0);
  });

  it('hides the dossiers of a SIRET taken from a secondary from then on', async () => {
    world = await createConnectedWorld(getHandle().db, server);
    const { space, first, clients } = world;
    await world.run((trx) =>
      setSecondarySirets(trx, space.actor, { userId: first.user.id, sirets: [] }),
    );
    const change = await world.run((trx) =>
      changeDossierStatus(
        trx,
        { userId: world!.adminId },
        {
          dossierId: space.dossiers[0]!.id,
          status: 'cloture',
        },
      ),
    );
    await world.settle();
    const pushed = streamEvents(change.events, spaceStream(space.spaceId));
    expectReceived(clients.principal, pushed, 'full');
    expectReceived(clients.first, pushed, 'hidden');
  });

  it("switches a ceding principal's open panel to a secondary's view of the target space without reconnecting", async () => {
    const { db } = getHandle();
    const from = await createPrincipalWithSpace(db, { sirets: 2 });
    const holder = await createSecondary(db, from, { sirets: [from.sirets[0]!] });
    const to = await createPrincipalWithSpace(db, { sirets: 1 });
    const member = await createSecondary(db, to, { sirets: [to.sirets[0]!] });
    const tokens = {
      former: await tokenFor(db, from.principal.id),
      holder: await tokenFor(db, holder.user.id),
      recipient: await tokenFor(db, to.principal.id),
      member: await tokenFor(db, member.user.id),
    };
    const panels = {
      former: await LiveClient.connect(server.url, tokens.former),
      holder: await LiveClient.connect(server.url, tokens.holder),
      recipient: await LiveClient.connect(server.url, tokens.recipient),
      member: await LiveClient.connect(server.url, tokens.member),
    };
    opened.push(...Object.values(panels));
    const socketId = panels.former.socket.id;
    const publish = server.realtime.publish;

    await runRule(db, (trx) => cedeSirets(trx, from.actor, { email: to.principal.email }), publish);

    const converged = async (name: keyof typeof panels) => {
      const expected = comparableSnapshot(await freshSnapshot(server.url, tokens[name]));
      await panels[name]
        .until(
          (state) =>
            state !== null &&
            JSON.stringify(comparableSnapshot(state)) === JSON.stringify(expected),
          `${name}'s panel to converge`,
        )
        .catch(() => {
          expect(comparableSnapshot(panels[name].state)).toEqual(expected);
        });
    };
    await panels.former.until(
      (state) => state?.kind === 'member' && state.spaceId === to.spaceId,
      'the former principal to see the target space',
    );
    const view = panels.former.state as MemberSnapshot;
    expect(view.me).toMatchObject({ role: 'secondary', spaceId: to.spaceId });
    expect(view.sirets.map((s) => s.siret)).toEqual(from.sirets);
    expect(view.members.map((m) => m.id)).toContain(to.principal.id);
    for (const name of ['former', 'holder', 'recipient', 'member'] as const) await converged(name);
    expect(panels.former.socket.id).toBe(socketId);
    expect(await server.realtime.io.in(spaceRoom(from.spaceId)).fetchSockets()).toEqual([]);

    // From now on the former principal follows the target space, as a secondary.
    await runRule(
      db,
      (trx) =>
        setSecondarySirets(trx, to.actor, { userId: from.principal.id, sirets: [from.sirets[1]!] }),
      publish,
    );
    for (const name of ['former', 'holder', 'recipient', 'member'] as const) await converged(name);
    expect((panels.former.state as MemberSnapshot).sirets.map((s) => s.siret)).toEqual([
      from.sirets[1],
    ]);
    // No longer the principal of anything: the invitations of the space stay out of sight.
    const added = await runRule(
      db,
      (trx) => addSecondary(trx, to.actor, { email: uniqueEmail('apres') }),
      publish,
    );
    const head = streamEvents(added.events, spaceStream(to.spaceId)).at(-1)!.seq;
    await panels.former.until((state) => state?.lastEventId === head, 'the invitation event');
    expect((panels.former.state as MemberSnapshot).invitations).toEqual([]);
    await converged('recipient');
    expect(panels.former.socket.id).toBe(socketId);
  });
});
