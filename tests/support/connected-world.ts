/**
 * A space with its principal and two secondaries (one SIRET each), another
 * space, and an admin, all connected: the audience of every test of events.
 */
import type { Kysely, Transaction } from 'kysely';
import { expect } from 'vitest';
import type { Database } from '../../server/db/schema.js';
import type { ActorView } from '../../shared/events.js';
import type { StoredEvent } from '../../server/events/append-events.js';
import { runRule, type RuleResult } from '../../server/rules/run-rule.js';
import {
  createAdmin,
  createPrincipalWithSpace,
  createSecondary,
  type SecondaryFixture,
  type SpaceFixture,
} from './fixtures.js';
import type { InProcessServer } from './in-process-server.js';
import { TestClient, tokenFor } from './socket-clients.js';

export interface ConnectedWorld {
  db: Kysely<Database>;
  space: SpaceFixture;
  /** Holds `space.sirets[0]`. */
  first: SecondaryFixture;
  /** Holds `space.sirets[1]`. */
  second: SecondaryFixture;
  other: SpaceFixture;
  adminId: number;
  /** The bearer token of each client. */
  tokens: Record<keyof ConnectedWorld['clients'], string>;
  clients: {
    principal: TestClient;
    first: TestClient;
    second: TestClient;
    other: TestClient;
    admin: TestClient;
  };
  /** Runs a rule and publishes what it committed, as the HTTP routes do. */
  run<R extends RuleResult>(rule: (trx: Transaction<Database>) => Promise<R>): Promise<R>;
  /** Every client has received what the server sent it so far. */
  settle(): Promise<void>;
  close(): void;
}

export async function createConnectedWorld(
  db: Kysely<Database>,
  server: InProcessServer,
): Promise<ConnectedWorld> {
  const space = await createPrincipalWithSpace(db, { sirets: 3 });
  const first = await createSecondary(db, space, { sirets: [space.sirets[0]!] });
  const second = await createSecondary(db, space, { sirets: [space.sirets[1]!] });
  const other = await createPrincipalWithSpace(db, { sirets: 1 });
  const admin = await createAdmin(db);
  const tokens = {
    principal: await tokenFor(db, space.principal.id),
    first: await tokenFor(db, first.user.id),
    second: await tokenFor(db, second.user.id),
    other: await tokenFor(db, other.principal.id),
    admin: await tokenFor(db, admin.user.id),
  };
  const clients = {
    principal: await TestClient.connect(server.url, tokens.principal),
    first: await TestClient.connect(server.url, tokens.first),
    second: await TestClient.connect(server.url, tokens.second),
    other: await TestClient.connect(server.url, tokens.other),
    admin: await TestClient.connect(server.url, tokens.admin),
  };
  return {
    db,
    space,
    first,
    second,
    other,
    adminId: admin.user.id,
    tokens,
    clients,
    run: (rule) => runRule(db, rule, (events) => server.realtime.publish(events)),
    async settle() {
      await Promise.all(
        Object.values(clients)
          .filter((c) => c.socket.connected)
          .map((c) => c.barrier()),
      );
    },
    close() {
      for (const client of Object.values(clients)) client.close();
    },
  };
}

/** The client got each of these events, in detail or as `hidden`, with the same id. */
export function expectReceived(
  client: TestClient,
  events: readonly StoredEvent[],
  detail: 'full' | 'hidden' | ((event: StoredEvent) => 'full' | 'hidden'),
): void {
  for (const event of events) {
    const received = client.events.filter((e) => e.id === event.seq);
    expect(received, `event ${event.seq} (${event.type})`).toHaveLength(1);
    const mode = typeof detail === 'function' ? detail(event) : detail;
    if (mode === 'full') {
      expect(received[0]).toEqual({
        id: event.seq,
        type: event.type,
        at: event.at,
        data: event.data,
        actor: actorFor(client, event.actor),
      });
    } else {
      expect(received[0]).toEqual({ id: event.seq, type: 'hidden', at: event.at, data: {} });
    }
  }
}

/**
 * The actor as this client should receive it (shared/visibility.ts):
 * an admin sees it whole; a member sees a member whole, and a support agent or
 * the system only by role (no id, no e-mail, no reason).
 */
function actorFor(client: TestClient, actor: ActorView): ActorView {
  return client.snapshot.kind === 'admin' ? actor : actorSeenByMember(actor);
}

export function actorSeenByMember(actor: ActorView): ActorView {
  if (actor.role === 'support' || actor.role === 'system') {
    return { id: null, email: null, role: actor.role };
  }
  return { id: actor.id, email: actor.email, role: actor.role };
}

/** No stored event reached the client since the snapshot it got. */
export function expectNoStoredEvent(client: TestClient): void {
  expect(client.stored).toEqual([]);
}

export function streamEvents(events: readonly StoredEvent[], stream: string): StoredEvent[] {
  return events.filter((e) => e.stream === stream);
}
