/**
 * The socket endpoint checks `Origin` itself, before any transport opens:
 * a page of another site (or a look-alike extension) cannot open a
 * WebSocket or a long-polling session, whatever token it holds. Raw
 * requests here, no Socket.IO client: exactly what a browser would send.
 */
import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../server/db/open-database.js';
import { createTestDatabase, testDatabaseKinds } from '../support/databases.js';
import { createPrincipalWithSpace } from '../support/fixtures.js';
import { EXTENSION_ORIGIN, PUBLIC_URL } from '../support/http-harness.js';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.js';
import { connectError, TestClient, tokenFor } from '../support/socket-clients.js';
import { reportSecuritySummary } from './support/security-summary.js';

/**
 * Refused: other sites, the opaque `null` origin, other Chrome extensions,
 * look-alikes, and Firefox origins that are no installation's (not a UUID,
 * or a UUID with a path or a site behind it).
 */
const FOREIGN_ORIGINS = [
  'https://evil.example',
  'null',
  'chrome-extension://ponmlkjihgfedcbaponmlkjihgfedcba',
  `${EXTENSION_ORIGIN}.evil.example`,
  'moz-extension://abcdefghijklmnopabcdefghijklmnop',
  'moz-extension://0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d.evil.example',
  'https://0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  'http://localhost:8788',
  'https://localhost:8787',
  'http://localhost:8787.evil.example',
  'http://evil.example#http://localhost:8787',
];
/**
 * Firefox gives each installation a random `moz-extension://<UUID>` origin:
 * any of them is an installation of an extension, never a web page.
 */
const firefoxInstallation = () =>
  `moz-extension://${[4, 2, 2, 2, 6].map((n) => randomBytes(n).toString('hex')).join('-')}`;
const ALLOWED_ORIGINS = [
  EXTENSION_ORIGIN,
  PUBLIC_URL,
  firefoxInstallation(),
  firefoxInstallation(),
];

const summary = {
  refusedWebSocket: 0,
  refusedPolling: 0,
  acceptedWebSocket: 0,
  acceptedPolling: 0,
};

/** A WebSocket upgrade of the Engine.IO endpoint: 101 when it opens, else the HTTP status. */
function upgradeStatus(url: string, origin: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/socket.io/?EIO=4&transport=websocket`, {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'),
        ...(origin === undefined ? {} : { origin }),
      },
    });
    req.on('upgrade', (response, socket) => {
      socket.destroy();
      resolve(response.statusCode ?? 0);
    });
    req.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    // A refused upgrade may also just be hung up on.
    req.on('error', (error) => (req.destroyed ? resolve(0) : reject(error)));
    req.end();
  });
}

/** The opening of an Engine.IO long-polling session: status and body. */
async function pollingOpen(url: string, origin: string | undefined) {
  const response = await fetch(`${url}/socket.io/?EIO=4&transport=polling`, {
    headers: origin === undefined ? {} : { origin },
  });
  return { status: response.status, body: await response.text() };
}

describe('Origin check of the socket endpoint', () => {
  let database: DatabaseHandle;
  let server: InProcessServer;
  let token: string;
  beforeAll(async () => {
    // The check runs before any query: one database is enough, the quicker to make.
    database = await createTestDatabase(testDatabaseKinds().at(-1)!);
    server = await startInProcessServer(database.db, {
      allowedOrigins: [EXTENSION_ORIGIN],
      publicOrigin: PUBLIC_URL,
    });
    token = await tokenFor(database.db, (await createPrincipalWithSpace(database.db)).principal.id);
  });
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  it('refuses a WebSocket upgrade from a foreign or look-alike origin', async () => {
    for (const origin of FOREIGN_ORIGINS) {
      expect(await upgradeStatus(server.url, origin), origin).not.toBe(101);
      summary.refusedWebSocket += 1;
    }
  });

  it('refuses a long-polling session from a foreign or look-alike origin', async () => {
    for (const origin of FOREIGN_ORIGINS) {
      const opened = await pollingOpen(server.url, origin);
      expect(opened.status, origin).toBe(403);
      expect(opened.body).not.toContain('"sid"');
      summary.refusedPolling += 1;
    }
  });

  it('opens both transports for the extension in Chrome, in any Firefox installation, and the server itself', async () => {
    for (const origin of ALLOWED_ORIGINS) {
      expect(await upgradeStatus(server.url, origin), origin).toBe(101);
      summary.acceptedWebSocket += 1;
      const opened = await pollingOpen(server.url, origin);
      expect(opened.status, origin).toBe(200);
      expect(opened.body).toContain('"sid"');
      summary.acceptedPolling += 1;
    }
  });

  it('refuses a foreign origin even with a valid token', async () => {
    const error = await connectError(server.url, token, { origin: 'https://evil.example' });
    expect(error.message).not.toBe('UNAUTHENTICATED');
    const client = await TestClient.connect(server.url, token, { origin: EXTENSION_ORIGIN });
    expect(client.snapshot.kind).toBe('member');
    client.close();
    // A Firefox installation nobody configured gets its view too.
    const firefox = await TestClient.connect(server.url, token, { origin: firefoxInstallation() });
    expect(firefox.snapshot.kind).toBe('member');
    firefox.close();
  });

  it('lets a client with no Origin (no browser page) open a transport, but still wants a token', async () => {
    // Browsers always send Origin on WebSocket and cross-site requests; its
    // absence means a script or a test, which holds no browser credentials:
    // the token check alone decides (docs/api.md: any client may use the contract).
    expect(await upgradeStatus(server.url, undefined)).toBe(101);
    expect((await connectError(server.url, undefined)).message).toBe('UNAUTHENTICATED');
    expect((await connectError(server.url, 'A'.repeat(43))).message).toBe('UNAUTHENTICATED');
  });
});

afterAll(() => {
  reportSecuritySummary({ file: 'secrets-handshake-origin', ...summary });
});
