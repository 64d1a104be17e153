/**
 * Session and invitation tokens: long and random enough, stored only as
 * hashes (with the passwords and unlock codes), an invitation link works
 * once, and a signed-out token works nowhere any more.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../../server/db/schema.js';
import { hashSecret, newToken } from '../../server/security/secrets.js';
import { describeOnEachDatabase } from '../support/databases.js';
import {
  createDossier,
  createPrincipalWithSpace,
  PASSWORD,
  uniqueEmail,
  UNLOCK_CODE,
  validSiret,
} from '../support/fixtures.js';
import { createHttpHarness, type HttpHarness } from '../support/http-harness.js';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.js';
import { connectError, TestClient } from '../support/socket-clients.js';
import { recordTestSecret } from './support/secrets-log-files.js';
import { reportSecuritySummary } from './support/security-summary.js';

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;
const summary = {
  tokensGenerated: 0,
  sessionTokensIssued: 0,
  invitationTokensIssued: 0,
  minBits: Infinity,
  entropyBitsPerChar: 0,
  oneBitRatio: 0,
  tablesDumped: 0,
  clearSecretsLookedFor: 0,
  reuseRefusals: 0,
};

/** The random bits a token carries: its base64url decoding, which must give it back exactly. */
function tokenBits(token: string): number {
  expect(token).toMatch(TOKEN_SHAPE);
  const bytes = Buffer.from(token, 'base64url');
  expect(bytes.toString('base64url')).toBe(token);
  return bytes.length * 8;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Invites a secondary through HTTP; returns the clear token of the e-mailed link. */
async function invite(http: HttpHarness, principalToken: string, email: string) {
  const added = await http.call('POST', '/api/v1/secondaries', {
    token: principalToken,
    body: { email },
  });
  expect(added.status).toBe(201);
  const link = http.invitationLink(email);
  summary.invitationTokensIssued += 1;
  return { id: added.body.id as number, token: link.slice(link.lastIndexOf('/') + 1) };
}

/** Every row of every table of the database, as one text. */
async function dumpDatabase(db: Kysely<Database>): Promise<{ tables: number; text: string }> {
  const { rows: tables } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE'
    order by table_name`.execute(db);
  let text = '';
  for (const { name } of tables) {
    const { rows } = await sql`select * from ${sql.table(name)}`.execute(db);
    text += `${name}\n${JSON.stringify(rows)}\n`;
  }
  return { tables: tables.length, text };
}

it('draws tokens of 256 random bits that never repeat', () => {
  const count = 4000;
  const tokens = Array.from({ length: count }, newToken);
  summary.tokensGenerated += count;
  expect(new Set(tokens).size).toBe(count);
  const bits = Math.min(...tokens.map(tokenBits));
  expect(bits).toBeGreaterThanOrEqual(128);
  expect(bits).toBe(256);
  summary.minBits = Math.min(summary.minBits, bits);

  // Characters: a uniform base64url alphabet carries 6 bits each. The 43rd
  // character carries only 4 (256 = 42 × 6 + 4), so it is left out here.
  const frequencies = new Map<string, number>();
  for (const token of tokens) {
    for (const char of token.slice(0, 42)) frequencies.set(char, (frequencies.get(char) ?? 0) + 1);
  }
  const total = count * 42;
  let entropy = 0;
  for (const n of frequencies.values()) entropy -= (n / total) * Math.log2(n / total);
  expect(frequencies.size).toBe(64);
  // 168 000 draws: a fair alphabet measures within a few thousandths of 6.
  expect(entropy).toBeGreaterThan(5.98);
  summary.entropyBitsPerChar = Number(entropy.toFixed(4));

  // Bits: as many ones as zeros (1 024 000 bits: a fair source is within 0.3 %).
  let ones = 0;
  for (const token of tokens) {
    for (const byte of Buffer.from(token, 'base64url')) {
      for (let b = byte; b; b >>= 1) ones += b & 1;
    }
  }
  const ratio = ones / (count * 256);
  expect(Math.abs(ratio - 0.5)).toBeLessThan(0.003);
  summary.oneBitRatio = Number(ratio.toFixed(5));
});

describeOnEachDatabase('tokens and secrets', (getHandle) => {
  let realtime: InProcessServer;
  beforeAll(async () => {
    realtime = await startInProcessServer(getHandle().db);
  });
  afterAll(async () => {
    await realtime?.close();
  });

  it('issues session and invitation tokens of 256 bits, all different', async () => {
    const { db } = getHandle();
    const http = createHttpHarness(db);
    const space = await createPrincipalWithSpace(db);
    const sessions = [];
    for (let i = 0; i < 8; i++) sessions.push(await http.signIn(space.principal.email, PASSWORD));
    const invitations = [];
    for (let i = 0; i < 4; i++) {
      invitations.push((await invite(http, sessions[0]!, uniqueEmail('invite'))).token);
    }
    summary.sessionTokensIssued += sessions.length;
    const all = [...sessions, ...invitations];
    expect(new Set(all).size).toBe(all.length);
    for (const token of all) expect(tokenBits(token)).toBe(256);
  });

  it('keeps no token, password or unlock code in clear anywhere in the database', async () => {
    const { db } = getHandle();
    const http = createHttpHarness(db);
    const principalPassword = `principal-${newToken().slice(0, 12)}`;
    const secondaryPassword = `secondaire-${newToken().slice(0, 12)}`;
    const signupCode = `CODE-${newToken().slice(0, 10)}`;
    const addedCode = `CODE-${newToken().slice(0, 10)}`;
    for (const secret of [principalPassword, secondaryPassword, signupCode, addedCode]) {
      recordTestSecret(secret);
    }
    const [signupSiret, addedSiret] = [validSiret(), validSiret()];
    await createDossier(db, { siret: signupSiret, unlockCodeHash: await hashSecret(signupCode) });
    await createDossier(db, { siret: addedSiret, unlockCodeHash: await hashSecret(addedCode) });

    const email = uniqueEmail('coffre');
    const signup = await http.call('POST', '/api/v1/auth/signup', {
      body: { email, password: principalPassword, siret: signupSiret, unlockCode: signupCode },
    });
    expect(signup.status).toBe(201);
    const signupToken = signup.body.token as string;
    const loginToken = await http.signIn(email, principalPassword);
    const added = await http.call('POST', '/api/v1/sirets', {
      token: loginToken,
      body: { siret: addedSiret, unlockCode: addedCode, assignToAllSecondaries: true },
    });
    expect(added.status).toBe(201);
    const secondaryEmail = uniqueEmail('coffre-secondaire');
    const invitation = await invite(http, loginToken, secondaryEmail);
    const pendingInvitation = await invite(http, loginToken, uniqueEmail('coffre-attente'));
    const accepted = await http.call('POST', `/api/v1/invitations/${invitation.token}/accept`, {
      body: { password: secondaryPassword },
    });
    expect(accepted.status).toBe(200);
    const secondaryToken = accepted.body.token as string;
    const loggedOut = await http.signIn(email, principalPassword);
    expect((await http.call('POST', '/api/v1/auth/logout', { token: loggedOut })).status).toBe(204);

    const secrets = {
      principalPassword,
      secondaryPassword,
      signupCode,
      addedCode,
      fixturePassword: PASSWORD,
      fixtureUnlockCode: UNLOCK_CODE,
      signupToken,
      loginToken,
      secondaryToken,
      loggedOut,
      invitationToken: invitation.token,
      pendingInvitationToken: pendingInvitation.token,
    };
    const { tables, text } = await dumpDatabase(db);
    summary.tablesDumped = Math.max(summary.tablesDumped, tables);
    summary.clearSecretsLookedFor += Object.keys(secrets).length;
    expect(tables).toBeGreaterThanOrEqual(10);
    for (const [name, secret] of Object.entries(secrets)) {
      expect(text.includes(secret), `${name} appears in clear in the database`).toBe(false);
    }
    // What is there instead: SHA-256 of the tokens, argon2id of the passwords and codes.
    for (const token of [signupToken, loginToken, secondaryToken, pendingInvitation.token]) {
      expect(text).toContain(sha256(token));
    }
    expect(text).toContain('$argon2id$');
  });

  it('accepts an invitation link once; a used, resent, revoked or expired link is refused', async () => {
    const { db } = getHandle();
    const http = createHttpHarness(db);
    const space = await createPrincipalWithSpace(db);
    const principal = await http.signIn(space.principal.email, PASSWORD);
    const accept = (token: string) =>
      http.call('POST', `/api/v1/invitations/${token}/accept`, {
        body: { password: 'un-mot-de-passe-solide' },
      });
    const expectRefused = async (token: string) => {
      const preview = await http.call('GET', `/api/v1/invitations/${token}`);
      const attempt = await accept(token);
      for (const response of [preview, attempt]) {
        expect(response.status).toBe(410);
        expect(response.body.error.code).toBe('INVITATION_INVALID');
      }
      summary.reuseRefusals += 1;
    };

    const used = await invite(http, principal, uniqueEmail('une-fois'));
    expect((await accept(used.token)).status).toBe(200);
    await expectRefused(used.token);

    const resent = await invite(http, principal, uniqueEmail('renvoi'));
    const again = await http.call('POST', `/api/v1/secondaries/${resent.id}/invitation`, {
      token: principal,
    });
    expect(again.status).toBe(200);
    await expectRefused(resent.token);

    const revoked = await invite(http, principal, uniqueEmail('annule'));
    const revoke = await http.call('DELETE', `/api/v1/secondaries/${revoked.id}/invitation`, {
      token: principal,
    });
    expect(revoke.status).toBe(204);
    await expectRefused(revoked.token);

    const expired = await invite(http, principal, uniqueEmail('expire'));
    await db
      .updateTable('invitations')
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where('tokenHash', '=', sha256(expired.token))
      .execute();
    await expectRefused(expired.token);

    // Two accepts of one link at the same time: one account, one session.
    const raced = await invite(http, principal, uniqueEmail('course'));
    const both = await Promise.all([accept(raced.token), accept(raced.token)]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 410]);
    summary.reuseRefusals += 1;
  });

  it('stops a signed-out token at once, for HTTP and for sockets', async () => {
    const { db } = getHandle();
    const http = createHttpHarness(db);
    const space = await createPrincipalWithSpace(db);
    const token = await http.signIn(space.principal.email, PASSWORD);
    const other = await http.signIn(space.principal.email, PASSWORD);
    const client = await TestClient.connect(realtime.url, token);
    client.close();

    expect((await http.call('POST', '/api/v1/auth/logout', { token })).status).toBe(204);
    for (const [method, path] of [
      ['GET', '/api/v1/me'],
      ['GET', '/api/v1/sirets'],
      ['POST', '/api/v1/auth/logout'],
    ] as const) {
      const response = await http.call(method, path, { token });
      expect(response.status, `${method} ${path}`).toBe(401);
      expect(response.body.error.code).toBe('UNAUTHENTICATED');
    }
    expect((await connectError(realtime.url, token)).message).toBe('UNAUTHENTICATED');
    // The same user's other session is untouched.
    expect((await http.call('GET', '/api/v1/me', { token: other })).status).toBe(200);
  });
});

afterAll(() => {
  reportSecuritySummary({ file: 'secrets-tokens', ...summary });
});
