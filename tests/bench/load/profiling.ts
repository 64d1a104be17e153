/**
 * `BENCH_CPU_PROF_DIR=/tmp/prof npx tsx tests/bench/realtime/dev.ts …` writes a
 * V8 CPU profile of every server process the realtime and command measures start, and of
 * the peers they compare with (on a graceful stop), to see where a slow figure's time goes.
 */
export function profilingFlags(): string[] {
  const dir = process.env.BENCH_CPU_PROF_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}
