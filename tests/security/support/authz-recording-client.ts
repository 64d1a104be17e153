/**
 * A socket that keeps every payload the server sent it: snapshots and events
 * (as the realtime harness's TestClient records them), every `sync` answer,
 * and any message of another name. Tests scan the lot for what its user must
 * not know.
 */
import type { SyncResponse } from '../../../shared/events.js';
import { TestClient } from '../../support/socket-clients.js';

export class RecordingClient {
  readonly syncAnswers: SyncResponse[] = [];
  /** Messages other than `snapshot` and `event` (the server sends none). */
  readonly others: { name: string; args: unknown[] }[] = [];

  private constructor(
    readonly name: string,
    readonly client: TestClient,
  ) {
    client.socket.onAny((event: string, ...args: unknown[]) => {
      if (event !== 'snapshot' && event !== 'event') this.others.push({ name: event, args });
    });
  }

  static async connect(name: string, url: string, token: string): Promise<RecordingClient> {
    return new RecordingClient(name, await TestClient.connect(url, token));
  }

  get connected(): boolean {
    return this.client.socket.connected;
  }

  /** Sends `sync` with this request as is (any shape) and keeps the answer. */
  async sync(request: unknown): Promise<SyncResponse> {
    const answer = (await this.client.socket
      .timeout(5000)
      // The wire accepts anything: the request is sent untyped on purpose.
      .emitWithAck('sync', request as { since: number | null })) as SyncResponse;
    this.syncAnswers.push(answer);
    return answer;
  }

  /** Every payload received so far, each once. */
  payloads(): unknown[] {
    return [
      ...this.client.snapshots,
      ...this.client.events,
      ...this.syncAnswers,
      ...this.others.map((o) => o.args),
    ];
  }

  close(): void {
    this.client.close();
  }
}

/** The forbidden strings found in a payload (raw JSON text). */
export function forbiddenIn(payload: unknown, forbidden: Iterable<string>): string[] {
  const text = JSON.stringify(payload);
  return [...forbidden].filter((value) => text.includes(value));
}

/** Every value under these keys, anywhere in a payload. */
export function valuesUnderKeys(payload: unknown, keys: ReadonlySet<string>): unknown[] {
  const found: unknown[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (value === null || typeof value !== 'object') return;
    for (const [key, inner] of Object.entries(value)) {
      if (keys.has(key)) found.push(inner);
      walk(inner);
    }
  };
  walk(payload);
  return found;
}
