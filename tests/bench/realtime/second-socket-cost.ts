/**
 * Server memory per connected user with one socket per browser (the panel, or
 * the background alone) against two (the panel's and the background's), the
 * idle-sockets benchmark's method: RSS after a full collection, before and
 * after, on the real server over real PostgreSQL.
 *
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test USERS=6000 \
 *     npx tsx tests/bench/realtime/second-socket-cost.ts
 */
import { seedSpaces } from '../load/seed-spaces.js';
import { startLoadGenerator } from '../load/load-generators.js';
import { GC_ON_SIGNAL_FLAGS, memoryAfterGc } from '../load/process-memory.js';
import { startServerNode } from '../../support/server-node.js';
import { createPostgresDatabase } from '../../support/postgres-database.js';

const USERS = Number(process.env.USERS ?? 3000);
const MEMBERS_PER_SPACE = 30;
const settle = () => new Promise((resolve) => setTimeout(resolve, 3_000));

const database = await createPostgresDatabase(process.env.TEST_DATABASE_URL!, {
  prefix: 'qrp_bench_second',
  poolSize: 4,
});
const first = startLoadGenerator();
const second = startLoadGenerator();
try {
  const seeded = await seedSpaces(database.db, {
    spaces: Math.ceil(USERS / MEMBERS_PER_SPACE),
    secondariesPerSpace: MEMBERS_PER_SPACE - 1,
  });
  const tokens = seeded
    .flatMap((space) => [space.principal, ...space.secondaries])
    .map((member) => member.token)
    .slice(0, USERS);
  const server = await startServerNode({
    env: { DATABASE_URL: database.url, LOG_LEVEL: 'info' },
    nodeFlags: GC_ON_SIGNAL_FLAGS,
  });
  try {
    const request = {
      url: server.url,
      tokens,
      live: false,
      reconnection: false,
      concurrency: 100,
      timeoutMs: 240_000,
    };
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const before = await memoryAfterGc(server);
    const one = await first.connect(request);
    await settle();
    const afterOne = await memoryAfterGc(server);
    const two = await second.connect(request);
    await settle();
    const afterTwo = await memoryAfterGc(server);
    const per = (a: number, b: number) => ((b - a) / USERS).toFixed(1);
    console.log(
      JSON.stringify({
        users: USERS,
        failed: one.failed + two.failed,
        rssMb: [before.rssKb, afterOne.rssKb, afterTwo.rssKb].map((kb) => Math.round(kb / 1024)),
        firstSocketRssKb: per(before.rssKb, afterOne.rssKb),
        secondSocketRssKb: per(afterOne.rssKb, afterTwo.rssKb),
        firstSocketHeapKb: per(before.heapUsedKb, afterOne.heapUsedKb),
        secondSocketHeapKb: per(afterOne.heapUsedKb, afterTwo.heapUsedKb),
      }),
    );
    await Promise.all([first.disconnect(), second.disconnect()]);
  } finally {
    await server.stop();
  }
} finally {
  await Promise.all([first.stop(), second.stop()]);
  await database.close();
}
