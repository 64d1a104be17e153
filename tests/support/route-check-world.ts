/**
 * A small world for route-by-route checks: space A (principal, an active and a
 * pending secondary, a SIRET whose dossier is at "Consultation", a SIRET with
 * no secondary, a locked SIRET, a cession received from a space C), a
 * principal of another space B, and two admins, each with a session token.
 */
import type { Kysely } from 'kysely';
import { MAX_FAILED_ATTEMPTS } from '../../shared/domain.js';
import type { Database } from '../../server/db/schema.js';
import { createSession } from '../../server/auth/sessions.js';
import { addSiret } from '../../server/rules/add-siret.js';
import { cedeSirets } from '../../server/rules/cede-sirets.js';
import { runRule } from '../../server/rules/run-rule.js';
import {
  createAdmin,
  createDossier,
  createPrincipalWithSpace,
  createSecondary,
  uniqueReference,
  validSiret,
  WRONG_UNLOCK_CODE,
  type SpaceFixture,
} from './fixtures.js';

export type Caller = 'anonymous' | 'secondary' | 'otherPrincipal' | 'admin' | 'principal';

export async function createRouteCheckWorld(db: Kysely<Database>) {
  const spaceA = await createPrincipalWithSpace(db, { sirets: 2, dossierStatus: 'consultation' });
  const spaceB = await createPrincipalWithSpace(db, { sirets: 1 });
  const [siretA, spareSiretA] = spaceA.sirets as [string, string];
  const active = await createSecondary(db, spaceA, { status: 'active', sirets: [siretA] });
  const pending = await createSecondary(db, spaceA, { status: 'pending' });
  const { user: admin } = await createAdmin(db);
  // Another support agent, for the routes acting on an agent's account.
  const { user: otherAgent } = await createAdmin(db);
  const freeSiret = validSiret();
  const freeDossier = await createDossier(db, { siret: freeSiret, status: 'completer_dossier' });
  const otherFreeSiret = validSiret();
  await createDossier(db, { siret: otherFreeSiret, status: 'completer_dossier' });
  const lockId = await lockedAddSiretCounter(db, spaceA);
  // A space C ceded into space A: its undo (support) and its refusal (A's principal).
  const spaceC = await createPrincipalWithSpace(db, { sirets: 1 });
  const { cessionId: cessionIntoA } = await runRule(db, (trx) =>
    cedeSirets(trx, spaceC.actor, { email: spaceA.principal.email }),
  );
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
    otherAgent,
    freeSiret,
    freeDossier,
    otherFreeSiret,
    lockId,
    cessionIntoA,
    tokens,
    newReference: uniqueReference,
  };
}

/**
 * The id of a locked counter of wrong unlock codes for a SIRET of `space`:
 * the rule counts one wrong code under its own key, and the counter is then
 * brought to the lock, as the wrong codes that follow would bring it (each
 * costs a hash check).
 */
async function lockedAddSiretCounter(db: Kysely<Database>, space: SpaceFixture): Promise<number> {
  const siret = validSiret();
  await createDossier(db, { siret, status: 'completer_dossier' });
  await runRule(db, (trx) =>
    addSiret(trx, space.actor, {
      siret,
      unlockCode: WRONG_UNLOCK_CODE,
      assignToAllSecondaries: false,
    }),
  ).catch((error: { code?: string }) => {
    if (error.code !== 'SIRET_UNLOCK_CODE_INVALID') throw error;
  });
  const counter = await db
    .updateTable('failedAttempts')
    .set({ failures: MAX_FAILED_ATTEMPTS, lockedAt: new Date() })
    .where('scope', '=', 'add_siret')
    .where('siret', '=', siret)
    .returning('id')
    .executeTakeFirstOrThrow();
  return counter.id;
}

export type RouteCheckWorld = Awaited<ReturnType<typeof createRouteCheckWorld>>;
