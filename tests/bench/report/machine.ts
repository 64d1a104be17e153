/** The machine and the versions a run measured, for the report. */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, release, totalmem, type } from 'node:os';
import { promisify } from 'node:util';
import { CHROMIUM_PATH } from '../../browser/support/chromium.js';
import { withClient } from '../../support/postgres-database.js';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  postgres: string;
  chromium: string;
  packages: Record<string, string>;
}

const PACKAGES = [
  'socket.io',
  'socket.io-client',
  '@socket.io/postgres-adapter',
  'hono',
  '@hono/node-server',
  'kysely',
  'pg',
  '@electric-sql/pglite',
  'preact',
  '@preact/signals',
  'wxt',
  'vite',
  'tsx',
];

export async function collectMachine(postgresUrl: string): Promise<Machine> {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    os: `${osName()} (${type()} ${release()})`,
    node: process.version,
    postgres: await withClient(postgresUrl, async (client) => {
      const { rows } = await client.query<{ server_version: string }>('show server_version');
      return `PostgreSQL ${rows[0]?.server_version ?? '?'}`;
    }).catch((error: unknown) => `unreachable (${String(error)})`),
    chromium: await promisify(execFile)(CHROMIUM_PATH, ['--version'])
      .then(({ stdout }) => stdout.trim())
      .catch(() => `none at ${CHROMIUM_PATH}`),
    packages: Object.fromEntries(PACKAGES.map((name) => [name, packageVersion(name)])),
  };
}

function osName(): string {
  if (!existsSync('/etc/os-release')) return type();
  const match = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'));
  return match?.[1] ?? type();
}

function packageVersion(name: string): string {
  try {
    const json = JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')) as {
      version?: string;
    };
    return json.version ?? '?';
  } catch {
    return 'not installed';
  }
}
