/**
 * Preloaded into a server process whose memory a bench measures (with
 * `--expose-gc`): on SIGUSR2 it runs two full collections, then prints its
 * heap as one JSON line. The server itself is unchanged.
 */
process.on('SIGUSR2', () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  process.stdout.write(`${JSON.stringify({ msg: 'memory', heapUsed, rss })}\n`);
});
