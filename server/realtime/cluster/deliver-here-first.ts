/**
 * The cluster adapter tells the other nodes of a broadcast (a NOTIFY through
 * its pool) and waits for PostgreSQL's answer before it delivers to this
 * node's own sockets. Every local delivery then paid a round trip to
 * PostgreSQL, queued behind the pool's other NOTIFYs, and two broadcasts sent
 * one after the other could reach the same sockets in the order their NOTIFYs
 * completed on different connections: an event after the next one, or a
 * session's end after its sockets were closed.
 *
 * The adapter's publish reports its own failures to its `errorHandler` and
 * never rejects, so waiting for it only delayed the local part. Here the local
 * part runs at once, in the order the broadcasts were sent, while the NOTIFY
 * goes on its way to the other nodes.
 *
 * `doPublish` is a protected hook, not an API: `socket.io-adapter`'s
 * `ClusterAdapter` sends every message to the other nodes through it and
 * waits for its promise (an offset) before the local part, and
 * `@socket.io/postgres-adapter`'s `PostgresAdapter` implements it. Checked
 * against `socket.io-adapter` 2.5.9 and `@socket.io/postgres-adapter` 0.5.0;
 * tests/realtime/cluster-internals.test.ts fails when an upgrade changes it.
 */
import type { Namespace } from 'socket.io';

type Adapter = Namespace['adapter'];
/** `doPublish` is the adapter's protected hook to its transport. */
type PublishingAdapter = Adapter & { doPublish(message: unknown): Promise<unknown> };

export function deliverHereFirst(
  createAdapter: (nsp: Namespace) => Adapter,
  onError: (error: unknown) => void,
): (nsp: Namespace) => Adapter {
  // Socket.IO calls it with `new`: a function, not an arrow; the object it returns is the adapter.
  return function (nsp) {
    const adapter = createAdapter(nsp) as PublishingAdapter;
    const publish = adapter.doPublish.bind(adapter);
    // An empty offset, as the PostgreSQL adapter itself answers (no connection state recovery).
    adapter.doPublish = (message) => {
      publish(message).catch(onError);
      return Promise.resolve('');
    };
    return adapter;
  };
}
