/** The typed Socket.IO server of the project. */
import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events.js';
import type { StoredEvent } from '../events/append-events.js';
import type { Viewer } from './rooms.js';

/** Between the nodes of one deployment, through the adapter. */
export interface InterServerEvents {
  /** The events of one commit on another node, for this node's sockets. */
  committed: (events: StoredEvent[]) => void;
}

/** Travels with the socket to the other nodes (fetchSockets): never put a secret here. */
export interface SocketData {
  viewer: Viewer;
}

export type RealtimeServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;

export type RealtimeSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
