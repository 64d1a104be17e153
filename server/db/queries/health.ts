import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Resolves once the database answers a trivial statement (`GET /health`). */
export async function pingDatabase(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
