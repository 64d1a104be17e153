/**
 * Which stored events left for a socket while a snapshot was being made: an
 * event committed after the snapshot's read but published before the
 * snapshot left may be dropped by the client, and is then sent again.
 */
import type { RealtimeSocket } from './realtime-server.js';

export interface SentEventsWatch {
  /** Stops watching; the highest stored event id sent meanwhile (0 if none). */
  stop(): number;
}

/**
 * Records the highest stored event id sent to the socket from now until
 * `stop()`, broadcasts included (Socket.IO tells outgoing listeners of those
 * too, on every node).
 */
export function watchSentEvents(socket: RealtimeSocket): SentEventsWatch {
  let highest = 0;
  const listener = (name: string, ...args: unknown[]) => {
    if (name !== 'event') return;
    const id = (args[0] as { id?: unknown } | undefined)?.id;
    if (typeof id === 'number' && id > highest) highest = id;
  };
  socket.onAnyOutgoing(listener);
  return {
    stop() {
      socket.offAnyOutgoing(listener);
      return highest;
    },
  };
}
