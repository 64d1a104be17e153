import { sql, type Kysely } from 'kysely';

/**
 * The event store becomes a history people read (docs/domain.md, « Historique »):
 * - `id`: one number over every stream, the cursor of the support's history
 *   across spaces (a space's history pages by its own `seq`);
 * - who made each change: `actor_role` (`principal`, `secondary`, `support`,
 *   `system`), with the actor's id and e-mail when a person did it, and the
 *   reason a support agent typed;
 * - `event_keys`: what an event is about (`siret:<siret>`, `email:<e-mail>`,
 *   `user:<id>`), so that a search by SIRET or e-mail, and a secondary's own
 *   history, walk an index newest first and stop at the page's end instead of
 *   scanning the store.
 * Events written before this migration name no actor: they read as the
 * system's.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table events add column id bigint generated always as identity`.execute(db);
  await sql`create unique index events_id on events (id)`.execute(db);
  await sql`alter table events add column actor_role text not null default 'system'`.execute(db);
  await sql`alter table events add column actor_id integer`.execute(db);
  await sql`alter table events add column actor_email text`.execute(db);
  await sql`alter table events add column reason text`.execute(db);
  await sql`create index events_at on events (at)`.execute(db);

  await db.schema
    .createTable('event_keys')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('event_id', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('event_keys_pk', ['key', 'event_id'])
    .execute();

  await backfillEventKeys(db);
}

/**
 * Gives stored events the keys new ones get (server/events/event-keys.ts):
 * every SIRET and e-mail their data names, the users they are about with
 * their e-mails, and their actor's e-mail.
 */
export async function backfillEventKeys(db: Kysely<unknown>): Promise<void> {
  await sql`
    insert into event_keys (key, event_id)
    select distinct k.key, e.id from events e
    cross join lateral (
      select 'siret:' || (v #>> '{}') as key from jsonb_path_query(e.data, '$.**.siret') v
      where jsonb_typeof(v) = 'string'
      union all
      select 'siret:' || (v #>> '{}') from jsonb_path_query(e.data, '$.**.sirets[*]') v
      union all
      select 'siret:' || (v #>> '{}') from jsonb_path_query(e.data, '$.**.attributed[*]') v
      union all
      select 'siret:' || (v #>> '{}') from jsonb_path_query(e.data, '$.**.withdrawn[*]') v
      union all
      select 'email:' || lower(v #>> '{}') from jsonb_path_query(e.data, '$.**.email') v
      where jsonb_typeof(v) = 'string'
      union all
      select 'user:' || (v #>> '{}')
      from jsonb_path_query(e.data, '$.**.userId') v where jsonb_typeof(v) = 'number'
      union all
      select 'user:' || (v #>> '{}') from jsonb_path_query(e.data, '$.**.member.id') v
      union all
      select 'user:' || (v #>> '{}') from jsonb_path_query(e.data, '$.**.formerPrincipalId') v
      union all
      select 'email:' || lower(e.actor_email) where e.actor_email is not null
    ) k
    on conflict do nothing`.execute(db);
  await sql`
    insert into event_keys (key, event_id)
    select 'email:' || u.email, k.event_id from event_keys k
    join users u on u.id = case when k.key like 'user:%' then substring(k.key from 6)::int end
    on conflict do nothing`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('event_keys').ifExists().execute();
  await sql`drop index if exists events_at`.execute(db);
  for (const column of ['reason', 'actor_email', 'actor_id', 'actor_role', 'id']) {
    await sql`alter table events drop column if exists ${sql.ref(column)}`.execute(db);
  }
}
