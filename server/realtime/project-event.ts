/**
 * What one viewer receives of a stored event, as shared/visibility.ts decides
 * it; nobody sees in detail an event from before they came into the space
 * (join-position.ts).
 */
import type { EphemeralEventType, EventPayloads, ServerEvent } from '../../shared/events.js';
import { eventAsSeenBy } from '../../shared/visibility.js';
import type { StoredEvent } from '../events/append-events.js';
import type { Viewer } from './rooms.js';

export type StreamEvent = Pick<StoredEvent, 'seq' | 'type' | 'at' | 'data' | 'audience' | 'actor'>;

/** `joinedAt` is the first position the viewer may see (`findJoinPosition`). */
export function projectEvent(event: StreamEvent, viewer: Viewer, joinedAt: number): ServerEvent {
  return eventAsSeenBy(viewer, event, joinedAt);
}

/** Presence and session ends are not stored: they carry id 0 and never count in a position. */
export function ephemeralEvent<T extends EphemeralEventType>(
  type: T,
  data: EventPayloads[T],
): ServerEvent {
  return { id: 0, type, at: new Date().toISOString(), data } as ServerEvent;
}
