/**
 * The states of a socket's session (server/realtime/socket-session.ts), on a
 * stand-in socket: the paths that need no database (a resumed view, a
 * malformed `sync`, a flood) go through the table's states in order.
 */
import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import { describe, expect, it, vi } from 'vitest';
import type { SyncResponse } from '../../shared/events.js';
import type { Database } from '../../server/db/schema.js';
import type { PresenceNotifier } from '../../server/realtime/presence.js';
import type { RealtimeSocket } from '../../server/realtime/realtime-server.js';
import { roomsOf, type Viewer } from '../../server/realtime/rooms.js';
import { SocketSession, type SessionContext } from '../../server/realtime/socket-session.js';

const viewer: Viewer = { userId: 7, sessionId: 70, role: 'principal', spaceId: 3 };

/** Just what a session uses of a Socket.IO socket. */
class StandInSocket extends EventEmitter {
  readonly id = 'socket-1';
  readonly rooms = new Set<string>([this.id]);
  data = { viewer: { ...viewer } };
  connected = true;
  join(rooms: string[]) {
    for (const room of rooms) this.rooms.add(room);
  }
  leave(room: string) {
    this.rooms.delete(room);
  }
  onAnyOutgoing() {}
  offAnyOutgoing() {}
  disconnect() {
    if (!this.connected) return;
    this.connected = false;
    super.emit('disconnect', 'server namespace disconnect');
  }
  /** A `sync` from the client; resolves with its answer. */
  sync(request: unknown): Promise<SyncResponse> {
    return new Promise((resolve) => super.emit('sync', request, resolve));
  }
}

function startSession(syncBudget = { burst: 30, perSecond: 5, refusalsBeforeClose: 100 }) {
  const socket = new StandInSocket();
  const changed = vi.fn();
  const context: SessionContext = {
    // The paths checked here never reach the database.
    db: {} as Kysely<Database>,
    presence: { changed } as unknown as PresenceNotifier,
    logger: { info() {}, warn() {}, error() {} },
    syncBudget,
  };
  const session = new SocketSession(context, socket as unknown as RealtimeSocket, {
    token: 'token',
    resume: { spaceId: viewer.spaceId, role: viewer.role, lastEventId: 5 },
  });
  return { session, socket, changed };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('a socket session', () => {
  it('goes from connecting to live when the client resumes in the same view', async () => {
    const { session, socket, changed } = startSession();
    expect(session.current).toBe('connecting');
    session.start();
    await settle();
    expect(session.current).toBe('live');
    expect([...socket.rooms].sort()).toEqual([socket.id, ...roomsOf(viewer)].sort());
    expect(changed).toHaveBeenCalledWith(viewer.spaceId);
  });

  it('is resyncing while a `sync` runs, then live again', async () => {
    const { session, socket } = startSession();
    session.start();
    await settle();
    // The task starts after the listener returns; the ack is sent from within it.
    const stateAtAck = new Promise((resolve) =>
      socket.emit('sync', { since: 'nope' }, () => resolve(session.current)),
    );
    expect(session.current).toBe('live');
    expect(await stateAtAck).toBe('resyncing');
    await settle();
    expect(session.current).toBe('live');
  });

  it('closes a flooding socket once the admitted `sync`s are answered, and stays closed', async () => {
    const { session, socket, changed } = startSession({
      burst: 1,
      perSecond: 0.001,
      refusalsBeforeClose: 1,
    });
    session.start();
    await settle();
    const admitted = socket.sync({ since: 'nope' });
    void socket.sync({ since: 1 });
    void socket.sync({ since: 1 });
    expect(session.current).toBe('closing');
    expect(await admitted).toEqual({ error: 'VALIDATION_FAILED' });
    await settle();
    await settle();
    expect(socket.connected).toBe(false);
    expect(session.current).toBe('closed');
    // Leaving the space is a presence change of its own.
    expect(changed).toHaveBeenLastCalledWith(viewer.spaceId);
  });
});
