/**
 * A valid e-mail address of up to 254 characters gets its invitation: the
 * local outbox once named its file after the whole address, too long a name
 * for the file system (ENAMETOOLONG), and the invitation was only logged.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { MAX_EMAIL_LENGTH } from '../../shared/field-checks.js';
import { validSiret } from '../support/fixtures.js';
import { callOverHttp } from '../support/http-client.js';
import { startServerNode } from '../support/server-node.js';

const ADMIN = { email: 'support@exemple.fr', password: 'support-3679-test' };
const mailDir = mkdtempSync(join(tmpdir(), 'qrp-long-mail-'));
afterAll(() => rmSync(mailDir, { recursive: true, force: true }));

/** The longest address the schema accepts: 254 characters. */
function longestAddress(tag: string): string {
  const domain = `@${'d'.repeat(60)}.${'e'.repeat(60)}.exemple.fr`;
  const local = `${tag}.${'l'.repeat(MAX_EMAIL_LENGTH - domain.length - tag.length - 1)}`;
  return `${local}${domain}`;
}

it('writes the invitation of a 254-character address to the outbox', async () => {
  const server = await startServerNode({
    env: {
      DATABASE_URL: '',
      MAIL_DIR: mailDir,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    },
  });
  try {
    const call = (path: string, body: unknown, token?: string) =>
      callOverHttp(server.url, 'POST', `/api/v1${path}`, { body, token });
    const admin = await call('/auth/login', ADMIN);
    const siret = validSiret();
    const dossier = await call(
      '/admin/dossiers',
      {
        reference: 'AT-LONG-1',
        siret,
        kind: 'AT',
        status: 'completer_dossier',
        unlockCode: 'CODE-LONG-1',
      },
      admin.body.token,
    );
    expect(dossier.status).toBe(201);
    const principal = await call('/auth/signup', {
      email: 'principal.long@exemple.fr',
      password: 'un-mot-de-passe',
      siret,
      unlockCode: 'CODE-LONG-1',
    });
    expect(principal.status).toBe(201);

    const email = longestAddress('invite');
    expect(email).toHaveLength(MAX_EMAIL_LENGTH);
    const added = await call('/secondaries', { email }, principal.body.token);
    expect(added.status).toBe(201);

    const files = readdirSync(mailDir);
    expect(files).toHaveLength(1);
    expect(Buffer.byteLength(files[0]!)).toBeLessThanOrEqual(255);
    expect(readFileSync(join(mailDir, files[0]!), 'utf8')).toContain(email);
    expect(server.output()).not.toContain('invitation e-mail not sent');
  } finally {
    await server.stop();
  }
}, 60_000);
