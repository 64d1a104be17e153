/**
 * The client addresses an e-mail signed in from lately. Failed logins for an
 * e-mail slow down only the addresses it never signed in from: its owner at
 * home or at the office is not held back by a stranger's guesses.
 *
 * Keyed by the e-mail as typed (normalised), not the account, so that the
 * look-up is the same work for an e-mail without an account.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** How long an address is remembered after its last sign-in. */
export const SIGN_IN_ADDRESS_MEMORY_MS = 90 * 24 * 60 * 60 * 1000;

function keyHash(email: string, address: string): string {
  return createHash('sha256').update(`${email}\n${address}`).digest('hex');
}

export async function isKnownSignInAddress(
  db: Kysely<Database>,
  email: string,
  address: string,
  now: Date = new Date(),
): Promise<boolean> {
  const row = await db
    .selectFrom('signInAddresses')
    .select('keyHash')
    .where('keyHash', '=', keyHash(email, address))
    .where('lastSignedInAt', '>', new Date(now.getTime() - SIGN_IN_ADDRESS_MEMORY_MS))
    .executeTakeFirst();
  return row !== undefined;
}

export async function rememberSignInAddress(
  db: Kysely<Database>,
  email: string,
  address: string,
  now: Date = new Date(),
): Promise<void> {
  await db
    .insertInto('signInAddresses')
    .values({ keyHash: keyHash(email, address), lastSignedInAt: now })
    .onConflict((oc) => oc.column('keyHash').doUpdateSet({ lastSignedInAt: now }))
    .execute();
}

export async function forgetSignInAddressesBefore(
  db: Kysely<Database>,
  before: Date,
): Promise<void> {
  await db.deleteFrom('signInAddresses').where('lastSignedInAt', '<', before).execute();
}
