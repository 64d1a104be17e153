/**
 * A support agent's page of a space is live: their socket asks to watch that
 * space (`watch-space`) and is told `space-touched` at each change there, and
 * of nothing elsewhere; a member asking to watch any space is told nothing.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { runRule } from '../../server/rules/run-rule.js';
import { setSecondarySirets } from '../../server/rules/set-secondary-sirets.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { createAdmin, createPrincipalWithSpace, createSecondary } from '../support/fixtures.js';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.js';
import { callOverHttp } from '../support/http-client.js';
import { TestClient, tokenFor } from '../support/socket-clients.js';

describeOnEachDatabase('support watching a space', (getHandle) => {
  let server: InProcessServer;
  const opened: TestClient[] = [];
  beforeAll(async () => {
    server = await startInProcessServer(getHandle().db);
  });
  afterAll(async () => {
    await server?.close();
  });
  afterEach(() => {
    for (const client of opened.splice(0)) client.close();
  });

  /** Every `space-touched` a client is told, in order. */
  function touches(client: TestClient): number[] {
    const seen: number[] = [];
    client.socket.on('space-touched', ({ spaceId }) => seen.push(spaceId));
    return seen;
  }

  it('tells a watching agent who comes and goes in the space, and the page says who is online', async () => {
    const { db } = getHandle();
    const agent = await createAdmin(db);
    const space = await createPrincipalWithSpace(db);
    const holder = await createSecondary(db, space);
    const agentToken = await tokenFor(db, agent.user.id);
    const client = await TestClient.connect(server.url, agentToken);
    opened.push(client);
    const seen = touches(client);
    client.socket.emit('watch-space', space.spaceId);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const onlineOnPage = async () =>
      (
        await callOverHttp(server.url, 'GET', `/api/v1/admin/spaces/${space.spaceId}`, {
          token: agentToken,
        })
      ).body.online as number[];
    expect(await onlineOnPage()).toEqual([]);

    const member = await TestClient.connect(server.url, await tokenFor(db, holder.user.id));
    opened.push(member);
    await expect.poll(() => seen.length, { timeout: 8_000 }).toBeGreaterThan(0);
    expect(await onlineOnPage()).toEqual([holder.user.id]);
  });

  it('tells a watching agent of each change in that space only, and forgets the watch on null', async () => {
    const { db } = getHandle();
    const agent = await createAdmin(db);
    const watched = await createPrincipalWithSpace(db, { sirets: 2 });
    const other = await createPrincipalWithSpace(db, { sirets: 1 });
    const holder = await createSecondary(db, watched);
    const otherHolder = await createSecondary(db, other);
    const client = await TestClient.connect(server.url, await tokenFor(db, agent.user.id));
    const member = await TestClient.connect(server.url, await tokenFor(db, other.principal.id));
    opened.push(client, member);
    const seen = touches(client);
    const memberSeen = touches(member);

    client.socket.emit('watch-space', watched.spaceId);
    // A member may not watch a space, not even their own.
    member.socket.emit('watch-space', other.spaceId);
    member.socket.emit('watch-space', watched.spaceId);
    // Nonsense is ignored.
    client.socket.emit('watch-space', 'tout' as unknown as number);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const attribute = (space: typeof watched, userId: number, sirets: string[]) =>
      runRule(
        db,
        (trx) => setSecondarySirets(trx, space.actor, { userId, sirets }),
        server.realtime.publish,
      );
    await attribute(other, otherHolder.user.id, other.sirets);
    await attribute(watched, holder.user.id, watched.sirets);
    await expect.poll(() => seen).toEqual([watched.spaceId]);

    client.socket.emit('watch-space', null);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await attribute(watched, holder.user.id, []);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen).toEqual([watched.spaceId]);
    expect(memberSeen).toEqual([]);
  });
});
