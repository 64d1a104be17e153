/**
 * Lookups by key that arrive together share one statement. The first lookup
 * goes out at once; those that arrive while a statement is in flight wait for
 * it and then go out together. A quiet server pays no added latency, and a
 * burst (panels reconnecting after a restart, commands in flight) pays one
 * round trip per batch instead of one per lookup.
 */
export type BatchFetch<K, V> = (keys: K[]) => Promise<Map<K, V>>;

export function createBatchedLookup<K, V>(
  fetch: BatchFetch<K, V>,
  /** Keys per statement, which bounds the rows one statement may bring back. */
  maxBatch = 500,
): (key: K) => Promise<V | undefined> {
  let waiting = new Map<
    K,
    { resolve: (value: V | undefined) => void; reject: (error: unknown) => void }[]
  >();
  let inFlight = false;

  function flush(): void {
    if (inFlight || waiting.size === 0) return;
    const batch = waiting;
    waiting = new Map();
    const keys = [...batch.keys()];
    if (keys.length > maxBatch) {
      for (const key of keys.slice(maxBatch)) waiting.set(key, batch.get(key)!);
      keys.length = maxBatch;
    }
    inFlight = true;
    fetch(keys)
      .then(
        (found) => {
          for (const key of keys)
            for (const caller of batch.get(key)!) caller.resolve(found.get(key));
        },
        (error: unknown) => {
          for (const key of keys) for (const caller of batch.get(key)!) caller.reject(error);
        },
      )
      .finally(() => {
        inFlight = false;
        flush();
      });
  }

  return (key) =>
    new Promise((resolve, reject) => {
      const callers = waiting.get(key);
      if (callers) callers.push({ resolve, reject });
      else waiting.set(key, [{ resolve, reject }]);
      // After the current task's other lookups, so that one statement takes them all.
      queueMicrotask(flush);
    });
}

/**
 * One batched lookup per database handle, made on first use: every caller of a
 * node shares it, so their lookups can share statements.
 */
export function batchedLookupPerDatabase<Db extends object, K, V>(
  read: (db: Db, keys: K[]) => Promise<Map<K, V>>,
  maxBatch?: number,
): (db: Db) => (key: K) => Promise<V | undefined> {
  const lookups = new WeakMap<Db, (key: K) => Promise<V | undefined>>();
  return (db) => {
    let lookup = lookups.get(db);
    if (!lookup) {
      lookup = createBatchedLookup((keys: K[]) => read(db, keys), maxBatch);
      lookups.set(db, lookup);
    }
    return lookup;
  };
}
