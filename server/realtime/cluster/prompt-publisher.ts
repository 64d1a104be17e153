/**
 * The adapter publishes with `pool.query`, and the pool hands out even an
 * idle connection only on the next tick: a NOTIFY issued right after a
 * commit left once the request had written its answer and its log, a
 * millisecond later on a busy node (benchmarks/analysis.md). Here the
 * adapter's queries go to one connection held for them, written at once and
 * in the order they were issued; while that connection is being (re)opened
 * they go through the pool.
 *
 * This leans on how the adapter uses its pool, which no API promises: its
 * publishes call `pool.query` (so a `Proxy` that answers `query` catches
 * them), its LISTEN connection comes from `pool.connect`, and the pool's other
 * members work bound to the pool itself. Checked against
 * `@socket.io/postgres-adapter` 0.5.0 and `pg` 8.23.1 (`pg-pool` 3.14.0);
 * tests/realtime/cluster-internals.test.ts fails when an upgrade changes any of it.
 */
import type pg from 'pg';

export interface PromptPublisher {
  /** The pool to give the adapter: its `query` uses the held connection. */
  pool: pg.Pool;
  /** Resolves once a connection is held (or opening it failed). */
  ready(): Promise<void>;
  /** Gives the held connection back; before the pool ends. */
  close(): void;
}

export function promptPublisher(pool: pg.Pool, onError: (error: unknown) => void): PromptPublisher {
  let held: pg.PoolClient | null = null;
  let opening: Promise<void> | null = null;
  let closed = false;

  const hold = (client: pg.PoolClient) => {
    if (closed) {
      client.release();
      return;
    }
    // A lost connection is thrown away (its error is the pool's to log); the next query
    // opens another.
    const lose = () => {
      if (held !== client) return;
      held = null;
      client.release(true);
    };
    client.on('error', lose);
    client.on('end', lose);
    held = client;
  };
  const open = (): Promise<void> => {
    if (held || closed) return Promise.resolve();
    opening ??= pool
      .connect()
      .then(hold, onError)
      .finally(() => (opening = null));
    return opening;
  };
  void open();

  const query = (...args: unknown[]): unknown => {
    if (held) return (held.query as (...a: unknown[]) => unknown)(...args);
    void open();
    return (pool.query as (...a: unknown[]) => unknown)(...args);
  };
  const wrapped = new Proxy(pool, {
    get(target, property) {
      if (property === 'query') return query;
      const value = Reflect.get(target, property) as unknown;
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
  return {
    pool: wrapped,
    ready: () => open(),
    close() {
      closed = true;
      held?.release();
      held = null;
    },
  };
}
