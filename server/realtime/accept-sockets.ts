/**
 * Sockets come in through two gates (origin, token) and get a session each.
 * The handshake opens the session, with what it brought; the connection
 * starts it. In between the session waits here, in a map of this server's
 * own, never in `socket.data`, which travels to the other nodes.
 */
import { createSocketAuthentication } from './authenticate-socket.js';
import type { RealtimeServer, RealtimeSocket } from './realtime-server.js';
import { SocketSession, type SessionContext } from './socket-session.js';

export function acceptSockets(io: RealtimeServer, context: SessionContext): void {
  const opened = new WeakMap<RealtimeSocket, SocketSession>();
  io.use(
    createSocketAuthentication(context.db, context.logger, (socket, handshake) =>
      opened.set(socket, new SocketSession(context, socket, handshake)),
    ),
  );
  io.on('connection', (socket) => {
    const session = opened.get(socket);
    opened.delete(socket);
    // Every connection went through the middleware; one that did not is not served.
    if (!session) return void socket.disconnect(true);
    session.start();
  });
}
