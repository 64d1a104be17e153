/** The server's configuration, read once from the environment (API.md, "Running the server"). */
import { resolve } from 'node:path';
import { targetFromEnv, type DatabaseTarget } from './db/open-database.js';
import { EXTENSION_ORIGINS } from './extension-origins.js';

export interface RateLimitRule {
  max: number;
  windowMs: number;
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
  /** PostgreSQL URL for the multi-node Socket.IO adapter; null: one process, in-memory adapter. */
  adapterUrl: string | null;
  rateLimits: {
    loginPerEmail: RateLimitRule;
    loginPerAddress: RateLimitRule;
    signupPerEmail: RateLimitRule;
    signupPerAddress: RateLimitRule;
  };
  logLevel: string;
  /** How often pending invitations are checked for expiry. */
  expiryIntervalMs: number;
}

const FIFTEEN_MINUTES = 15 * 60 * 1000;
const ONE_HOUR = 60 * 60 * 1000;

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const port = parsePort(env.PORT ?? '8787');
  const host = env.HOST ?? '127.0.0.1';
  const dataDir = resolve(env.DATA_DIR ?? './data');
  const database = targetFromEnv(env);
  const publicUrl = (
    env.PUBLIC_URL ?? `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`
  ).replace(/\/+$/, '');
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
    adapterUrl: database.kind === 'postgres' ? database.url : null,
    rateLimits: {
      loginPerEmail: { max: 10, windowMs: FIFTEEN_MINUTES },
      loginPerAddress: { max: 100, windowMs: FIFTEEN_MINUTES },
      signupPerEmail: { max: 10, windowMs: ONE_HOUR },
      signupPerAddress: { max: 20, windowMs: ONE_HOUR },
    },
    logLevel: env.LOG_LEVEL ?? 'info',
    expiryIntervalMs: 60_000,
  };
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`PORT must be a port number (0-65535), got "${value}".`);
  }
  return port;
}
