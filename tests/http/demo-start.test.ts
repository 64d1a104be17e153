/**
 * What a newcomer reads after `npm start`: the demo logins as the data stands
 * now, and links that point where the panel points.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { DEFAULT_SERVER_URL } from '../../extension/lib/server-url.js';
import { configFromEnv } from '../../server/config.js';
import { listAccountStandings } from '../../server/db/queries/account-standings.js';
import { findUserByEmail } from '../../server/db/queries/users.js';
import { DEMO_LOGINS, demoLoginLines } from '../../server/demo/demo-banner.js';
import { DEMO_ADMIN, DEMO_OTHER_PRINCIPAL, DEMO_PRINCIPAL } from '../../server/demo/demo-data.js';
import { seedDemo } from '../../server/demo/seed-demo.js';
import { ensureAdmin } from '../../server/ensure-admin.js';
import { sendInvitationMail } from '../../server/http/send-invitation-mail.js';
import { createMailer } from '../../server/mail/mailer.js';
import { cedeSirets } from '../../server/rules/cede-sirets.js';
import { runRule } from '../../server/rules/run-rule.js';
import { testLogger } from '../security/support/secrets-log-files.js';
import { describeOnEachDatabase } from '../support/databases.js';

function lineOf(lines: string[], email: string): string {
  const line = lines.find((l) => l.trimStart().startsWith(`${email} `));
  expect(line, `a banner line for ${email}`).toBeDefined();
  return line!;
}

describeOnEachDatabase('the demo start', (getDb) => {
  it('prints the demo roles as they stand after a cession, not as seeded', async () => {
    const { db } = getDb();
    const config = configFromEnv({ DATA_DIR: mkdtempSync(join(tmpdir(), 'qrp-demo-')) });
    const mailer = createMailer({ smtpUrl: null, mailDir: config.mailDir });
    await ensureAdmin(db, DEMO_ADMIN);
    await seedDemo(db, (invitation) =>
      sendInvitationMail({ mailer, logger: testLogger('demo-start'), config }, invitation),
    );
    const emails = DEMO_LOGINS.map((login) => login.email);

    const seeded = demoLoginLines(await listAccountStandings(db, emails));
    expect(lineOf(seeded, DEMO_PRINCIPAL.email)).toContain('(utilisateur principal, 3 SIRETs)');
    expect(lineOf(seeded, 'alice@exemple.fr')).toContain(
      `(utilisateur secondaire de ${DEMO_PRINCIPAL.email}, 2 SIRETs attribués)`,
    );
    expect(lineOf(seeded, 'chloe@exemple.fr')).toContain('invitation en attente');

    const principal = await findUserByEmail(db, DEMO_PRINCIPAL.email);
    await runRule(db, (trx) =>
      cedeSirets(trx, { userId: principal!.id }, { email: DEMO_OTHER_PRINCIPAL.email }),
    );

    const after = demoLoginLines(await listAccountStandings(db, emails));
    expect(lineOf(after, DEMO_PRINCIPAL.email)).toContain(
      `(utilisateur secondaire de ${DEMO_OTHER_PRINCIPAL.email}, 3 SIRETs attribués)`,
    );
    expect(lineOf(after, DEMO_PRINCIPAL.email)).not.toContain('utilisateur principal');
    expect(lineOf(after, DEMO_OTHER_PRINCIPAL.email)).toContain(
      '(utilisateur principal, 4 SIRETs)',
    );
    expect(lineOf(after, 'alice@exemple.fr')).toContain(
      `(utilisateur secondaire de ${DEMO_OTHER_PRINCIPAL.email}, 2 SIRETs attribués)`,
    );
    expect(lineOf(after, DEMO_ADMIN.email)).toContain('(support 3679)');
  });
});

it('sends invitation links to the address the panel talks to by default', async () => {
  const config = configFromEnv({ DATA_DIR: mkdtempSync(join(tmpdir(), 'qrp-links-')) });
  expect(config.host).toBe('127.0.0.1');
  expect(new URL(config.publicUrl).origin).toBe(new URL(DEFAULT_SERVER_URL).origin);

  const mailer = createMailer({ smtpUrl: null, mailDir: config.mailDir });
  await sendInvitationMail(
    { mailer, logger: testLogger('demo-links'), config },
    {
      email: 'chloe@exemple.fr',
      token: 'jeton-de-test-pour-le-lien',
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      invitedBy: 'employeur@exemple.fr',
    },
  );
  const [file] = readdirSync(config.mailDir);
  const message = readFileSync(join(config.mailDir, file!), 'utf8');
  expect(message).toContain(`${DEFAULT_SERVER_URL}/invitations/`);
  expect(message).not.toContain('127.0.0.1');
});
