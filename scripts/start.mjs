// @ts-check
/**
 * `npm start` (`--demo`) and `npm run server`: brings the builds up to date,
 * rebuilding only what changed, then runs the server bundle in this very
 * process (no second Node start). `--demo` also needs the Chrome extension
 * the banner points to.
 */
import { pathToFileURL } from 'node:url';
import { ensureExtensionBuild, ensureServerBundle } from './fresh-builds.mjs';

if (process.argv.includes('--demo')) ensureExtensionBuild();
const { file } = await ensureServerBundle();
await import(pathToFileURL(file).href);
