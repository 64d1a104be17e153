/**
 * A small world for route-by-route checks: space A (principal, an active and a
 * pending secondary, a SIRET whose dossier is at "Consultation", a SIRET with
 * no secondary), a principal of another space B, and an admin, each with a
 * session token.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../server/db/schema.js';
import { createSession } from '../../server/auth/sessions.js';
import {
  createAdmin,
  createDossier,
  createPrincipalWithSpace,
  createSecondary,
  uniqueReference,
  validSiret,
} from './fixtures.js';

export type Caller = 'anonymous' | 'secondary' | 'otherPrincipal' | 'admin' | 'principal';

export async function createWorld(db: Kysely<Database>) {
  const spaceA = await createPrincipalWithSpace(db, { sirets: 2, dossierStatus: 'consultation' });
  const spaceB = await createPrincipalWithSpace(db, { sirets: 1 });
  const [siretA, spareSiretA] = spaceA.sirets as [string, string];
  const active = await createSecondary(db, spaceA, { status: 'active', sirets: [siretA] });
  const pending = await createSecondary(db, spaceA, { status: 'pending' });
  const { user: admin } = await createAdmin(db);
  const freeSiret = validSiret();
  const freeDossier = await createDossier(db, { siret: freeSiret, status: 'completer_dossier' });
  const otherFreeSiret = validSiret();
  await createDossier(db, { siret: otherFreeSiret, status: 'completer_dossier' });
  const lockedSiret = validSiret();
  const lock = await db
    .insertInto('failedAttempts')
    .values({
      scope: 'add_siret',
      subject: `space:${spaceA.orgId}:${lockedSiret}`,
      userId: spaceA.principal.id,
      siret: lockedSiret,
      failures: 5,
      lockedAt: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const tokens: Record<Caller, string | null> = {
    anonymous: null,
    principal: (await createSession(db, spaceA.principal.id)).token,
    secondary: (await createSession(db, active.user.id)).token,
    otherPrincipal: (await createSession(db, spaceB.principal.id)).token,
    admin: (await createSession(db, admin.id)).token,
  };
  return {
    spaceA,
    spaceB,
    siretA,
    spareSiretA,
    active,
    pending,
    admin,
    freeSiret,
    freeDossier,
    otherFreeSiret,
    lockId: lock.id,
    tokens,
    newReference: uniqueReference,
  };
}

export type World = Awaited<ReturnType<typeof createWorld>>;
