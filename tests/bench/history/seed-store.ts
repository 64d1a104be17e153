/**
 * A large event store for the history's pages, written with a few set-based
 * statements: one space whose stream holds `bigStream` events, and the rest
 * of `total` events spread round-robin over `spaces` other spaces, every
 * event with its `event_keys` rows, one searched SIRET named by a few hundred
 * events spread over the whole period.
 *
 * The store is loaded as a restore would load it: the indexes and
 * constraints of `events` and `event_keys` are dropped, the rows inserted,
 * then the same definitions (read from the catalog beforehand) built again
 * and the tables analyzed.
 */
import pg from 'pg';

export interface StoreSizes {
  /** Events of the big space's stream. */
  bigStream: number;
  /** Events over every stream, the big one included; a multiple of `bigStream`. */
  total: number;
  /** Other spaces, sharing `total - bigStream` events evenly. */
  spaces: number;
}

export interface BigSpace {
  spaceId: number;
  principalId: number;
  principalEmail: string;
  secondaryIds: number[];
  sirets: string[];
}

export interface SeededStore {
  /** How many events name the searched SIRET. */
  searchedEvents: number;
  eventCount: number;
  keyCount: number;
  /** Wall time of each step, in seconds. */
  steps: { step: string; seconds: number }[];
}

/** The events are spread over this many days before now, inside `HISTORY_DAYS` (730 by default). */
const SPREAD_DAYS = 700;
/** SIRETs of each other space. */
const SIRETS_PER_SPACE = 10;

export async function seedStore(
  url: string,
  sizes: StoreSizes,
  big: BigSpace,
  searchedSiret: string,
): Promise<SeededStore> {
  const every = sizes.total / sizes.bigStream;
  const others = sizes.total - sizes.bigStream;
  if (!Number.isInteger(every) || others % sizes.spaces !== 0)
    throw new Error('total must be a multiple of bigStream, and the rest of spaces');
  const perSpace = others / sizes.spaces;
  const stepSeconds = (SPREAD_DAYS * 86_400) / sizes.total;

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const steps: SeededStore['steps'] = [];
  const step = async (name: string, text: string, values: unknown[] = []) => {
    const t0 = performance.now();
    await client.query(text, values);
    steps.push({ step: name, seconds: Math.round(performance.now() - t0) / 1000 });
  };
  try {
    await client.query(`set maintenance_work_mem = '1GB'`);
    await client.query(`set synchronous_commit = off`);

    const base = Number(
      (await client.query<{ base: string }>(`select coalesce(max(id), 0) as base from events`))
        .rows[0]!.base,
    );
    const definitions = await readDefinitions(client);

    // Each other space: its principal and two secondaries, as the sentences name them.
    await client.query(
      `create temp table bench_spaces (i int primary key, space_id int, principal_id int,
         principal_email text, secondary_ids int[])`,
    );
    await step(
      'other spaces and their members',
      `with s as (
         insert into spaces (created_at)
         select now() - interval '${SPREAD_DAYS + 1} days' from generate_series(1, $1)
         returning id
       ), numbered as (select row_number() over (order by id) - 1 as i, id from s),
       people as (
         insert into users (email, role, status, space_id)
         select format('%s.%s.%s@bench.example.fr', r.role, n.i, r.n), r.role, 'active', n.id
         from numbered n
         cross join (values ('principal', 0), ('secondary', 1), ('secondary', 2)) r(role, n)
         returning id, email, role, space_id
       )
       insert into bench_spaces
       select n.i, n.id, max(p.id) filter (where p.role = 'principal'),
         max(p.email) filter (where p.role = 'principal'),
         array_agg(p.id order by p.id) filter (where p.role = 'secondary')
       from numbered n join people p on p.space_id = n.id
       group by n.i, n.id`,
      [sizes.spaces],
    );
    await client.query(`analyze bench_spaces`);

    await step(
      'event streams',
      `insert into event_streams (stream, head)
       select 'space:' || space_id, $1::int from bench_spaces
       union all select $2, $3::int
       on conflict (stream) do update set head = event_streams.head + excluded.head`,
      [perSpace, `space:${big.spaceId}`, sizes.bigStream],
    );

    for (const { name } of [...definitions.foreign, ...definitions.unique])
      await client.query(`alter table ${name.table} drop constraint if exists ${name.name}`);
    for (const { name } of definitions.indexes) await client.query(`drop index ${name}`);

    // g orders every event in time; each `every`-th one is the big space's, the others go
    // round-robin over the other spaces, so that every stream spans the whole period.
    await step(
      'events of the big space',
      `insert into events (id, stream, seq, type, at, data, audience, actor_role, actor_id, actor_email)
       overriding system value
       select $1::bigint + g, $2, g / $3,
         case when (g / $3) % 20 < 16 then 'secondary.sirets_changed' else 'dossier.status_changed' end,
         now() - make_interval(secs => ($4 - g) * $5::float8),
         case when (g / $3) % 20 < 16 then jsonb_build_object(
           'userId', ($6::int[])[1 + (g / $3) % cardinality($6::int[])],
           'sirets', jsonb_build_array(($7::text[])[1 + (g / $3) % cardinality($7::text[])]),
           'dossiers', '[]'::jsonb,
           'attributed', jsonb_build_array(($7::text[])[1 + (g / $3) % cardinality($7::text[])]),
           'withdrawn', '[]'::jsonb)
         else jsonb_build_object(
           'dossierId', g, 'siret', ($7::text[])[1 + (g / $3) % cardinality($7::text[])],
           'status', 'consultation') end,
         case when (g / $3) % 20 < 16 then array[($6::int[])[1 + (g / $3) % cardinality($6::int[])]] end,
         'principal', $8::int, $9::text
       from generate_series($3::int, $4::int, $3::int) g`,
      [
        base,
        `space:${big.spaceId}`,
        every,
        sizes.total,
        stepSeconds,
        big.secondaryIds,
        big.sirets,
        big.principalId,
        big.principalEmail,
      ],
    );

    // Other events: k-th of them (0-based) is in space k % spaces at position k / spaces + 1.
    // Space 0 names the searched SIRET in every other event.
    await step(
      'events of the other spaces',
      `insert into events (id, stream, seq, type, at, data, audience, actor_role, actor_id, actor_email)
       overriding system value
       select $1::bigint + o.g, 'space:' || s.space_id, o.seq,
         case when o.seq % 20 < 14 then 'secondary.sirets_changed' else 'dossier.status_changed' end,
         now() - make_interval(secs => ($2 - o.g) * $3::float8),
         case when o.seq % 20 < 14 then jsonb_build_object(
           'userId', s.secondary_ids[1 + o.seq % 2],
           'sirets', jsonb_build_array(o.siret), 'dossiers', '[]'::jsonb,
           'attributed', jsonb_build_array(o.siret), 'withdrawn', '[]'::jsonb)
         else jsonb_build_object('dossierId', o.g, 'siret', o.siret,
           'status', case when o.seq % 20 < 18 then 'consultation' else 'cloture' end) end,
         case when o.seq % 20 < 14 then array[s.secondary_ids[1 + o.seq % 2]] end,
         case when o.seq % 20 < 18 then 'principal' else 'system' end,
         case when o.seq % 20 < 18 then s.principal_id end,
         case when o.seq % 20 < 18 then s.principal_email end
       from (
         select g, k % $4 as i, k / $4 + 1 as seq,
           case when k % $4 = 0 and (k / $4) % 2 = 0 then $6
                else lpad(((k % $4) * $7 + (k / $4) % $7)::text, 14, '0') end as siret
         from (select g, g - g / $5 - 1 as k from generate_series(1, $2::int) g) n
         where g % $5 <> 0
       ) o
       join bench_spaces s on s.i = o.i`,
      [base, sizes.total, stepSeconds, sizes.spaces, every, searchedSiret, SIRETS_PER_SPACE],
    );

    // The keys the server writes for these events (server/events/event-keys.ts): their
    // SIRET, the secondary they are about, their actor's e-mail — one to three each.
    await step(
      'event keys',
      `insert into event_keys (key, event_id)
       select k.key, e.id from events e
       cross join lateral (values
         ('siret:' || coalesce(e.data->>'siret', e.data->'sirets'->>0)),
         ('user:' || (e.data->>'userId')),
         ('email:' || e.actor_email)) k(key)
       where e.id > $1 and k.key is not null`,
      [base],
    );

    for (const definition of definitions.unique)
      await step(
        `${definition.name.name}`,
        `alter table ${definition.name.table} add constraint ${definition.name.name} ${definition.sql}`,
      );
    for (const index of definitions.indexes) await step(index.name, index.sql);
    for (const definition of definitions.foreign)
      await step(
        `${definition.name.name}`,
        `alter table ${definition.name.table} add constraint ${definition.name.name} ${definition.sql}`,
      );
    await client.query(
      `select setval(pg_get_serial_sequence('events', 'id'), (select max(id) from events))`,
    );
    await client.query(`drop table bench_spaces`);
    await step('analyze', 'analyze');

    const counts = await client.query<{ events: string; keys: string; searched: string }>(
      `select (select count(*) from events) as events, (select count(*) from event_keys) as keys,
         (select count(*) from event_keys where key = $1) as searched`,
      [`siret:${searchedSiret}`],
    );
    const heads = await client.query<{ wrong: string }>(
      `select count(*) as wrong from event_streams s
       where s.head <> coalesce((select max(seq) from events e where e.stream = s.stream), 0)`,
    );
    if (Number(heads.rows[0]!.wrong) > 0)
      throw new Error(`${heads.rows[0]!.wrong} stream heads do not match their last event`);
    const row = counts.rows[0]!;
    return {
      searchedEvents: Number(row.searched),
      eventCount: Number(row.events),
      keyCount: Number(row.keys),
      steps,
    };
  } finally {
    await client.end();
  }
}

interface Definitions {
  /** Primary keys and unique constraints. */
  unique: { name: { table: string; name: string }; sql: string }[];
  foreign: { name: { table: string; name: string }; sql: string }[];
  /** Indexes that back no constraint. */
  indexes: { name: string; sql: string }[];
}

/** The indexes and key constraints of the loaded tables, exactly as the migrations made them. */
async function readDefinitions(client: pg.Client): Promise<Definitions> {
  const constraints = await client.query<{
    table: string;
    name: string;
    kind: string;
    sql: string;
  }>(
    `select conrelid::regclass::text as table, conname as name, contype as kind,
       pg_get_constraintdef(oid) as sql
     from pg_constraint
     where conrelid in ('events'::regclass, 'event_keys'::regclass) and contype in ('p', 'u', 'f')
     order by conname`,
  );
  const indexes = await client.query<{ name: string; sql: string }>(
    `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as sql
     from pg_index i
     where i.indrelid in ('events'::regclass, 'event_keys'::regclass)
       and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)
     order by 1`,
  );
  const of = (kind: string) =>
    constraints.rows
      .filter((c) => c.kind === kind)
      .map((c) => ({ name: { table: c.table, name: c.name }, sql: c.sql }));
  return {
    unique: [...of('p'), ...of('u')],
    foreign: of('f'),
    indexes: indexes.rows,
  };
}
