import { sql, type Kysely } from 'kysely';

/**
 * Support agents created by another agent choose their password through an
 * e-mailed link, as invited secondaries do (docs/domain.md, « Support
 * accounts »). The `invitations` table cannot hold their links: its `space_id`
 * is required, and every reader of it (the principal's table, the support's
 * feed, the expiry job, the cession) takes an invitation for a space's. So an
 * agent's links have a table of their own, with the same guarantees: the
 * token's SHA-256 only, valid until `expires_at`, one use.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table agent_invitations (
      id integer generated always as identity primary key,
      user_id integer not null references users (id),
      invited_by_id integer not null references users (id),
      token_hash text not null unique,
      status text not null check (status in ('pending', 'accepted', 'revoked')),
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      accepted_at timestamptz
    )`.execute(db);
  await sql`create index agent_invitations_user_id on agent_invitations (user_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists agent_invitations`.execute(db);
}
