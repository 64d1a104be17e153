import type { Kysely } from 'kysely';
import type { Database } from './db/schema.js';
import { findUserByEmail, insertAdmin, setAdminPassword } from './db/queries/users.js';
import { hashSecret, verifySecret } from './security/secrets.js';

/**
 * The support account of `ADMIN_EMAIL` exists at start, with `ADMIN_PASSWORD`
 * as its password. An address already used by a member is not taken over.
 */
export async function ensureAdmin(
  db: Kysely<Database>,
  admin: { email: string; password: string },
): Promise<void> {
  const existing = await findUserByEmail(db, admin.email);
  if (existing && existing.role !== 'admin') {
    throw new Error(`ADMIN_EMAIL ${admin.email} already belongs to a member of an employer space.`);
  }
  if (existing?.passwordHash && (await verifySecret(existing.passwordHash, admin.password))) return;
  const passwordHash = await hashSecret(admin.password);
  if (existing) {
    await setAdminPassword(db, existing.id, passwordHash);
    return;
  }
  await insertAdmin(db, admin.email, passwordHash);
}
