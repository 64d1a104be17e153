/**
 * The stages of a commit's delivery, published on their diagnostics channel:
 * on the committing node, then on the node holding the sockets, in order.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRule } from '../../server/rules/run-rule.js';
import { setSecondarySirets } from '../../server/rules/set-secondary-sirets.js';
import {
  DELIVERY_CHANNEL,
  type DeliveryStage,
  type DeliveryStamp,
} from '../../server/realtime/cluster/delivery-trace.js';
import type { DatabaseHandle } from '../../server/db/open-database.js';
import { createTestDatabase, hasPostgres, requirePostgresUrl } from '../support/databases.js';
import { createPrincipalWithSpace, createSecondary } from '../support/fixtures.js';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.js';
import { TestClient, tokenFor } from '../support/socket-clients.js';

const describeWithPostgres = hasPostgres() ? describe : describe.skip;

describeWithPostgres('the delivery stages of a commit', () => {
  let database: DatabaseHandle & { url: string | null };
  let nodeA: InProcessServer;
  let nodeB: InProcessServer;
  const stamps: DeliveryStamp[] = [];
  const record = (message: unknown) => stamps.push(message as DeliveryStamp);

  beforeAll(async () => {
    requirePostgresUrl();
    database = await createTestDatabase('postgres');
    const adapter = { kind: 'postgres', url: database.url! } as const;
    nodeA = await startInProcessServer(database.db, { adapter });
    nodeB = await startInProcessServer(database.db, { adapter });
    subscribe(DELIVERY_CHANNEL, record);
  }, 60_000);
  afterAll(async () => {
    unsubscribe(DELIVERY_CHANNEL, record);
    await nodeA?.close();
    await nodeB?.close();
    await database?.close();
  });

  it('stamps the commit on its node, the hop, and the delivery on the other node', async () => {
    const { db } = database;
    const space = await createPrincipalWithSpace(db, { sirets: 1 });
    const secondary = await createSecondary(db, space);
    const onB = await TestClient.connect(nodeB.url, await tokenFor(db, secondary.user.id));
    try {
      stamps.length = 0;
      const { events } = await runRule(
        db,
        (trx) =>
          setSecondarySirets(trx, space.actor, {
            userId: secondary.user.id,
            sirets: space.sirets,
          }),
        (committed) => nodeA.realtime.publish(committed),
      );
      const changed = await onB.nextOfType('secondary.sirets_changed');
      const seq = events[0]!.seq;
      expect(changed.id).toBe(seq);
      const stages = (): DeliveryStage[] =>
        stamps.filter((s) => s.events[0]?.seq === seq).map((s) => s.stage);
      await expect.poll(stages).toContain('delivered-from-node');
      expect(stages()).toEqual([
        'published',
        'delivered-here',
        'sent-to-nodes',
        'received-from-node',
        'delivered-from-node',
      ]);
      expect(stamps[0]!.events).toEqual(events.map(({ stream, seq }) => ({ stream, seq })));
    } finally {
      onB.close();
    }
  });
});
