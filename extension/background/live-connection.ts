/**
 * The background's own live connection for the signed-in user: the same
 * protocol as the panel (shared/live-sync.ts), plus what a worker that the
 * browser may stop at any time needs:
 *
 *   - a cursor (user, stream, last event handled) kept in session storage, so
 *     a restarted worker asks `sync { since: cursor }` after its first
 *     snapshot: the changes made while it slept are announced, none twice;
 *   - one exchange at least every 30 s while connected, which keeps Chrome from
 *     stopping the worker (the server's Socket.IO ping usually suffices; a
 *     `sync` fills in when nothing came).
 *
 * Every stored event of the user's stream reaches `onEvent` once, in order,
 * with the live state before it (to name what the event gives by id).
 */
import type { ServerEvent, Snapshot, SyncResponse } from '../../shared/events.js';
import {
  attachLiveSync,
  type LiveChange,
  type LiveSocket,
  type LiveSync,
} from '../../shared/live-sync.js';
import type { StoredSession } from '../lib/stored-session.js';

/** Where the background stands in the user's stream (session storage). */
export interface StreamCursor {
  userId: number;
  spaceId: number | null;
  role: string;
  lastEventId: number;
}

export interface CursorStore {
  read(): Promise<StreamCursor | null>;
  write(cursor: StreamCursor): Promise<void>;
}

export interface BackgroundLiveDeps {
  openSocket(serverUrl: string, token: string): LiveSocket;
  cursor: CursorStore;
  onEvent(event: ServerEvent, known: Snapshot): void;
  /**
   * Resolves when the socket may open (start-live.ts: once an open panel holds
   * the session's view, so that the server builds one snapshot at a time).
   */
  beforeConnect?(session: StoredSession): Promise<void>;
  /** The server ended the session or refused the token: stop until the next sign-in. */
  onSessionEnded?(): void;
  /** At most this long without hearing from the server while connected (Chrome stops an idle worker after 30 s). */
  keepAliveMs?: number;
  now?: () => number;
}

/**
 * Chrome stops a worker after 30 s without activity; a WebSocket message in
 * either direction counts. The server's Socket.IO ping comes every 25 s, so a
 * `sync` only goes out when it is late.
 */
export const KEEP_ALIVE_MS = 27_000;
const KEEP_ALIVE_CHECK_MS = 1_000;

/** The Socket.IO manager's `ping` (engine heartbeat), when the socket exposes it. */
interface WithManager {
  io?: { on(event: 'ping', listener: () => void): unknown };
}

export class BackgroundLive {
  private live: LiveSync | null = null;
  private socket: LiveSocket | null = null;
  private key: string | null = null;
  /** A session the server ended: not tried again until the stored session changes. */
  private refusedKey: string | null = null;
  private cursor: StreamCursor | null = null;
  /** Live events waiting while a catch-up `sync` runs. */
  private waiting: Array<{ event: ServerEvent; known: Snapshot }> | null = null;
  private keepAliveTimer: ReturnType<typeof setInterval> | null = null;
  private lastHeard = 0;
  private readonly now: () => number;

  constructor(private readonly deps: BackgroundLiveDeps) {
    this.now = deps.now ?? Date.now;
  }

  get connected(): boolean {
    return this.live?.status === 'connected';
  }

  get lastEventId(): number {
    return this.cursor?.lastEventId ?? 0;
  }

  /** Follows this session (no-op when already following it); null stops. */
  async follow(serverUrl: string | null, session: StoredSession | null): Promise<void> {
    const key = serverUrl && session ? `${serverUrl} ${session.token}` : null;
    if (key === this.key || (key !== null && key === this.refusedKey)) return;
    this.stop();
    if (!key || !serverUrl || !session) return;
    this.refusedKey = null;
    this.key = key;
    this.cursor = await this.deps.cursor.read();
    if (this.key !== key) return;
    // Nothing is lost meanwhile: the cursor's catch-up, or a panel open to show it.
    await this.deps.beforeConnect?.(session);
    if (this.key !== key) return;
    const socket = this.deps.openSocket(serverUrl, session.token);
    const end = () => {
      this.stop();
      this.refusedKey = key;
      this.deps.onSessionEnded?.();
    };
    const live = attachLiveSync(socket, {
      onSessionRevoked: end,
      onConnectError: (code) => {
        if (code === 'UNAUTHENTICATED') end();
      },
    });
    this.socket = socket;
    this.live = live;
    const heard = () => (this.lastHeard = this.now());
    socket.on('snapshot', heard);
    socket.on('event', heard);
    socket.on('connect', heard);
    (socket as WithManager).io?.on('ping', heard);
    live.subscribe((change) => this.onChange(change));
    this.keepAliveTimer = setInterval(() => this.keepAlive(), KEEP_ALIVE_CHECK_MS);
  }

  stop(): void {
    this.key = null;
    this.waiting = null;
    if (this.keepAliveTimer !== null) clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = null;
    const live = this.live;
    this.live = null;
    this.socket = null;
    live?.close();
  }

  private get keepAliveMs(): number {
    return this.deps.keepAliveMs ?? KEEP_ALIVE_MS;
  }

  private onChange(change: LiveChange): void {
    if (change.cause.kind === 'snapshot' && change.state) {
      this.onSnapshot(change.state);
      return;
    }
    if (change.cause.kind !== 'event' || change.cause.event.id === 0 || !change.previous) return;
    const item = { event: change.cause.event, known: change.previous };
    if (this.waiting) this.waiting.push(item);
    else this.handle(item.event, item.known);
  }

  /** A fresh view: if it is the stream of the cursor, ask for what the cursor has not handled yet. */
  private onSnapshot(snapshot: Snapshot): void {
    const stream = streamOf(snapshot);
    const cursor = this.cursor;
    const sameStream =
      cursor !== null &&
      cursor.userId === stream.userId &&
      cursor.spaceId === stream.spaceId &&
      cursor.role === stream.role;
    if (!sameStream || cursor.lastEventId >= snapshot.lastEventId || this.waiting) {
      if (!sameStream || cursor.lastEventId > snapshot.lastEventId) {
        this.save({ ...stream, lastEventId: snapshot.lastEventId });
      }
      return;
    }
    this.catchUp(cursor.lastEventId, snapshot);
  }

  private catchUp(since: number, snapshot: Snapshot): void {
    const socket = this.socket;
    if (!socket) return;
    this.waiting = [];
    socket.emit('sync', { since }, (response: SyncResponse) => {
      if (this.socket !== socket) return;
      const waiting = this.waiting ?? [];
      this.waiting = null;
      if ('events' in response) {
        for (const event of [...response.events].sort((a, b) => a.id - b.id)) {
          if (event.id > 0 && event.id <= snapshot.lastEventId) this.handle(event, snapshot);
        }
      }
      // Too far behind (a snapshot) or refused: what was missed is not announced, and not twice later.
      if (this.lastEventId < snapshot.lastEventId) {
        this.save({ ...streamOf(snapshot), lastEventId: snapshot.lastEventId });
      }
      for (const item of waiting) this.handle(item.event, item.known);
    });
  }

  private handle(event: ServerEvent, known: Snapshot): void {
    if (event.id <= this.lastEventId && this.cursor?.spaceId === streamOf(known).spaceId) return;
    this.save({ ...streamOf(known), lastEventId: event.id });
    this.deps.onEvent(event, known);
  }

  private save(cursor: StreamCursor): void {
    this.cursor = cursor;
    void this.deps.cursor.write(cursor).catch(() => undefined);
  }

  private keepAlive(): void {
    const live = this.live;
    const socket = this.socket;
    if (!live || !socket || live.status !== 'connected') return;
    if (this.now() - this.lastHeard < this.keepAliveMs) return;
    this.lastHeard = this.now();
    socket.emit('sync', { since: live.lastEventId }, (response: SyncResponse) => {
      if (this.live !== live || !('events' in response)) return;
      // LiveSync skips what it already applied.
      for (const event of response.events) live.handleEvent(event);
    });
  }
}

function streamOf(snapshot: Snapshot): Omit<StreamCursor, 'lastEventId'> {
  return {
    userId: snapshot.me.id,
    spaceId: snapshot.kind === 'member' ? snapshot.spaceId : null,
    role: snapshot.me.role,
  };
}
