/**
 * The history's pages over a large event store (docs/api.md, « Historique »):
 * a principal's own history, whose stream holds a million events, and a
 * support search by SIRET among ten million, first page and the pages after
 * it, through HTTP against the real server; beside them, the same statements
 * run bare with `pg`, and their plans.
 */
import pg from 'pg';
import { createSession } from '../../server/auth/sessions.js';
import {
  createAdmin,
  createPrincipalWithSpace,
  createSecondary,
  withLuhnDigit,
} from '../support/fixtures.js';
import { createPostgresDatabase } from '../support/postgres-database.js';
import { startServerNode } from '../support/server-node.js';
import {
  explainPage,
  keyPage,
  streamPage,
  type PageQuery,
  type PlanSummary,
} from './history/page-queries.js';
import { seedStore, type StoreSizes } from './history/seed-store.js';
import {
  percentile,
  round,
  type BenchContext,
  type Figure,
  type MeasureResult,
} from './measure.js';

const GOAL_P99_MS = 20;
const LIMIT = 50;
/** Requests timed for each kind of page. */
const SAMPLES = 200;
const WARMUP = 20;
/** How deep the principal's next pages go, from the first. */
const PAGES_DEEP = 20;
const SECONDARIES = 8;
const BIG_SPACE_SIRETS = 20;

/** Timings of one kind of page, in ms. */
interface Timings {
  first: number[];
  next: number[];
  /** The deepest cursor reached, for its plan. */
  deepest: number;
}

export async function measureHistory(context: BenchContext): Promise<MeasureResult> {
  const sizes: StoreSizes = context.quick
    ? { bigStream: 100_000, total: 1_000_000, spaces: 1_000 }
    : { bigStream: 1_000_000, total: 10_000_000, spaces: 10_000 };
  // A fresh database brought to the latest schema by the project's migrations.
  const database = await createPostgresDatabase(context.postgresUrl, {
    prefix: 'qrp_bench_history',
    poolSize: 2,
  });
  try {
    const space = await createPrincipalWithSpace(database.db, {
      sirets: BIG_SPACE_SIRETS,
      dossierStatus: null,
    });
    const secondaryIds: number[] = [];
    for (let i = 0; i < SECONDARIES; i++)
      secondaryIds.push((await createSecondary(database.db, space)).user.id);
    const admin = await createAdmin(database.db);
    const principalToken = (await createSession(database.db, space.principal.id)).token;
    const supportToken = (await createSession(database.db, admin.user.id)).token;
    const searchedSiret = withLuhnDigit('9123456789012');
    const stream = `space:${space.spaceId}`;

    context.log(
      `history: seeding ${sizes.total.toLocaleString('en')} events, ${sizes.bigStream.toLocaleString('en')} in one stream`,
    );
    const t0 = performance.now();
    const store = await seedStore(
      database.url,
      sizes,
      {
        spaceId: space.spaceId,
        principalId: space.principal.id,
        principalEmail: space.principal.email,
        secondaryIds,
        sirets: space.sirets,
      },
      searchedSiret,
    );
    const seedS = round((performance.now() - t0) / 1000, 1);
    context.log(
      `history: seeded in ${seedS} s (${store.steps.map((s) => `${s.step} ${s.seconds} s`).join(', ')})`,
    );

    const server = await startServerNode({
      script: process.env.BENCH_SERVER_SCRIPT,
      env: { DATABASE_URL: database.url, LOG_LEVEL: 'info' },
    });
    let own: Timings;
    let search: Timings;
    try {
      context.log('history: pages through HTTP');
      const page = (path: string, token: string) => timedGet(`${server.url}${path}`, token);
      own = await walkPages(
        (before) => page(`/api/v1/history?limit=${LIMIT}${cursor(before)}`, principalToken),
        PAGES_DEEP,
      );
      search = await walkPages(
        (before) =>
          page(
            `/api/v1/admin/history?siret=${searchedSiret}&limit=${LIMIT}${cursor(before)}`,
            supportToken,
          ),
        Number.POSITIVE_INFINITY,
      );
    } finally {
      await server.stop();
    }

    context.log('history: bare statements and their plans');
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    let bareOwn: Timings;
    let bareSearch: Timings;
    const plans: { query: string; plan: PlanSummary }[] = [];
    try {
      const run = async (query: PageQuery, cursorOf: (row: BareRow) => number) => {
        const t = performance.now();
        const { rows } = await client.query<BareRow>(query.text, query.values);
        const ms = performance.now() - t;
        const last = rows[Math.min(rows.length, LIMIT) - 1];
        return { ms, next: rows.length > LIMIT && last ? cursorOf(last) : null };
      };
      bareOwn = await walkPages(
        (before) => run(streamPage(stream, 0, before, LIMIT), (row) => row.seq),
        PAGES_DEEP,
      );
      const key = `siret:${searchedSiret}`;
      bareSearch = await walkPages(
        (before) => run(keyPage(key, before, LIMIT), (row) => Number(row.id)),
        Number.POSITIVE_INFINITY,
      );
      // A key far more common than a SIRET: the principal's e-mail names every event of
      // their stream; its page halfway down is where a cursor off the key's index costs most.
      const busyKey = `email:${space.principal.email}`;
      const halfway = Number(
        (
          await client.query<{ id: string }>(
            'select id from events where stream = $1 and seq = $2',
            [stream, sizes.bigStream / 2],
          )
        ).rows[0]!.id,
      );
      const explained: [string, PageQuery][] = [
        ['principal, first page', streamPage(stream, 0, null, LIMIT)],
        [`principal, page ${PAGES_DEEP + 1}`, streamPage(stream, 0, bareOwn.deepest, LIMIT)],
        ['SIRET search, first page', keyPage(key, null, LIMIT)],
        ['SIRET search, last page', keyPage(key, bareSearch.deepest, LIMIT)],
        [
          `search by the principal’s e-mail (${sizes.bigStream.toLocaleString('en')} events), page halfway down`,
          keyPage(busyKey, halfway, LIMIT),
        ],
      ];
      for (const [query, statement] of explained)
        plans.push({ query, plan: await explainPage(client, statement) });
    } finally {
      await client.end();
    }

    const warnings = plans.flatMap(({ query, plan }) =>
      plan.warnings.map((warning) => `${query}: ${warning}`),
    );
    const figures: Figure[] = [
      ...pageFigures('principal’s history', own, bareOwn),
      ...pageFigures(
        `support search by SIRET (${store.searchedEvents} events)`,
        search,
        bareSearch,
      ),
      {
        label: `seeding ${sizes.total.toLocaleString('en')} events and ${store.keyCount.toLocaleString('en')} keys`,
        value: seedS,
        unit: 's',
      },
    ];
    return {
      id: 'history',
      title: 'History pages over a large event store, through HTTP',
      figures,
      notes: [
        `Store: ${store.eventCount.toLocaleString('en')} events (${sizes.bigStream.toLocaleString('en')} in the principal’s stream, the others round-robin over ${sizes.spaces.toLocaleString('en')} spaces of 3 members, spread over 700 days), ${store.keyCount.toLocaleString('en')} \`event_keys\` rows (1–3 per event: its SIRET, the secondary it is about, its actor’s e-mail); the searched SIRET is named by ${store.searchedEvents} events spread over the whole period. Seeded by set-based statements (\`generate_series\`) as a restore loads a table: indexes and key constraints of \`events\` and \`event_keys\` dropped, rows inserted, the same definitions built again, then \`ANALYZE\`. Steps: ${store.steps.map((s) => `${s.step} ${s.seconds} s`).join(', ')}.`,
        `Server: the built \`server/main.ts\` in its own process on that database, a principal and a support agent signed in. The server sends no \`Server-Timing\` header: each figure is the request's time on loopback (fetch, keep-alive, one request at a time, answer read), session check, join position, page statement and the names of the page included. First page: ${SAMPLES} requests after ${WARMUP} of warm-up; next pages: by \`next\`, ${PAGES_DEEP} pages deep for the principal and to the end for the SIRET search, again and again until ${SAMPLES} requests.`,
        `Baseline: the page statement of server/db/queries/history.ts alone, as plain SQL on one \`pg\` connection, with the same cursors and counts.`,
        `p50/p99, first and next pages: principal ${fmt(own.first)} and ${fmt(own.next)} (bare ${fmt(bareOwn.first)} and ${fmt(bareOwn.next)}); SIRET search ${fmt(search.first)} and ${fmt(search.next)} (bare ${fmt(bareSearch.first)} and ${fmt(bareSearch.next)}).`,
        ...plans.map(
          ({ query, plan }) =>
            `Plan, ${query} (${round(plan.executionMs, 3)} ms, buffers hit ${plan.buffers.hit} read ${plan.buffers.read}): ${plan.nodes.map((n) => n.trim()).join(' > ')}.`,
        ),
        warnings.length === 0
          ? 'Every plan walks an index in page order and stops at the page’s end: no Seq Scan, no Sort, no Bitmap Heap Scan, no index read far beyond the page.'
          : `Not stopped at the page’s end: ${warnings.join('; ')}.`,
      ],
      tables: [
        {
          caption: 'Plans of the page statements (EXPLAIN ANALYZE, BUFFERS)',
          head: ['statement', 'plan', 'execution', 'buffers hit / read'],
          rows: plans.map(({ query, plan }) => [
            query,
            plan.nodes.map((n) => n.trim()).join(' > '),
            `${round(plan.executionMs, 3)} ms`,
            `${plan.buffers.hit} / ${plan.buffers.read}`,
          ]),
        },
      ],
    };
  } finally {
    await database.close();
  }
}

interface BareRow {
  id: string;
  seq: number;
}

interface Step {
  ms: number;
  next: number | null;
}

/**
 * The first page `SAMPLES` times, then the following pages by `next`,
 * `depth` at most from the first, again from the first until `SAMPLES` of them.
 */
async function walkPages(
  read: (before: number | null) => Promise<Step>,
  depth: number,
): Promise<Timings> {
  for (let i = 0; i < WARMUP; i++) await read(null);
  const first: number[] = [];
  let start: number | null = null;
  for (let i = 0; i < SAMPLES; i++) {
    const step = await read(null);
    first.push(step.ms);
    start = step.next;
  }
  if (start === null) throw new Error('the first page has no next page');
  const next: number[] = [];
  let deepest = start;
  while (next.length < SAMPLES) {
    let before: number | null = start;
    for (let page = 0; page < depth && before !== null && next.length < SAMPLES; page++) {
      deepest = before;
      const step = await read(before);
      next.push(step.ms);
      before = step.next;
    }
  }
  return { first, next, deepest };
}

async function timedGet(url: string, token: string): Promise<Step> {
  const t = performance.now();
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body = await response.text();
  const ms = performance.now() - t;
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${body.slice(0, 200)}`);
  const page = JSON.parse(body) as { entries: unknown[]; next: number | null };
  if (page.entries.length === 0) throw new Error(`GET ${url}: an empty page`);
  return { ms, next: page.next };
}

function cursor(before: number | null): string {
  return before === null ? '' : `&before=${before}`;
}

function pageFigures(what: string, server: Timings, bare: Timings): Figure[] {
  const p = (values: number[], q: number) => round(percentile(values, q), 2);
  return (['first', 'next'] as const).flatMap((page) => {
    const label = `${what}: ${page === 'first' ? 'first page' : 'next pages'}`;
    const p99 = p(server[page], 0.99);
    return [
      {
        label: `${label} p99`,
        value: p99,
        unit: 'ms' as const,
        baseline: { label: 'bare statement p99', value: p(bare[page], 0.99) },
        goal: `≤ ${GOAL_P99_MS} ms`,
        pass: p99 <= GOAL_P99_MS,
      },
      {
        label: `${label} p50`,
        value: p(server[page], 0.5),
        unit: 'ms' as const,
        baseline: { label: 'bare statement p50', value: p(bare[page], 0.5) },
      },
    ];
  });
}

function fmt(values: number[]): string {
  return `${round(percentile(values, 0.5), 2)} / ${round(percentile(values, 0.99), 2)} ms`;
}
