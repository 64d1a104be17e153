/**
 * Real Socket.IO clients in this process that record what they receive, for
 * a server started by the test (`in-process-server.ts` or `server-node.ts`).
 */
import type { Kysely } from 'kysely';
import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  ServerEvent,
  ServerToClientEvents,
  Snapshot,
  SyncResponse,
} from '../../shared/events.js';
import { attachLiveSync, type LiveSync } from '../../shared/live-sync.js';
import { createSession } from '../../server/auth/sessions.js';
import type { Database } from '../../server/db/schema.js';
import { recordTestSecret } from '../security/support/secrets-log-files.js';

export async function tokenFor(db: Kysely<Database>, userId: number): Promise<string> {
  const { token } = await createSession(db, userId);
  recordTestSecret(token);
  return token;
}

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

interface ConnectOptions {
  origin?: string;
  /** Default false: a test says when a client comes back. */
  reconnection?: boolean;
}

function openSocket(url: string, token: string | undefined, options: ConnectOptions): ClientSocket {
  return io(url, {
    auth: token === undefined ? {} : { token },
    transports: ['websocket'],
    forceNew: true,
    reconnection: options.reconnection ?? false,
    reconnectionDelay: 50,
    reconnectionDelayMax: 200,
    extraHeaders: options.origin ? { origin: options.origin } : {},
  });
}

/** The `connect_error` a connection attempt ends with (fails if it connects). */
export async function connectError(
  url: string,
  token: string | undefined,
  options: ConnectOptions = {},
): Promise<Error & { data?: unknown }> {
  const socket = openSocket(url, token, options);
  try {
    return await new Promise((resolve, reject) => {
      socket.on('connect', () => reject(new Error('connected although it should be refused')));
      socket.on('connect_error', (error) => resolve(error));
    });
  } finally {
    socket.close();
  }
}

/** A connected client: every snapshot and event it got, in order. */
export class TestClient {
  readonly snapshots: Snapshot[] = [];
  readonly events: ServerEvent[] = [];
  /** The position of the stream the client applied up to (what it would sync from). */
  lastEventId = 0;
  private readonly listeners = new Set<() => void>();

  private constructor(readonly socket: ClientSocket) {
    socket.on('snapshot', (snapshot) => {
      this.snapshots.push(snapshot);
      this.lastEventId = snapshot.lastEventId;
      this.notify();
    });
    socket.on('event', (event) => {
      this.events.push(event);
      if (event.id > this.lastEventId) this.lastEventId = event.id;
      this.notify();
    });
    socket.on('disconnect', () => this.notify());
  }

  static async connect(
    url: string,
    token: string,
    options: ConnectOptions = {},
  ): Promise<TestClient> {
    const client = new TestClient(openSocket(url, token, options));
    await client.until(() => client.snapshots.length > 0, 'the first snapshot');
    return client;
  }

  get snapshot(): Snapshot {
    const last = this.snapshots.at(-1);
    if (!last) throw new Error('no snapshot yet');
    return last;
  }

  /** Stored events (ids > 0) received so far, `presence.changed` and `session.revoked` left out. */
  get stored(): ServerEvent[] {
    return this.events.filter((e) => e.id > 0);
  }

  ofType<T extends ServerEvent['type']>(type: T): Extract<ServerEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<ServerEvent, { type: T }> => e.type === type);
  }

  /** Resolves once the condition holds (checked at every message), fails after `timeoutMs`. */
  until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      this.listeners.add(check);
    });
  }

  /** The first event received with this id (a stored one), once it arrives. */
  async eventWithId(id: number): Promise<ServerEvent> {
    await this.until(() => this.events.some((e) => e.id === id), `event ${id}`);
    return this.events.find((e) => e.id === id) as ServerEvent;
  }

  async nextOfType<T extends ServerEvent['type']>(
    type: T,
    after = 0,
  ): Promise<Extract<ServerEvent, { type: T }>> {
    await this.until(() => this.ofType(type).length > after, `an event ${type}`);
    return this.ofType(type)[after] as Extract<ServerEvent, { type: T }>;
  }

  sync(since: number | null): Promise<SyncResponse> {
    return this.socket.timeout(5000).emitWithAck('sync', { since });
  }

  /**
   * A round trip through the server: whatever the server sent this socket
   * before answering has arrived once this resolves (one node, in order).
   */
  async barrier(): Promise<void> {
    await this.sync(this.lastEventId);
  }

  async disconnected(): Promise<void> {
    await this.until(() => !this.socket.connected, 'the disconnection');
  }

  close(): void {
    this.socket.close();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/** A client run by the panel's own sync protocol (shared/live-sync.ts), as the side panel runs it. */
export class LiveClient {
  readonly revoked: string[] = [];
  readonly live: LiveSync;
  private constructor(readonly socket: ClientSocket) {
    this.live = attachLiveSync(socket, {
      onSessionRevoked: (reason) => this.revoked.push(reason),
      retryDelayMs: 50,
      syncTimeoutMs: 3000,
    });
  }

  static async connect(
    url: string,
    token: string,
    options: ConnectOptions = {},
  ): Promise<LiveClient> {
    const client = new LiveClient(openSocket(url, token, options));
    await client.until((state) => state !== null, 'the first snapshot');
    return client;
  }

  get state(): Snapshot {
    const state = this.live.state;
    if (!state) throw new Error('no state yet');
    return state;
  }

  until(
    condition: (state: Snapshot | null) => boolean,
    what: string,
    timeoutMs = 8000,
  ): Promise<void> {
    if (condition(this.live.state)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const unsubscribe = this.live.subscribe((change) => {
        if (!condition(change.state)) return;
        clearTimeout(timer);
        unsubscribe();
        resolve();
      });
    });
  }

  close(): void {
    this.socket.close();
  }
}

/** A snapshot without what changes by itself (presence): what two converged panels share. */
export function withoutPresence(snapshot: Snapshot): Snapshot {
  return snapshot.kind === 'member' ? { ...snapshot, online: [] } : snapshot;
}

/**
 * A snapshot as two converged panels share it: presence aside, lists in a
 * fixed order (their order is presentation). An admin's feed keeps more
 * invitations than a snapshot carries (the newest ones): it is compared on
 * those of the snapshot, pass it as `keep`.
 */
export function comparableSnapshot(snapshot: Snapshot, keep?: Snapshot): Snapshot {
  const state = withoutPresence(snapshot);
  const byId = <T extends { id: number }>(items: T[]) => [...items].sort((a, b) => a.id - b.id);
  if (state.kind !== 'member') {
    const kept = keep?.kind === 'admin' ? new Set(keep.invitations.map((i) => i.id)) : null;
    return {
      ...state,
      invitations: byId(state.invitations.filter((i) => kept === null || kept.has(i.id))),
    };
  }
  return {
    ...state,
    members: byId(state.members),
    dossiers: byId(state.dossiers),
    invitations: byId(state.invitations),
    sirets: [...state.sirets].sort((a, b) => a.siret.localeCompare(b.siret)),
  };
}

/** What a fresh connection of this user sees now: the state every panel must converge to. */
export async function freshSnapshot(url: string, token: string): Promise<Snapshot> {
  const client = await TestClient.connect(url, token);
  client.close();
  return client.snapshot;
}
