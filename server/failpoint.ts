/**
 * Fault injection for the chaos tests, off unless `FAILPOINT_KILL_AFTER_COMMITS`
 * is set (read once, at start): the process then kills itself with SIGKILL
 * right after its N-th committed change, before that change's events are
 * published. It proves that a crash between commit and broadcast loses no
 * event (clients catch up from the stored events).
 */
export function killAfterCommits(env: NodeJS.ProcessEnv = process.env): () => void {
  const limit = Number(env.FAILPOINT_KILL_AFTER_COMMITS);
  if (!Number.isSafeInteger(limit) || limit < 1) return () => {};
  let commits = 0;
  return () => {
    commits += 1;
    if (commits >= limit) process.kill(process.pid, 'SIGKILL');
  };
}
