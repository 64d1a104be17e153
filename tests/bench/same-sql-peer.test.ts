/**
 * The same-SQL peer of the command benchmark does what the server does: one
 * request of each kind the workload sends, against the server and the peer on
 * two databases seeded alike, answers the same, leaves the same rows and sends
 * the same invitation e-mail.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../server/auth/sessions.js';
import type { Database } from '../../server/db/schema.js';
import { createTestDatabase, hasPostgres, requirePostgresUrl } from '../support/databases.js';
import { createPrincipalWithSpace, createSecondary, validSiret } from '../support/fixtures.js';
import { callOverHttp } from '../support/http-client.js';
import { startServerNode } from '../support/server-node.js';
import { startListeningScript } from './child-process.js';

const describeWithPostgres = hasPostgres() ? describe : describe.skip;
const PUBLIC_URL = 'http://localhost:3000';
const SIRETS = Array.from({ length: 6 }, () => validSiret()).sort();

interface Target {
  url: string;
  token: string;
  secondaryId: number;
  db: Kysely<Database>;
  mailDir: string;
  close(): Promise<void>;
}

/** The one message in an outbox, without what differs from one sending to the next. */
function mailOf(dir: string): string {
  const files = readdirSync(dir);
  expect(files).toHaveLength(1);
  return (
    readFileSync(join(dir, files[0]!), 'utf8')
      .replace(/^(Date|Message-ID):.*$/gm, '$1: <varies>')
      // Quoted-printable's soft line breaks fall where the token's letters put them.
      .replace(/=\r?\n/g, '')
      .replace(/invitations\/[\w-]+/g, 'invitations/<token>')
      .replace(/--_NmP-[\w-]+/g, '--<boundary>')
      .replace(/boundary="[^"]+"/g, 'boundary="<boundary>"')
      .replace(/jusqu'au [^.<]+/g, "jusqu'au <date>")
  );
}

async function seeded(
  start: (databaseUrl: string, mailDir: string) => Promise<{ url: string; stop(): Promise<void> }>,
): Promise<Target> {
  requirePostgresUrl();
  const mailDir = mkdtempSync(join(tmpdir(), 'qrp-same-sql-test-mail-'));
  const database = await createTestDatabase('postgres', { poolSize: 2 });
  const space = await createPrincipalWithSpace(database.db, {
    email: 'principal.same-sql@example.fr',
    sirets: SIRETS,
  });
  const secondary = await createSecondary(database.db, space, { email: 'sec.same-sql@example.fr' });
  const { token } = await createSession(database.db, space.principal.id);
  const running = await start(database.url!, mailDir);
  return {
    url: running.url,
    mailDir,
    token,
    secondaryId: secondary.user.id,
    db: database.db,
    async close() {
      await running.stop();
      await database.close();
      rmSync(mailDir, { recursive: true, force: true });
    },
  };
}

/** The workload's requests, in the order of a cycle: a list set, changed, set again unchanged; a secondary added, removed. */
async function drive(target: Target) {
  const call = async (method: string, path: string, body?: unknown) => {
    const answer = await callOverHttp(target.url, method, `/api/v1${path}`, {
      token: target.token,
      body,
    });
    return { status: answer.status, body: answer.body };
  };
  const sirets = `/secondaries/${target.secondaryId}/sirets`;
  const answers = [
    await call('PUT', sirets, { sirets: SIRETS.slice(0, 3) }),
    await call('PUT', sirets, { sirets: SIRETS.slice(3, 6) }),
    await call('PUT', sirets, { sirets: SIRETS.slice(3, 6) }),
  ];
  const added = await call('POST', '/secondaries', { email: 'New.Secondary@example.fr' });
  answers.push(added);
  answers.push(await call('DELETE', `/secondaries/${(added.body as { id: number }).id}`));
  return answers;
}

async function rowsOf(db: Kysely<Database>) {
  const rows = async (query: string) => (await sql.raw(query).execute(db)).rows;
  const stable = (value: unknown) =>
    JSON.parse(
      JSON.stringify(value)
        .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>')
        .replace(/AT-[A-Z0-9]+-\d+-\d+/g, '<reference>'),
    ) as unknown;
  return stable({
    users: await rows('select id, email, role, status, space_id from users order by id'),
    attributions: await rows('select user_id, siret from attributions order by 1, 2'),
    invitations: await rows(
      'select id, user_id, space_id, email, invited_by_id, status, expires_at - created_at as ttl from invitations order by id',
    ),
    sessions: await rows(
      'select id, user_id, revoked_at is null as live from sessions order by id',
    ),
    streams: await rows('select stream, head from event_streams order by stream'),
    events: await rows(
      'select id, stream, seq, type, data, audience, actor_role, actor_id, actor_email, reason from events order by id',
    ),
    keys: await rows('select key, event_id from event_keys order by event_id, key'),
  });
}

describeWithPostgres('the same-SQL peer of the command benchmark', () => {
  let server: Target;
  let peer: Target;
  beforeAll(async () => {
    server = await seeded(async (url, mailDir) =>
      startServerNode({ env: { DATABASE_URL: url, MAIL_DIR: mailDir, PUBLIC_URL } }),
    );
    peer = await seeded((url, mailDir) =>
      startListeningScript('tests/bench/peers/same-sql-server.ts', {
        DATABASE_URL: url,
        MAIL_DIR: mailDir,
        PUBLIC_URL,
      }),
    );
  }, 90_000);
  afterAll(async () => {
    await server?.close();
    await peer?.close();
  }, 60_000);

  it('answers as the server does and leaves the same rows', async () => {
    const fromServer = await drive(server);
    const fromPeer = await drive(peer);
    expect(fromPeer.map((a) => a.status)).toEqual([200, 200, 200, 201, 204]);
    expect(fromPeer.map((a) => a.status)).toEqual(fromServer.map((a) => a.status));
    expect(fromPeer).toEqual(fromServer);
    expect(await rowsOf(peer.db)).toEqual(await rowsOf(server.db));
    // Both sent the invitation e-mail, the same message but for its link and dates.
    const [serverMail, peerMail] = [server, peer].map((target) => mailOf(target.mailDir));
    expect(peerMail).toContain('To: new.secondary@example.fr');
    expect(peerMail).toEqual(serverMail);
  });
});
