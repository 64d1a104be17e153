import { sql, type Kysely } from 'kysely';

/**
 * Wrong signup codes are counted per SIRET and client address (scope
 * `signup`, subject `siret:<siret>:<address>`), so that a stranger's guesses
 * lock only the stranger's address; a SIRET's wrong codes from every address
 * are also counted (scope `signup_alert`, subject `siret:<siret>`), which
 * never locks: `alerted_at` says when it alerted the support agents.
 *
 * The counters of the former `signup` scope counted a SIRET's wrong codes from
 * every address: they become that SIRET's `signup_alert` counter, a lock
 * becoming an alert raised at the same time, so that support still sees it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('failed_attempts').addColumn('alerted_at', 'timestamptz').execute();
  await sql`alter table failed_attempts drop constraint failed_attempts_scope_check`.execute(db);
  await sql`alter table failed_attempts add constraint failed_attempts_scope_check
    check (scope in ('signup', 'add_siret', 'cession', 'signup_alert'))`.execute(db);
  await sql`update failed_attempts
    set scope = 'signup_alert', alerted_at = locked_at, locked_at = null
    where scope = 'signup'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from failed_attempts where scope = 'signup'`.execute(db);
  await sql`update failed_attempts
    set scope = 'signup', locked_at = alerted_at
    where scope = 'signup_alert'`.execute(db);
  await sql`alter table failed_attempts drop constraint failed_attempts_scope_check`.execute(db);
  await sql`alter table failed_attempts add constraint failed_attempts_scope_check
    check (scope in ('signup', 'add_siret', 'cession'))`.execute(db);
  await db.schema.alterTable('failed_attempts').dropColumn('alerted_at').execute();
}
