/**
 * Generated bad input on the socket side: raw Engine.IO/Socket.IO frames over
 * a WebSocket (garbage, wrong packet types, binary attachments, huge packets,
 * bad namespaces, `sync` with wrong arguments, no ack or a thousand
 * arguments) and raw HTTP long-polling requests with garbage bodies. The
 * server never answers 500, never lets a failure escape, keeps serving the
 * sockets and changes nothing. Fixed seeds keep every run the same.
 */
import fc from 'fast-check';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnEachDatabase } from '../support/databases.js';
import { dumpTables } from '../support/fixtures.js';
import { createRouteCheckWorld, type RouteCheckWorld } from '../support/route-check-world.js';
import { TestClient } from '../support/socket-clients.js';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.js';
import { rawRequest } from './support/fuzz-raw-http.js';
import { RawEngineSocket } from './support/fuzz-raw-socket.js';
import { watchProcessFailures, type ProcessGuard } from './support/fuzz-process-guard.js';
import { reportSecuritySummary } from './support/security-summary.js';

const SEED = 20_261_129;
const NUM_RUNS = { frames: 100, polling: 100 };
/** Socket.IO's default `maxHttpBufferSize`: a bigger frame closes the connection. */
const MAX_FRAME = 1_000_000;

const anyArgument = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom({ since: -1 }, { since: '0' }, { since: 1e308 }, { since: null }, { since: 0 }),
  fc.dictionary(
    fc.constantFrom('__proto__', 'constructor', 'since', 'prototype'),
    fc.jsonValue({ maxDepth: 1 }),
  ),
);

/** Well-formed Socket.IO events and acks of the main namespace, with hostile names and arguments. */
const wellFormedPacket: fc.Arbitrary<string> = fc
  .record({
    type: fc.constantFrom('2', '3'),
    ack: fc.oneof(fc.constant(''), fc.nat({ max: 1000 }).map(String)),
    name: fc.oneof(
      fc.constantFrom(
        'sync',
        'sync',
        'admin',
        'event',
        'snapshot',
        'join',
        '__proto__',
        'constructor',
        'toString',
      ),
      fc.string({ maxLength: 20 }),
    ),
    args: fc.array(anyArgument, { maxLength: 4 }),
  })
  .map(({ type, ack, name, args }) => `4${type}${ack}${JSON.stringify([name, ...args])}`);

/** One frame a hostile client could send once the transport is open. */
const frame: fc.Arbitrary<string | Buffer> = fc.oneof(
  wellFormedPacket,
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc
    .tuple(
      fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'b', ''),
      fc.string({ maxLength: 60 }),
    )
    .map(([type, rest]) => type + rest),
  // Socket.IO packets of every type, namespace and ack id, with any payload.
  fc
    .record({
      type: fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9'),
      namespace: fc.oneof(
        fc.constant(''),
        fc.constantFrom('/,', '/admin,', '/../,', '/socket.io,', '//,'),
        fc.string({ maxLength: 20 }).map((name) => `/${name},`),
      ),
      ack: fc.oneof(fc.constant(''), fc.nat().map(String), fc.constant('99999999999999999999999')),
      payload: fc.oneof(
        fc
          .tuple(
            fc.constantFrom('sync', 'admin', 'event', 'snapshot', '__proto__', 'constructor'),
            fc.array(anyArgument, { maxLength: 4 }),
          )
          .map(([name, args]) => JSON.stringify([name, ...args])),
        fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value) ?? ''),
        fc.string({ maxLength: 40 }),
      ),
    })
    .map(({ type, namespace, ack, payload }) => `4${type}${namespace}${ack}${payload}`),
  // `sync` with a thousand arguments, with and without an ack.
  fc
    .boolean()
    .map(
      (withAck) =>
        `42${withAck ? '4242' : ''}${JSON.stringify(['sync', ...Array.from({ length: 1000 }, (_, i) => ({ since: i }))])}`,
    ),
  // Binary attachments announced, lied about, or sent alone.
  fc
    .record({
      count: fc.constantFrom('1', '2', '0', '-1', '999999', 'x'),
      ack: fc.constantFrom('', '7'),
    })
    .map(({ count, ack }) => `45${count}-${ack}["sync",{"_placeholder":true,"num":0}]`),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
  // Huge packets, under and over the limit.
  fc
    .constantFrom(100_000, MAX_FRAME - 100, MAX_FRAME + 100)
    .map((size) => `42["sync",{"since":0,"pad":"${'x'.repeat(size)}"}]`),
);

describeOnEachDatabase('bad socket input', (getHandle, kind) => {
  let server: InProcessServer;
  let world: RouteCheckWorld;
  let guard: ProcessGuard;
  const counts = {
    framesSent: 0,
    connectionsOpened: 0,
    roundTripsAnswered: 0,
    connectionsClosedByServer: 0,
    pollingRequests: 0,
    status500: 0,
  };

  beforeAll(async () => {
    guard = watchProcessFailures();
    server = await startInProcessServer(getHandle().db);
    world = await createRouteCheckWorld(getHandle().db);
  });
  afterAll(async () => {
    guard.stop();
    await server.close();
    reportSecuritySummary({ suite: 'bad-input-sockets', database: kind, seed: SEED, ...counts });
  });

  it('survives generated Engine.IO and Socket.IO frames, and keeps answering', async () => {
    const { db } = getHandle();
    const before = await dumpTables(db);
    const arbitrary = fc.record({
      authenticate: fc.constantFrom('principal', 'secondary', 'admin', 'none') as fc.Arbitrary<
        'principal' | 'secondary' | 'admin' | 'none'
      >,
      frames: fc.oneof(
        fc.array(frame, { minLength: 1, maxLength: 5 }),
        // Packets the parser accepts reach the handlers: the connection must survive them.
        fc.array(wellFormedPacket, { minLength: 1, maxLength: 5 }),
      ),
    });
    await fc.assert(
      fc.asyncProperty(arbitrary, async ({ authenticate, frames }) => {
        const socket = await RawEngineSocket.open(server.url);
        expect(socket).not.toBeNull();
        counts.connectionsOpened += 1;
        try {
          if (authenticate !== 'none') {
            expect(await socket!.connect(world.tokens[authenticate]!)).toBe(true);
          }
          for (const f of frames) {
            socket!.send(f);
            counts.framesSent += 1;
          }
          // Either the server answers a sync sent after the frames, or it closed the connection.
          const answered = authenticate !== 'none' && (await socket!.roundTrip());
          if (answered) counts.roundTripsAnswered += 1;
          const allWellFormed = frames.every((f) => typeof f === 'string' && /^4[23]\d*\[/.test(f));
          if (authenticate !== 'none' && allWellFormed) {
            expect(answered, `still answering after ${frames.join(' | ').slice(0, 300)}`).toBe(
              true,
            );
          }
          if (!answered) {
            if (!socket!.closed) await new Promise((resolve) => setTimeout(resolve, 20));
            if (socket!.closed) counts.connectionsClosedByServer += 1;
          }
          // The server only ever speaks Engine.IO: no frame of its own is garbage.
          for (const received of socket!.received) {
            if (typeof received === 'string')
              expect(received, received.slice(0, 200)).toMatch(/^[0-6]/);
          }
        } finally {
          socket!.close();
        }
      }),
      { seed: SEED, numRuns: NUM_RUNS.frames },
    );
    expect(await dumpTables(db)).toEqual(before);
  });

  it('refuses bad namespaces, bad origins and bad handshakes without a crash', async () => {
    const { db } = getHandle();
    const before = await dumpTables(db);
    const socket = (await RawEngineSocket.open(server.url))!;
    for (const namespace of ['/admin', '/..', '/socket.io', `/${'n'.repeat(5000)}`]) {
      socket.send(`40${namespace},${JSON.stringify({ token: world.tokens.admin })}`);
      counts.framesSent += 1;
      await socket.until((f) => typeof f === 'string' && f.startsWith(`44${namespace},`), 3000);
    }
    socket.close();
    for (const origin of ['http://evil.example', 'null', 'http://localhost:8787.evil.example']) {
      expect(await RawEngineSocket.open(server.url, { origin }), origin).toBeNull();
      counts.connectionsOpened += 1;
    }
    for (const query of [
      'EIO=3&transport=websocket',
      'EIO=5&transport=websocket',
      'EIO=4&transport=carrier-pigeon',
      'EIO=4',
      'transport=websocket',
      'EIO=4&transport=websocket&sid=nope',
    ]) {
      const refused = await RawEngineSocket.open(server.url, { query });
      counts.connectionsOpened += 1;
      refused?.close();
    }
    expect(await dumpTables(db)).toEqual(before);
  });

  it('answers generated long-polling requests without a 500', async () => {
    const { db } = getHandle();
    const before = await dumpTables(db);
    const handshake = async (): Promise<string> => {
      const res = await rawRequest(server.url, {
        method: 'GET',
        path: '/socket.io/?EIO=4&transport=polling',
      });
      counts.pollingRequests += 1;
      expect(res.status).toBe(200);
      return (JSON.parse(res.text.slice(1)) as { sid: string }).sid;
    };
    const arbitrary = fc.record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'),
      query: fc.oneof(
        fc.constantFrom(
          'EIO=4&transport=polling',
          'EIO=3&transport=polling',
          'EIO=x&transport=polling',
          'transport=polling',
          'EIO=4&transport=polling&j=1',
          'EIO=4&transport=polling&b64=1',
        ),
        fc.string({ maxLength: 40 }).map((q) => encodeURIComponent(q)),
      ),
      sid: fc.oneof(
        fc.constant('real'),
        fc.constant(''),
        fc.string({ maxLength: 30 }).map(encodeURIComponent),
      ),
      body: fc.oneof(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc
          .array(
            frame.filter((f): f is string => typeof f === 'string' && f.length < 10_000),
            { maxLength: 4 },
          )
          .map((frames) => frames.join('\u001e')),
        fc.constantFrom(
          '40{"token":"x"}',
          '40\u001e42["sync",{"since":0}]',
          '1',
          '6',
          'x'.repeat(MAX_FRAME + 10),
        ),
      ),
      contentType: fc.constantFrom(
        'text/plain;charset=UTF-8',
        'application/octet-stream',
        'application/json',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded',
      ),
      origin: fc.oneof(fc.constant(undefined), fc.constantFrom('http://evil.example', 'null')),
    });
    await fc.assert(
      fc.asyncProperty(arbitrary, async ({ method, query, sid, body, contentType, origin }) => {
        const realSid = sid === 'real' ? await handshake() : sid;
        const path = `/socket.io/?${query}${realSid ? `&sid=${realSid}` : ''}`;
        const headers: Record<string, string> = { 'content-type': contentType };
        if (origin) headers.origin = origin;
        const res = await rawRequest(server.url, {
          method,
          path,
          headers,
          body: method === 'GET' || method === 'OPTIONS' ? undefined : body,
          timeoutMs: 2000,
        });
        counts.pollingRequests += 1;
        if (res.status >= 500) counts.status500 += 1;
        // A GET on a live session waits for data (long polling): a timeout there is the protocol.
        if (res.status === 0 && method === 'GET' && sid === 'real') return;
        expect(res.status, `${method} ${path.slice(0, 100)} → ${res.text.slice(0, 100)}`).not.toBe(
          0,
        );
        expect(
          res.status,
          `${method} ${path.slice(0, 100)} → ${res.text.slice(0, 100)}`,
        ).toBeLessThan(500);
      }),
      { seed: SEED + 1, numRuns: NUM_RUNS.polling },
    );
    expect(await dumpTables(db)).toEqual(before);
  });

  it('answers a real client sending sync with a thousand arguments, no ack or a non-function ack', async () => {
    const client = await TestClient.connect(server.url, world.tokens.secondary!);
    const socket = client.socket;
    const args = Array.from({ length: 1000 }, (_, i) => ({ since: i }));
    // The ack comes last: the server reads it where a `sync` has it (second) and finds none.
    const answered = await new Promise((resolve) => {
      (socket.emit as (...a: unknown[]) => void)('sync', ...args, () => resolve(true));
      setTimeout(() => resolve(false), 300);
    });
    expect(answered).toBe(false);
    (socket.emit as (...a: unknown[]) => void)('sync', { since: 0 });
    (socket.emit as (...a: unknown[]) => void)('sync', { since: 0 }, 'not a function');
    (socket.emit as (...a: unknown[]) => void)('sync');
    counts.framesSent += 4;
    await client.barrier();
    expect(socket.connected).toBe(true);
    client.close();
  });

  it('is still up afterwards: health answers, a real client gets its snapshot, nothing escaped', async () => {
    const health = await rawRequest(server.url, { method: 'GET', path: '/health' });
    expect(health.status).toBe(200);
    for (const token of [world.tokens.principal!, world.tokens.admin!]) {
      const client = await TestClient.connect(server.url, token);
      expect(client.snapshot.lastEventId).toBeGreaterThanOrEqual(0);
      client.close();
    }
    const plain = io(server.url, {
      transports: ['polling'],
      auth: { token: world.tokens.principal },
      forceNew: true,
      reconnection: false,
    });
    await new Promise<void>((resolve, reject) => {
      plain.on('snapshot', () => resolve());
      plain.on('connect_error', reject);
    });
    plain.close();
    expect(guard.failures).toEqual([]);
    expect(server.realtimeErrors).toEqual([]);
    expect(server.httpErrors()).toEqual([]);
    expect(counts.status500).toBe(0);
  });
});
