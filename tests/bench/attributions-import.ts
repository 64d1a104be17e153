/**
 * « Importer les attributions » of a large space: one file of 5,000 lines
 * (250 secondaries × 20 SIRETs, half of each list changed) sent over HTTP to
 * the built server on PostgreSQL, planned and applied in one transaction.
 * Baseline: the same attribution rows and events written with bare SQL in one
 * transaction, on an identical space.
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
import { percentile, round, type BenchContext, type MeasureResult } from './measure.js';

const GOAL_MS = 2000;
const SECONDARIES = 250;
const SIRETS_PER_SECONDARY = 20;
/** Each secondary keeps half of their SIRETs and gets as many new ones. */
const KEPT = SIRETS_PER_SECONDARY / 2;
const SIRETS = 1000;

interface ImportWorld {
  space: SpaceFixture;
  secondaries: { id: number; email: string; held: string[]; wanted: string[] }[];
  file: string;
}

export async function measureAttributionsImport(context: BenchContext): Promise<MeasureResult> {
  const runs = context.quick ? 2 : 4;
  const database = await createPostgresDatabase(context.postgresUrl, {
    prefix: 'qrp_bench_import',
    poolSize: 4,
  });
  try {
    const server = await startServerNode({
      script: process.env.BENCH_SERVER_SCRIPT,
      env: { DATABASE_URL: database.url, LOG_LEVEL: 'info' },
    });
    const appliedMs: number[] = [];
    const dryRunMs: number[] = [];
    let warmUp = 0;
    let fileBytes = 0;
    try {
      for (let run = 0; run <= runs; run++) {
        context.log(`import ${run}/${runs}: ${SECONDARIES * SIRETS_PER_SECONDARY} lines`);
        const world = await createWorld(database.db);
        fileBytes = Buffer.byteLength(world.file);
        const token = (await createSession(database.db, world.space.principal.id)).token;
        const dry = await postFile(server.url, token, world.file, true);
        const applied = await postFile(server.url, token, world.file, false);
        if (applied.changes !== SECONDARIES * SIRETS_PER_SECONDARY) {
          throw new Error(`the import changed ${applied.changes} attributions`);
        }
        // The first import warms the server up (as a server running for a while is): not counted.
        if (run === 0) {
          warmUp = applied.ms;
          continue;
        }
        dryRunMs.push(dry.ms);
        appliedMs.push(applied.ms);
      }
    } finally {
      await server.stop();
    }

    context.log('import: bare SQL baseline');
    const bareMs: number[] = [];
    for (let run = 0; run < runs; run++) {
      bareMs.push(await bareImport(database.url, await createWorld(database.db)));
    }

    const median = percentile(appliedMs, 0.5);
    const bare = percentile(bareMs, 0.5);
    const baseline = {
      label: 'the same rows and events in one bare SQL transaction',
      value: round(bare),
    };
    return {
      id: 'attributions-import',
      title: 'Import of 5,000 attribution lines (250 secondaries × 20 SIRETs)',
      figures: [
        {
          label: `request → answer, import applied, median of ${appliedMs.length}`,
          value: round(median),
          unit: 'ms',
          baseline,
          goal: `≤ ${GOAL_MS} ms`,
          pass: median <= GOAL_MS,
        },
        {
          label: `request → answer, import applied, worst of ${appliedMs.length}`,
          value: round(Math.max(...appliedMs)),
          unit: 'ms',
          baseline,
        },
        {
          label: `request → answer, dryRun, median of ${dryRunMs.length}`,
          value: round(percentile(dryRunMs, 0.5)),
          unit: 'ms',
        },
      ],
      notes: [
        `${SIRETS} SIRETs, ${SECONDARIES} active secondaries holding ${SIRETS_PER_SECONDARY} SIRETs each; the file (${Math.round(fileBytes / 1024)} KB, « ; », BOM, CRLF, as the export writes it) keeps ${KEPT} of each list and replaces the other ${KEPT}: ${SECONDARIES * KEPT} attributions added, as many removed, ${SECONDARIES} \`secondary.sirets_changed\` events.`,
        `Server: \`server/main.ts\` built, in its own process on PostgreSQL. Time from sending POST /api/v1/attributions.csv until its answer is read; the dryRun (same file, nothing written) was sent just before each import. One import first on the same server, not counted (${round(warmUp)} ms). Counted runs (ms): ${appliedMs.map((v) => round(v)).join(', ')}.`,
        `Baseline: BEGIN; lock the space; delete and insert the attribution pairs (two unnest statements); bump the stream head and write the ${SECONDARIES} events; COMMIT — one bare pg client, runs: ${bareMs.map((v) => round(v)).join(', ')} ms.`,
      ],
    };
  } finally {
    await database.close();
  }
}

async function createWorld(db: Kysely<Database>): Promise<ImportWorld> {
  const space = await createPrincipalWithSpace(db, { sirets: SIRETS, dossierStatus: null });
  const secondaries: ImportWorld['secondaries'] = [];
  for (let i = 0; i < SECONDARIES; i++) {
    const start = (i * SIRETS_PER_SECONDARY) % SIRETS;
    const held = space.sirets.slice(start, start + SIRETS_PER_SECONDARY);
    const fresh = (start + SIRETS / 2) % SIRETS;
    const wanted = [...held.slice(0, KEPT), ...space.sirets.slice(fresh, fresh + KEPT)];
    const { user } = await createSecondary(db, space, { sirets: held });
    secondaries.push({ id: user.id, email: user.email, held, wanted });
  }
  const lines = secondaries.flatMap((s) => s.wanted.map((siret) => `${s.email};Actif;${siret}`));
  const file = `\uFEFF${['Adresse email;Statut utilisateur;SIRET', ...lines].join('\r\n')}\r\n`;
  return { space, secondaries, file };
}

async function postFile(
  url: string,
  token: string,
  file: string,
  dryRun: boolean,
): Promise<{ ms: number; changes: number }> {
  const started = performance.now();
  const response = await fetch(`${url}/api/v1/attributions.csv${dryRun ? '?dryRun=1' : ''}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: file,
  });
  const text = await response.text();
  const ms = performance.now() - started;
  if (response.status !== 200) throw new Error(`import answered ${response.status}: ${text}`);
  const report = JSON.parse(text) as { add: unknown[]; remove: unknown[]; errors: unknown[] };
  if (report.errors.length > 0) throw new Error(`import refused lines: ${text.slice(0, 300)}`);
  return { ms, changes: report.add.length + report.remove.length };
}

/** The import's writes, as plain SQL in one transaction; returns its duration. */
async function bareImport(url: string, world: ImportWorld): Promise<number> {
  const taken = world.secondaries.flatMap((s) =>
    s.held.filter((x) => !s.wanted.includes(x)).map((siret) => [s.id, siret] as const),
  );
  const given = world.secondaries.flatMap((s) =>
    s.wanted.filter((x) => !s.held.includes(x)).map((siret) => [s.id, siret] as const),
  );
  const stream = `space:${world.space.spaceId}`;
  return withClient(url, async (client) => {
    const started = performance.now();
    await client.query('begin');
    await client.query('select id from spaces where id = $1 for update', [world.space.spaceId]);
    await client.query(
      `delete from attributions a using unnest($1::int[], $2::text[]) as t(user_id, siret)
       where a.user_id = t.user_id and a.siret = t.siret`,
      [taken.map((p) => p[0]), taken.map((p) => p[1])],
    );
    await client.query(
      `insert into attributions (user_id, siret) select * from unnest($1::int[], $2::text[])
       on conflict do nothing`,
      [given.map((p) => p[0]), given.map((p) => p[1])],
    );
    const head = await client.query<{ head: number }>(
      `insert into event_streams (stream, head) values ($1, $2)
       on conflict (stream) do update set head = event_streams.head + $2 returning head`,
      [stream, world.secondaries.length],
    );
    const first = head.rows[0]!.head - world.secondaries.length + 1;
    await client.query(
      `insert into events (stream, seq, type, at, data, audience)
       select $1, $2 + n - 1, 'secondary.sirets_changed', now(), d, array[u]
       from unnest($3::jsonb[], $4::int[]) with ordinality as t(d, u, n)`,
      [
        stream,
        first,
        world.secondaries.map((s) =>
          JSON.stringify({ userId: s.id, sirets: [...s.wanted].sort(), dossiers: [] }),
        ),
        world.secondaries.map((s) => s.id),
      ],
    );
    await client.query('commit');
    return performance.now() - started;
  });
}
