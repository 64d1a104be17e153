/**
 * The benchmarks measure the server as `npm start` and `npm run server` run
 * it: built into one file (`scripts/fresh-builds.mjs`, as `npm run build:server`) that Node runs without
 * tsx. Every server node a measure starts then uses that build.
 */
import { buildSync } from 'esbuild';
import {
  ensureServerBundle,
  SERVER_BUILD_OPTIONS,
  SERVER_BUNDLE,
} from '../../../scripts/fresh-builds.mjs';

export const BUILT_SERVER = SERVER_BUNDLE;

export async function useBuiltServer(): Promise<void> {
  await ensureServerBundle();
  process.env.SERVER_ENTRY = SERVER_BUNDLE;
}

/** A bare peer built as `npm run build:server` builds the server, for a fair baseline. */
export function buildBarePeer(entry: string, outfile: string): string {
  buildSync({ ...SERVER_BUILD_OPTIONS, entryPoints: [entry], outfile });
  return outfile;
}
