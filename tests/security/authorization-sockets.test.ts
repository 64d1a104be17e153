/**
 * The socket side of the authorization matrix. Only a live session of an
 * active user connects: no token, a token of the wrong type or shape, an
 * invitation token, a pending account's session, a removed secondary's,
 * an expired or signed-out one are all refused in the handshake. A connected
 * user's `sync`, whatever its shape, answers with their own view or a
 * validation error, never another view; unknown messages get no answer and
 * change nothing; once a session ends (removal, sign-out, a revocation whose
 * broadcast was lost) its socket gets nothing more.
 */
import { io } from 'socket.io-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSession, revokeSession } from '../../server/auth/sessions.js';
import { removeSecondary } from '../../server/rules/remove-secondary.js';
import { runRule } from '../../server/rules/run-rule.js';
import type { SyncResponse } from '../../shared/events.js';
import { describeOnEachDatabase } from '../support/databases.js';
import {
  createAdmin,
  createPrincipalWithSpace,
  createSecondary,
  dumpTables,
  type SpaceFixture,
} from '../support/fixtures.js';
import { connectError, TestClient, tokenFor } from '../support/socket-clients.js';
import { createUnauthenticatedCallers } from './support/authz-callers.js';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.js';
import { forbiddenIn, RecordingClient } from './support/authz-recording-client.js';
import { reportSecuritySummary } from './support/security-summary.js';

const THIRTY_ONE_DAYS = 31 * 24 * 60 * 60 * 1000;

/** Every shape a `sync` request can take on the wire, and whether it is a valid position. */
function syncRequests(head: number): { label: string; request: unknown; valid: boolean }[] {
  return [
    { label: 'since null', request: { since: null }, valid: true },
    { label: 'since 0', request: { since: 0 }, valid: true },
    { label: 'since 1', request: { since: 1 }, valid: true },
    { label: 'since head', request: { since: head }, valid: true },
    { label: 'since head + 1', request: { since: head + 1 }, valid: true },
    { label: 'since far ahead', request: { since: 1_000_000_000 }, valid: true },
    { label: 'since max safe integer', request: { since: Number.MAX_SAFE_INTEGER }, valid: true },
    { label: 'since NaN (null on the wire)', request: { since: NaN }, valid: true },
    { label: 'an extra field', request: { since: 0, role: 'admin', spaceId: 1 }, valid: true },
    { label: 'since -1', request: { since: -1 }, valid: false },
    { label: 'since 1.5', request: { since: 1.5 }, valid: false },
    { label: 'since beyond safe integers', request: { since: 2 ** 53 + 2 }, valid: false },
    { label: 'since 1e308', request: { since: 1e308 }, valid: false },
    { label: 'since "0"', request: { since: '0' }, valid: false },
    { label: 'since true', request: { since: true }, valid: false },
    { label: 'since []', request: { since: [] }, valid: false },
    { label: 'since {}', request: { since: {} }, valid: false },
    { label: 'since missing', request: {}, valid: false },
    { label: 'null', request: null, valid: false },
    { label: 'a number', request: 0, valid: false },
    { label: 'a string', request: 'since', valid: false },
    { label: 'an array', request: [{ since: 0 }], valid: false },
    { label: 'a __proto__ key', request: JSON.parse('{"__proto__":{"since":0}}'), valid: false },
  ];
}

const UNKNOWN_EVENTS = ['admin', 'event', 'snapshot', 'join', 'leave', 'publish', 'SYNC', 'sync '];

describeOnEachDatabase('socket authorization', (getHandle, kind) => {
  let server: InProcessServer;
  let spaceA: SpaceFixture;
  let spaceB: SpaceFixture;
  const counts = {
    handshakesRefused: 0,
    syncRequests: 0,
    unknownEvents: 0,
    unauthorisedSuccesses: 0,
  };
  const opened: { close(): void }[] = [];

  beforeAll(async () => {
    server = await startInProcessServer(getHandle().db);
    const db = getHandle().db;
    spaceA = await createPrincipalWithSpace(db, { sirets: 3 });
    spaceB = await createPrincipalWithSpace(db, { sirets: 1 });
  });
  afterAll(async () => {
    for (const socket of opened) socket.close();
    await server.close();
    reportSecuritySummary({ suite: 'socket-authorization', database: kind, ...counts });
  });

  it('refuses the handshake of everyone without a live session of an active user', async () => {
    const { db } = getHandle();
    const unauthenticated = await createUnauthenticatedCallers(db, spaceA);
    const expired = await createSession(
      db,
      spaceA.principal.id,
      new Date(Date.now() - THIRTY_ONE_DAYS),
    );
    const signedOut = await createSession(db, spaceA.principal.id);
    await revokeSession(db, signedOut.session.id);
    const live = await tokenFor(db, spaceA.principal.id);
    const tokens: [string, unknown][] = [
      ['no token', undefined],
      ['an empty token', ''],
      ['a number', 12345],
      ['an object', { token: live }],
      ['a list', [live]],
      ['null', null],
      ['a short token', 'abc'],
      ['a bearer header', `Bearer ${live}`],
      ['a token with a space', ` ${live}`],
      ['a random token of the right shape', 'A'.repeat(43)],
      ['a huge token', 'A'.repeat(100_000)],
      ['the invitation token of a pending user', unauthenticated.tokens.pendingInvitation],
      ["a pending account's session", unauthenticated.tokens.pendingSession],
      ["a removed secondary's session", unauthenticated.tokens.removed],
      ['an expired session', expired.token],
      ['a signed-out session', signedOut.token],
    ];
    const before = await dumpTables(db);
    for (const [label, token] of tokens) {
      const error = await new Promise<Error>((resolve, reject) => {
        const socket = io(server.url, {
          auth: token === undefined ? {} : { token },
          transports: ['websocket'],
          forceNew: true,
          reconnection: false,
        });
        socket.on('connect', () => {
          counts.unauthorisedSuccesses += 1;
          socket.close();
          reject(new Error(`${label}: connected`));
        });
        socket.on('connect_error', (e) => {
          socket.close();
          resolve(e);
        });
        socket.on('snapshot', () => reject(new Error(`${label}: got a snapshot`)));
      });
      expect(error.message, label).toBe('UNAUTHENTICATED');
      counts.handshakesRefused += 1;
    }
    expect(await dumpTables(db)).toEqual(before);
  });

  it("answers every shape of sync with the caller's own view or VALIDATION_FAILED, and ignores unknown messages", async () => {
    const { db } = getHandle();
    const secondary = await createSecondary(db, spaceA, { sirets: [spaceA.sirets[0]!] });
    const admin = await createAdmin(db);
    const callers = {
      secondary: { userId: secondary.user.id, spaceId: spaceA.spaceId },
      principal: { userId: spaceA.principal.id, spaceId: spaceA.spaceId },
      otherPrincipal: { userId: spaceB.principal.id, spaceId: spaceB.spaceId },
      admin: { userId: admin.user.id, spaceId: null },
    };
    // What each caller must never see: the SIRETs of the other space, and the
    // SIRETs of space A not attributed to the secondary.
    const forbidden: Record<keyof typeof callers, string[]> = {
      secondary: [...spaceA.sirets.slice(1), ...spaceB.sirets],
      principal: spaceB.sirets,
      otherPrincipal: spaceA.sirets,
      admin: [...spaceA.sirets, ...spaceB.sirets],
    };
    const tokens = new Map<number, string>();
    for (const who of Object.values(callers))
      tokens.set(who.userId, await tokenFor(db, who.userId));
    const before = await dumpTables(db);
    type Who = (typeof callers)[keyof typeof callers];
    for (const [name, who] of Object.entries(callers) as [keyof typeof callers, Who][]) {
      const client = await RecordingClient.connect(name, server.url, tokens.get(who.userId)!);
      opened.push(client);
      for (const { label, request, valid } of syncRequests(client.client.lastEventId)) {
        const answer: SyncResponse = await client.sync(request);
        counts.syncRequests += 1;
        const what = `${name}: sync with ${label} → ${JSON.stringify(answer).slice(0, 200)}`;
        if (!valid) {
          expect(answer, what).toEqual({ error: 'VALIDATION_FAILED' });
          continue;
        }
        if ('snapshot' in answer) {
          expect(answer.snapshot.me.id, what).toBe(who.userId);
          expect(answer.snapshot.kind === 'member' ? answer.snapshot.spaceId : null, what).toBe(
            who.spaceId,
          );
        } else {
          expect('events' in answer, what).toBe(true);
        }
      }
      // Unknown messages, with and without an ack: no answer, nothing changes.
      const unanswered = await Promise.allSettled(
        UNKNOWN_EVENTS.map((event) =>
          client.client.socket.timeout(300).emitWithAck(event as 'sync', { since: 0 }),
        ),
      );
      // Without an ack too; and a sync without an ack gets no answer and does not stop the socket.
      const emitUntyped = client.client.socket.emit as (...args: unknown[]) => void;
      for (const event of UNKNOWN_EVENTS)
        emitUntyped.call(client.client.socket, event, { since: 0 });
      emitUntyped.call(client.client.socket, 'sync', { since: 0 });
      counts.unknownEvents += UNKNOWN_EVENTS.length * 2;
      expect(unanswered.every((r) => r.status === 'rejected')).toBe(true);
      await client.client.barrier();
      expect(client.connected).toBe(true);
      expect(client.others).toEqual([]);
      const leaked = client.payloads().flatMap((p) => forbiddenIn(p, forbidden[name]));
      counts.unauthorisedSuccesses += leaked.length;
      expect(leaked, name).toEqual([]);
      client.close();
    }
    expect(await dumpTables(db)).toEqual(before);
    // A sync the server could not answer is logged: none may be.
    expect(server.realtimeErrors).toEqual([]);
  });

  it('ends the socket of a removed secondary and of a signed-out session, which get nothing more', async () => {
    const { db } = getHandle();
    const removed = await createSecondary(db, spaceA, { sirets: [spaceA.sirets[1]!] });
    const removedToken = await tokenFor(db, removed.user.id);
    const principalToken = await tokenFor(db, spaceA.principal.id);
    const removedClient = await TestClient.connect(server.url, removedToken);
    opened.push(removedClient);
    // Before the end, the session works as any other.
    expect('events' in (await removedClient.sync(removedClient.lastEventId))).toBe(true);
    const res = await server.http.call('DELETE', `/api/v1/secondaries/${removed.user.id}`, {
      token: principalToken,
    });
    expect(res.status).toBe(204);
    await removedClient.disconnected();
    expect(removedClient.ofType('session.revoked').map((e) => e.data.reason)).toEqual(['removed']);
    const receivedAtEnd = removedClient.events.length;
    expect((await connectError(server.url, removedToken)).message).toBe('UNAUTHENTICATED');
    counts.handshakesRefused += 1;
    for (const path of ['/api/v1/me', '/api/v1/dossiers', '/api/v1/team']) {
      const after = await server.http.call('GET', path, { token: removedToken });
      expect(after.status, path).toBe(401);
      if (after.status < 300) counts.unauthorisedSuccesses += 1;
    }
    // Changes made after the removal reach the others, not the removed socket.
    const watcher = await TestClient.connect(server.url, principalToken);
    opened.push(watcher);
    await server.http.call('PUT', `/api/v1/secondaries/${removed.user.id}/sirets`, {
      token: principalToken,
      body: { sirets: [spaceA.sirets[2]] },
    });
    await watcher.barrier();
    expect(removedClient.events).toHaveLength(receivedAtEnd);

    // Sign-out: the socket of that session ends, another session of the same user stays.
    const signingOut = await tokenFor(db, spaceA.principal.id);
    const signingOutClient = await TestClient.connect(server.url, signingOut);
    opened.push(signingOutClient);
    expect(
      (await server.http.call('POST', '/api/v1/auth/logout', { token: signingOut })).status,
    ).toBe(204);
    await signingOutClient.disconnected();
    expect(signingOutClient.ofType('session.revoked').map((e) => e.data.reason)).toEqual([
      'logout',
    ]);
    expect(watcher.socket.connected).toBe(true);
    expect((await connectError(server.url, signingOut)).message).toBe('UNAUTHENTICATED');
    counts.handshakesRefused += 1;
  });

  it('refuses the sync of a socket whose session ended while the broadcast was lost', async () => {
    const { db } = getHandle();
    const cases: [string, (userId: number, sessionToken: string) => Promise<void>][] = [
      [
        'removed without publish',
        async (userId) => {
          await runRule(db, (trx) => removeSecondary(trx, spaceA.actor, { userId }));
        },
      ],
      [
        'session revoked in the database',
        async (userId) => {
          await db
            .updateTable('sessions')
            .set({ revokedAt: new Date() })
            .where('userId', '=', userId)
            .execute();
        },
      ],
      [
        'session expired',
        async (userId) => {
          await db
            .updateTable('sessions')
            .set({ expiresAt: new Date(Date.now() - 1000) })
            .where('userId', '=', userId)
            .execute();
        },
      ],
    ];
    for (const [label, end] of cases) {
      for (const since of [null, 0]) {
        const secondary = await createSecondary(db, spaceA, { sirets: [spaceA.sirets[0]!] });
        const token = await tokenFor(db, secondary.user.id);
        const client = await RecordingClient.connect(label, server.url, token);
        opened.push(client);
        await end(secondary.user.id, token);
        // No broadcast told the socket: its next sync finds out, gets nothing else, and is closed.
        const answer = await client.sync({ since });
        counts.syncRequests += 1;
        if (!('error' in answer)) counts.unauthorisedSuccesses += 1;
        expect(answer, `${label}, since ${since}`).toEqual({ error: 'UNAUTHENTICATED' });
        await client.client.disconnected();
      }
    }
  });
});
