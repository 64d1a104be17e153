import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as initial from './migrations/0001-initial.js';
import * as signInAddresses from './migrations/0002-sign-in-addresses.js';
import * as signupAttemptsPerAddress from './migrations/0003-signup-attempts-per-address.js';
import * as membershipEventsIndex from './migrations/0004-membership-events-index.js';
import * as spaceWords from './migrations/0005-space-words.js';
import * as eventHistory from './migrations/0006-event-history.js';
import * as cessions from './migrations/0007-cessions.js';
import * as supportAgents from './migrations/0008-support-agents.js';

/** Migrations are listed here, in order, so they run the same from sources and from a bundle. */
const MIGRATIONS = {
  '0001-initial': initial,
  '0002-sign-in-addresses': signInAddresses,
  '0003-signup-attempts-per-address': signupAttemptsPerAddress,
  '0004-membership-events-index': membershipEventsIndex,
  '0005-space-words': spaceWords,
  '0006-event-history': eventHistory,
  '0007-cessions': cessions,
  '0008-support-agents': supportAgents,
} satisfies Record<string, Migration>;

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** Brings the schema to the latest version; throws with the failing migration's error. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  await check(new Migrator({ db, provider }).migrateToLatest());
}

/** Brings the schema up or down to the version `name` (an operator's rollback, and its tests). */
export async function migrateTo(db: Kysely<unknown>, name: keyof typeof MIGRATIONS): Promise<void> {
  await check(new Migrator({ db, provider }).migrateTo(name));
}

async function check(run: ReturnType<Migrator['migrateToLatest']>): Promise<void> {
  const { error, results } = await run;
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Migration ${failed} failed`, { cause: error });
  }
}
