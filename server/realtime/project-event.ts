/**
 * What one viewer receives of a stored event. A member follows their space's
 * stream: the principal sees every event in detail; an event whose audience is
 * null is for every member; otherwise only the principal and the listed users
 * see it, and everyone else gets a `hidden` event with the same id, so that a
 * hole in the ids always means a missed event. Nobody sees in detail an event
 * from before they came into the space (join-position.ts).
 */
import type { EphemeralEventType, EventPayloads, ServerEvent } from '../../shared/events.js';
import { toServerEvent, type StoredEvent } from '../events/append-events.js';
import type { Viewer } from './rooms.js';

export type StreamEvent = Pick<StoredEvent, 'seq' | 'type' | 'at' | 'data' | 'audience'>;

export function seesInDetail(event: Pick<StreamEvent, 'audience'>, viewer: Viewer): boolean {
  if (viewer.role !== 'secondary') return true;
  return event.audience === null || event.audience.includes(viewer.userId);
}

export function hiddenEvent(event: Pick<StreamEvent, 'seq' | 'at'>): ServerEvent {
  return { id: event.seq, type: 'hidden', at: event.at, data: {} };
}

/**
 * `joinedAt` is the first position the viewer may see (`findJoinPosition`):
 * what came before reaches them as `hidden`, like an event of another audience.
 */
export function projectEvent(event: StreamEvent, viewer: Viewer, joinedAt: number): ServerEvent {
  if (event.seq < joinedAt || !seesInDetail(event, viewer)) return hiddenEvent(event);
  const detailed = toServerEvent(event);
  return viewer.role === 'secondary' ? forSecondaries(detailed) : detailed;
}

/**
 * An event every member sees, as a secondary may see it. `org.ceded` lists
 * every ceded SIRET: a secondary of either space gets it without the list
 * (their own SIRETs come with the snapshot the event leads to).
 */
export function forSecondaries(event: ServerEvent): ServerEvent {
  if (event.type !== 'org.ceded') return event;
  return { ...event, data: { ...event.data, sirets: [] } };
}

/** Presence and session ends are not stored: they carry id 0 and never count in a position. */
export function ephemeralEvent<T extends EphemeralEventType>(
  type: T,
  data: EventPayloads[T],
): ServerEvent {
  return { id: 0, type, at: new Date().toISOString(), data } as ServerEvent;
}
