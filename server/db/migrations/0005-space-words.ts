import { sql, type Kysely } from 'kysely';

/**
 * One word for one idea: the table is `spaces`, so the columns that point at it
 * are `space_id`, the cession event is `space.ceded` and its fields `fromSpaceId`
 * / `toSpaceId`. Stored events are rewritten with the contract
 * (docs/api.md): a client never sees the older words.
 */
const RENAMED_KEYS: ReadonlyArray<readonly [string, string]> = [
  ['orgId', 'spaceId'],
  ['fromOrgId', 'fromSpaceId'],
  ['toOrgId', 'toSpaceId'],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['users', 'sirets', 'invitations']) {
    await sql`alter table ${sql.table(table)} rename column org_id to space_id`.execute(db);
  }
  await sql`alter index users_org_id rename to users_space_id`.execute(db);
  await sql`alter index sirets_org_id rename to sirets_space_id`.execute(db);

  await sql`update events set type = 'space.ceded' where type = 'org.ceded'`.execute(db);
  // Keys are rewritten in the JSON text: a key is always `"name": ` there, and
  // a quote inside a value is escaped, so no value can match.
  for (const [from, to] of RENAMED_KEYS) {
    await sql`
      update events set data = replace(data::text, ${`"${from}":`}, ${`"${to}":`})::jsonb
      where data::text like ${`%"${from}":%`}`.execute(db);
  }

  await sql`drop index if exists events_membership`.execute(db);
  await sql`
    create index events_membership on events (stream, seq)
    where type in ('secondary.added', 'secondary.status_changed', 'space.ceded')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists events_membership`.execute(db);
  for (const [from, to] of RENAMED_KEYS) {
    await sql`
      update events set data = replace(data::text, ${`"${to}":`}, ${`"${from}":`})::jsonb
      where data::text like ${`%"${to}":%`}`.execute(db);
  }
  await sql`update events set type = 'org.ceded' where type = 'space.ceded'`.execute(db);
  await sql`
    create index events_membership on events (stream, seq)
    where type in ('secondary.added', 'secondary.status_changed', 'org.ceded')`.execute(db);
  await sql`alter index sirets_space_id rename to sirets_org_id`.execute(db);
  await sql`alter index users_space_id rename to users_org_id`.execute(db);
  for (const table of ['users', 'sirets', 'invitations']) {
    await sql`alter table ${sql.table(table)} rename column space_id to org_id`.execute(db);
  }
}
