/**
 * The client half of the realtime protocol (docs/api.md, "Socket.IO"): keeps a
 * panel's state equal to the server's whatever the network does.
 *
 *   snapshot ──────────────► replace the state
 *   event id 0 ────────────► apply (presence, session end: never counted)
 *   event id ≤ last ───────► ignore (already applied)
 *   event id = last + 1 ───► apply
 *   event id > last + 1 ───► gap: sync { since: last }, apply the answer, go on
 *   reconnect ─────────────► handshake says where we stand (no snapshot if the
 *                            view is unchanged), then sync { since: last }
 *   space.ceded, …_reverted,
 *   …principal_changed ──────► sync { since: null } (the view changes wholesale)
 *
 * One sync runs at a time; events arriving meanwhile wait in a buffer and go
 * through the same checks once it ends, so nothing is applied twice or out of
 * order. A refused sync (the server bounds each socket's rate) is retried
 * after a delay, never at once. No DOM, Node or Socket.IO import: the panel and the server's tests
 * both use it with their own socket.
 */
import {
  changesViewWholesale,
  type ResumePoint,
  type ServerEvent,
  type Snapshot,
  type SyncRequest,
  type SyncResponse,
} from './events.js';
import { applyEvent } from './panel-state.js';

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'closed';

/** Why the state changed (listeners use it to announce what happened). */
export type LiveChangeCause =
  { kind: 'snapshot' } | { kind: 'event'; event: ServerEvent } | { kind: 'status' };

export interface LiveChange {
  state: Snapshot | null;
  previous: Snapshot | null;
  status: ConnectionStatus;
  cause: LiveChangeCause;
}

/** How a sync request reaches the server. */
export interface SyncTransport {
  sync(request: SyncRequest): Promise<SyncResponse>;
  /** Ends the connection for good (called by `LiveSync.close`). */
  close?(): void;
}

export interface LiveSyncOptions {
  /** The server ended this session (`session.revoked`): sign out locally. */
  onSessionRevoked?: (reason: 'logout' | 'removed' | 'expired') => void;
  /** The handshake was refused or failed; `code` is the server's error code (e.g. `UNAUTHENTICATED`). */
  onConnectError?: (code: string) => void;
  /** A sync failed (error code from the server, or `TIMEOUT`); it is retried. */
  onSyncError?: (code: string) => void;
  /** A sync without an answer after this long counts as failed. */
  syncTimeoutMs?: number;
  /** Wait before retrying a failed sync while connected. */
  retryDelayMs?: number;
}

type SyncKind = 'events' | 'snapshot';

/** The longest a refused sync waits on the server's word (`retryAfterMs`). */
const MAX_RETRY_AFTER_MS = 60_000;

export class LiveSync {
  private current: Snapshot | null = null;
  private connection: ConnectionStatus = 'connecting';
  private readonly listeners = new Set<(change: LiveChange) => void>();
  /** Events that arrived while they could not be checked yet (no state, or a sync running). */
  private buffer: ServerEvent[] = [];
  private syncing = false;
  /** A sync asked for while another one was running; `snapshot` wins over `events`. */
  private queued: SyncKind | null = null;
  /** After a view-changing event (`space.ceded`…), events wait for the fresh snapshot. */
  private awaitingSnapshot = false;
  private hasConnected = false;
  /** Bumped on disconnect: the answer of a sync sent on a closed connection is dropped. */
  private generation = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly syncTimeoutMs: number;
  private readonly retryDelayMs: number;

  constructor(
    private readonly transport: SyncTransport,
    private readonly options: LiveSyncOptions = {},
  ) {
    this.syncTimeoutMs = options.syncTimeoutMs ?? 10_000;
    this.retryDelayMs = options.retryDelayMs ?? 1_000;
  }

  get state(): Snapshot | null {
    return this.current;
  }

  get status(): ConnectionStatus {
    return this.connection;
  }

  /** The id of the last stored event applied (0 before any snapshot). */
  get lastEventId(): number {
    return this.current?.lastEventId ?? 0;
  }

  /**
   * What to tell the server on reconnect so that it can skip the snapshot; none
   * before the first snapshot, or while a new view's snapshot is awaited.
   */
  get resumePoint(): ResumePoint | null {
    const current = this.current;
    if (!current || this.awaitingSnapshot || this.connection === 'closed') return null;
    return {
      spaceId: current.kind === 'member' ? current.spaceId : null,
      role: current.me.role,
      lastEventId: current.lastEventId,
    };
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: (change: LiveChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  handleConnect(): void {
    if (this.connection === 'closed') return;
    const isReconnect = this.hasConnected;
    this.hasConnected = true;
    this.setStatus('connected');
    // Unless the handshake's resume point let it skip, the server also sends a
    // snapshot; asking for what was missed keeps the client right either way.
    if (isReconnect && this.current)
      this.requestSync(this.awaitingSnapshot ? 'snapshot' : 'events');
  }

  handleDisconnect(): void {
    if (this.connection === 'closed') return;
    this.generation++;
    this.syncing = false;
    this.clearRetry();
    this.setStatus('reconnecting');
  }

  /** The connection could not be (re)established; the socket keeps trying. */
  handleConnectError(): void {
    if (this.connection === 'closed') return;
    this.setStatus(this.hasConnected ? 'reconnecting' : 'connecting');
  }

  /** The panel stops listening (sign-out): no more syncs or retries. */
  close(): void {
    this.generation++;
    this.syncing = false;
    this.queued = null;
    this.buffer = [];
    this.clearRetry();
    this.setStatus('closed');
    this.transport.close?.();
  }

  handleSnapshot(snapshot: Snapshot): void {
    if (this.connection === 'closed') return;
    const previous = this.current;
    this.current = snapshot;
    this.awaitingSnapshot = false;
    this.emit(previous, { kind: 'snapshot' });
    if (!this.syncing) this.drainBuffer();
  }

  handleEvent(event: ServerEvent): void {
    if (this.connection === 'closed') return;
    if (event.id === 0) {
      this.applyEphemeral(event);
      return;
    }
    if (!this.current || this.syncing || this.awaitingSnapshot) {
      this.buffer.push(event);
      return;
    }
    this.accept(event);
  }

  /** Checks a stored event against the position: apply, ignore, or sync over a gap. */
  private accept(event: ServerEvent): void {
    const current = this.current;
    if (!current) {
      this.buffer.push(event);
      return;
    }
    if (event.id <= current.lastEventId) return;
    if (event.id > current.lastEventId + 1) {
      this.buffer.push(event);
      this.requestSync('events');
      return;
    }
    this.current = applyEvent(current, event);
    this.emit(current, { kind: 'event', event });
    if (changesViewWholesale(event)) {
      // Events after this one belong to the old view; the new one starts with a snapshot.
      this.awaitingSnapshot = true;
      this.buffer = [];
      this.requestSync('snapshot');
    }
  }

  private applyEphemeral(event: ServerEvent): void {
    if (event.type === 'session.revoked') {
      this.options.onSessionRevoked?.(event.data.reason);
      return;
    }
    const current = this.current;
    if (!current) return;
    this.current = applyEvent(current, event);
    this.emit(current, { kind: 'event', event });
  }

  private requestSync(kind: SyncKind): void {
    if (this.syncing) {
      if (this.queued !== 'snapshot') this.queued = kind;
      return;
    }
    if (this.connection === 'closed') return;
    this.clearRetry();
    this.syncing = true;
    const generation = this.generation;
    const request: SyncRequest = { since: kind === 'snapshot' ? null : this.lastEventId };
    void this.callWithTimeout(request).then((response) => {
      if (generation !== this.generation) return;
      this.syncing = false;
      if ('error' in response) {
        this.options.onSyncError?.(response.error);
        this.scheduleRetry(kind, response.retryAfterMs);
        return;
      }
      if ('snapshot' in response) this.handleSnapshot(response.snapshot);
      else this.applyMissed(response.events);
      // Applying the answer may itself have started a sync (a gap, space.ceded).
      if (this.syncing) return;
      const queued = this.queued;
      this.queued = null;
      if (queued) this.requestSync(queued);
      else if (this.awaitingSnapshot) this.requestSync('snapshot');
      else this.drainBuffer();
    });
  }

  private applyMissed(events: ServerEvent[]): void {
    for (const event of [...events].sort((a, b) => a.id - b.id)) {
      if (this.awaitingSnapshot || this.syncing) return;
      if (event.id === 0) this.applyEphemeral(event);
      else this.accept(event);
    }
  }

  private drainBuffer(): void {
    const pending = this.buffer.sort((a, b) => a.id - b.id);
    this.buffer = [];
    for (const [index, event] of pending.entries()) {
      if (this.syncing || this.awaitingSnapshot || !this.current) {
        this.buffer.push(...pending.slice(index));
        return;
      }
      this.accept(event);
    }
  }

  private async callWithTimeout(request: SyncRequest): Promise<SyncResponse> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<SyncResponse>((resolve) => {
      timer = setTimeout(() => resolve({ error: 'TIMEOUT' }), this.syncTimeoutMs);
    });
    try {
      return await Promise.race([
        this.transport.sync(request).catch(() => ({ error: 'SYNC_FAILED' }) as SyncResponse),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Retries after `retryDelayMs`, or after the server's `retryAfterMs` when longer. */
  private scheduleRetry(kind: SyncKind, retryAfterMs?: unknown): void {
    if (this.connection !== 'connected') return;
    this.clearRetry();
    const asked =
      typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs)
        ? Math.min(retryAfterMs, MAX_RETRY_AFTER_MS)
        : 0;
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = null;
        this.requestSync(this.awaitingSnapshot ? 'snapshot' : kind);
      },
      Math.max(this.retryDelayMs, asked),
    );
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private setStatus(status: ConnectionStatus): void {
    if (this.connection === status) return;
    this.connection = status;
    this.emit(this.current, { kind: 'status' });
  }

  private emit(previous: Snapshot | null, cause: LiveChangeCause): void {
    const change: LiveChange = {
      state: this.current,
      previous,
      status: this.connection,
      cause,
    };
    for (const listener of this.listeners) listener(change);
  }
}

/**
 * The part of a Socket.IO client socket this protocol needs; a
 * `Socket<ServerToClientEvents, ClientToServerEvents>` of socket.io-client fits.
 */
export interface LiveSocket {
  on(event: 'snapshot', listener: (snapshot: Snapshot) => void): unknown;
  on(event: 'event', listener: (event: ServerEvent) => void): unknown;
  on(event: 'connect', listener: () => void): unknown;
  on(event: 'disconnect', listener: (reason: string) => void): unknown;
  on(event: 'connect_error', listener: (error: Error) => void): unknown;
  on(event: 'space-touched', listener: (touched: { spaceId: number }) => void): unknown;
  emit(event: 'sync', request: SyncRequest, ack: (response: SyncResponse) => void): unknown;
  emit(event: 'watch-space', spaceId: number | null): unknown;
  disconnect(): unknown;
  /** Connects again (after the server refused a handshake, Socket.IO stops trying by itself). */
  open(): unknown;
  /** False once Socket.IO has given up reconnecting on its own. */
  readonly active: boolean;
  /** The handshake payload (`{ token }`); read again at each (re)connection when a function. */
  auth: Record<string, unknown> | ((callback: (data: object) => void) => void);
}

/** Longest wait between two handshakes after the server refused them. */
const MAX_REOPEN_DELAY_MS = 10_000;

/**
 * A LiveSync fed by `socket`: its snapshots, events and reconnections; syncs go
 * through `sync`; `close()` disconnects the socket.
 */
export function attachLiveSync(socket: LiveSocket, options: LiveSyncOptions = {}): LiveSync {
  let reopenTimer: ReturnType<typeof setTimeout> | null = null;
  let refusals = 0;
  const live = new LiveSync(
    {
      sync: (request) =>
        new Promise<SyncResponse>((resolve) => {
          socket.emit('sync', request, resolve);
        }),
      close: () => {
        if (reopenTimer !== null) clearTimeout(reopenTimer);
        reopenTimer = null;
        socket.disconnect();
      },
    },
    options,
  );
  // Each reconnection tells the server where this state stands, so that it can skip the snapshot.
  const base = socket.auth;
  if (typeof base !== 'function') {
    socket.auth = (callback) => {
      const resume = live.resumePoint;
      callback(resume ? { ...base, resume } : base);
    };
  }
  socket.on('snapshot', (snapshot) => live.handleSnapshot(snapshot));
  socket.on('event', (event) => live.handleEvent(event));
  socket.on('connect', () => live.handleConnect());
  socket.on('disconnect', (reason) => {
    live.handleDisconnect();
    // The server closes a socket itself only when its session ended; the
    // `session.revoked` that says so may be overtaken by the close across nodes.
    if (reason === 'io server disconnect') options.onSessionRevoked?.('expired');
  });
  socket.on('connect', () => (refusals = 0));
  socket.on('connect_error', (error) => {
    live.handleConnectError();
    options.onConnectError?.(error.message);
    // A handshake refused by the server (its database away, say) ends Socket.IO's
    // own retries; only a session the server no longer knows is final.
    if (socket.active || error.message === 'UNAUTHENTICATED' || live.status === 'closed') return;
    if (reopenTimer !== null) return;
    const base = options.retryDelayMs ?? 1_000;
    const delay = Math.min(MAX_REOPEN_DELAY_MS, base * 2 ** refusals++) * (0.5 + Math.random());
    reopenTimer = setTimeout(() => {
      reopenTimer = null;
      if (live.status !== 'closed') socket.open();
    }, delay);
  });
  return live;
}
