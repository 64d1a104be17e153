/**
 * After commit: each stored event goes to the rooms of the viewers concerned,
 * in the form shared/visibility.ts gives each of them (in detail, or as `hidden`), and the events that change someone's access take
 * effect on their sockets at once.
 *
 * Each node does this for its own sockets (`io.local`): the committing node
 * at once, the others when the committed events reach them (one message per
 * commit through the adapter, see attach-realtime.ts), rather than one
 * cluster message per broadcast.
 *
 * Socket.IO encodes a broadcast before it looks for its recipients: a
 * broadcast to rooms with no socket on this node is not sent at all, which is
 * most commits (a space with no panel open here).
 *
 * Delivery is at most once (a crash, an adapter failure); the outbox and
 * `sync` make it at least once, so a failure here is logged, never thrown
 * back into the request that committed.
 */
import type { BroadcastOperator } from 'socket.io';
import type { EventOf, ServerToClientEvents } from '../../shared/events.js';
import { ADMIN_STREAM, toServerEvent, type StoredEvent } from '../events/append-events.js';
import { spaceDeliveries, type SpaceDelivery } from '../../shared/visibility.js';
import { ephemeralEvent } from './project-event.js';
import type { RealtimeServer, SocketData } from './realtime-server.js';
import type { RealtimeLogger } from './realtime-logger.js';
import {
  ADMINS_ROOM,
  memberRoom,
  principalRoom,
  sessionRoom,
  spaceRoom,
  spaceWatchRoom,
  userRoom,
} from './rooms.js';

/** Where broadcasts go: `io.local` (this node's sockets) or `io.in(room)` (that room on every node). */
export type Broadcaster = BroadcastOperator<ServerToClientEvents, SocketData>;

export type SessionEndReason = EventOf<'session.revoked'>['data']['reason'];

/**
 * This node's sockets in these rooms, or null when none of the rooms holds a
 * socket here: then nothing is encoded (the arguments of `?.emit` are not even
 * built).
 */
type LocalRooms = (rooms: string | string[]) => Broadcaster | null;

/** Delivers committed events to this node's own sockets. */
export function publishEvents(
  io: RealtimeServer,
  events: readonly StoredEvent[],
  logger: RealtimeLogger,
): void {
  // Socket.IO keeps a room only while a socket is in it.
  const occupied = io.sockets.adapter.rooms;
  const to: LocalRooms = (rooms) =>
    (typeof rooms === 'string' ? occupied.has(rooms) : rooms.some((room) => occupied.has(room)))
      ? io.local.to(rooms)
      : null;
  for (const event of events) {
    try {
      publishEvent(to, event);
    } catch (error) {
      logger.error({ err: error, stream: event.stream, seq: event.seq }, 'publish failed');
    }
  }
}

function publishEvent(to: LocalRooms, event: StoredEvent): void {
  if (event.stream === ADMIN_STREAM) {
    to(ADMINS_ROOM)?.emit('event', toServerEvent(event));
    // docs/domain.md, « Support accounts »: a deactivated agent's sessions end at once.
    if (event.type === 'agent.deactivated') endSockets(to(userRoom(event.data.userId)), 'removed');
    return;
  }
  const spaceId = Number(event.stream.slice('space:'.length));
  // Support agents showing this space's page read it again (a word, not the event).
  to(spaceWatchRoom(spaceId))?.emit('space-touched', { spaceId });
  const deliveries = spaceDeliveries(event);
  const named = (delivery: SpaceDelivery): string[] => [
    ...(delivery.principal ? [principalRoom(spaceId)] : []),
    ...delivery.secondaries.map((userId) => memberRoom(spaceId, userId)),
  ];
  for (const delivery of deliveries) {
    if (!delivery.others) {
      to(named(delivery))?.emit('event', delivery.event);
      continue;
    }
    const space = to(spaceRoom(spaceId));
    if (!space) continue;
    // Everyone in the space but those another form was sent to.
    const elsewhere = deliveries.filter((other) => other !== delivery).flatMap(named);
    (elsewhere.length > 0 ? space.except(elsewhere) : space).emit('event', delivery.event);
  }
  switch (event.type) {
    case 'secondary.removed':
      // docs/domain.md rule 4: a removed secondary's sessions end at once.
      endSockets(to(userRoom(event.data.userId)), 'removed');
      break;
    // No room change here for `space.ceded`: with several nodes a room change can
    // overtake the broadcast just sent, and the sockets would miss the event. Each
    // client answers `space.ceded` with `sync { since: null }`, which moves its socket
    // to the rooms of its new space; the dissolved space's stream gets no more events.
    default:
      break;
  }
}

/** Tells the sockets that their session ended, then closes them (none here: nothing to do). */
function endSockets(sockets: Broadcaster | null, reason: SessionEndReason): void {
  if (!sockets) return;
  sockets.emit('event', ephemeralEvent('session.revoked', { reason }));
  sockets.disconnectSockets(true);
}

/** Ends a session's sockets on every node. */
export function endSession(io: RealtimeServer, sessionId: number, reason: SessionEndReason): void {
  endSockets(io.in(sessionRoom(sessionId)), reason);
}
