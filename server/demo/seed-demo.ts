/**
 * Demo data, created through the rules like any other change, so the demo
 * shows exactly what the product does. Runs once: a second start finds the
 * demo principal and leaves the data as it is.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { findUserByEmail } from '../db/queries/users.js';
import { addDossier } from '../rules/add-dossier.js';
import { addSecondary } from '../rules/add-secondary.js';
import { addSiret } from '../rules/add-siret.js';
import { acceptInvitation } from '../rules/accept-invitation.js';
import { runRule } from '../rules/run-rule.js';
import { setSecondarySirets } from '../rules/set-secondary-sirets.js';
import { signUpPrincipal } from '../rules/sign-up-principal.js';
import { hashSecret } from '../security/secrets.js';
import type { InvitationToSend } from '../http/send-invitation-mail.js';
import {
  DEMO_ADMIN,
  DEMO_DOSSIERS,
  DEMO_OTHER_PRINCIPAL,
  DEMO_OTHER_PRINCIPAL_SIRETS,
  DEMO_PRINCIPAL,
  DEMO_PRINCIPAL_SIRETS,
  DEMO_SECONDARIES,
} from './demo-data.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Returns true when it created the data, false when it was already there. */
export async function seedDemo(
  db: Kysely<Database>,
  sendInvitation: (invitation: InvitationToSend) => Promise<unknown>,
): Promise<boolean> {
  if (await findUserByEmail(db, DEMO_PRINCIPAL.email)) return false;
  const admin = await findUserByEmail(db, DEMO_ADMIN.email);
  if (!admin) throw new Error('the demo admin must exist before the demo data');
  const adminActor = { userId: admin.id };

  for (const dossier of DEMO_DOSSIERS) {
    const unlockCodeHash = await hashSecret(dossier.unlockCode);
    const openedAt = new Date(Date.now() - dossier.openedDaysAgo * DAY_MS)
      .toISOString()
      .slice(0, 10);
    await runRule(db, (trx) =>
      addDossier(trx, adminActor, { ...dossier, unlockCodeHash, openedAt }),
    );
  }

  const principal = await signUp(db, DEMO_PRINCIPAL, DEMO_PRINCIPAL_SIRETS);
  await signUp(db, DEMO_OTHER_PRINCIPAL, DEMO_OTHER_PRINCIPAL_SIRETS);

  for (const secondary of DEMO_SECONDARIES) {
    const { secondary: created, invitation } = await runRule(db, (trx) =>
      addSecondary(trx, principal, { email: secondary.email }),
    );
    if (secondary.password === null) {
      await sendInvitation(invitation);
      continue;
    }
    const passwordHash = await hashSecret(secondary.password);
    await runRule(db, (trx) => acceptInvitation(trx, { token: invitation.token, passwordHash }));
    await runRule(db, (trx) =>
      setSecondarySirets(trx, principal, { userId: created.id, sirets: [...secondary.sirets] }),
    );
  }
  return true;
}

async function signUp(
  db: Kysely<Database>,
  person: { email: string; password: string },
  sirets: string[],
): Promise<{ userId: number }> {
  const [first, ...others] = sirets as [string, ...string[]];
  const passwordHash = await hashSecret(person.password);
  const { user } = await runRule(db, (trx) =>
    signUpPrincipal(trx, {
      email: person.email,
      passwordHash,
      siret: first,
      unlockCode: codeOf(first),
      clientAddress: 'demo-seed',
    }),
  );
  const actor = { userId: user.id };
  for (const siret of others) {
    await runRule(db, (trx) =>
      addSiret(trx, actor, { siret, unlockCode: codeOf(siret), assignToAllSecondaries: false }),
    );
  }
  return actor;
}

function codeOf(siret: string): string {
  const dossier = DEMO_DOSSIERS.find((d) => d.siret === siret && d.status !== 'cloture');
  if (!dossier) throw new Error(`no demo dossier in progress for ${siret}`);
  return dossier.unlockCode;
}
