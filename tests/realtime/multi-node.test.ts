/**
 * Two server processes (the real entry point) on one PostgreSQL: a change
 * made through one node reaches the sockets of the other through the
 * Socket.IO adapter, and a client whose node dies converges on the other.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../server/db/open-database.js';
import { createTestDatabase, hasPostgres, requirePostgresUrl } from '../support/databases.js';
import { createPrincipalWithSpace, createSecondary, uniqueEmail } from '../support/fixtures.js';
import {
  freshSnapshot,
  LiveClient,
  TestClient,
  tokenFor,
  withoutPresence,
} from './realtime-harness.js';

interface Node {
  url: string;
  port: number;
  process: ChildProcess;
  exited: Promise<void>;
}

/** Starts `server/main.ts` as its own process on a free port; resolves once it listens. */
async function startNode(databaseUrl: string): Promise<Node> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'info',
      MAIL_DIR: mkdtempSync(join(tmpdir(), 'qrp-mail-')),
      DATA_DIR: mkdtempSync(join(tmpdir(), 'qrp-data-')),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node did not start: ${stderr}`)), 30_000);
    void exited.then(() => reject(new Error(`node exited: ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'listening' && typeof entry.port === 'number') {
          clearTimeout(timer);
          resolve(entry.port);
        }
      } catch {
        // Not a log line.
      }
    });
  });
  return { url: `http://127.0.0.1:${port}`, port, process: child, exited };
}

async function stopNode(node: Node | undefined): Promise<void> {
  if (!node || node.process.exitCode !== null || node.process.signalCode !== null) return;
  node.process.kill('SIGTERM');
  await node.exited;
}

/** A TCP front, as a load balancer would be: new connections go to the node it points at. */
function startFront(target: () => number): Promise<{ url: string; server: Server }> {
  const server = createServer((client: Socket) => {
    const upstream = createConnection({ host: '127.0.0.1', port: target() });
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({ url: `http://127.0.0.1:${port}`, server });
    }),
  );
}

async function api(node: Node, token: string, method: string, path: string, body: unknown) {
  const response = await fetch(`${node.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status, `${method} ${path}`).toBeLessThan(300);
  return response;
}

// Needs a real PostgreSQL: under CI its absence fails here instead of skipping.
const describeWithPostgres = hasPostgres() ? describe : describe.skip;

describeWithPostgres('several server processes on one PostgreSQL', () => {
  let database: DatabaseHandle & { url: string | null };
  let nodeA: Node;
  let nodeB: Node;
  beforeAll(async () => {
    requirePostgresUrl();
    database = await createTestDatabase('postgres');
    nodeA = await startNode(database.url!);
    nodeB = await startNode(database.url!);
  }, 90_000);
  afterAll(async () => {
    await Promise.all([stopNode(nodeA), stopNode(nodeB)]);
    await database?.close();
  }, 60_000);

  it('pushes a change made through one node to the sockets of the other', async () => {
    const { db } = database;
    const space = await createPrincipalWithSpace(db, { sirets: 2 });
    const secondary = await createSecondary(db, space, { sirets: [space.sirets[0]!] });
    const principalToken = await tokenFor(db, space.principal.id);
    const onB = await TestClient.connect(nodeB.url, await tokenFor(db, secondary.user.id));
    const principalOnB = await TestClient.connect(nodeB.url, principalToken);
    try {
      await api(nodeA, principalToken, 'PUT', `/secondaries/${secondary.user.id}/sirets`, {
        sirets: space.sirets,
      });
      const changed = await onB.nextOfType('secondary.sirets_changed');
      expect(changed.data).toMatchObject({ userId: secondary.user.id, sirets: space.sirets });
      const seen = await principalOnB.eventWithId(changed.id);
      expect(seen.type).toBe('secondary.sirets_changed');

      // Presence spans the nodes too.
      const onA = await TestClient.connect(nodeA.url, principalToken);
      expect(onA.snapshot).toMatchObject({
        online: [space.principal.id, secondary.user.id].sort((a, b) => a - b),
      });
      onA.close();
    } finally {
      onB.close();
      principalOnB.close();
    }
  });

  it('lets a client whose node was killed converge through the other node', async () => {
    const { db } = database;
    const space = await createPrincipalWithSpace(db, { sirets: 2 });
    const secondary = await createSecondary(db, space, { sirets: [space.sirets[0]!] });
    const principalToken = await tokenFor(db, space.principal.id);
    const secondaryToken = await tokenFor(db, secondary.user.id);
    let target = nodeB.port;
    const front = await startFront(() => target);
    const panel = await LiveClient.connect(front.url, secondaryToken, { reconnection: true });
    try {
      nodeB.process.kill('SIGKILL');
      await nodeB.exited;
      target = nodeA.port;
      // Committed through the surviving node while the panel is away.
      await api(nodeA, principalToken, 'PUT', `/secondaries/${secondary.user.id}/sirets`, {
        sirets: space.sirets,
      });
      await api(nodeA, principalToken, 'POST', '/secondaries', { email: uniqueEmail('pendant') });

      const expected = withoutPresence(await freshSnapshot(nodeA.url, secondaryToken));
      await panel.until(
        (state) =>
          state !== null &&
          state.lastEventId === expected.lastEventId &&
          panel.live.status === 'connected',
        'the panel to catch up on node A',
        20_000,
      );
      const state = withoutPresence(panel.state);
      if (state.kind !== 'member' || expected.kind !== 'member') throw new Error('member views');
      expect(state.sirets).toEqual(expected.sirets);
      expect(state.dossiers).toEqual(expected.dossiers);
      expect(state.members.map((m) => m.id).sort()).toEqual(
        expected.members.map((m) => m.id).sort(),
      );
    } finally {
      panel.close();
      front.server.close();
    }
  }, 60_000);
});
