/** The panel's Socket.IO connection (the only place that opens one). */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events.js';
import type { LiveSocket } from '../../shared/live-sync.js';

export function openSocket(serverUrl: string, token: string): LiveSocket {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(serverUrl, {
    path: '/socket.io',
    auth: { token },
    transports: ['websocket'],
  });
  return socket;
}
