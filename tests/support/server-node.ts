/**
 * The real entry point (`server/main.ts`) as a process of its own, and a TCP
 * front that sends new connections to whichever node it points at, as a load
 * balancer would. Used wherever a test or a benchmark needs a node it can
 * stop, kill or restart on the same port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendTestLog } from '../security/support/secrets-log-files.js';

export interface ServerNode {
  url: string;
  port: number;
  process: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Everything the process wrote so far, stdout and stderr. */
  output(): string;
  /** SIGTERM, then waits for the exit; nothing if already gone. */
  stop(): Promise<void>;
  /** SIGKILL, then waits for the exit. */
  kill(): Promise<void>;
}

export interface ServerNodeOptions {
  /** Environment on top of the parent's; DATA_DIR and MAIL_DIR default to fresh folders. */
  env?: Record<string, string>;
  /** 0 (default) picks a free port; a fixed one lets a restarted node take its place. */
  port?: number;
  /** Extra Node.js flags, e.g. `--expose-gc`. */
  nodeFlags?: string[];
  /**
   * The entry point: default `SERVER_ENTRY` (the benchmarks set the built
   * `dist/server/main.mjs`), else the sources; it must log `listening` with its port as JSON.
   */
  script?: string;
  startTimeoutMs?: number;
}

export function startServerNode(options: ServerNodeOptions = {}): Promise<ServerNode> {
  const script = options.script ?? process.env.SERVER_ENTRY ?? 'server/main.ts';
  // A built entry runs on Node alone; the sources go through tsx.
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), ...loader, script], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'debug',
      MAIL_DIR: mkdtempSync(join(tmpdir(), 'qrp-mail-')),
      DATA_DIR: mkdtempSync(join(tmpdir(), 'qrp-data-')),
      ...options.env,
      PORT: String(options.port ?? 0),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const node = (port: number): ServerNode => ({
    url: `http://127.0.0.1:${port}`,
    port,
    process: child,
    exited,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start:\n${output}`)),
      options.startTimeoutMs ?? 60_000,
    );
    let listening = false;
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      // Kept in this run's log files, which are scanned for secrets after the suite.
      appendTestLog(`server-node-${child.pid}`, chunk.toString());
      if (listening) return;
      const match = /"msg":"listening"[^\n]*"port":(\d+)|"port":(\d+)[^\n]*"msg":"listening"/.exec(
        output,
      );
      if (match) {
        listening = true;
        clearTimeout(timer);
        resolve(node(Number(match[1] ?? match[2])));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening:\n${output}`));
    });
  });
}

export interface TcpFront {
  url: string;
  port: number;
  /** Closes every piped connection open now (a restart, a network loss); new ones go through. */
  cut(): number;
  /** Closes the listener and every piped connection. */
  close(): Promise<void>;
}

/** A TCP front: each new connection is piped to the port `target()` names at that moment. */
export function startTcpFront(target: () => number): Promise<TcpFront> {
  const open = new Set<Socket>();
  const server: Server = createServer((client: Socket) => {
    const upstream = createConnection({ host: '127.0.0.1', port: target() });
    open.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        cut: () => {
          const count = open.size;
          for (const socket of open) socket.destroy();
          return count;
        },
        close: () =>
          new Promise<void>((done) => {
            for (const socket of open) socket.destroy();
            server.close(() => done());
          }),
      });
    }),
  );
}
