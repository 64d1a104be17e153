/**
 * Cession of a large space (1,000 SIRETs, 200 secondaries, every member
 * connected): from the principal's request until every member of both spaces
 * has the `space.ceded` event. Baseline: the same row changes and event rows
 * written with bare SQL in one transaction, on an identical space.
 */
import type { Kysely } from 'kysely';
import { createSession } from '../../server/auth/sessions.js';
import type { Database } from '../../server/db/schema.js';
import { startServerNode } from '../support/server-node.js';
import {
  createPrincipalWithSpace,
  createSecondary,
  type SpaceFixture,
} from '../support/fixtures.js';
import { createPostgresDatabase, withClient } from '../support/postgres-database.js';
import { runChild } from './child-process.js';
import type { CessionInput, CessionOutput } from './cession-clients.js';
import { percentile, round, type BenchContext, type MeasureResult } from './measure.js';

const GOAL_MS = 250;
const SIRETS = 1000;
const SECONDARIES = 200;
const SIRETS_PER_SECONDARY = 5;

interface CessionWorld {
  from: SpaceFixture;
  to: SpaceFixture;
  secondaryIds: number[];
}

export async function measureCession(context: BenchContext): Promise<MeasureResult> {
  const runs = context.quick ? 2 : 4;
  const database = await createPostgresDatabase(context.postgresUrl, {
    prefix: 'qrp_bench_cession',
    poolSize: 4,
  });
  try {
    const server = await startServerNode({
      script: process.env.BENCH_SERVER_SCRIPT,
      env: { DATABASE_URL: database.url, LOG_LEVEL: 'info' },
    });
    const outputs: CessionOutput[] = [];
    let warmUp: CessionOutput | undefined;
    try {
      for (let run = 0; run < runs; run++) {
        context.log(`cession ${run + 1}/${runs}: ${SIRETS} SIRETs, ${SECONDARIES} secondaries`);
        const world = await createWorld(database.db);
        const memberTokens = [];
        for (const userId of [
          world.from.principal.id,
          world.to.principal.id,
          ...world.secondaryIds,
        ])
          memberTokens.push((await createSession(database.db, userId)).token);
        const output = await runChild<CessionInput, CessionOutput>(
          'tests/bench/cession-clients.ts',
          {
            url: server.url,
            memberTokens,
            principalToken: memberTokens[0]!,
            targetEmail: world.to.principal.email,
          },
        );
        // The first cession warms the server up (as a server running for a while is): not counted.
        if (run > 0) outputs.push(output);
        else warmUp = output;
      }
    } finally {
      await server.stop();
    }

    context.log('cession: bare SQL baseline');
    const bareMs: number[] = [];
    for (let run = 1; run < runs; run++) {
      const world = await createWorld(database.db);
      bareMs.push(await bareCession(database.url, world));
    }

    const counted = outputs.length;
    const worst = Math.max(...outputs.map((o) => o.allNotifiedMs));
    const median = percentile(
      outputs.map((o) => o.allNotifiedMs),
      0.5,
    );
    const bare = percentile(bareMs, 0.5);
    return {
      id: 'cession',
      title: 'Cession of a space of 1,000 SIRETs and 200 secondaries',
      figures: [
        {
          label: `request → every member notified, median of ${counted}`,
          value: round(median),
          unit: 'ms',
          baseline: { label: 'the same rows in one bare SQL transaction', value: round(bare) },
          goal: `≤ ${GOAL_MS} ms`,
          pass: median <= GOAL_MS,
        },
        {
          label: `request → every member notified, worst of ${counted}`,
          value: round(worst),
          unit: 'ms',
          baseline: { label: 'the same rows in one bare SQL transaction', value: round(bare) },
        },
        {
          label: 'request → HTTP answer, median',
          value: round(
            percentile(
              outputs.map((o) => o.answeredMs),
              0.5,
            ),
          ),
          unit: 'ms',
        },
      ],
      notes: [
        `${SIRETS} SIRETs, ${SECONDARIES} active secondaries (${SIRETS_PER_SECONDARY} SIRETs each), a target space; ${outputs[0]?.notified ?? 0} Socket.IO clients (both principals and every secondary) connected from a process of their own, each having received its snapshot, before the request.`,
        `Server: \`server/main.ts\` in its own process on PostgreSQL, Socket.IO PostgreSQL adapter on. Time from sending POST /api/v1/cession until the last client has \`space.ceded\` (the event carries the 1,000 SIRETs).`,
        `One cession first on the same server, not counted (${warmUp?.allNotifiedMs ?? '?'} ms): the first request of each route in a fresh process runs cold code. Counted runs (ms, last notified): ${outputs.map((o) => o.allNotifiedMs).join(', ')}; median HTTP answer ${round(
          percentile(
            outputs.map((o) => o.answeredMs),
            0.5,
          ),
        )} ms; median client notified at ${round(
          percentile(
            outputs.map((o) => o.medianNotifiedMs),
            0.5,
          ),
        )} ms.`,
        `Baseline: BEGIN; move the SIRETs, the secondaries and the pending invitations; the principal becomes a secondary holding every SIRET; dissolve the space; bump both stream heads and write both events; COMMIT — one bare pg client, runs: ${bareMs.map((v) => round(v)).join(', ')} ms.`,
      ],
    };
  } finally {
    await database.close();
  }
}

async function createWorld(db: Kysely<Database>): Promise<CessionWorld> {
  const from = await createPrincipalWithSpace(db, { sirets: SIRETS, dossierStatus: null });
  const to = await createPrincipalWithSpace(db, { sirets: 1, dossierStatus: null });
  const secondaryIds: number[] = [];
  for (let i = 0; i < SECONDARIES; i++) {
    const start = (i * SIRETS_PER_SECONDARY) % SIRETS;
    const sirets = from.sirets.slice(start, start + SIRETS_PER_SECONDARY);
    secondaryIds.push((await createSecondary(db, from, { sirets })).user.id);
  }
  return { from, to, secondaryIds };
}

/** The cession's writes, as plain SQL in one transaction; returns its duration. */
async function bareCession(url: string, world: CessionWorld): Promise<number> {
  const from = world.from.spaceId;
  const to = world.to.spaceId;
  return withClient(url, async (client) => {
    const started = performance.now();
    await client.query('begin');
    await client.query('select id from spaces where id = any($1) order by id for update', [
      [from, to],
    ]);
    const { rows } = await client.query<{ siret: string }>(
      'update sirets set space_id = $2 where space_id = $1 returning siret',
      [from, to],
    );
    await client.query(
      "update users set space_id = $2, updated_at = now() where space_id = $1 and role = 'secondary' and status <> 'removed'",
      [from, to],
    );
    await client.query(
      "update invitations set space_id = $2 where space_id = $1 and status = 'pending'",
      [from, to],
    );
    await client.query(
      "update users set role = 'secondary', space_id = $2, updated_at = now() where id = $1",
      [world.from.principal.id, to],
    );
    await client.query(
      'insert into attributions (user_id, siret) select $1, unnest($2::text[]) on conflict do nothing',
      [world.from.principal.id, rows.map((r) => r.siret)],
    );
    await client.query('update spaces set dissolved_at = now() where id = $1', [from]);
    const data = JSON.stringify({
      fromSpaceId: from,
      toSpaceId: to,
      sirets: rows.map((r) => r.siret),
    });
    for (const stream of [`space:${from}`, `space:${to}`]) {
      const head = await client.query<{ head: number }>(
        `insert into event_streams (stream, head) values ($1, 1)
         on conflict (stream) do update set head = event_streams.head + 1 returning head`,
        [stream],
      );
      await client.query(
        `insert into events (stream, seq, type, at, data, audience) values ($1, $2, 'space.ceded', now(), $3, null)`,
        [stream, head.rows[0]!.head, data],
      );
    }
    await client.query('commit');
    return performance.now() - started;
  });
}
