/**
 * `npm run bench`: how fast a principal's change reaches connected panels, how
 * many commands per second one process commits, and what sockets cost in
 * memory. The server runs in this process on a real port; clients are real
 * Socket.IO clients over loopback.
 *
 *   npm run bench                                  # embedded database
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench   # real PostgreSQL (fresh database)
 *   BENCH_CLIENTS=500 BENCH_CHANGES=50 npm run bench
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import type { ServerEvent } from '../../shared/events.js';
import { configFromEnv } from '../../server/config.js';
import { createSession } from '../../server/auth/sessions.js';
import { createLogger } from '../../server/logger.js';
import { startServer } from '../../server/start-server.js';
import {
  createDossier,
  createPrincipalWithSpace,
  createSecondary,
  createAdmin,
} from '../support/fixtures.js';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 200);
const CHANGES = Number(process.env.BENCH_CHANGES ?? 40);
const COMMANDS = Number(process.env.BENCH_COMMANDS ?? 300);

async function main(): Promise<void> {
  const { database, cleanup } = await chooseDatabase();
  const config = {
    ...configFromEnv({ PORT: '0', DATA_DIR: mkdtempSync(join(tmpdir(), 'qrp-bench-')) }),
    database,
    adapterUrl: null,
    logLevel: 'silent',
  };
  const server = await startServer(config, { logger: createLogger({ level: 'silent' }) });
  const db = server.database.db;
  const results: Record<string, unknown> = {
    database: database.kind,
    clients: CLIENTS,
    changes: CHANGES,
  };

  // A space with one SIRET attributed to every secondary, and a dossier on it.
  const space = await createPrincipalWithSpace(db, { sirets: 1, dossierStatus: 'consultation' });
  const siret = space.sirets[0]!;
  const dossier = await createDossier(db, { siret, status: 'consultation' });
  const { user: admin } = await createAdmin(db);
  const adminToken = (await createSession(db, admin.id)).token;
  const secondaries = [];
  for (let i = 0; i < CLIENTS; i++)
    secondaries.push(await createSecondary(db, space, { status: 'active', sirets: [siret] }));

  const connectStart = performance.now();
  const sockets = await Promise.all(
    secondaries.map(async (s) => connect(server.url, (await createSession(db, s.user.id)).token)),
  );
  results.connectAllMs = round(performance.now() - connectStart);
  // Server and clients share this process: an upper bound of what the server holds.
  results.processRssMiB = round(process.memoryUsage().rss / 1024 / 1024);

  // Fan-out: the admin moves the dossier back and forth; every secondary must see each change.
  const latencies: number[] = [];
  const lastArrivals: number[] = [];
  for (let i = 0; i < CHANGES; i++) {
    const status = i % 2 === 0 ? 'cloture' : 'consultation';
    const arrivals = sockets.map((socket) => nextEvent(socket, 'dossier.status_changed'));
    const started = performance.now();
    const res = await fetch(`${server.url}/api/v1/admin/dossiers/${dossier.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status }),
    });
    if (res.status !== 200) throw new Error(`PATCH answered ${res.status}`);
    const times = (await Promise.all(arrivals)).map((t) => t - started);
    latencies.push(...times);
    lastArrivals.push(Math.max(...times));
  }
  results.deliveryMs = summarize(latencies);
  results.lastClientMs = summarize(lastArrivals);
  for (const socket of sockets) socket.disconnect();

  // Throughput: commands through HTTP, one at a time then ten at a time.
  const principalToken = (await createSession(db, space.principal.id)).token;
  const target = secondaries[0]!.user.id;
  const put = (i: number) =>
    fetch(`${server.url}/api/v1/secondaries/${target}/sirets`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${principalToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sirets: i % 2 === 0 ? [] : [siret] }),
    }).then((r) => {
      if (r.status !== 200) throw new Error(`PUT answered ${r.status}`);
    });
  let started = performance.now();
  for (let i = 0; i < COMMANDS; i++) await put(i);
  results.sequentialCommandsPerSecond = round((COMMANDS / (performance.now() - started)) * 1000);
  started = performance.now();
  for (let i = 0; i < COMMANDS; i += 10)
    await Promise.all(Array.from({ length: 10 }, (_, j) => put(i + j)));
  results.tenInFlightCommandsPerSecond = round((COMMANDS / (performance.now() - started)) * 1000);

  await server.close();
  await cleanup();
  console.log(JSON.stringify(results, null, 2));
}

function connect(url: string, token: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false });
    socket.once('snapshot', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

function nextEvent(socket: Socket, type: ServerEvent['type']): Promise<number> {
  return new Promise((resolve) => {
    const onEvent = (event: ServerEvent) => {
      if (event.type !== type) return;
      socket.off('event', onEvent);
      resolve(performance.now());
    };
    socket.on('event', onEvent);
  });
}

function summarize(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  return {
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: round(sorted.at(-1) ?? 0),
    n: sorted.length,
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

async function chooseDatabase() {
  const url = process.env.DATABASE_URL;
  if (!url)
    return { database: { kind: 'embedded' as const, dataDir: null }, cleanup: async () => {} };
  const name = `qrp_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    database: { kind: 'postgres' as const, url: target.toString() },
    cleanup: async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

await main();
