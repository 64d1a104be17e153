/**
 * A load generator: a process of its own holding many real Socket.IO client
 * connections, driven by the bench process over IPC (see protocol.ts). Keeping
 * the clients out of the server's and the bench's process means their work is
 * not counted as the server's, and their timestamps are not delayed by it.
 *
 * Plain clients record when each stored event arrives; live clients run the
 * panel's own sync protocol (attachLiveSync) and record their position, the
 * holes and duplicates they applied, and when they were last reconnected.
 */
import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  ServerEvent,
  ServerToClientEvents,
  Snapshot,
} from '../../../shared/events.js';
import { attachLiveSync } from '../../../shared/live-sync.js';
import {
  now,
  type CollectResult,
  type ConnectRequest,
  type ConnectResult,
  type Counts,
  type GeneratorMessage,
  type GeneratorReply,
  type WatchResult,
} from './protocol.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** What a live client tracks of its stream. */
interface LiveTrack {
  spaceId: number | null;
  position: number;
  /** When the position or the connection last changed. */
  changedAt: number;
  applied: Set<number>;
  lostConnection: boolean;
  /** When the socket first lost its connection (0: never). */
  lostAt: number;
  /** When the socket last connected. */
  connectedAt: number;
  /** When its last reconnection attempt began (0: none yet). */
  attemptedAt: number;
  /** From the start of the attempt that succeeded to `connect`, once reconnected. */
  handshakeMs: number;
}

const sockets: ClientSocket[] = [];
const tracks: LiveTrack[] = [];
const arrivals = new Map<number, { times: Float64Array; count: number }>();
const counters = { holes: 0, duplicates: 0, backwardSnapshots: 0 };
/** Failed connection attempts of live clients, by message (`connect_error`). */
const connectErrors: Record<string, number> = {};

function recordArrival(index: number, event: ServerEvent): void {
  if (event.id <= 0) return;
  const at = now();
  let entry = arrivals.get(event.id);
  if (!entry) {
    entry = { times: new Float64Array(sockets.length).fill(Number.NaN), count: 0 };
    arrivals.set(event.id, entry);
  }
  if (index < entry.times.length && Number.isNaN(entry.times[index]!)) {
    entry.times[index] = at;
    entry.count++;
  }
}

function openClient(url: string, token: string, request: ConnectRequest): ClientSocket {
  // The extension's own options (extension/panel/realtime.ts): reconnection
  // delays are socket.io-client's defaults (1 s, up to 5 s, ± 50 %).
  return io(url, {
    path: '/socket.io',
    auth: { token },
    transports: ['websocket'],
    forceNew: true,
    reconnection: request.reconnection,
  }) as ClientSocket;
}

function trackLive(socket: ClientSocket): LiveTrack {
  const track: LiveTrack = {
    spaceId: null,
    position: 0,
    changedAt: now(),
    applied: new Set(),
    lostConnection: false,
    lostAt: 0,
    connectedAt: 0,
    attemptedAt: 0,
    handshakeMs: 0,
  };
  const live = attachLiveSync(socket, { syncTimeoutMs: 10_000, retryDelayMs: 1_000 });
  live.subscribe((change) => {
    if (change.cause.kind === 'snapshot') {
      const snapshot = change.state as Snapshot;
      if (snapshot.lastEventId < track.position) counters.backwardSnapshots++;
      track.spaceId = snapshot.kind === 'member' ? snapshot.spaceId : null;
      track.position = snapshot.lastEventId;
      track.changedAt = now();
    } else if (change.cause.kind === 'event' && change.cause.event.id > 0) {
      const { id } = change.cause.event;
      if (id !== track.position + 1) counters.holes++;
      if (track.applied.has(id)) counters.duplicates++;
      track.applied.add(id);
      track.position = id;
      track.changedAt = now();
    }
  });
  socket.on('connect', () => {
    track.changedAt = now();
    track.connectedAt = track.changedAt;
    if (track.attemptedAt > 0) track.handshakeMs = track.connectedAt - track.attemptedAt;
  });
  socket.io.on('reconnect_attempt', () => {
    track.attemptedAt = now();
  });
  socket.on('disconnect', () => {
    if (!track.lostConnection) track.lostAt = now();
    track.lostConnection = true;
  });
  socket.on('connect_error', (error) => {
    connectErrors[error.message] = (connectErrors[error.message] ?? 0) + 1;
  });
  return track;
}

async function connect(request: ConnectRequest): Promise<ConnectResult> {
  const result: ConnectResult = { connected: 0, failed: 0, errors: [] };
  let next = 0;
  // One deadline for the whole batch: a stuck server fails it once, not once per client.
  const deadline = Date.now() + request.timeoutMs;
  const worker = async () => {
    while (next < request.tokens.length) {
      const token = request.tokens[next++]!;
      const socket = openClient(request.url, token, request);
      const index = sockets.length;
      sockets.push(socket);
      if (request.live) tracks.push(trackLive(socket));
      else socket.on('event', (event) => recordArrival(index, event));
      const ok = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(
          () => finish(false, 'timeout'),
          Math.max(0, deadline - Date.now()),
        );
        function finish(connected: boolean, error?: string) {
          clearTimeout(timer);
          socket.off('snapshot', onSnapshot);
          socket.off('connect_error', onError);
          if (error && result.errors.length < 5) result.errors.push(error);
          resolve(connected);
        }
        const onSnapshot = () => finish(true);
        const onError = (error: Error) => {
          if (!request.reconnection) finish(false, error.message);
        };
        socket.on('snapshot', onSnapshot);
        socket.on('connect_error', onError);
      });
      if (ok) result.connected++;
      else result.failed++;
    }
  };
  await Promise.all(Array.from({ length: request.concurrency }, worker));
  return result;
}

function collect(eventId: number, timeoutMs: number): Promise<CollectResult> {
  return new Promise((resolve) => {
    const deadline = Date.now() + timeoutMs;
    const check = () => {
      const entry = arrivals.get(eventId);
      if ((entry?.count ?? 0) < sockets.length && Date.now() < deadline) {
        setTimeout(check, 2);
        return;
      }
      for (const id of arrivals.keys()) if (id <= eventId) arrivals.delete(id);
      const times = entry ? [...entry.times].filter((t) => !Number.isNaN(t)) : [];
      resolve({ times, missing: sockets.length - times.length });
    };
    check();
  });
}

function watch(heads: Record<string, number>, timeoutMs: number): Promise<WatchResult> {
  return new Promise((resolve) => {
    const deadline = Date.now() + timeoutMs;
    const check = () => {
      let synced = 0;
      let last = 0;
      for (const [index, track] of tracks.entries()) {
        const head = heads[String(track.spaceId)] ?? 0;
        if (!sockets[index]!.connected || track.position !== head) continue;
        synced++;
        last = Math.max(last, track.changedAt);
      }
      if (synced < tracks.length && Date.now() < deadline) {
        setTimeout(check, 20);
        return;
      }
      resolve({
        allSyncedAt: synced === tracks.length ? last : null,
        clients: tracks.length,
        synced,
        reconnected: tracks.filter((t) => t.lostConnection).length,
        lastReconnectAt: Math.max(
          0,
          ...tracks.filter((t) => t.lostConnection).map((t) => t.connectedAt),
        ),
        lostAt: tracks.filter((t) => t.lostConnection).map((t) => t.lostAt),
        reconnectedAt: tracks.filter((t) => t.lostConnection).map((t) => t.connectedAt),
        reconnectHandshakeMs: tracks.filter((t) => t.lostConnection).map((t) => t.handshakeMs),
        connectErrors,
        ...counters,
      });
    };
    check();
  });
}

async function disconnect(): Promise<void> {
  for (const socket of sockets) socket.disconnect();
  sockets.length = 0;
  tracks.length = 0;
  arrivals.clear();
  for (const message of Object.keys(connectErrors)) delete connectErrors[message];
}

function counts(): Counts {
  return { sockets: sockets.length, connected: sockets.filter((s) => s.connected).length };
}

async function answer(message: GeneratorMessage): Promise<unknown> {
  const { request } = message;
  switch (request.op) {
    case 'connect':
      return connect(request);
    case 'collect':
      return collect(request.eventId, request.timeoutMs);
    case 'watch':
      return watch(request.heads, request.timeoutMs);
    case 'disconnect':
      return disconnect();
    case 'counts':
      return counts();
  }
}

process.on('message', (message: GeneratorMessage) => {
  answer(message).then(
    (result) => process.send!({ id: message.id, ok: true, result } satisfies GeneratorReply),
    (error: unknown) =>
      process.send!({ id: message.id, ok: false, error: String(error) } satisfies GeneratorReply),
  );
});
// The bench process went away: so does this one, with all its sockets.
process.on('disconnect', () => process.exit(0));
