/**
 * What one socket's `sync`s may cost the server: one runs at a time, one more
 * waits (a newer one takes its place), the rest is refused beyond a rate with
 * a delay to wait, and a socket that keeps flooding is closed. A panel run by
 * shared/live-sync.ts waits the delay out and catches up.
 */
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type {
  ClientToServerEvents,
  ServerToClientEvents,
  Snapshot,
  SyncResponse,
} from '../../shared/events.js';
import { attachLiveSync } from '../../shared/live-sync.js';
import { addSecondary } from '../../server/rules/add-secondary.js';
import { runRule } from '../../server/rules/run-rule.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { createPrincipalWithSpace, uniqueEmail } from '../support/fixtures.js';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.js';
import { freshSnapshot, TestClient, tokenFor, withoutPresence } from '../support/socket-clients.js';

const BUDGET = { burst: 4, perSecond: 1, refusalsBeforeClose: 6 };

describeOnEachDatabase('the sync limits of one socket', (getHandle) => {
  let server: InProcessServer;
  const opened: { close(): void }[] = [];
  beforeAll(async () => {
    server = await startInProcessServer(getHandle().db, { syncBudget: BUDGET });
  });
  afterAll(async () => {
    for (const socket of opened) socket.close();
    await server.close();
  });

  async function connect(): Promise<{ client: TestClient; token: string }> {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db);
    const token = await tokenFor(db, space.principal.id);
    const client = await TestClient.connect(server.url, token);
    opened.push(client);
    return { client, token };
  }

  /** Sends `count` syncs at once and resolves with their answers, in the order sent. */
  function burst(client: TestClient, count: number): Promise<SyncResponse[]> {
    return Promise.all(Array.from({ length: count }, () => client.sync(client.lastEventId)));
  }

  it('serves the newest of syncs sent together and answers the ones it replaced SYNC_SUPERSEDED', async () => {
    const { client } = await connect();
    const answers = await burst(client, BUDGET.burst);
    expect(answers.at(-1)).toEqual({ events: [] });
    for (const answer of answers)
      expect([{ events: [] }, { error: 'SYNC_SUPERSEDED' }]).toContainEqual(answer);
    // One running, one waiting: at most two are served.
    expect(answers.filter((a) => 'events' in a).length).toBeLessThanOrEqual(2);
    expect(client.socket.connected).toBe(true);
  });

  it('refuses a sync beyond the rate with SYNC_RATE_LIMITED and the delay to wait, then serves it', async () => {
    const { client } = await connect();
    await burst(client, BUDGET.burst);
    const refused = await client.sync(client.lastEventId);
    expect(refused).toMatchObject({ error: 'SYNC_RATE_LIMITED' });
    const wait = (refused as { retryAfterMs: number }).retryAfterMs;
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(1000 / BUDGET.perSecond);
    await new Promise((resolve) => setTimeout(resolve, wait + 20));
    expect(await client.sync(client.lastEventId)).toEqual({ events: [] });
    expect(client.socket.connected).toBe(true);
  });

  it('closes a socket that keeps sending syncs once refused', async () => {
    const { client } = await connect();
    await burst(client, BUDGET.burst);
    const refusals = Array.from({ length: BUDGET.refusalsBeforeClose + 1 }, () =>
      client.sync(client.lastEventId).catch(() => null),
    );
    await client.disconnected();
    const answered = (await Promise.all(refusals)).filter((a) => a !== null);
    expect(answered.length).toBeGreaterThan(0);
    for (const answer of answered) expect(answer).toMatchObject({ error: 'SYNC_RATE_LIMITED' });
  });

  it('lets a panel whose sync is refused for its rate catch up once the delay has passed', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db);
    const token = await tokenFor(db, space.principal.id);
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(server.url, {
      auth: { token },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    opened.push(socket);
    const errors: string[] = [];
    const live = attachLiveSync(socket, {
      retryDelayMs: 20,
      onSyncError: (code) => void errors.push(code),
    });
    await new Promise<void>((resolve) => {
      const stop = live.subscribe((change) => {
        if (!change.state) return;
        stop();
        resolve();
      });
    });
    // Something else on the same socket spends its whole budget.
    await Promise.all(
      Array.from({ length: BUDGET.burst }, () =>
        socket.timeout(5000).emitWithAck('sync', { since: live.lastEventId }),
      ),
    );
    // An event the panel misses, then one it gets: it asks what it missed.
    await runRule(db, (trx) => addSecondary(trx, space.actor, { email: uniqueEmail('missed') }));
    const { events } = await runRule(
      db,
      (trx) => addSecondary(trx, space.actor, { email: uniqueEmail('seen') }),
      (committed) => server.realtime.publish(committed),
    );
    const head = Math.max(...events.map((e) => e.seq));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`stuck at ${live.lastEventId}`)), 5000);
      const check = () => {
        if (live.lastEventId < head) return;
        clearTimeout(timer);
        stop();
        resolve();
      };
      const stop = live.subscribe(check);
      check();
    });
    expect(errors).toContain('SYNC_RATE_LIMITED');
    // The same state as a fresh connection (a panel lists invitations in its own order).
    const comparable = (snapshot: Snapshot) => {
      const plain = withoutPresence(snapshot);
      return { ...plain, invitations: [...plain.invitations].sort((a, b) => a.id - b.id) };
    };
    expect(comparable(live.state!)).toEqual(comparable(await freshSnapshot(server.url, token)));
    live.close();
  });
});
