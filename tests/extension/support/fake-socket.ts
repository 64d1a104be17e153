/**
 * A stand-in for the Socket.IO client socket: the test plays the server
 * (`serverSends`, `answerSync`) and sees what the client asked (`syncRequests`).
 */
import type { ServerEvent, Snapshot, SyncRequest, SyncResponse } from '../../../shared/events.js';
import type { LiveSocket } from '../../../shared/live-sync.js';

type Listener = (...args: never[]) => void;

export interface PendingSync {
  request: SyncRequest;
  answer: (response: SyncResponse) => void;
}

export class FakeSocket implements LiveSocket {
  readonly syncRequests: PendingSync[] = [];
  disconnected = false;
  private readonly listeners = new Map<string, Listener[]>();
  /** When set, sync requests are answered at once with its result. */
  autoAnswer: ((request: SyncRequest) => SyncResponse) | null = null;
  auth: LiveSocket['auth'] = { token: 'jeton-de-test' };

  /** What the next (re)connection would send in its handshake. */
  handshakePayload(): object {
    const auth = this.auth;
    if (typeof auth !== 'function') return auth;
    let payload: object = {};
    auth((data) => (payload = data));
    return payload;
  }

  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }

  /** The spaces a support agent's panel asked to watch (`watch-space`), in order. */
  readonly watched: (number | null)[] = [];

  emit(event: 'sync', request: SyncRequest, ack: (response: SyncResponse) => void): this;
  emit(event: 'watch-space', spaceId: number | null): this;
  emit(
    event: 'sync' | 'watch-space',
    request: SyncRequest | number | null,
    ack?: (response: SyncResponse) => void,
  ): this {
    if (event === 'watch-space') {
      this.watched.push(request as number | null);
      return this;
    }
    if (!ack) return this;
    const sync = request as SyncRequest;
    if (this.autoAnswer) {
      const response = this.autoAnswer(sync);
      queueMicrotask(() => ack(response));
    } else {
      this.syncRequests.push({ request: sync, answer: ack });
    }
    return this;
  }

  disconnect(): this {
    this.disconnected = true;
    return this;
  }

  active = true;
  /** Times the client asked to connect again on its own (`open`). */
  reopened = 0;

  open(): this {
    this.reopened++;
    this.active = true;
    return this;
  }

  connect(): void {
    this.active = true;
    this.fire('connect');
  }

  drop(): void {
    this.fire('disconnect', 'transport close');
  }

  /** A refused handshake (`refused`, Socket.IO then stops trying) or a failed transport. */
  failToConnect(code: string, how: 'refused' | 'transport' = 'refused'): void {
    this.active = how === 'transport';
    this.fire('connect_error', new Error(code));
  }

  sendSnapshot(snapshot: Snapshot): void {
    this.fire('snapshot', snapshot);
  }

  sendEvent(event: ServerEvent): void {
    this.fire('event', event);
  }

  /** A change in a space a support agent's socket watches (`space-touched`). */
  touchSpace(spaceId: number): void {
    this.fire('space-touched', { spaceId });
  }

  /** Answers the oldest sync request still waiting. */
  answerSync(response: SyncResponse): void {
    const pending = this.syncRequests.shift();
    if (!pending) throw new Error('No sync request is waiting');
    pending.answer(response);
  }

  private fire(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) {
      (listener as (...values: unknown[]) => void)(...args);
    }
  }
}

/** Lets pending promise callbacks (sync answers, store actions) run. */
export async function flush(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
}
