/**
 * The second peer of the command benchmark: the same SQL as the server, no
 * framework. Plain `node:http` and a `pg` pool of the server's size (10, the
 * server's type parsers) answer the three routes of the `commands` workload with the
 * statements the server sends for them on the happy path, in the same order,
 * with the same text and parameters, inside the same transactions, those with
 * parameters as named prepared statements like the server's; then one NOTIFY
 * per commit, as the Socket.IO PostgreSQL adapter sends it. What it leaves out
 * is what the server adds around the SQL: Hono, zod validation, Kysely, the
 * request log, Socket.IO, the retries of a conflict. Every check still sends its
 * statement; a check that fails answers the server's status.
 *
 * Every request: the session check, batched as server/auth/sessions.ts does
 * (lookups arriving while one is in flight share the next statement)
 *   S. select s.id … from sessions s join users u … where s.token_hash = any($1) — check: live session, active principal
 *
 * PUT /api/v1/secondaries/:id/sirets (« Liste SIRETs », set-secondary-sirets.ts), a changed list:
 *   1. begin
 *   2. select id from spaces where id = (select space_id from users where id = $1 and status = $2) for update — lock: the actor's space
 *   3. select * from users where id = $1 and status = $2 — check: the actor under that lock (still a principal of that space)
 *   4. select * from users where id = $1 and space_id = $2 and role = $3 and status <> $4 for update — lock + check: the secondary is the space's
 *   5. select siret, bool_or(owned), bool_or(attributed) from (sirets of the space among those wanted ∪ the secondary's attributions) — check: every SIRET the space's; read: the current list
 *   6. with taken as (delete from attributions …), given as (insert into attributions …) select … from sirets left join dossiers — write: the attributions; read: the dossiers and dates of the SIRETs given
 *   7. with head as (insert into event_streams … on conflict do update set head = head + n) … insert into events … insert into event_keys … — event: `secondary.sirets_changed`, its keys, the space stream's head
 *   8. commit
 *   (the same list again: 1–5 and 8, no write, no event, no NOTIFY)
 *
 * POST /api/v1/secondaries (add-secondary.ts, shared/invite-secondary.ts):
 *   1. begin
 *   2. select id from spaces … for update — lock: the actor's space
 *   3. select * from users where id = $1 and status = $2 — check: the actor under that lock
 *   4. select * from users where email = $1 and status <> $2 — check: the e-mail is free
 *   5. insert into users (…) values (…) returning * — write: the pending secondary
 *   6. with i as (insert into invitations … returning *) select i.*, inviter.email … — write: the invitation, read back with its sender
 *   7. insert into event_streams … on conflict do update set head = head + 2 returning head — event: the space stream's head (`secondary.added`, `invitation.created`)
 *   8. with head as (… the admin stream's head …) insert into events … insert into event_keys … — event: the three events and their keys
 *   9. commit
 *
 * DELETE /api/v1/secondaries/:id (remove-secondary.ts, shared/revoke-pending-invitations.ts), a pending secondary:
 *   1. begin
 *   2. select id from spaces … for update — lock: the actor's space
 *   3. select * from users where id = $1 and status = $2 — check: the actor under that lock
 *   4. select * from users where id = $1 and space_id = $2 and role = $3 and status <> $4 for update — lock + check: the secondary is the space's
 *   5. with removed as (update users set status …), unattributed as (delete from attributions …) update sessions set revoked_at … returning id — write: the secondary removed, their SIRETs taken, their sessions ended
 *   6. select * from invitations where user_id = $1 and status = $2 order by id for update — lock: their pending invitations
 *   7. update invitations set status = $1 where id in (…) and status = $n — write: those revoked (only when there are some)
 *   8. insert into event_streams … returning head — event: the space stream's head (`secondary.removed`, `invitation.revoked`)
 *   9. with head as (… the admin stream's head …) insert into events … insert into event_keys … — event: the events and their keys
 *  10. commit
 *
 * After each commit that wrote events: SELECT pg_notify('socket.io#/', $2) on a connection
 * held for it — the adapter's message for `serverSideEmit('committed', events)`, the same
 * JSON (server/realtime/cluster/commit-relay.ts). Like a server node, the peer LISTENs on that
 * channel, so it receives its own NOTIFY back, parses it and drops it as the adapter does.
 *
 * After a secondary is added, the invitation e-mail the server sends (the same message,
 * through the server's own mailer, to an outbox folder of its own): the e-mail is part of
 * the rule's work, not of the framework around it.
 *
 * `GET /statements` answers what was sent so far (for the benchmark's statement counts).
 * The events' keys come from the server's own pure function, so that the rows are the same.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { SERVER_TYPE_PARSERS } from '../../../server/db/open-database.js';
import { eventKeys } from '../../../server/events/event-keys.js';
import { invitationMail } from '../../../server/mail/invitation-mail.js';
import { createMailer } from '../../../server/mail/mailer.js';

type Row = Record<string, unknown>;
type Kind = 'attribute SIRETs' | 'add secondary' | 'remove secondary';

/** What `GET /statements` answers. */
export interface SameSqlStatements {
  /** Per kind of command answered: commands and the statements of their transactions. */
  byKind: Record<string, { commands: number; statements: number }>;
  requests: number;
  /** Session checks sent (batched: fewer than requests under load). */
  sessionStatements: number;
  notifies: number;
  notifyErrors: number;
}

const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: 10,
  types: SERVER_TYPE_PARSERS,
});
pool.on('error', () => {});
const notifier = new pg.Client({ connectionString: process.env.DATABASE_URL });
await notifier.connect();
const listener = new pg.Client({ connectionString: process.env.DATABASE_URL });
await listener.connect();
/** The outbox: MAIL_DIR as the server's, else a folder of its own removed on exit. */
const ownMailDir = process.env.MAIL_DIR ? null : mkdtempSync(join(tmpdir(), 'qrp-same-sql-mail-'));
const mailDir = process.env.MAIL_DIR ?? ownMailDir!;
const mailer = createMailer({ smtpUrl: null, mailDir });
/** Where the invitation links point, as the server's PUBLIC_URL. */
const PUBLIC_URL = process.env.PUBLIC_URL ?? 'http://localhost:3000';

const stats: SameSqlStatements = {
  byKind: {},
  requests: 0,
  sessionStatements: 0,
  notifies: 0,
  notifyErrors: 0,
};
/** The adapter's message header: its node id and namespace (socket.io-adapter ClusterAdapter). */
const ADAPTER_UID = randomBytes(8).toString('hex');
const ADAPTER_CHANNEL = 'socket.io#/';
const SERVER_SIDE_EMIT = 9;
listener.on('notification', (message) => {
  // What @socket.io/postgres-adapter does with every message: parse it, drop its own
  // (nobody else publishes on this peer's database, so any other is a fault).
  const parsed = JSON.parse(message.payload ?? '{}') as { uid?: string };
  if (parsed.uid !== ADAPTER_UID) stats.notifyErrors += 1;
});
await listener.query(`LISTEN "${ADAPTER_CHANNEL}"`);
const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

// The statements, as the server's queries write them (server/db/queries/*).
const SQL = {
  session:
    'select "s"."id" as "session_id", "s"."user_id", "s"."token_hash", "s"."created_at" as "session_created_at", "s"."expires_at", "s"."revoked_at", "u"."email", "u"."role", "u"."status", "u"."password_hash", "u"."space_id", "u"."created_at", "u"."updated_at" from "sessions" as "s" inner join "users" as "u" on "u"."id" = "s"."user_id" where "s"."token_hash" = any($1::text[])',
  lockActorSpace:
    'select "id" from "spaces" where "id" = (select "space_id" from "users" where "id" = $1 and "status" = $2) for update',
  activeUser: 'select * from "users" where "id" = $1 and "status" = $2',
  lockSecondary:
    'select * from "users" where "id" = $1 and "space_id" = $2 and "role" = $3 and "status" <> $4 for update',
  attributionChange: `
    select siret, bool_or(owned) as owned, bool_or(attributed) as attributed
    from (
      select siret, true as owned, false as attributed
      from sirets where space_id = $1 and siret = any($2::text[])
      union all
      select siret, false, true from attributions where user_id = $3
    ) as found
    group by siret
    order by siret`,
  replaceAttributions: `
    with taken as (
      delete from attributions as a
      using unnest($1::int[], $2::text[]) as t(user_id, siret)
      where a.user_id = t.user_id and a.siret = t.siret
    ), given as (
      insert into attributions (user_id, siret)
      select user_id, siret from unnest($3::int[], $4::text[])
        as g(user_id, siret)
      on conflict (user_id, siret) do nothing
    )
    select s.siret as added_siret, s.added_at as siret_added_at,
           d.id, d.reference, d.siret, d.kind, d.status, d.opened_at, d.due_at
    from sirets as s left join dossiers as d on d.siret = s.siret
    where s.siret = any($5::text[])
    order by d.opened_at, d.id`,
  userByEmail: 'select * from "users" where "email" = $1 and "status" <> $2',
  insertUser:
    'insert into "users" ("email", "role", "status", "password_hash", "space_id") values ($1, $2, $3, $4, $5) returning *',
  insertInvitation:
    'with "i" as (insert into "invitations" ("user_id", "space_id", "email", "invited_by_id", "token_hash", "status", "created_at", "expires_at") values ($1, $2, $3, $4, $5, $6, $7, $8) returning *) select "i".*, "inviter"."email" as "invited_by" from "i" inner join "users" as "inviter" on "inviter"."id" = "i"."invited_by_id"',
  removeUser:
    'with "removed" as (update "users" set "status" = $1, "updated_at" = now() where "id" = $2 returning "id"), "unattributed" as (delete from "attributions" where "user_id" = $3 returning "siret") update "sessions" set "revoked_at" = now() where "user_id" = $4 and "revoked_at" is null returning "id"',
  lockPendingInvitations:
    'select * from "invitations" where "user_id" = $1 and "status" = $2 order by "id" for update',
  closeInvitations: (count: number) =>
    `update "invitations" set "status" = $1 where "id" in (${Array.from({ length: count }, (_, i) => `$${i + 2}`).join(', ')}) and "status" = $${count + 2}`,
  bumpStreamHead:
    'insert into "event_streams" ("stream", "head") values ($1, $2) on conflict ("stream") do update set "head" = event_streams.head + $3 returning "head"',
  bumpStreamHeadAndInsertEvents: `
    with head as (
      insert into event_streams (stream, head) values ($1, $2)
      on conflict (stream) do update set head = event_streams.head + $3
      returning head, now() as at
    ), drafts as (
      select d.stream, coalesce(d.seq, head.head - $4 + d.ord) as seq, d.type, head.at,
        d.data, d.audience, d.keys
      from head, jsonb_to_recordset($5::jsonb)
        as d(stream text, seq int, ord int, type text, data jsonb, audience int[], keys text[])
    ), written as (
      insert into events (stream, seq, type, at, data, audience,
                          actor_role, actor_id, actor_email, reason)
      select stream, seq, type, at, data, audience,
        $6, $7::int, $8::text, $9::text
      from drafts
      returning id, stream, seq
    ), keyed as (
      insert into event_keys (key, event_id)
      select distinct x.key, w.id
      from written w join drafts d on d.stream = w.stream and d.seq = w.seq
      cross join lateral unnest(d.keys) as k(key)
      cross join lateral (
        select k.key
        union all
        select 'email:' || u.email from users u
        where u.id = case when k.key like 'user:%' then substring(k.key from 6)::int end
      ) as x(key)
    )
    select head, at from head`,
} as const;

/** A refusal: the status the server answers, with its error code. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(code);
  }
}

interface Draft {
  stream: string;
  type: string;
  data: unknown;
  audience: number[] | null;
}
interface Actor {
  id: number;
  email: string;
  role: string;
}

/** One transaction's connection, counting the statements it sends. */
class Tx {
  statements = 0;
  constructor(private readonly client: pg.PoolClient) {}
  async query<R extends Row = Row>(text: string, values: unknown[] = []): Promise<R[]> {
    this.statements += 1;
    return (await this.client.query<R>(statement(text, values))).rows;
  }
}

/**
 * Sent as the server's pool sends it (server/db/prepared-statements.ts): a statement
 * with parameters as a named prepared statement, parsed once per connection; the
 * others (BEGIN, COMMIT) through the simple protocol.
 */
const names = new Map<string, string>();
const MAX_NAMED_TEXTS = 2_000;
function statement(text: string, values: unknown[]): pg.QueryConfig {
  if (values.length === 0) return { text, values };
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMED_TEXTS) {
    name = `same_sql_${names.size + 1}`;
    names.set(text, name);
  }
  return name === undefined ? { text, values } : { name, text, values };
}

async function inTransaction<T>(
  kind: Kind,
  work: (tx: Tx) => Promise<{ result: T; drafts: Draft[]; actor: Actor | null }>,
): Promise<T> {
  const client = await pool.connect();
  const tx = new Tx(client);
  try {
    await tx.query('begin');
    const { result, drafts, actor } = await work(tx);
    const events = drafts.length > 0 ? await appendEvents(tx, drafts, actor!) : [];
    await tx.query('commit');
    const counted = (stats.byKind[kind] ??= { commands: 0, statements: 0 });
    counted.commands += 1;
    counted.statements += tx.statements;
    if (events.length > 0) notifyCommitted(events);
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** server/events/append-events.ts: every stream's head but the last on its own, then the rest in one statement. */
async function appendEvents(tx: Tx, drafts: Draft[], actor: Actor): Promise<unknown[]> {
  const streams = [...new Set(drafts.map((d) => d.stream))].sort((a, b) =>
    a === b ? 0 : a === 'admin' ? 1 : b === 'admin' ? -1 : a < b ? -1 : 1,
  );
  const last = streams.at(-1)!;
  const nextSeq = new Map<string, number>();
  for (const stream of streams.slice(0, -1)) {
    const count = drafts.filter((d) => d.stream === stream).length;
    const [row] = await tx.query<{ head: number }>(SQL.bumpStreamHead, [stream, count, count]);
    nextSeq.set(stream, row!.head - count + 1);
  }
  const lastCount = drafts.filter((d) => d.stream === last).length;
  let ord = 0;
  const rows = drafts.map((d) => {
    const row = { stream: d.stream, type: d.type, data: d.data, audience: d.audience };
    const keys = eventKeys(d, actor.email);
    if (d.stream === last) {
      ord += 1;
      return { ...row, seq: null as number | null, ord, keys };
    }
    const seq = nextSeq.get(d.stream)!;
    nextSeq.set(d.stream, seq + 1);
    return { ...row, seq: seq as number | null, ord: 0, keys };
  });
  const [head] = await tx.query<{ head: number; at: Date }>(SQL.bumpStreamHeadAndInsertEvents, [
    last,
    lastCount,
    lastCount,
    lastCount,
    JSON.stringify(rows),
    actor.role,
    actor.id,
    actor.email,
    null,
  ]);
  return drafts.map((d, i) => ({
    ...d,
    seq: rows[i]!.seq ?? head!.head - lastCount + rows[i]!.ord,
    at: head!.at.toISOString(),
    actor,
  }));
}

/** The adapter's NOTIFY for `serverSideEmit('committed', events)`, written at once on the held connection. */
function notifyCommitted(events: unknown[]): void {
  const payload = JSON.stringify({
    type: SERVER_SIDE_EMIT,
    data: { packet: ['committed', events] },
    uid: ADAPTER_UID,
    nsp: '/',
  });
  stats.notifies += 1;
  notifier.query('SELECT pg_notify($1, $2)', [ADAPTER_CHANNEL, payload]).catch((error) => {
    stats.notifyErrors += 1;
    console.error(error);
  });
}

/** server/rules/actor.ts `lockActorSpace`, as a principal. */
async function lockPrincipalSpace(
  tx: Tx,
  actorId: number,
): Promise<{ user: Row; spaceId: number }> {
  const [locked] = await tx.query<{ id: number }>(SQL.lockActorSpace, [actorId, 'active']);
  if (!locked) throw new Refusal(403, 'FORBIDDEN');
  const [user] = await tx.query(SQL.activeUser, [actorId, 'active']);
  if (!user || user.space_id === null) throw new Refusal(403, 'FORBIDDEN');
  // The server locks the new space when a cession moved the actor meanwhile: not this peer's path.
  if (user.space_id !== locked.id) throw new Refusal(409, 'CONFLICT');
  if (user.role !== 'principal') throw new Refusal(403, 'FORBIDDEN');
  return { user, spaceId: locked.id };
}

const actorOf = (user: Row): Actor => ({
  id: user.id as number,
  email: user.email as string,
  role: user.role as string,
});

/** The secondary of the space, locked; refused as the server refuses it when there is none. */
async function lockSecondary(tx: Tx, userId: number, spaceId: number) {
  const [secondary] = await tx.query(SQL.lockSecondary, [userId, spaceId, 'secondary', 'removed']);
  if (!secondary) throw new Refusal(404, 'NOT_FOUND');
  return secondary;
}

async function setSecondarySirets(actorId: number, userId: number, sirets: string[]) {
  return inTransaction('attribute SIRETs', async (tx) => {
    const { user: principal, spaceId } = await lockPrincipalSpace(tx, actorId);
    const secondary = await lockSecondary(tx, userId, spaceId);
    const wanted = [...new Set(sirets)].sort();
    const found = await tx.query<{ siret: string; owned: boolean; attributed: boolean }>(
      SQL.attributionChange,
      [spaceId, wanted, secondary.id],
    );
    if (found.filter((r) => r.owned).length !== wanted.length)
      throw new Refusal(422, 'SIRET_NOT_IN_SPACE');
    const current = [...new Set(found.filter((r) => r.attributed).map((r) => r.siret))].sort();
    const attributed = wanted.filter((s) => !current.includes(s));
    const withdrawn = current.filter((s) => !wanted.includes(s));
    const view = {
      id: secondary.id,
      email: secondary.email,
      status: secondary.status,
      sirets: wanted,
    };
    if (attributed.length === 0 && withdrawn.length === 0)
      return { result: view, drafts: [], actor: null };

    const given = await tx.query(SQL.replaceAttributions, [
      withdrawn.map(() => secondary.id),
      withdrawn,
      attributed.map(() => secondary.id),
      attributed,
      [...new Set(attributed)],
    ]);
    const addedAt = new Map<string, string>();
    const dossiers: Row[] = [];
    for (const row of given) {
      addedAt.set(row.added_siret as string, (row.siret_added_at as Date).toISOString());
      if (row.id !== null)
        dossiers.push({
          id: row.id,
          reference: row.reference,
          siret: row.siret,
          kind: row.kind,
          status: row.status,
          openedAt: row.opened_at,
          dueAt: row.due_at,
        });
    }
    const data = {
      userId: secondary.id,
      sirets: wanted,
      dossiers: dossiers.filter((d) => attributed.includes(d.siret as string)),
      attributed,
      withdrawn,
      ...(attributed.length > 0
        ? { addedAt: Object.fromEntries(attributed.map((s) => [s, addedAt.get(s)!])) }
        : {}),
    };
    const drafts: Draft[] = [
      {
        stream: `space:${spaceId}`,
        type: 'secondary.sirets_changed',
        data,
        audience: [secondary.id as number],
      },
    ];
    return { result: view, drafts, actor: actorOf(principal) };
  });
}

async function addSecondary(actorId: number, rawEmail: string) {
  let link = '';
  const added = await inTransaction('add secondary', async (tx) => {
    const { user: principal, spaceId } = await lockPrincipalSpace(tx, actorId);
    const email = rawEmail.toLowerCase();
    const now = new Date();
    const [taken] = await tx.query(SQL.userByEmail, [email, 'removed']);
    if (taken) throw new Refusal(409, 'EMAIL_ALREADY_USED');
    const [user] = await tx.query(SQL.insertUser, [email, 'secondary', 'pending', null, spaceId]);
    const token = randomBytes(32).toString('base64url');
    link = `${PUBLIC_URL}/invitations/${token}`;
    const [invitation] = await tx.query(SQL.insertInvitation, [
      user!.id,
      spaceId,
      email,
      principal.id,
      createHash('sha256').update(token).digest('hex'),
      'pending',
      now,
      new Date(now.getTime() + INVITATION_TTL_MS),
    ]);
    const i = invitation!;
    const view = {
      id: i.id,
      spaceId: i.space_id,
      userId: i.user_id,
      email: i.email,
      invitedBy: i.invited_by,
      status: i.status,
      createdAt: (i.created_at as Date).toISOString(),
      expiresAt: (i.expires_at as Date).toISOString(),
      acceptedAt: i.accepted_at ? (i.accepted_at as Date).toISOString() : null,
    };
    const member = { id: user!.id, email, role: 'secondary', status: user!.status, sirets: [] };
    const space = `space:${spaceId}`;
    const drafts: Draft[] = [
      { stream: space, type: 'secondary.added', data: { member }, audience: null },
      { stream: space, type: 'invitation.created', data: { invitation: view }, audience: [] },
      {
        stream: 'admin',
        type: 'invitation.created',
        data: { invitation: { ...view, spaceName: view.invitedBy } },
        audience: null,
      },
    ];
    const result = { id: user!.id, email, status: user!.status, sirets: [] };
    return {
      result: { ...result, invitedBy: principal.email as string, expiresAt: view.expiresAt },
      drafts,
      actor: actorOf(principal),
    };
  });
  // server/http/send-invitation-mail.ts: after the commit, before the answer.
  const { invitedBy, expiresAt, ...secondary } = added;
  await mailer.send(invitationMail({ to: secondary.email, invitedBy, link, expiresAt }));
  return { ...secondary, mailSent: true };
}

async function removeSecondary(actorId: number, userId: number) {
  return inTransaction('remove secondary', async (tx) => {
    const { user: principal, spaceId } = await lockPrincipalSpace(tx, actorId);
    const secondary = await lockSecondary(tx, userId, spaceId);
    const id = secondary.id as number;
    await tx.query(SQL.removeUser, ['removed', id, id, id]);
    const pending = await tx.query<{ id: number }>(SQL.lockPendingInvitations, [id, 'pending']);
    if (pending.length > 0)
      await tx.query(SQL.closeInvitations(pending.length), [
        'revoked',
        ...pending.map((i) => i.id),
        'pending',
      ]);
    const space = `space:${spaceId}`;
    const drafts: Draft[] = [
      { stream: space, type: 'secondary.removed', data: { userId: id }, audience: null },
      ...pending.flatMap((i): Draft[] => {
        const data = { invitationId: i.id, userId: id };
        return [
          { stream: space, type: 'invitation.revoked', data, audience: [] },
          { stream: 'admin', type: 'invitation.revoked', data, audience: null },
        ];
      }),
    ];
    return { result: undefined, drafts, actor: actorOf(principal) };
  });
}

// The session check: lookups that arrive while one is in flight share the next statement.
let waiting = new Map<string, ((row: Row | undefined) => void)[]>();
let lookupInFlight = false;
function flushLookups(): void {
  if (lookupInFlight || waiting.size === 0) return;
  const batch = waiting;
  waiting = new Map();
  lookupInFlight = true;
  stats.sessionStatements += 1;
  pool
    .query<Row>(statement(SQL.session, [[...batch.keys()]]))
    .then(
      ({ rows }) => {
        const found = new Map(rows.map((row) => [row.token_hash as string, row]));
        for (const [hash, callers] of batch)
          for (const resolve of callers) resolve(found.get(hash));
      },
      (error: unknown) => {
        console.error(error);
        for (const callers of batch.values()) for (const resolve of callers) resolve(undefined);
      },
    )
    .finally(() => {
      lookupInFlight = false;
      flushLookups();
    });
}
function lookupSession(tokenHash: string): Promise<Row | undefined> {
  return new Promise((resolve) => {
    const callers = waiting.get(tokenHash);
    if (callers) callers.push(resolve);
    else waiting.set(tokenHash, [resolve]);
    queueMicrotask(flushLookups);
  });
}

/** The principal behind the request's bearer token (server/http/define-route.ts `authorize`). */
async function authenticate(req: IncomingMessage): Promise<number> {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  const token = match?.[1];
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) throw new Refusal(401, 'UNAUTHENTICATED');
  const found = await lookupSession(createHash('sha256').update(token).digest('hex'));
  if (
    !found ||
    found.revoked_at !== null ||
    (found.expires_at as Date) <= new Date() ||
    found.status !== 'active'
  )
    throw new Refusal(401, 'UNAUTHENTICATED');
  if (found.role !== 'principal') throw new Refusal(403, 'FORBIDDEN');
  return found.user_id as number;
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += (chunk as Buffer).toString();
  return text.trim() === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
}

async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '';
  if (req.method === 'GET' && url === '/statements') return send(res, 200, stats);
  if (req.method === 'GET' && url === '/health') return send(res, 200, { ok: true });
  stats.requests += 1;
  const put = /^\/api\/v1\/secondaries\/(\d+)\/sirets$/.exec(url);
  const del = /^\/api\/v1\/secondaries\/(\d+)$/.exec(url);
  if (req.method === 'PUT' && put) {
    const actorId = await authenticate(req);
    const body = await readBody(req);
    return send(
      res,
      200,
      await setSecondarySirets(actorId, Number(put[1]), body.sirets as string[]),
    );
  }
  if (req.method === 'POST' && url === '/api/v1/secondaries') {
    const actorId = await authenticate(req);
    const body = await readBody(req);
    return send(res, 201, await addSecondary(actorId, body.email as string));
  }
  if (req.method === 'DELETE' && del) {
    const actorId = await authenticate(req);
    await removeSecondary(actorId, Number(del[1]));
    res.statusCode = 204;
    res.end();
    return;
  }
  throw new Refusal(404, 'NOT_FOUND');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
}

const server = createServer((req, res) => {
  answer(req, res).catch((error: unknown) => {
    if (error instanceof Refusal) return send(res, error.status, { error: { code: error.code } });
    console.error(error);
    send(res, 500, { error: { code: 'INTERNAL', message: String(error) } });
  });
});
server.listen(0, '127.0.0.1', () =>
  console.log(JSON.stringify({ msg: 'listening', port: (server.address() as AddressInfo).port })),
);
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  if (ownMailDir) rmSync(ownMailDir, { recursive: true, force: true });
  void Promise.all([pool.end(), notifier.end(), listener.end()]).then(() => process.exit(0));
});
