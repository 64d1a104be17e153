/**
 * Who of a space is connected now. The answer comes from the sockets in the
 * space's room on every node (`fetchSockets` goes through the adapter), so it
 * needs no table and cannot drift when a node dies: its sockets simply stop
 * answering.
 */
import { ephemeralEvent } from './project-event.js';
import type { RealtimeServer } from './realtime-server.js';
import type { RealtimeLogger } from './realtime-logger.js';
import { spaceRoom } from './rooms.js';

/** How long the other nodes have to answer; a node that died answers never. */
const PRESENCE_TIMEOUT_MS = 3000;

/** The ids of the members of a space with at least one socket open, sorted. */
export async function listOnlineMembers(io: RealtimeServer, orgId: number): Promise<number[]> {
  const sockets = await io.in(spaceRoom(orgId)).timeout(PRESENCE_TIMEOUT_MS).fetchSockets();
  const ids = new Set<number>();
  for (const socket of sockets) {
    if (socket.data.viewer?.orgId === orgId) ids.add(socket.data.viewer.userId);
  }
  return [...ids].sort((a, b) => a - b);
}

/**
 * How long changes of a space's presence are gathered before one count is
 * sent. A burst (a node's panels reconnecting, a team opening the portal in
 * the morning) then costs each space a few counts, not one per socket
 * times the members of the space; a person's dot changes this much later.
 */
export const PRESENCE_COALESCE_MS = 100;

/**
 * While a space's presence keeps changing, each wait doubles up to this: a
 * storm (a node's panels all reconnecting elsewhere) then costs each space a
 * handful of counts and broadcasts instead of ten a second, which would take
 * the CPU the reconnecting panels need. A single change still shows in 100 ms.
 */
export const PRESENCE_MAX_COALESCE_MS = 1000;

/**
 * Presence for a snapshot: when a node does not answer in time (it died and
 * the others do not know yet), this node's own sockets are better than no
 * snapshot at all; the next `presence.changed` corrects it.
 */
export async function listOnlineMembersOrLocal(
  io: RealtimeServer,
  orgId: number,
  logger: RealtimeLogger,
): Promise<number[]> {
  try {
    return await listOnlineMembers(io, orgId);
  } catch (error) {
    logger.warn({ err: error, orgId }, 'presence of other nodes unavailable');
    const sockets = await io.local.in(spaceRoom(orgId)).fetchSockets();
    return [...new Set(sockets.map((s) => s.data.viewer.userId))].sort((a, b) => a - b);
  }
}

/**
 * Sends `presence.changed` to a space after a member's socket came or went,
 * at most once per `PRESENCE_COALESCE_MS` per space (less often while the
 * changes keep coming) and never two counts of one space at once. Also answers the `online` of snapshots: one count per
 * space for all the snapshots that ask while it runs.
 */
export function createPresenceNotifier(io: RealtimeServer, logger: RealtimeLogger) {
  const pending = new Map<number, { again: boolean }>();
  const counting = new Map<number, Promise<number[]>>();
  let stopped = false;

  async function run(orgId: number, state: { again: boolean }): Promise<void> {
    try {
      let wait = PRESENCE_COALESCE_MS;
      do {
        state.again = false;
        await new Promise((resolve) => setTimeout(resolve, wait));
        wait = Math.min(wait * 2, PRESENCE_MAX_COALESCE_MS);
        if (stopped) return;
        const online = await listOnlineMembers(io, orgId);
        if (stopped) return;
        io.to(spaceRoom(orgId)).emit('event', ephemeralEvent('presence.changed', { online }));
      } while (state.again && !stopped);
    } catch (error) {
      if (!stopped) logger.warn({ err: error, orgId }, 'presence update failed');
    } finally {
      pending.delete(orgId);
    }
  }

  return {
    changed(orgId: number): void {
      if (stopped) return;
      const state = pending.get(orgId);
      if (state) {
        state.again = true;
        return;
      }
      const fresh = { again: false };
      pending.set(orgId, fresh);
      void run(orgId, fresh);
    },
    /**
     * Who is online, for the snapshot of a socket of `userId` that has joined
     * the space's room. A count already running may have started before it
     * joined, so the user is added; anyone else it missed comes with the
     * `presence.changed` that follows every snapshot.
     */
    async online(orgId: number, userId: number): Promise<number[]> {
      let count = counting.get(orgId);
      if (!count) {
        count = listOnlineMembersOrLocal(io, orgId, logger).finally(() => counting.delete(orgId));
        counting.set(orgId, count);
      }
      const online = await count;
      return online.includes(userId) ? online : [...online, userId].sort((a, b) => a - b);
    },
    stop(): void {
      stopped = true;
    },
  };
}

export type PresenceNotifier = ReturnType<typeof createPresenceNotifier>;
