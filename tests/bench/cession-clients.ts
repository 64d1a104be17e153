/**
 * The client side of the cession benchmark, in a process of its own: every
 * member of both spaces connected over Socket.IO (each waits for its
 * snapshot), then the principal's POST /cession, and the time until every
 * socket has its `space.ceded`.
 */
import { io, type Socket } from 'socket.io-client';
import type { ServerEvent } from '../../shared/events.js';
import { percentile, round } from './measure.js';
import { readInput, writeOutput } from './child-process.js';

export interface CessionInput {
  url: string;
  /** Sessions of every member to notify: both principals and every secondary. */
  memberTokens: string[];
  principalToken: string;
  targetEmail: string;
}

export interface CessionOutput {
  connectMs: number;
  answeredMs: number;
  allNotifiedMs: number;
  medianNotifiedMs: number;
  notified: number;
}

const input = await readInput<CessionInput>();
const connectStart = performance.now();
const sockets = await Promise.all(input.memberTokens.map((token) => connect(input.url, token)));
const connectMs = performance.now() - connectStart;

const arrivals = sockets.map(
  (socket) =>
    new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no space.ceded within 30 s')), 30_000);
      socket.on('event', (event: ServerEvent) => {
        if (event.type !== 'space.ceded') return;
        clearTimeout(timer);
        resolve(performance.now());
      });
    }),
);
const started = performance.now();
const res = await fetch(`${input.url}/api/v1/cession`, {
  method: 'POST',
  headers: { authorization: `Bearer ${input.principalToken}`, 'content-type': 'application/json' },
  body: JSON.stringify({ email: input.targetEmail }),
});
const answeredMs = performance.now() - started;
if (res.status !== 200)
  throw new Error(`POST /cession answered ${res.status}: ${await res.text()}`);
const times = (await Promise.all(arrivals)).map((t) => t - started);
for (const socket of sockets) socket.disconnect();

const output: CessionOutput = {
  connectMs: round(connectMs),
  answeredMs: round(answeredMs),
  allNotifiedMs: round(Math.max(...times)),
  medianNotifiedMs: round(percentile(times, 0.5)),
  notified: times.length,
};
writeOutput(output);
process.exit(0);

function connect(url: string, token: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false });
    socket.once('snapshot', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}
