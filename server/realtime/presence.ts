/**
 * Who of a space is connected now. The answer comes from the sockets in the
 * space's room on every node (`fetchSockets` goes through the adapter), so it
 * needs no table and cannot drift when a node dies: its sockets simply stop
 * answering.
 */
import { ephemeralEvent } from './project-event.js';
import { createRateMeter, RATE_WINDOW_MS } from './rate-meter.js';
import type { RealtimeServer } from './realtime-server.js';
import type { RealtimeLogger } from './realtime-logger.js';
import { spaceRoom, spaceWatchRoom } from './rooms.js';

/** How long the other nodes have to answer; a node that died answers never. */
const PRESENCE_TIMEOUT_MS = 3000;

/** The ids of the members of a space with at least one socket open, sorted. */
export async function listOnlineMembers(io: RealtimeServer, spaceId: number): Promise<number[]> {
  const sockets = await io.in(spaceRoom(spaceId)).timeout(PRESENCE_TIMEOUT_MS).fetchSockets();
  const ids = new Set<number>();
  for (const socket of sockets) {
    if (socket.data.viewer?.spaceId === spaceId) ids.add(socket.data.viewer.userId);
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
 * Presence changes a second (connections and disconnections, every space)
 * above which this node is in a storm: a restarted node's panels all
 * reconnecting here, a crowd of panels opening at once. A quiet day brings a
 * few a second.
 */
export const PRESENCE_STORM_RATE = 20;

/**
 * During a storm, a space's count waits for the storm to pass, so that one
 * count says what the storm did instead of one a second while it lasts: most
 * of the members that vanish in a storm come back within it. It waits no
 * longer than this, so presence is never staler than that.
 */
export const PRESENCE_STORM_MAX_WAIT_MS = 5000;

/** How often a count held back by a storm looks whether it passed. */
const STORM_POLL_MS = 100;

/**
 * From a space's last change to its count going out, when no more changes
 * come: the storm measure's memory, the longest wait, one poll.
 */
export const PRESENCE_SETTLED_WITHIN_MS = RATE_WINDOW_MS + PRESENCE_MAX_COALESCE_MS + STORM_POLL_MS;

/**
 * Presence for a snapshot: when a node does not answer in time (it died and
 * the others do not know yet), this node's own sockets are better than no
 * snapshot at all; the next `presence.changed` corrects it.
 */
export async function listOnlineMembersOrLocal(
  io: RealtimeServer,
  spaceId: number,
  logger: RealtimeLogger,
): Promise<number[]> {
  try {
    return await listOnlineMembers(io, spaceId);
  } catch (error) {
    logger.warn({ err: error, spaceId }, 'presence of other nodes unavailable');
    const sockets = await io.local.in(spaceRoom(spaceId)).fetchSockets();
    return [...new Set(sockets.map((s) => s.data.viewer.userId))].sort((a, b) => a - b);
  }
}

/**
 * Sends `presence.changed` to a space after a member's socket came or went,
 * at most once per `PRESENCE_COALESCE_MS` per space (less often while the
 * changes keep coming, once a storm has passed during a storm) and never two
 * counts of one space at once. Also answers the `online` of snapshots: one count per
 * space for all the snapshots that ask while it runs.
 */
export function createPresenceNotifier(io: RealtimeServer, logger: RealtimeLogger) {
  const pending = new Map<number, { changed: boolean }>();
  const counting = new Map<number, Promise<number[]>>();
  const changes = createRateMeter();
  let stopped = false;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /**
   * One space's counts, from a first change until a whole wait passes with
   * none: each wait doubles, so a space that keeps changing keeps its slower
   * pace, and a count goes out only when something changed since the last.
   */
  async function run(spaceId: number, state: { changed: boolean }): Promise<void> {
    try {
      for (let wait = PRESENCE_COALESCE_MS; ; wait = Math.min(wait * 2, PRESENCE_MAX_COALESCE_MS)) {
        const started = performance.now();
        await sleep(wait);
        while (
          !stopped &&
          changes.lastSecond() > PRESENCE_STORM_RATE &&
          performance.now() - started < PRESENCE_STORM_MAX_WAIT_MS
        )
          await sleep(STORM_POLL_MS);
        if (stopped || !state.changed) return;
        // A change from now on may be missed by this count: it calls for another.
        state.changed = false;
        const online = await listOnlineMembers(io, spaceId);
        if (stopped) return;
        io.to(spaceRoom(spaceId)).emit('event', ephemeralEvent('presence.changed', { online }));
        // A support agent's page of the space shows who is online too (docs/api.md, « watch-space »).
        io.to(spaceWatchRoom(spaceId)).emit('space-touched', { spaceId });
      }
    } catch (error) {
      if (!stopped) logger.warn({ err: error, spaceId }, 'presence update failed');
    } finally {
      pending.delete(spaceId);
    }
  }

  return {
    changed(spaceId: number): void {
      if (stopped) return;
      changes.add();
      const state = pending.get(spaceId);
      if (state) {
        state.changed = true;
        return;
      }
      const fresh = { changed: true };
      pending.set(spaceId, fresh);
      void run(spaceId, fresh);
    },
    /**
     * Who is online, for the snapshot of a socket of `userId` that has joined
     * the space's room. A count already running may have started before it
     * joined, so the user is added; anyone else it missed comes with the
     * `presence.changed` that follows every snapshot.
     */
    async online(spaceId: number, userId: number): Promise<number[]> {
      let count = counting.get(spaceId);
      if (!count) {
        count = listOnlineMembersOrLocal(io, spaceId, logger).finally(() =>
          counting.delete(spaceId),
        );
        counting.set(spaceId, count);
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
