import { afterAll, beforeAll, expect, it } from 'vitest';
import { PRESENCE_STORM_MAX_WAIT_MS } from '../../server/realtime/presence.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { createPrincipalWithSpace, createSecondary } from '../support/fixtures.js';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.js';
import { TestClient, tokenFor } from '../support/socket-clients.js';

describeOnEachDatabase('presence', (getHandle) => {
  let server: InProcessServer;
  beforeAll(async () => {
    server = await startInProcessServer(getHandle().db);
  });
  afterAll(async () => {
    await server?.close();
  });

  const lastOnline = (client: TestClient) => client.ofType('presence.changed').at(-1)?.data.online;

  it('tells the members of a space who comes and goes, and no one else', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db);
    const secondary = await createSecondary(db, space);
    const other = await createPrincipalWithSpace(db);
    const principal = await TestClient.connect(server.url, await tokenFor(db, space.principal.id));
    const outsider = await TestClient.connect(server.url, await tokenFor(db, other.principal.id));
    const both = [space.principal.id, secondary.user.id].sort((a, b) => a - b);

    const first = await TestClient.connect(server.url, await tokenFor(db, secondary.user.id));
    expect(first.snapshot).toMatchObject({ online: both });
    await principal.until(() => String(lastOnline(principal)) === String(both), 'both online');
    const presence = await first.nextOfType('presence.changed');
    expect(presence).toMatchObject({ id: 0, data: { online: both } });

    // A second panel of the same person: still one person online; closing one keeps them there.
    const again = await TestClient.connect(server.url, await tokenFor(db, secondary.user.id));
    again.close();
    first.close();
    await principal.until(
      () => String(lastOnline(principal)) === String([space.principal.id]),
      'the secondary gone',
    );
    await outsider.barrier();
    expect(
      outsider.ofType('presence.changed').every((e) => !e.data.online.includes(secondary.user.id)),
    ).toBe(true);
    principal.close();
    outsider.close();
  });

  it('sends a space few counts while its members keep arriving, the last one complete', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db);
    const secondaries = [];
    for (let i = 0; i < 12; i++) secondaries.push(await createSecondary(db, space));
    const watcher = await TestClient.connect(server.url, await tokenFor(db, space.principal.id));
    await watcher.until(() => watcher.ofType('presence.changed').length > 0, 'first count');
    const before = watcher.ofType('presence.changed').length;

    // One member every 50 ms: at one count per 100 ms, ten counts a second.
    const started = performance.now();
    const arrived: TestClient[] = [];
    for (const secondary of secondaries) {
      arrived.push(await TestClient.connect(server.url, await tokenFor(db, secondary.user.id)));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const everyone = [space.principal.id, ...secondaries.map((s) => s.user.id)].sort(
      (a, b) => a - b,
    );
    await watcher.until(
      () => String(watcher.ofType('presence.changed').at(-1)?.data.online) === String(everyone),
      'everyone online',
    );
    const counts = watcher.ofType('presence.changed').length - before;
    const seconds = (performance.now() - started) / 1000;
    expect(counts).toBeGreaterThan(0);
    // Waits of 100, 200, 400, 800 ms, then one count a second.
    expect(counts).toBeLessThanOrEqual(Math.ceil(seconds) + 4);
    for (const client of [watcher, ...arrived]) client.close();
  });

  it('holds counts back while the node is in a storm of arrivals, then sends a complete one', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db);
    const secondaries = [];
    for (let i = 0; i < 120; i++) secondaries.push(await createSecondary(db, space));
    const tokens = await Promise.all(secondaries.map((s) => tokenFor(db, s.user.id)));
    const watcher = await TestClient.connect(server.url, await tokenFor(db, space.principal.id));
    await watcher.until(() => watcher.ofType('presence.changed').length > 0, 'first count');
    const before = watcher.ofType('presence.changed').length;

    // Forty arrivals a second for three seconds: twice PRESENCE_STORM_RATE.
    const connecting: Promise<TestClient>[] = [];
    for (const token of tokens) {
      connecting.push(TestClient.connect(server.url, token));
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const arrived = await Promise.all(connecting);
    const everyone = [space.principal.id, ...secondaries.map((s) => s.user.id)].sort(
      (a, b) => a - b,
    );
    await watcher.until(
      () => String(watcher.ofType('presence.changed').at(-1)?.data.online) === String(everyone),
      'everyone online',
      PRESENCE_STORM_MAX_WAIT_MS * 2,
    );
    // At most a count or two before the storm is recognised, then one once it passed;
    // waits of 100, 200, 400, 800 ms and then one a second would make five or more.
    const counts = watcher.ofType('presence.changed').length - before;
    expect(counts).toBeLessThanOrEqual(3);
    for (const client of [watcher, ...arrived]) client.close();
  }, 60_000);
});
