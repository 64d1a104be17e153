/**
 * The bare limit the realtime figures are compared with: plain `node:http`
 * and Socket.IO with default options, no authentication, no database, no
 * rooms. `POST /emit {"id":n}` sends one event to every socket; each socket
 * gets an empty `snapshot` on connect so that clients wait the same way as
 * with the real server. Started like the real server (PORT, JSON `listening`).
 *
 * With DATABASE_URL, nodes of this peer share broadcasts through the
 * official PostgreSQL adapter with its defaults (on a channel of their own):
 * the bare limit of a broadcast from one node to the sockets of another.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdapter } from '@socket.io/postgres-adapter';
import pg from 'pg';
import { Server } from 'socket.io';

const httpServer = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/emit') {
    res.statusCode = 404;
    res.end();
    return;
  }
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    const { id } = JSON.parse(body) as { id: number };
    io.emit('event', { id, type: 'bench', at: new Date().toISOString(), data: {} });
    res.setHeader('content-type', 'application/json');
    res.end('{}');
  });
});
const io = new Server(httpServer, { serveClient: false });
io.on('connection', (socket) => socket.emit('snapshot', {}));
const pool = process.env.DATABASE_URL
  ? new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 })
  : null;
if (pool) io.adapter(createAdapter(pool, { channelPrefix: 'bare-socket.io' }));

httpServer.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = httpServer.address() as AddressInfo;
  console.log(JSON.stringify({ msg: 'listening', port }));
});
process.on('SIGTERM', () => {
  io.close();
  void pool?.end();
  httpServer.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
});
