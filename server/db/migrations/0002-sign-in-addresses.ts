import { sql, type Kysely } from 'kysely';

/**
 * The addresses each e-mail signed in from, so that failed logins from
 * elsewhere never slow its owner down at home. A row holds a SHA-256 of the
 * e-mail and the address, never either in clear, and when it last served.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sign_in_addresses')
    .addColumn('key_hash', 'text', (c) => c.primaryKey())
    .addColumn('last_signed_in_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('sign_in_addresses_last_signed_in_at')
    .on('sign_in_addresses')
    .column('last_signed_in_at')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sign_in_addresses').ifExists().execute();
}
