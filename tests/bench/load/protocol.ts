/**
 * What the bench process and a load generator say to each other over IPC.
 * Times are absolute milliseconds (`performance.timeOrigin + performance.now()`),
 * comparable between processes of one machine.
 */

export interface ConnectRequest {
  op: 'connect';
  url: string;
  tokens: string[];
  /** Run each client by the panel's sync protocol (shared/live-sync.ts). */
  live: boolean;
  /** Reconnect as the extension does (socket.io-client defaults); false: never. */
  reconnection: boolean;
  /** Connections opened at once. */
  concurrency: number;
  /** For the whole batch. */
  timeoutMs: number;
}

export interface CollectRequest {
  op: 'collect';
  /** The event id every client must receive. */
  eventId: number;
  timeoutMs: number;
}

export interface WatchRequest {
  op: 'watch';
  /** The final head of each space's stream: a client is synced once it stands there. */
  heads: Record<string, number>;
  timeoutMs: number;
}

export type GeneratorRequest =
  ConnectRequest | CollectRequest | WatchRequest | { op: 'disconnect' } | { op: 'counts' };

export interface ConnectResult {
  connected: number;
  failed: number;
  /** The first few refusal messages, for the error report. */
  errors: string[];
}

export interface CollectResult {
  /** Arrival time of the event at each client that got it. */
  times: number[];
  missing: number;
}

export interface WatchResult {
  /** When the last client became connected and synced (null: not all did in time). */
  allSyncedAt: number | null;
  clients: number;
  synced: number;
  /** Clients that lost their connection at least once. */
  reconnected: number;
  /** When the last of those connected again (0: none did). */
  lastReconnectAt: number;
  /** When each of those first lost its connection. */
  lostAt: number[];
  /** When each of those connected again. */
  reconnectedAt: number[];
  /** How long the attempt that brought each of them back took, from its start to `connect`. */
  reconnectHandshakeMs: number[];
  /** Failed connection attempts, by `connect_error` message. */
  connectErrors: Record<string, number>;
  /** Stored events applied whose id was not the position + 1 (a hole). */
  holes: number;
  /** Stored events applied twice. */
  duplicates: number;
  /** Snapshots that took a client back behind its position. */
  backwardSnapshots: number;
}

export interface Counts {
  sockets: number;
  connected: number;
}

export type GeneratorReply =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

export interface GeneratorMessage {
  id: number;
  request: GeneratorRequest;
}

/** Absolute time in milliseconds, the same clock in every process of the machine. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}
