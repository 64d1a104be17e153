/**
 * An Engine.IO v4 WebSocket spoken by hand, frame by frame, so that a test can
 * send what no Socket.IO client would: garbage, wrong packet types, lying
 * binary attachments, bad namespaces. It answers pings (to stay open) and
 * keeps every frame the server sent.
 */
import WebSocket from 'ws';

export class RawEngineSocket {
  readonly received: (string | Buffer)[] = [];
  closed = false;
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const frame = isBinary ? data : data.toString('utf8');
      if (frame === '2') ws.send('3');
      this.received.push(frame);
      this.notify();
    });
    ws.on('close', () => {
      this.closed = true;
      this.notify();
    });
    ws.on('error', () => {
      this.closed = true;
      this.notify();
    });
  }

  /** Opens the transport and waits for the Engine.IO open packet; null if the server refuses. */
  static async open(
    url: string,
    options: { origin?: string; query?: string } = {},
  ): Promise<RawEngineSocket | null> {
    const ws = new WebSocket(
      `${url.replace(/^http/, 'ws')}/socket.io/?${options.query ?? 'EIO=4&transport=websocket'}`,
      { headers: options.origin ? { origin: options.origin } : {}, maxPayload: 10 * 1024 * 1024 },
    );
    const socket = new RawEngineSocket(ws);
    const refused = new Promise<boolean>((resolve) => {
      ws.once('unexpected-response', () => resolve(true));
      ws.once('error', () => resolve(true));
    });
    const opened = socket.until((f) => typeof f === 'string' && f.startsWith('0{'), 3000);
    const wasRefused = await Promise.race([
      refused,
      opened.then(
        () => false,
        () => true,
      ),
    ]);
    if (wasRefused) {
      ws.terminate();
      return null;
    }
    return socket;
  }

  /** Connects to the main namespace with this token; true once the server says so. */
  async connect(token: string): Promise<boolean> {
    this.send(`40${JSON.stringify({ token })}`);
    try {
      await this.until((f) => typeof f === 'string' && /^4[04]/.test(f), 3000);
    } catch {
      return false;
    }
    return this.received.some((f) => typeof f === 'string' && f.startsWith('40{"sid"'));
  }

  send(frame: string | Buffer): void {
    if (!this.closed && this.ws.readyState === WebSocket.OPEN) this.ws.send(frame);
  }

  /**
   * Asks `sync` with an ack id the fuzzing never uses: once the answer comes,
   * the server has handled every frame sent before it. False if the connection
   * closed instead.
   */
  async roundTrip(ackId = 987_654): Promise<boolean> {
    if (this.closed) return false;
    this.send(`42${ackId}${JSON.stringify(['sync', { since: null }])}`);
    try {
      await this.until((f) => typeof f === 'string' && f.startsWith(`43${ackId}[`), 5000);
      return true;
    } catch {
      return false;
    }
  }

  until(match: (frame: string | Buffer) => boolean, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.received.some(match)) {
          clearTimeout(timer);
          this.waiters.delete(check);
          resolve();
        } else if (this.closed) {
          clearTimeout(timer);
          this.waiters.delete(check);
          reject(new Error('closed'));
        }
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error('timed out'));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  close(): void {
    this.ws.terminate();
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
