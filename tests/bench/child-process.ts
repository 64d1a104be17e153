/**
 * Runs a benchmark script in a Node process of its own (through the same tsx
 * loader), hands it its input as JSON on stdin and reads its answer: the last
 * line it prints on stdout, as JSON. Load generators run this way so that they
 * never share an event loop with the server they measure.
 */
import { spawn } from 'node:child_process';
import { profilingFlags } from './load/profiling.js';

export async function runChild<I, O>(
  script: string,
  input: I,
  options: { timeoutMs?: number } = {},
): Promise<O> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(JSON.stringify(input));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  const last = stdout.trim().split('\n').at(-1) ?? '';
  if (code !== 0) throw new Error(`${script} exited with ${code}: ${stderr.slice(-2000)}`);
  return JSON.parse(last) as O;
}

/** Inside a child: reads the JSON input from stdin. */
export async function readInput<I>(): Promise<I> {
  let text = '';
  for await (const chunk of process.stdin) text += (chunk as Buffer).toString();
  return JSON.parse(text) as I;
}

/** Inside a child: prints the answer as one JSON line. */
export function writeOutput(output: unknown): void {
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

export interface ListeningChild {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts a script that prints `{"msg":"listening","port":…}` once ready (as
 * the bare peers here do) and resolves with its address.
 */
export function startListeningScript(
  script: string,
  env: Record<string, string>,
): Promise<ListeningChild> {
  const child = spawn(process.execPath, [...profilingFlags(), '--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${script} did not start:\n${output}`)),
      30_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"msg":"listening","port":(\d+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      const port = Number(match[1]);
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        pid: child.pid!,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${script} exited before listening:\n${output}`));
    });
  });
}
