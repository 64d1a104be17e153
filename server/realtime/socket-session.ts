/**
 * One socket's session on this node, from its accepted handshake to its end:
 * it joins the rooms of the viewer, sends the snapshot (unless a reconnecting
 * client resumes in the same view), answers `sync`, and leaves. The token and
 * resume point the handshake brought are kept here, on this node only.
 *
 * Its work runs one task at a time, in the order queued: entering the view,
 * answering a `sync` (sync-admission.ts decides which run), re-sending what a
 * snapshot may have crossed, closing. The state says which task runs; every
 * change of state is made by `moveTo`, from `runTasks` or the few events
 * below:
 *
 *   state          meaning                                     next
 *   ─────────────  ──────────────────────────────────────────  ──────────────────────────────
 *   connecting     handshake accepted; joins the rooms, then    live: resumed in the same view
 *                  sends the snapshot, or resumes without it    snapshot-sent: events crossed it
 *                                                               live: nothing crossed it
 *                                                               resyncing: a `sync` was queued
 *                                                               closed: the user is gone
 *   snapshot-sent  a snapshot left while events were being      live; resyncing or snapshot-sent
 *                  published: those after it are re-read and   when another task was queued
 *                  sent again (a client ignores ids it has)     first
 *   live           nothing runs: events flow through the rooms  resyncing: a `sync` is admitted
 *   resyncing      a `sync` is answered: missed events, or a    live, resyncing (another waits),
 *                  snapshot of the view read again              snapshot-sent, closing (the
 *                                                               session is over)
 *   closing        refused or flooding: the `sync`s admitted    closed
 *                  are answered, then the socket is closed
 *   closed         disconnected; work still queued finds it so  (final)
 *
 *   any state but closing and closed: `sync` flood → closing; disconnect → closed.
 *
 * Closing and closed are final, whatever work was queued before: a session
 * never reopens.
 */
import type { ErrorCode } from '../../shared/errors.js';
import type { Snapshot, SyncRequest, SyncResponse } from '../../shared/events.js';
import type { AcceptedHandshake } from './authenticate-socket.js';
import { createSyncAnswerer, type SyncAnswer } from './answer-sync.js';
import { enterView, moveRooms, type ViewContext } from './enter-view.js';
import { projectEvent } from './project-event.js';
import type { RealtimeSocket } from './realtime-server.js';
import type { RealtimeLogger } from './realtime-logger.js';
import { isSameView, SPACE_WATCH_PREFIX, spaceWatchRoom, type Viewer } from './rooms.js';
import { createSyncAdmission, type SyncAdmission } from './sync-admission.js';
import type { SyncBudgetOptions } from './sync-budget.js';
import { readStreamSince, streamOfViewer } from './sync-events.js';
import { watchSentEvents } from './watch-sent-events.js';

export type SessionState =
  'connecting' | 'snapshot-sent' | 'live' | 'resyncing' | 'closing' | 'closed';

/** The states a queued task puts the session in while it runs. */
type TaskState = Extract<SessionState, 'connecting' | 'snapshot-sent' | 'resyncing' | 'closing'>;

export interface SessionContext extends ViewContext {
  logger: RealtimeLogger;
  syncBudget: SyncBudgetOptions;
}

export class SocketSession {
  private state: SessionState = 'connecting';
  private readonly tasks: { state: TaskState; run: () => Promise<void> }[] = [];
  private running = false;
  private readonly admission: SyncAdmission;
  private readonly answerSync: (request: unknown) => Promise<SyncAnswer>;

  constructor(
    private readonly context: SessionContext,
    private readonly socket: RealtimeSocket,
    private readonly handshake: AcceptedHandshake,
  ) {
    this.admission = createSyncAdmission(context.syncBudget);
    this.answerSync = createSyncAnswerer(context, socket, handshake.token);
  }

  /** Where the session stands (tests, diagnostics). */
  get current(): SessionState {
    return this.state;
  }

  /** Once connected: listens to the socket and queues the entry into the view. */
  start(): void {
    const { socket, context } = this;
    socket.on('sync', (request, ack) => {
      if (typeof ack !== 'function') return;
      this.offerSync(request, ack);
    });
    socket.on('watch-space', (spaceId) => this.watchSpace(spaceId));
    socket.on('disconnect', () => {
      this.moveTo('closed');
      const { spaceId } = socket.data.viewer;
      if (spaceId !== null) context.presence.changed(spaceId);
    });
    this.queue('connecting', () => this.enter());
  }

  /**
   * A support agent's page follows one space at a time; the watch ends with the
   * socket (a reconnecting panel asks again). Anything but an admin's id or
   * null is ignored.
   */
  private watchSpace(spaceId: unknown): void {
    const { socket } = this;
    if (socket.data.viewer.role !== 'admin') return;
    if (spaceId !== null && !(Number.isSafeInteger(spaceId) && (spaceId as number) > 0)) return;
    for (const room of socket.rooms)
      if (room.startsWith(SPACE_WATCH_PREFIX)) void socket.leave(room);
    if (spaceId !== null) void socket.join(spaceWatchRoom(spaceId as number));
  }

  private moveTo(next: SessionState): void {
    if (this.state === 'closed') return;
    if (this.state === 'closing' && next !== 'closed') return;
    this.state = next;
  }

  /** Connect and each sync move rooms and build snapshots: one at a time. */
  private queue(state: TaskState, run: () => Promise<void>): void {
    this.tasks.push({ state, run });
    if (this.running) return;
    this.running = true;
    void this.runTasks();
  }

  private async runTasks(): Promise<void> {
    // A task never starts inside the listener that queued it.
    await Promise.resolve();
    for (let task = this.tasks.shift(); task; task = this.tasks.shift()) {
      this.moveTo(task.state);
      try {
        await task.run();
      } catch (error) {
        this.context.logger.error(
          { err: error, userId: this.socket.data.viewer.userId },
          'socket task failed',
        );
      }
    }
    this.running = false;
    this.moveTo('live');
  }

  private async enter(): Promise<void> {
    const { socket, context } = this;
    const viewer = socket.data.viewer;
    const resume = this.handshake.resume;
    if (resume && resume.spaceId === viewer.spaceId && resume.role === viewer.role) {
      // Same view as before the cut: the client's own `sync { since }`, queued
      // behind this task, brings what it missed at a fraction of a snapshot's cost.
      await moveRooms(context, socket, viewer);
      if (viewer.spaceId !== null) context.presence.changed(viewer.spaceId);
      return;
    }
    const sent = watchSentEvents(socket);
    const snapshot = await enterView(context, socket, viewer);
    if (!snapshot) {
      sent.stop();
      socket.disconnect(true);
      return;
    }
    socket.emit('snapshot', snapshot);
    this.afterSnapshot(snapshot, sent.stop());
  }

  private offerSync(request: SyncRequest, ack: (response: SyncResponse) => void): void {
    switch (this.admission.offer({ request, ack })) {
      case 'flooding':
        this.closeFlooding();
        return;
      case 'waiting':
        this.queue('resyncing', () => this.resync());
        return;
      case 'refused':
      case 'replaced':
        return;
    }
  }

  private async resync(): Promise<void> {
    const { request, ack } = this.admission.take();
    const sent = watchSentEvents(this.socket);
    let answer: SyncAnswer;
    try {
      answer = await this.answerSync(request);
    } catch (error) {
      this.context.logger.error({ err: error }, 'sync failed');
      answer = { kind: 'failed', response: { error: 'INTERNAL' satisfies ErrorCode } };
    }
    if (answer.kind === 'refused') this.closeAfterAck();
    ack(answer.response);
    const highestSent = sent.stop();
    if (answer.kind === 'snapshot') this.afterSnapshot(answer.snapshot, highestSent);
  }

  /**
   * Presence is announced once the snapshot left, so that it is never older
   * than the snapshot. Then the events committed after the snapshot but
   * published before it left (a client may drop those) are sent again.
   * `highestSent` is the highest stored id this socket was sent while the
   * snapshot was made: when it is not beyond the snapshot, nothing was sent
   * early and there is nothing to read back.
   */
  private afterSnapshot(snapshot: Snapshot, highestSent: number): void {
    const viewer = this.socket.data.viewer;
    if (viewer.spaceId !== null) this.context.presence.changed(viewer.spaceId);
    if (highestSent <= snapshot.lastEventId) return;
    this.queue('snapshot-sent', () => this.resendAfter(snapshot, viewer));
  }

  private async resendAfter(snapshot: Snapshot, viewer: Viewer): Promise<void> {
    const { socket } = this;
    if (!socket.connected) return;
    const missed = await readStreamSince(
      this.context.db,
      streamOfViewer(viewer),
      snapshot.lastEventId,
    );
    if (missed.kind !== 'events' || !isSameView(viewer, socket.data.viewer)) return;
    // The viewer was in the space when the snapshot was read: all that follows is theirs.
    for (const event of missed.events) socket.emit('event', projectEvent(event, viewer, 0));
  }

  /** The session is over (signed out, removed): closes once the `sync`'s ack left. */
  private closeAfterAck(): void {
    this.moveTo('closing');
    // After the ack: engine.io flushes what it holds before it closes.
    setImmediate(() => this.socket.disconnect(true));
  }

  /** Closes the socket once the `sync`s already admitted are answered. */
  private closeFlooding(): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.moveTo('closing');
    this.context.logger.warn(
      { userId: this.socket.data.viewer.userId },
      'sync flood: socket closed',
    );
    this.queue('closing', async () => {
      // After the last ack: engine.io flushes what it holds before it closes.
      setImmediate(() => this.socket.disconnect(true));
    });
  }
}
