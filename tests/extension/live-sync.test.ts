import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type {
  ClientToServerEvents,
  MemberSnapshot,
  ServerToClientEvents,
} from '../../shared/events.js';
import { attachLiveSync, type LiveChange, type LiveSocket } from '../../shared/live-sync.js';
import { FakeSocket, flush } from './support/fake-socket.js';
import {
  PRINCIPAL,
  SIRET_A,
  SIRET_C,
  dossier,
  event,
  member,
  principalSnapshot,
  secondarySnapshot,
} from './support/snapshots.js';

/** Compile-time check: a socket.io-client socket fits the minimal interface. */
export function fitsLiveSocket(
  socket: Socket<ServerToClientEvents, ClientToServerEvents>,
): LiveSocket {
  return socket;
}

function setup(options: Parameters<typeof attachLiveSync>[1] = {}) {
  const socket = new FakeSocket();
  const live = attachLiveSync(socket, options);
  const changes: LiveChange[] = [];
  live.subscribe((change) => changes.push(change));
  socket.connect();
  socket.sendSnapshot(principalSnapshot({ lastEventId: 5 }));
  return { socket, live, changes };
}

function memberState(state: unknown): MemberSnapshot {
  return state as MemberSnapshot;
}

const added = (id: number, userId: number) =>
  event(id, 'secondary.added', { member: member({ id: userId }) });

afterEach(() => {
  vi.useRealTimers();
});

describe('LiveSync', () => {
  it('takes the snapshot as its state and reports the connection', () => {
    const { live, changes } = setup();
    expect(live.status).toBe('connected');
    expect(live.lastEventId).toBe(5);
    expect(memberState(live.state).me).toEqual(PRINCIPAL);
    expect(changes.map((change) => change.cause.kind)).toEqual(['status', 'snapshot']);
  });

  it('applies events in the order of their ids', () => {
    const { socket, live } = setup();
    socket.sendEvent(added(6, 20));
    socket.sendEvent(added(7, 21));
    expect(live.lastEventId).toBe(7);
    expect(memberState(live.state).members.map((item) => item.id)).toEqual([1, 2, 20, 21]);
    expect(socket.syncRequests).toEqual([]);
  });

  it('ignores an event it already applied', () => {
    const { socket, live, changes } = setup();
    socket.sendEvent(added(6, 20));
    const count = changes.length;
    socket.sendEvent(added(6, 20));
    socket.sendEvent(added(4, 30));
    expect(changes.length).toBe(count);
    expect(memberState(live.state).members.filter((item) => item.id === 20)).toHaveLength(1);
  });

  it('asks for the missed events over a gap, then applies them and the event that revealed it', async () => {
    const { socket, live } = setup();
    socket.sendEvent(added(8, 22));
    expect(socket.syncRequests.map((item) => item.request)).toEqual([{ since: 5 }]);
    expect(live.lastEventId).toBe(5);
    socket.answerSync({ events: [added(6, 20), added(7, 21), added(8, 22)] });
    await flush();
    expect(live.lastEventId).toBe(8);
    expect(memberState(live.state).members.map((item) => item.id)).toEqual([1, 2, 20, 21, 22]);
  });

  it('keeps one sync in flight and buffers the events that arrive meanwhile', async () => {
    const { socket, live } = setup();
    socket.sendEvent(added(8, 22));
    socket.sendEvent(added(10, 24));
    socket.sendEvent(added(9, 23));
    expect(socket.syncRequests).toHaveLength(1);
    socket.answerSync({ events: [added(6, 20), added(7, 21)] });
    await flush();
    expect(socket.syncRequests).toHaveLength(0);
    expect(live.lastEventId).toBe(10);
    expect(memberState(live.state).members.map((item) => item.id)).toEqual([
      1, 2, 20, 21, 22, 23, 24,
    ]);
  });

  it('takes a snapshot answer when the server says too much was missed', async () => {
    const { socket, live } = setup();
    socket.sendEvent(added(900, 22));
    socket.answerSync({ snapshot: principalSnapshot({ lastEventId: 900, online: [1, 2] }) });
    await flush();
    expect(live.lastEventId).toBe(900);
    expect(memberState(live.state).online).toEqual([1, 2]);
    expect(socket.syncRequests).toHaveLength(0);
  });

  it('applies presence without moving the position, and reports a revoked session', () => {
    const onSessionRevoked = vi.fn();
    const { socket, live } = setup({ onSessionRevoked });
    socket.sendEvent(event(0, 'presence.changed', { online: [1, 2] }));
    expect(memberState(live.state).online).toEqual([1, 2]);
    expect(live.lastEventId).toBe(5);
    socket.sendEvent(event(0, 'session.revoked', { reason: 'removed' }));
    expect(onSessionRevoked).toHaveBeenCalledWith('removed');
  });

  it('asks what it missed after a reconnection', async () => {
    const { socket, live, changes } = setup();
    socket.drop();
    expect(live.status).toBe('reconnecting');
    socket.connect();
    expect(live.status).toBe('connected');
    expect(socket.syncRequests.map((item) => item.request)).toEqual([{ since: 5 }]);
    socket.answerSync({ events: [added(6, 20)] });
    await flush();
    expect(live.lastEventId).toBe(6);
    expect(changes.filter((change) => change.cause.kind === 'status').map((c) => c.status)).toEqual(
      ['connected', 'reconnecting', 'connected'],
    );
  });

  it('tells the server where it stands at each reconnection, keeping the token', () => {
    const socket = new FakeSocket();
    const live = attachLiveSync(socket);
    expect(socket.handshakePayload()).toEqual({ token: 'jeton-de-test' });
    socket.connect();
    socket.sendSnapshot(principalSnapshot({ lastEventId: 5 }));
    socket.sendEvent(added(6, 20));
    socket.drop();
    expect(socket.handshakePayload()).toEqual({
      token: 'jeton-de-test',
      resume: { spaceId: 10, role: 'principal', lastEventId: 6 },
    });
    live.close();
    expect(socket.handshakePayload()).toEqual({ token: 'jeton-de-test' });
  });

  it('gives no resume point while the snapshot of a new view is awaited', () => {
    const { socket } = setup();
    socket.sendEvent(
      event(6, 'space.ceded', { fromSpaceId: 10, toSpaceId: 11, formerPrincipalId: 1, sirets: [] }),
    );
    socket.drop();
    expect(socket.handshakePayload()).toEqual({ token: 'jeton-de-test' });
  });

  it('connects again, later and later, after the server refused a handshake for a passing reason', () => {
    vi.useFakeTimers();
    const { socket, live } = setup({ retryDelayMs: 1000 });
    socket.drop();
    socket.failToConnect('INTERNAL');
    vi.advanceTimersByTime(400);
    expect(socket.reopened).toBe(0);
    vi.advanceTimersByTime(1200);
    expect(socket.reopened).toBe(1);
    socket.failToConnect('INTERNAL');
    vi.advanceTimersByTime(900);
    expect(socket.reopened).toBe(1);
    vi.advanceTimersByTime(2200);
    expect(socket.reopened).toBe(2);
    socket.connect();
    expect(live.status).toBe('connected');
  });

  it('leaves retries to Socket.IO after a transport failure, and stops for a session the server refuses', () => {
    vi.useFakeTimers();
    const { socket, live } = setup();
    socket.drop();
    socket.failToConnect('xhr poll error', 'transport');
    socket.failToConnect('UNAUTHENTICATED');
    vi.advanceTimersByTime(60_000);
    expect(socket.reopened).toBe(0);
    socket.failToConnect('INTERNAL');
    live.close();
    vi.advanceTimersByTime(60_000);
    expect(socket.reopened).toBe(0);
  });

  it('drops the answer of a sync sent before the connection dropped', async () => {
    const { socket, live } = setup();
    socket.sendEvent(added(7, 21));
    socket.drop();
    socket.answerSync({ events: [added(6, 20), added(7, 21)] });
    await flush();
    expect(live.lastEventId).toBe(5);
    socket.connect();
    expect(socket.syncRequests.map((item) => item.request)).toEqual([{ since: 5 }]);
    socket.answerSync({ events: [added(6, 20), added(7, 21)] });
    await flush();
    expect(live.lastEventId).toBe(7);
  });

  it('switches to the new view after space.ceded: a fresh snapshot with the secondary role', async () => {
    const { socket, live } = setup();
    socket.sendEvent(
      event(6, 'space.ceded', {
        fromSpaceId: 10,
        toSpaceId: 11,
        formerPrincipalId: 1,
        sirets: [SIRET_A],
      }),
    );
    expect(socket.syncRequests.map((item) => item.request)).toEqual([{ since: null }]);
    // Events of the old stream still in flight are not applied to the old view.
    socket.sendEvent(added(7, 21));
    const ceded = secondarySnapshot({
      me: { ...PRINCIPAL, role: 'secondary', spaceId: 11 },
      spaceId: 11,
      lastEventId: 40,
    });
    socket.answerSync({ snapshot: ceded });
    await flush();
    const state = memberState(live.state);
    expect(state.me.role).toBe('secondary');
    expect(state.spaceId).toBe(11);
    expect(live.lastEventId).toBe(40);
    socket.sendEvent(event(41, 'dossier.added', { dossier: dossier({ id: 50, siret: SIRET_A }) }));
    expect(memberState(live.state).dossiers.map((item) => item.id)).toContain(50);
  });

  it('retries a sync that got no answer in time', async () => {
    vi.useFakeTimers();
    const onSyncError = vi.fn();
    const { socket, live } = setup({ syncTimeoutMs: 100, retryDelayMs: 50, onSyncError });
    socket.sendEvent(added(7, 21));
    expect(socket.syncRequests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(onSyncError).toHaveBeenCalledWith('TIMEOUT');
    await vi.advanceTimersByTimeAsync(50);
    expect(socket.syncRequests).toHaveLength(2);
    socket.syncRequests.shift();
    socket.answerSync({ events: [added(6, 20), added(7, 21)] });
    await vi.advanceTimersByTimeAsync(0);
    expect(live.lastEventId).toBe(7);
  });

  it('waits as long as the server says before asking again after a sync refused for its rate', async () => {
    vi.useFakeTimers();
    const onSyncError = vi.fn();
    const { socket, live } = setup({ retryDelayMs: 50, onSyncError });
    socket.sendEvent(added(7, 21));
    expect(socket.syncRequests).toHaveLength(1);
    socket.answerSync({ error: 'SYNC_RATE_LIMITED', retryAfterMs: 2000 });
    await vi.advanceTimersByTimeAsync(0);
    expect(onSyncError).toHaveBeenCalledWith('SYNC_RATE_LIMITED');
    // Not at once, nor after its own shorter delay: after the server's.
    await vi.advanceTimersByTimeAsync(1990);
    expect(socket.syncRequests).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(10);
    expect(socket.syncRequests.map((item) => item.request)).toEqual([{ since: 5 }]);
    socket.answerSync({ events: [added(6, 20), added(7, 21)] });
    await vi.advanceTimersByTimeAsync(0);
    expect(live.lastEventId).toBe(7);
  });

  it('retries after its own delay a sync superseded or refused without a delay, never at once', async () => {
    vi.useFakeTimers();
    const { socket, live } = setup({ retryDelayMs: 300 });
    socket.sendEvent(added(7, 21));
    for (const refusal of [
      { error: 'SYNC_SUPERSEDED' },
      { error: 'SYNC_RATE_LIMITED', retryAfterMs: Number.NaN },
      { error: 'SYNC_RATE_LIMITED', retryAfterMs: -5 },
    ]) {
      socket.answerSync(refusal);
      await vi.advanceTimersByTimeAsync(299);
      expect(socket.syncRequests, JSON.stringify(refusal)).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(1);
      expect(socket.syncRequests).toHaveLength(1);
    }
    socket.answerSync({ events: [added(6, 20), added(7, 21)] });
    await vi.advanceTimersByTimeAsync(0);
    expect(live.lastEventId).toBe(7);
  });

  it('buffers events that arrive before the first snapshot', () => {
    const socket = new FakeSocket();
    const live = attachLiveSync(socket);
    socket.connect();
    socket.sendEvent(added(6, 20));
    socket.sendEvent(added(5, 19));
    socket.sendSnapshot(principalSnapshot({ lastEventId: 5 }));
    expect(live.lastEventId).toBe(6);
    expect(memberState(live.state).members.map((item) => item.id)).toEqual([1, 2, 20]);
  });

  it('ends up with the same state as a client that never missed anything', async () => {
    const events = [
      added(6, 20),
      event(7, 'siret.added', {
        siret: { siret: SIRET_C, addedAt: '2025-03-05T12:00:00.000Z' },
        dossiers: [dossier({ id: 30, siret: SIRET_C })],
      }),
      event(8, 'secondary.sirets_changed', { userId: 20, sirets: [SIRET_C], dossiers: [] }),
      event(9, 'dossier.status_changed', { dossierId: 30, siret: SIRET_C, status: 'consultation' }),
      event(10, 'secondary.removed', { userId: 2 }),
    ];
    const reference = setup();
    for (const item of events) reference.socket.sendEvent(item);

    const lossy = setup();
    lossy.socket.autoAnswer = (request) => ({
      events: events.filter((item) => item.id > (request.since ?? 0)),
    });
    // Out of order, duplicated, with holes.
    for (const id of [7, 6, 6, 10, 8]) lossy.socket.sendEvent(events[id - 6]!);
    await flush();
    await flush();
    expect(lossy.live.state).toEqual(reference.live.state);
  });
});
