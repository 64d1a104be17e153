import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ServerEvent, Snapshot } from '../../shared/events.js';
import { BackgroundLive, type StreamCursor } from '../../extension/background/live-connection.js';
import { OpenPanels } from '../../extension/background/open-panels.js';
import { FakeSocket, flush } from './support/fake-socket.js';
import { PRINCIPAL, SECONDARY, event, member, secondarySnapshot } from './support/snapshots.js';

const SESSION = { token: 'jeton', user: SECONDARY };
const SERVER = 'http://localhost:8787';

const statusChanged = (id: number) =>
  event(id, 'secondary.status_changed', { userId: 4, status: 'active' });

function setup(stored: StreamCursor | null = null, panels?: OpenPanels) {
  const sockets: FakeSocket[] = [];
  let cursor = stored;
  const seen: Array<{ event: ServerEvent; known: Snapshot }> = [];
  const ended = vi.fn();
  let clock = 0;
  const live = new BackgroundLive({
    openSocket: () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket;
    },
    cursor: {
      read: async () => cursor,
      write: async (value) => void (cursor = value),
    },
    onEvent: (item, known) => void seen.push({ event: item, known }),
    onSessionEnded: ended,
    now: () => clock,
    beforeConnect: panels ? (session) => panels.firstViewOf(session.token) : undefined,
  });
  return {
    live,
    sockets,
    seen,
    ended,
    ids: () => seen.map((item) => item.event.id),
    cursor: () => cursor,
    advance: (ms: number) => (clock += ms),
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the background’s live connection', () => {
  it('follows the stored session and hands every stored event on once, in order', async () => {
    const { live, sockets, ids, cursor } = setup();
    await live.follow(SERVER, SESSION);
    const socket = sockets[0]!;
    socket.connect();
    socket.sendSnapshot(secondarySnapshot({ lastEventId: 5 }));
    expect(cursor()).toEqual({
      userId: SECONDARY.id,
      spaceId: 10,
      role: 'secondary',
      lastEventId: 5,
    });
    socket.sendEvent(statusChanged(6));
    socket.sendEvent(statusChanged(6));
    socket.sendEvent(event(0, 'presence.changed', { online: [1] }));
    socket.sendEvent(statusChanged(7));
    expect(ids()).toEqual([6, 7]);
    expect(cursor()?.lastEventId).toBe(7);
    // Same session again (a storage change of something else): the same socket stays.
    await live.follow(SERVER, SESSION);
    expect(sockets).toHaveLength(1);
    live.stop();
    expect(socket.disconnected).toBe(true);
  });

  it('after a restart, asks for what its stored cursor missed: nothing lost, nothing twice', async () => {
    const { live, sockets, ids, cursor } = setup({
      userId: SECONDARY.id,
      spaceId: 10,
      role: 'secondary',
      lastEventId: 5,
    });
    await live.follow(SERVER, SESSION);
    const socket = sockets[0]!;
    socket.connect();
    socket.sendSnapshot(secondarySnapshot({ lastEventId: 8 }));
    expect(socket.syncRequests.map((item) => item.request)).toEqual([{ since: 5 }]);
    // A live event arriving meanwhile waits for the catch-up.
    socket.sendEvent(statusChanged(9));
    expect(ids()).toEqual([]);
    socket.answerSync({ events: [statusChanged(6), statusChanged(7), statusChanged(8)] });
    expect(ids()).toEqual([6, 7, 8, 9]);
    expect(cursor()?.lastEventId).toBe(9);
  });

  it('does not replay what a restarted worker already handled', async () => {
    const { live, sockets, ids } = setup({
      userId: SECONDARY.id,
      spaceId: 10,
      role: 'secondary',
      lastEventId: 8,
    });
    await live.follow(SERVER, SESSION);
    const socket = sockets[0]!;
    socket.connect();
    socket.sendSnapshot(secondarySnapshot({ lastEventId: 8 }));
    expect(socket.syncRequests).toEqual([]);
    socket.sendEvent(statusChanged(9));
    expect(ids()).toEqual([9]);
  });

  it('starts afresh on another user’s or another space’s stream', async () => {
    const { live, sockets, ids, cursor } = setup({
      userId: PRINCIPAL.id,
      spaceId: 10,
      role: 'principal',
      lastEventId: 2,
    });
    await live.follow(SERVER, SESSION);
    const socket = sockets[0]!;
    socket.connect();
    socket.sendSnapshot(secondarySnapshot({ lastEventId: 8 }));
    expect(socket.syncRequests).toEqual([]);
    expect(cursor()).toMatchObject({ userId: SECONDARY.id, lastEventId: 8 });
    expect(ids()).toEqual([]);
  });

  it('catches up after a reconnection that brought a new snapshot', async () => {
    const { live, sockets, ids } = setup();
    await live.follow(SERVER, SESSION);
    const socket = sockets[0]!;
    socket.connect();
    socket.sendSnapshot(secondarySnapshot({ lastEventId: 5 }));
    socket.drop();
    socket.connect();
    socket.sendSnapshot(
      secondarySnapshot({ lastEventId: 7, members: [member({ id: 1 }), member({ id: 2 })] }),
    );
    const asked = socket.syncRequests.map((item) => item.request);
    expect(asked).toContainEqual({ since: 5 });
    // Answer every request in order: the catch-up and the panel protocol's own sync.
    while (socket.syncRequests.length > 0) {
      const request = socket.syncRequests[0]!.request;
      socket.answerSync({
        events: request.since === 5 ? [statusChanged(6), statusChanged(7)] : [],
      });
      await flush();
    }
    expect(ids()).toEqual([6, 7]);
  });

  it('sends a sync when the server has said nothing for a while, so the worker stays alive', async () => {
    vi.useFakeTimers();
    const { live, sockets, advance } = setup();
    await live.follow(SERVER, SESSION);
    const socket = sockets[0]!;
    socket.connect();
    socket.sendSnapshot(secondarySnapshot({ lastEventId: 5 }));
    advance(20_000);
    vi.advanceTimersByTime(1_000);
    expect(socket.syncRequests).toEqual([]);
    advance(8_000);
    vi.advanceTimersByTime(1_000);
    expect(socket.syncRequests.map((item) => item.request)).toEqual([{ since: 5 }]);
    // Heard again: no more until the server is late again.
    socket.answerSync({ events: [] });
    vi.advanceTimersByTime(1_000);
    expect(socket.syncRequests).toEqual([]);
    live.stop();
  });

  it('stops on a refused token, and on sign-out', async () => {
    const { live, sockets, ended } = setup();
    await live.follow(SERVER, SESSION);
    sockets[0]!.failToConnect('UNAUTHENTICATED');
    expect(ended).toHaveBeenCalled();
    expect(sockets[0]!.disconnected).toBe(true);
    // The refused session is not tried again (the wake-up alarm asks every 30 s).
    await live.follow(SERVER, SESSION);
    expect(sockets).toHaveLength(1);
    await live.follow(SERVER, { ...SESSION, token: 'autre' });
    await live.follow(SERVER, null);
    expect(sockets[1]!.disconnected).toBe(true);
  });
});

describe('the background’s connection at sign-in, beside an open panel', () => {
  it('opens its socket once the panel holds the session’s view: one snapshot at a time', async () => {
    const panels = new OpenPanels();
    const port = {};
    panels.opened(port);
    const { live, sockets, ids } = setup(null, panels);
    const following = live.follow(SERVER, SESSION);
    await flush();
    expect(sockets).toHaveLength(0);
    // Another session's view (or none) holds nothing back.
    panels.holds(port, 'un-autre-jeton');
    await flush();
    expect(sockets).toHaveLength(0);
    panels.holds(port, SESSION.token);
    await following;
    expect(sockets).toHaveLength(1);
    const socket = sockets[0]!;
    socket.connect();
    socket.sendSnapshot(secondarySnapshot({ lastEventId: 5 }));
    socket.sendEvent(statusChanged(6));
    expect(ids()).toEqual([6]);
    live.stop();
  });

  it('connects at once when no panel is open, or when the panel already holds the view', async () => {
    const panels = new OpenPanels();
    const alone = setup(null, panels);
    await alone.live.follow(SERVER, SESSION);
    expect(alone.sockets).toHaveLength(1);
    alone.live.stop();
    const port = {};
    panels.opened(port);
    panels.holds(port, SESSION.token);
    const beside = setup(null, panels);
    await beside.live.follow(SERVER, SESSION);
    expect(beside.sockets).toHaveLength(1);
    beside.live.stop();
  });

  it('connects as soon as the panel closes, or after the bound when its view is slow', async () => {
    vi.useFakeTimers();
    const panels = new OpenPanels();
    const port = {};
    panels.opened(port);
    const closing = setup(null, panels);
    const following = closing.live.follow(SERVER, SESSION);
    await vi.advanceTimersByTimeAsync(500);
    expect(closing.sockets).toHaveLength(0);
    panels.closed(port);
    await following;
    expect(closing.sockets).toHaveLength(1);
    closing.live.stop();

    panels.opened(port);
    const slow = setup(null, panels);
    const waiting = slow.live.follow(SERVER, SESSION);
    await vi.advanceTimersByTimeAsync(1_900);
    expect(slow.sockets).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(100);
    await waiting;
    expect(slow.sockets).toHaveLength(1);
    slow.live.stop();
  });

  it('signed out while waiting: never connects for the ended session', async () => {
    const panels = new OpenPanels();
    const port = {};
    panels.opened(port);
    const { live, sockets } = setup(null, panels);
    const following = live.follow(SERVER, SESSION);
    await flush();
    await live.follow(SERVER, null);
    panels.holds(port, SESSION.token);
    await following;
    expect(sockets).toHaveLength(0);
  });

  it('a worker restarted while the panel is open catches up from its cursor, nothing lost', async () => {
    const panels = new OpenPanels();
    const port = {};
    panels.opened(port);
    const { live, sockets, ids } = setup(
      { userId: SECONDARY.id, spaceId: 10, role: 'secondary', lastEventId: 5 },
      panels,
    );
    const following = live.follow(SERVER, SESSION);
    await flush();
    panels.holds(port, SESSION.token);
    await following;
    const socket = sockets[0]!;
    socket.connect();
    socket.sendSnapshot(secondarySnapshot({ lastEventId: 7 }));
    expect(socket.syncRequests.map((item) => item.request)).toEqual([{ since: 5 }]);
    socket.answerSync({ events: [statusChanged(6), statusChanged(7)] });
    expect(ids()).toEqual([6, 7]);
    live.stop();
  });
});
