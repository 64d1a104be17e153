/**
 * Where a process's CPU goes, by layer, from a V8 CPU profile: the samples
 * of each function counted where the function lives (a package, Node's own
 * modules, the server's code), then grouped into the layers the command
 * benchmark compares (benchmarks/analysis.md). Two profiles side by side,
 * the server's and the same-SQL peer's, with their CPU per command, give
 * what each layer costs each command in each process:
 *
 *   BENCH_CPU_PROF_DIR=/tmp/prof BENCH_ONLY=commands npm run bench
 *   npx tsx tests/bench/load/profile-ledger.ts <server.cpuprofile> <ms> <peer.cpuprofile> <ms>
 *
 * A profile samples wall time: a thread preempted inside `writev` (it has
 * just woken PostgreSQL on a shared core) is sampled there without using the
 * CPU, so `writev` is left out with the idle samples, and the shares are of
 * the samples left. So is the loading of modules at start, which the
 * benchmark's CPU per command does not count either.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

/** Loading modules, once at start. */
const START_UP = /^node:internal\/(modules|bootstrap)|cjs-module-lexer|^tsx$|esbuild/;

/** Layers, first match wins: the package or module a function lives in. */
const LAYERS: [layer: string, where: RegExp][] = [
  [
    'pg driver',
    /^(pg|pg-protocol|pg-pool|pg-types|postgres-date|postgres-array|pg-connection-string)$/,
  ],
  ['Kysely', /^kysely$/],
  ['Hono and its Node adapter', /^(hono|@hono\/node-server)$|undici|webstreams/],
  ['zod', /^zod$/],
  ['request log (pino)', /^(pino|sonic-boom|fast-redact|quick-format-unescaped|atomic-sleep)$/],
  ['Socket.IO and the adapter', /^(socket\.io.*|engine\.io.*|ws|@socket\.io\/.*)$/],
  ['e-mail (nodemailer)', /^nodemailer$/],
  ['Node HTTP, sockets, streams', /^node:(_http|net|internal\/(streams|stream_base|http|net))/],
  ['Node crypto', /^node:(crypto|internal\/crypto)/],
  ['garbage collection', /^\(garbage collector\)$/],
  ['writes to sockets (system calls)', /^write(Buffer|Utf8String|Latin1String|AsciiString)$/],
  [
    'event loop, promises, events',
    /^(runMicrotasks|\(program\))$|^node:(events|timers|internal\/(process|timers|async_hooks))/,
  ],
  ['own code', /^(server|shared|tests)\//],
];

function whereOf(frame: ProfileNode['callFrame']): string {
  if (!frame.url) return frame.functionName; // (program), (garbage collector), native code
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame.url);
  if (pkg) return pkg[1]!;
  if (frame.url.startsWith('node:')) return frame.url;
  // The built server is one file: its code, bundled.
  if (/\/dist\/server\//.test(frame.url)) return 'server/';
  return frame.url.replace(/^.*\/(server|shared|tests)\//, '$1/');
}

/** Each layer's share of the samples where the process was working. */
export function profileLedger(path: string): Map<string, number> {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const counts = new Map<string, number>();
  let working = 0;
  for (const id of profile.samples) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)' || frame.functionName === 'writev') continue;
    const where = whereOf(frame);
    if (START_UP.test(where)) continue;
    working += 1;
    const layer = LAYERS.find(([, pattern]) => pattern.test(where))?.[0] ?? 'other (Node, V8)';
    counts.set(layer, (counts.get(layer) ?? 0) + 1);
  }
  return new Map([...counts].map(([layer, n]) => [layer, n / working]));
}

if (process.argv[1]?.endsWith('profile-ledger.ts')) {
  const [serverPath, serverMs, peerPath, peerMs] = process.argv.slice(2);
  if (!serverPath || !serverMs || !peerPath || !peerMs) {
    console.error(
      'usage: npx tsx tests/bench/load/profile-ledger.ts <server.cpuprofile> <ms per command> <peer.cpuprofile> <ms per command>',
    );
    process.exit(2);
  }
  const server = profileLedger(serverPath);
  const peer = profileLedger(peerPath);
  const layers = [...new Set([...server.keys(), ...peer.keys()])].sort(
    (a, b) => (server.get(b) ?? 0) * Number(serverMs) - (server.get(a) ?? 0) * Number(serverMs),
  );
  const ms = (share: number | undefined, total: string) =>
    ((share ?? 0) * Number(total)).toFixed(2);
  console.log('| layer | server, ms per command | same-SQL peer, ms per command |');
  console.log('| --- | --- | --- |');
  for (const layer of layers)
    console.log(
      `| ${layer} | ${ms(server.get(layer), serverMs)} | ${ms(peer.get(layer), peerMs)} |`,
    );
  console.log(`| all | ${serverMs} | ${peerMs} |`);
}
