/**
 * Socket.IO rooms. Every publish and every access change addresses rooms, never
 * single sockets, so that it goes through the adapter and reaches the sockets of
 * every node.
 *
 * A member socket is in `space:<id>` (every member), `space:<id>:principal`
 * (the principal only) and `space:<id>:user:<id>`; the per-user room is scoped
 * to the space so that an event of a space never reaches a socket that already
 * follows another space (after a cession). `user:<id>` and `session:<id>` serve
 * to end sessions. An admin socket is in `admins`.
 */
import type { Role } from '../../shared/domain.js';

/** Who a socket speaks for, as authenticated when it joined its rooms. */
export interface Viewer {
  userId: number;
  sessionId: number;
  role: Role;
  /** Null for an admin. */
  spaceId: number | null;
}

export const ADMINS_ROOM = 'admins';

/** The support agents' sockets showing a space's page (`watch-space`). */
export const SPACE_WATCH_PREFIX = 'watch:space:';

export function spaceWatchRoom(spaceId: number): string {
  return `${SPACE_WATCH_PREFIX}${spaceId}`;
}

export function spaceRoom(spaceId: number): string {
  return `space:${spaceId}`;
}

export function principalRoom(spaceId: number): string {
  return `space:${spaceId}:principal`;
}

export function memberRoom(spaceId: number, userId: number): string {
  return `space:${spaceId}:user:${userId}`;
}

export function userRoom(userId: number): string {
  return `user:${userId}`;
}

export function sessionRoom(sessionId: number): string {
  return `session:${sessionId}`;
}

/** The rooms a socket of this viewer belongs to. */
export function roomsOf(viewer: Viewer): string[] {
  const rooms = [userRoom(viewer.userId), sessionRoom(viewer.sessionId)];
  if (viewer.spaceId === null) return [...rooms, ADMINS_ROOM];
  rooms.push(spaceRoom(viewer.spaceId), memberRoom(viewer.spaceId, viewer.userId));
  if (viewer.role === 'principal') rooms.push(principalRoom(viewer.spaceId));
  return rooms;
}

/** Same stream and same detail: nothing to rejoin. */
export function isSameView(a: Viewer, b: Viewer): boolean {
  return a.userId === b.userId && a.role === b.role && a.spaceId === b.spaceId;
}
