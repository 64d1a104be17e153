import { sql, type Kysely } from 'kysely';

/**
 * The events that bring someone into a space (`secondary.added`, an invitation
 * accepted as `secondary.status_changed`, `org.ceded`),
 * by stream: where a member joined is looked up at their first `sync`
 * (server/realtime/join-position.ts) without reading the whole stream.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index if not exists events_membership on events (stream, seq)
    where type in ('secondary.added', 'secondary.status_changed', 'org.ceded')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists events_membership`.execute(db);
}
