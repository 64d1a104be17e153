/**
 * The principal's secondaries table follows each pending secondary's latest
 * link (docs/domain.md rule 4): expired and revoked links stay in the live view
 * until a new one is sent, and the view the events build is the one a fresh
 * connection gets.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { MemberSnapshot } from '../../shared/events.js';
import { addSecondary } from '../../server/rules/add-secondary.js';
import { expireInvitations } from '../../server/rules/expire-invitations.js';
import { removeSecondary } from '../../server/rules/remove-secondary.js';
import { resendInvitation } from '../../server/rules/resend-invitation.js';
import { revokeInvitation } from '../../server/rules/revoke-invitation.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { spaceStream } from '../../server/events/append-events.js';
import { streamHead, uniqueEmail } from '../support/fixtures.js';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.js';
import { createConnectedWorld, type ConnectedWorld } from '../support/connected-world.js';
import { comparableSnapshot, freshSnapshot, LiveClient } from '../support/socket-clients.js';

const DAY_MS = 24 * 60 * 60 * 1000;

describeOnEachDatabase("the principal's invitation rows", (getHandle) => {
  let server: InProcessServer;
  let world: ConnectedWorld;
  let panel: LiveClient | undefined;
  beforeAll(async () => {
    server = await startInProcessServer(getHandle().db);
  });
  afterAll(async () => {
    await server?.close();
  });
  afterEach(() => {
    panel?.socket.close();
    world?.close();
  });

  /** The principal's panel, run by the side panel's own reducer (shared/panel-state.ts). */
  async function principalPanel(): Promise<LiveClient> {
    panel = await LiveClient.connect(server.url, world.tokens.principal);
    return panel;
  }

  /** The panel's view once it has applied every event of its space so far. */
  async function caughtUp(client: LiveClient): Promise<MemberSnapshot> {
    const head = await streamHead(world.db, spaceStream(world.space.spaceId));
    await client.until((state) => (state?.lastEventId ?? 0) >= head, `event ${head}`);
    return client.state as MemberSnapshot;
  }

  it('keeps expired and revoked links, one per pending secondary, live as on a fresh connection', async () => {
    world = await createConnectedWorld(getHandle().db, server);
    const { space, clients } = world;
    const principal = await principalPanel();
    const invite = (label: string, now?: Date) =>
      world.run((trx) => addSecondary(trx, space.actor, { email: uniqueEmail(label), now }));
    const weekAgo = new Date(Date.now() - 8 * DAY_MS);
    const expired = await invite('expire', weekAgo);
    const resent = await invite('renvoye', weekAgo);
    const revoked = await invite('annule');
    const removed = await invite('supprime', weekAgo);
    const waiting = await invite('attente');

    await world.run((trx) => expireInvitations(trx));
    await world.run((trx) => resendInvitation(trx, space.actor, { userId: resent.secondary.id }));
    await world.run((trx) => revokeInvitation(trx, space.actor, { userId: revoked.secondary.id }));
    await world.run((trx) => removeSecondary(trx, space.actor, { userId: removed.secondary.id }));
    const live = await caughtUp(principal);
    const rows = new Map(live.invitations.map((i) => [i.userId, i.status]));
    expect(rows).toEqual(
      new Map([
        [expired.secondary.id, 'expired'],
        [resent.secondary.id, 'pending'],
        [revoked.secondary.id, 'revoked'],
        [waiting.secondary.id, 'pending'],
      ]),
    );
    const fresh = await freshSnapshot(server.url, world.tokens.principal);
    expect(comparableSnapshot(live)).toEqual(comparableSnapshot(fresh));
    // Secondaries see no invitation at all.
    expect(clients.first.stored.filter((e) => e.type.startsWith('invitation.'))).toEqual([]);
    expect(
      ((await freshSnapshot(server.url, world.tokens.first)) as MemberSnapshot).invitations,
    ).toEqual([]);
  });

  it('sends a new link after an expired one: the row is pending again, with the new link only', async () => {
    world = await createConnectedWorld(getHandle().db, server);
    const { space } = world;
    const principal = await principalPanel();
    const invited = await world.run((trx) =>
      addSecondary(trx, space.actor, {
        email: uniqueEmail('relance'),
        now: new Date(Date.now() - 8 * DAY_MS),
      }),
    );
    await world.run((trx) => expireInvitations(trx));
    const before = (await caughtUp(principal)).invitations.filter(
      (i) => i.userId === invited.secondary.id,
    );
    expect(before.map((i) => i.status)).toEqual(['expired']);

    await world.run((trx) => resendInvitation(trx, space.actor, { userId: invited.secondary.id }));
    const after = (await caughtUp(principal)).invitations.filter(
      (i) => i.userId === invited.secondary.id,
    );
    expect(after).toHaveLength(1);
    expect(after[0]!.status).toBe('pending');
    expect(after[0]!.id).not.toBe(before[0]!.id);
    expect(Date.parse(after[0]!.expiresAt)).toBeGreaterThan(Date.now() + 6 * DAY_MS);
    const fresh = await freshSnapshot(server.url, world.tokens.principal);
    expect(comparableSnapshot(principal.state)).toEqual(comparableSnapshot(fresh));
  });
});
