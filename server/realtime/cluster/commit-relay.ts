/**
 * A commit's events travel to the other nodes as one message (`committed`,
 * through the adapter), and each node projects them for its own sockets:
 * one NOTIFY per commit rather than one per broadcast. The committing node
 * has already delivered them to its own sockets (attach-realtime.ts).
 */
import type { StoredEvent } from '../../events/append-events.js';
import { publishEvents } from '../publish-events.js';
import type { RealtimeServer } from '../realtime-server.js';
import type { RealtimeLogger } from '../realtime-logger.js';
import { traceDelivery } from './delivery-trace.js';

export interface CommitRelay {
  /** Sends a commit of this node to the other nodes. */
  send(events: readonly StoredEvent[]): void;
}

/** Delivers the commits of the other nodes here, and sends this node's to them. */
export function relayCommits(
  io: RealtimeServer,
  logger: RealtimeLogger,
  isClosing: () => boolean,
): CommitRelay {
  io.on('committed', (events) => {
    if (isClosing()) return;
    traceDelivery('received-from-node', events);
    publishEvents(io, events, logger);
    traceDelivery('delivered-from-node', events);
  });
  return {
    send(events) {
      io.serverSideEmit('committed', [...events]);
      traceDelivery('sent-to-nodes', events);
    },
  };
}
