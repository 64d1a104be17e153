/**
 * Putting a cession back and changing a space's principal are told live
 * (docs/domain.md rule 1, « Undoing a cession »): every open panel of both
 * spaces, without reconnecting, ends equal to a fresh connection's view — the
 * former principal back at the head of their space, the receiver without it.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { MemberSnapshot } from '../../shared/events.js';
import { spaceRoom } from '../../server/realtime/rooms.js';
import { spaceStream } from '../../server/events/append-events.js';
import { addSecondary } from '../../server/rules/add-secondary.js';
import { cedeSirets } from '../../server/rules/cede-sirets.js';
import { changePrincipal } from '../../server/rules/change-principal.js';
import { undoCession } from '../../server/rules/revert-cession.js';
import { runRule } from '../../server/rules/run-rule.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { streamEvents } from '../support/connected-world.js';
import {
  createAdmin,
  createPrincipalWithSpace,
  createSecondary,
  uniqueEmail,
} from '../support/fixtures.js';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.js';
import {
  comparableSnapshot,
  freshSnapshot,
  LiveClient,
  tokenFor,
} from '../support/socket-clients.js';

describeOnEachDatabase('a cession put back, live', (getHandle) => {
  let server: InProcessServer;
  const opened: { close(): void }[] = [];
  beforeAll(async () => {
    server = await startInProcessServer(getHandle().db);
  });
  afterAll(async () => {
    await server?.close();
  });
  afterEach(() => {
    for (const client of opened.splice(0)) client.close();
  });

  async function converged(panel: LiveClient, token: string, what: string): Promise<void> {
    const expected = JSON.stringify(comparableSnapshot(await freshSnapshot(server.url, token)));
    await panel
      .until(
        (state) => state !== null && JSON.stringify(comparableSnapshot(state)) === expected,
        what,
      )
      .catch(() => {
        expect(JSON.stringify(comparableSnapshot(panel.state))).toEqual(expected);
      });
  }

  it('brings the former principal, their secondary and their SIRETs home, on open panels', async () => {
    const { db } = getHandle();
    const agent = await createAdmin(db);
    const from = await createPrincipalWithSpace(db, { sirets: 2 });
    const holder = await createSecondary(db, from, { sirets: [from.sirets[0]!] });
    const to = await createPrincipalWithSpace(db, { sirets: 1 });
    const member = await createSecondary(db, to, { sirets: [to.sirets[0]!] });
    const publish = server.realtime.publish;
    const { cessionId } = await runRule(
      db,
      (trx) => cedeSirets(trx, from.actor, { email: to.principal.email }),
      publish,
    );
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
    // The receiver's panel offers the refusal.
    expect((panels.recipient.state as MemberSnapshot).receivedCessions).toEqual([
      expect.objectContaining({
        id: cessionId,
        fromPrincipalEmail: from.principal.email,
        sirets: from.sirets,
        secondaryCount: 1,
      }),
    ]);
    const socketId = panels.former.socket.id;

    await runRule(
      db,
      (trx) =>
        undoCession(trx, agent.actor, { cessionId, reason: 'Erreur', confirmPartial: false }),
      publish,
    );

    await panels.former.until(
      (state) => state?.kind === 'member' && state.spaceId === from.spaceId,
      'the former principal back in their space',
    );
    const view = panels.former.state as MemberSnapshot;
    expect(view.me).toMatchObject({ role: 'principal', spaceId: from.spaceId });
    expect(view.sirets.map((s) => s.siret)).toEqual(from.sirets);
    for (const [name, panel] of Object.entries(panels)) {
      await converged(panel, tokens[name as keyof typeof tokens], `${name}'s panel`);
    }
    expect((panels.recipient.state as MemberSnapshot).sirets.map((s) => s.siret)).toEqual(
      to.sirets,
    );
    expect((panels.recipient.state as MemberSnapshot).receivedCessions).toEqual([]);
    expect(panels.former.socket.id).toBe(socketId);
    const home = await server.realtime.io.in(spaceRoom(from.spaceId)).fetchSockets();
    expect(home.map((socket) => socket.id).sort()).toEqual(
      [panels.former.socket.id, panels.holder.socket.id].sort(),
    );
  });

  it('turns the chosen secondary into the principal on their open panel, and the former one into a secondary', async () => {
    const { db } = getHandle();
    const agent = await createAdmin(db);
    const space = await createPrincipalWithSpace(db, { sirets: 2 });
    const chosen = await createSecondary(db, space, { sirets: [space.sirets[0]!] });
    const tokens = {
      former: await tokenFor(db, space.principal.id),
      chosen: await tokenFor(db, chosen.user.id),
    };
    const panels = {
      former: await LiveClient.connect(server.url, tokens.former),
      chosen: await LiveClient.connect(server.url, tokens.chosen),
    };
    opened.push(...Object.values(panels));

    await runRule(
      db,
      (trx) =>
        changePrincipal(trx, agent.actor, {
          spaceId: space.spaceId,
          userId: chosen.user.id,
          reason: 'Départ du titulaire',
        }),
      server.realtime.publish,
    );

    await panels.chosen.until(
      (state) => state?.kind === 'member' && state.me.role === 'principal',
      'the chosen secondary to become principal',
    );
    expect((panels.chosen.state as MemberSnapshot).sirets.map((s) => s.siret)).toEqual(
      space.sirets,
    );
    await panels.former.until(
      (state) => state?.kind === 'member' && state.me.role === 'secondary',
      'the former principal to become a secondary',
    );
    expect((panels.former.state as MemberSnapshot).sirets).toEqual([]);
    for (const [name, panel] of Object.entries(panels)) {
      await converged(panel, tokens[name as keyof typeof tokens], `${name}'s panel`);
    }

    // What follows reaches each as their new role sees it: the invitation is the principal's.
    const added = await runRule(
      db,
      (trx) => addSecondary(trx, { userId: chosen.user.id }, { email: uniqueEmail('nouveau') }),
      server.realtime.publish,
    );
    const head = streamEvents(added.events, spaceStream(space.spaceId)).at(-1)!.seq;
    for (const panel of Object.values(panels)) {
      await panel.until((state) => state?.lastEventId === head, 'the invitation event');
    }
    expect((panels.chosen.state as MemberSnapshot).invitations).toHaveLength(1);
    expect((panels.former.state as MemberSnapshot).invitations).toEqual([]);
    for (const [name, panel] of Object.entries(panels)) {
      await converged(panel, tokens[name as keyof typeof tokens], `${name}'s panel`);
    }
  });
});
