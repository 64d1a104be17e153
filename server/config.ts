/** The server's configuration, read once from the environment (docs/api.md, "Running the server"). */
import { resolve } from 'node:path';
import { targetFromEnv, type DatabaseTarget } from './db/open-database.js';
import { EXTENSION_ORIGINS } from './extension-origins.js';
import { parseTrustedProxies, type TrustedProxies } from './http/trusted-proxies.js';

export interface RateLimitRule {
  max: number;
  windowMs: number;
}

/** Past `max` within the window, attempts are held back `delayMs`, never refused. */
export interface SlowdownRule extends RateLimitRule {
  delayMs: number;
}

export interface ServerConfig {
  port: number;
  host: string;
  database: DatabaseTarget;
  dataDir: string;
  publicUrl: string;
  smtpUrl: string | null;
  mailDir: string;
  admin: { email: string; password: string } | null;
  allowedOrigins: string[];
  /**
   * How the nodes sharing one PostgreSQL reach each other's sockets: its NOTIFY/LISTEN, or
   * Redis Streams with `REDIS_URL`; null (embedded database): one process, in-memory adapter.
   */
  adapter: ClusterAdapterConfig | null;
  /** `TRUST_PROXY`: the proxies whose `X-Forwarded-For` names the client (none by default). */
  trustProxy: TrustedProxies;
  /** Per client address: see `http/client-address.ts` for what an address is. */
  rateLimits: {
    /** Failed logins from one address, whatever the e-mail (password spraying): that address is refused. */
    loginFailuresPerAddress: RateLimitRule;
    /** Failed logins for one e-mail from one address: that address is refused for that e-mail. */
    loginFailuresPerEmailAndAddress: RateLimitRule;
    /** Failed logins for one e-mail from everywhere: past it, addresses it never signed in from wait. */
    loginFailuresPerEmail: SlowdownRule;
    signupPerEmail: RateLimitRule;
    signupPerAddress: RateLimitRule;
    /** Failed invitation accepts (unknown, used or expired links) from one address. */
    invitationFailuresPerAddress: RateLimitRule;
  };
  logLevel: string;
  /** How often pending invitations are checked for expiry (and old history purged). */
  expiryIntervalMs: number;
  /** `HISTORY_DAYS`: how long the history (the event store) is kept. */
  historyDays: number;
}

export type ClusterAdapterConfig =
  { kind: 'postgres'; url: string } | { kind: 'redis'; url: string; streamName: string };

const FIFTEEN_MINUTES = 15 * 60 * 1000;
const ONE_HOUR = 60 * 60 * 1000;

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const port = parsePort(env.PORT ?? '8787');
  const host = env.HOST ?? '127.0.0.1';
  const dataDir = resolve(env.DATA_DIR ?? './data');
  const database = targetFromEnv(env);
  const publicUrl = (env.PUBLIC_URL ?? `http://${hostInLinks(host)}:${port}`).replace(/\/+$/, '');
  const adminEmail = env.ADMIN_EMAIL?.trim().toLowerCase();
  const adminPassword = env.ADMIN_PASSWORD;
  if (Boolean(adminEmail) !== Boolean(adminPassword)) {
    throw new Error('ADMIN_EMAIL and ADMIN_PASSWORD go together: set both or neither.');
  }
  return {
    port,
    host,
    database,
    dataDir,
    publicUrl,
    smtpUrl: env.SMTP_URL || null,
    mailDir: resolve(env.MAIL_DIR ?? resolve(dataDir, 'mail')),
    admin: adminEmail && adminPassword ? { email: adminEmail, password: adminPassword } : null,
    allowedOrigins: [
      ...EXTENSION_ORIGINS,
      ...(env.ALLOWED_ORIGINS ?? '')
        .split(',')
        .map((o) => o.trim().replace(/\/+$/, ''))
        .filter(Boolean),
    ],
    adapter: clusterAdapter(env, database),
    trustProxy: parseTrustedProxies(env.TRUST_PROXY),
    rateLimits: {
      loginFailuresPerAddress: { max: 100, windowMs: FIFTEEN_MINUTES },
      loginFailuresPerEmailAndAddress: { max: 10, windowMs: FIFTEEN_MINUTES },
      loginFailuresPerEmail: { max: 10, windowMs: FIFTEEN_MINUTES, delayMs: 2_000 },
      signupPerEmail: { max: 10, windowMs: ONE_HOUR },
      signupPerAddress: { max: 20, windowMs: ONE_HOUR },
      invitationFailuresPerAddress: { max: 20, windowMs: FIFTEEN_MINUTES },
    },
    logLevel: env.LOG_LEVEL ?? 'info',
    expiryIntervalMs: 60_000,
    historyDays: parseHistoryDays(env.HISTORY_DAYS ?? '730'),
  };
}

/** The default name of the Redis stream (and prefix of the adapter's channels). */
const DEFAULT_REDIS_STREAM = 'qrp-realtime';

function clusterAdapter(
  env: NodeJS.ProcessEnv,
  database: DatabaseTarget,
): ClusterAdapterConfig | null {
  const redisUrl = env.REDIS_URL?.trim();
  if (!redisUrl) {
    if (env.REDIS_STREAM) throw new Error('REDIS_STREAM goes with REDIS_URL: set both or neither.');
    return database.kind === 'postgres' ? { kind: 'postgres', url: database.url } : null;
  }
  if (database.kind !== 'postgres') {
    throw new Error('REDIS_URL needs DATABASE_URL: the nodes sharing Redis share one PostgreSQL.');
  }
  return { kind: 'redis', url: parseRedisUrl(redisUrl), streamName: parseRedisStream(env) };
}

/** The value itself is never repeated in the message: it may hold a password. */
function parseRedisUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error('REDIS_URL must be a URL such as redis://127.0.0.1:6379.');
  }
  if ((url.protocol !== 'redis:' && url.protocol !== 'rediss:') || !url.hostname) {
    throw new Error(
      `REDIS_URL must be a redis:// or rediss:// URL with a host (redis://127.0.0.1:6379), got a ${url.protocol}// URL.`,
    );
  }
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) {
    throw new Error('REDIS_URL may end with a database number only (redis://host:6379/0).');
  }
  return value;
}

function parseRedisStream(env: NodeJS.ProcessEnv): string {
  const name = env.REDIS_STREAM ?? DEFAULT_REDIS_STREAM;
  if (!/^[A-Za-z0-9._:-]{1,100}$/.test(name)) {
    throw new Error(`REDIS_STREAM must be 1 to 100 letters, digits or . _ : -, got "${name}".`);
  }
  return name;
}

function parseHistoryDays(value: string): number {
  const days = Number(value);
  if (!Number.isInteger(days) || days < 1) {
    throw new Error(`HISTORY_DAYS must be a whole number of days (1 or more), got "${value}".`);
  }
  return days;
}

/** Loopback and "every address": the name the panel uses by default (`localhost`), so links and panel agree. */
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '0.0.0.0', '::1', '::']);

function hostInLinks(host: string): string {
  if (LOCAL_HOSTS.has(host)) return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`PORT must be a port number (0-65535), got "${value}".`);
  }
  return port;
}
