import { sql, type Kysely } from 'kysely';

/**
 * A record of each cession, as it was made: what moved (SIRETs, secondaries,
 * and who held which SIRET), so that support can undo it and the receiving
 * principal can refuse it (docs/domain.md rule 1, « Undoing a cession »).
 * Cessions made before this migration have no record and cannot be undone.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table cessions (
      id integer generated always as identity primary key,
      from_space_id integer not null references spaces (id),
      to_space_id integer not null references spaces (id),
      from_principal_id integer not null references users (id),
      to_principal_id integer not null references users (id),
      ceded_at timestamptz not null default now(),
      sirets text[] not null,
      member_ids integer[] not null,
      attributions jsonb not null,
      reverted_at timestamptz,
      reverted_how text check (reverted_how in ('undone', 'refused')),
      reverted_by_id integer references users (id),
      reason text,
      check ((reverted_at is null) = (reverted_how is null))
    )`.execute(db);
  await sql`create index cessions_to_space on cessions (to_space_id, ceded_at)`.execute(db);
  await sql`create index cessions_from_space on cessions (from_space_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists cessions`.execute(db);
}
