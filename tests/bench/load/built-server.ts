/**
 * The benchmarks measure the server as `npm start` and `npm run server` run
 * it: built by `npm run build:server` into one file that Node runs without
 * tsx. Every server node a measure starts then uses that build.
 */
import { execFileSync } from 'node:child_process';

export const BUILT_SERVER = 'dist/server/main.mjs';

export function useBuiltServer(): void {
  execFileSync('npm', ['run', '--silent', 'build:server'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  process.env.SERVER_ENTRY = BUILT_SERVER;
}

/** A bare peer built as `npm run build:server` builds the server, for a fair baseline. */
export function buildBarePeer(entry: string, outfile: string): string {
  const options = ['--bundle', '--platform=node', '--format=esm', '--packages=external'];
  execFileSync(
    'node_modules/.bin/esbuild',
    [entry, ...options, '--log-level=warning', `--outfile=${outfile}`],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  return outfile;
}
