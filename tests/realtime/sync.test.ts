import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type {
  ClientToServerEvents,
  ServerEvent,
  ServerToClientEvents,
  Snapshot,
  SyncResponse,
} from '../../shared/events.js';
import { revokeSession } from '../../server/auth/sessions.js';
import { createSession } from '../../server/auth/sessions.js';
import {
  appendEvents,
  draft,
  spaceStream,
  toServerEvent,
  type StoredEvent,
} from '../../server/events/append-events.js';
import { MAX_SYNC_EVENTS } from '../../server/realtime/sync-events.js';
import { addDossier } from '../../server/rules/add-dossier.js';
import { runRule } from '../../server/rules/run-rule.js';
import { setSecondarySirets } from '../../server/rules/set-secondary-sirets.js';
import { SYSTEM_ACTOR } from '../../server/events/event-actor.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { createPrincipalWithSpace, uniqueReference, unlockCodeHash } from '../support/fixtures.js';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.js';
import { TestClient, tokenFor } from '../support/socket-clients.js';
import {
  actorSeenByMember,
  createConnectedWorld,
  expectNoStoredEvent,
  streamEvents,
  type ConnectedWorld,
} from '../support/connected-world.js';

describeOnEachDatabase('sync', (getHandle) => {
  let server: InProcessServer;
  let world: ConnectedWorld | undefined;
  beforeAll(async () => {
    server = await startInProcessServer(getHandle().db);
  });
  afterAll(async () => {
    await server?.close();
  });
  afterEach(() => {
    world?.close();
    world = undefined;
  });

  /** Changes committed in the world's space whose publish never happened (a crash after commit). */
  async function commitUnpublished(w: ConnectedWorld): Promise<StoredEvent[]> {
    const hidden = await runRule(w.db, (trx) =>
      setSecondarySirets(trx, w.space.actor, {
        userId: w.second.user.id,
        sirets: [w.space.sirets[1]!, w.space.sirets[2]!],
      }),
    );
    const visible = await runRule(w.db, async (trx) =>
      addDossier(
        trx,
        { userId: w.adminId },
        {
          reference: uniqueReference(),
          siret: w.space.sirets[0]!,
          kind: 'MP',
          status: 'completer_dossier',
          unlockCodeHash: await unlockCodeHash(),
        },
      ),
    );
    return streamEvents([...hidden.events, ...visible.events], spaceStream(w.space.spaceId));
  }

  /** A stored event in detail, as a member receives it. */
  function memberForm(event: StoredEvent): ServerEvent {
    return { ...toServerEvent(event), actor: actorSeenByMember(event.actor) } as ServerEvent;
  }

  /** A raw client whose handshake carries a resume point; records what it gets. */
  function resumingClient(token: string, resume: unknown) {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(server.url, {
      auth: { token, resume },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    const snapshots: Snapshot[] = [];
    socket.on('snapshot', (snapshot) => snapshots.push(snapshot));
    const connected = new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const sync = (since: number) =>
      new Promise<SyncResponse>((resolve) => socket.emit('sync', { since }, resolve));
    return { socket, snapshots, connected, sync };
  }

  it('skips the snapshot of a client resuming in the same view; its sync brings what it missed', async () => {
    world = await createConnectedWorld(getHandle().db, server);
    const before = world.clients.first.lastEventId;
    const missed = await commitUnpublished(world);
    const client = resumingClient(world.tokens.first, {
      spaceId: world.space.spaceId,
      role: 'secondary',
      lastEventId: before,
    });
    try {
      await client.connected;
      // The connect task runs before this sync on the server: a snapshot would already be here.
      const response = await client.sync(before);
      expect(client.snapshots).toEqual([]);
      const viewer = { role: 'secondary' as const, userId: world.first.user.id };
      expect(response).toEqual({
        events: missed.map((event) =>
          event.audience === null || event.audience.includes(viewer.userId)
            ? memberForm(event)
            : { id: event.seq, type: 'hidden', at: event.at, data: {} },
        ),
      });
    } finally {
      client.socket.close();
    }
  });

  it('sends the snapshot when the resume point names another view, or is malformed', async () => {
    world = await createConnectedWorld(getHandle().db, server);
    const stale = [
      { spaceId: world.space.spaceId, role: 'principal', lastEventId: 0 },
      { spaceId: world.space.spaceId + 1000, role: 'secondary', lastEventId: 0 },
      { spaceId: world.space.spaceId, role: 'secondary', lastEventId: -1 },
      { spaceId: '1', role: 'secondary', lastEventId: 0 },
      'resume',
    ];
    for (const resume of stale) {
      const client = resumingClient(world.tokens.first, resume);
      try {
        await client.connected;
        await client.sync(0);
        expect(client.snapshots, JSON.stringify(resume)).toHaveLength(1);
        expect(client.snapshots[0]).toMatchObject({ kind: 'member', spaceId: world.space.spaceId });
      } finally {
        client.socket.close();
      }
    }
  });

  it('recovers, by sync, a committed change whose publish never happened', async () => {
    world = await createConnectedWorld(getHandle().db, server);
    const { clients } = world;
    const before = clients.first.lastEventId;
    const missed = await commitUnpublished(world);
    await world.settle();
    expectNoStoredEvent(clients.first);
    const response = await clients.first.sync(before);
    expect(response).toEqual({
      events: [
        { id: missed[0]!.seq, type: 'hidden', at: missed[0]!.at, data: {} },
        memberForm(missed[1]!),
      ],
    });
    // The dossier came from the support: members see who only by role.
    expect(memberForm(missed[1]!).actor).toEqual({ id: null, email: null, role: 'support' });
    expect(await clients.principal.sync(before)).toEqual({ events: missed.map(memberForm) });
  });

  it('returns the events missed while away to a client that reconnects with its position', async () => {
    world = await createConnectedWorld(getHandle().db, server);
    const position = world.clients.second.lastEventId;
    world.clients.second.close();
    const missed = await commitUnpublished(world);
    const back = await TestClient.connect(
      server.url,
      await tokenFor(world.db, world.second.user.id),
    );
    try {
      expect(back.snapshot.lastEventId).toBe(missed.at(-1)!.seq);
      const response = await back.sync(position);
      expect(response).toEqual({
        events: [
          memberForm(missed[0]!),
          { id: missed[1]!.seq, type: 'hidden', at: missed[1]!.at, data: {} },
        ],
      });
    } finally {
      back.close();
    }
  });

  it('answers a sync without position with a fresh snapshot', async () => {
    world = await createConnectedWorld(getHandle().db, server);
    const missed = await commitUnpublished(world);
    const response = await world.clients.first.sync(null);
    if (!('snapshot' in response) || response.snapshot.kind !== 'member') {
      throw new Error('expected a member snapshot');
    }
    expect(response.snapshot.lastEventId).toBe(missed.at(-1)!.seq);
    expect(response.snapshot.dossiers.filter((d) => d.kind === 'MP')).toHaveLength(1);
    expect(response.snapshot.online).toContain(world.first.user.id);
  });

  it('answers with a snapshot when the client is too far behind or ahead of the stream', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db);
    const client = await TestClient.connect(server.url, await tokenFor(db, space.principal.id));
    try {
      await runRule(db, (trx) =>
        appendEvents(
          trx,
          Array.from({ length: MAX_SYNC_EVENTS + 1 }, () =>
            draft(spaceStream(space.spaceId), 'secondary.status_changed', {
              userId: space.principal.id,
              status: 'active',
            }),
          ),
          SYSTEM_ACTOR,
        ).then((events) => ({ events })),
      );
      const head = MAX_SYNC_EVENTS + 1;
      expect(await client.sync(0)).toMatchObject({ snapshot: { lastEventId: head } });
      const recent = await client.sync(1);
      expect('events' in recent && recent.events.map((e) => e.id)).toEqual(
        Array.from({ length: MAX_SYNC_EVENTS }, (_, i) => i + 2),
      );
      expect(await client.sync(head)).toEqual({ events: [] });
      expect(await client.sync(head + 10)).toMatchObject({ snapshot: { lastEventId: head } });
    } finally {
      client.close();
    }
  });

  it('refuses a malformed position', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db);
    const client = await TestClient.connect(server.url, await tokenFor(db, space.principal.id));
    try {
      for (const since of [-1, 1.5, '3'] as unknown as number[]) {
        expect(await client.sync(since)).toEqual({ error: 'VALIDATION_FAILED' });
      }
      expect(client.socket.connected).toBe(true);
    } finally {
      client.close();
    }
  });

  it('refuses a sync once the session ended and closes the socket', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db);
    const { token, session } = await createSession(db, space.principal.id);
    const client = await TestClient.connect(server.url, token);
    await revokeSession(db, session.id);
    expect(await client.sync(client.lastEventId)).toEqual({ error: 'UNAUTHENTICATED' });
    await client.disconnected();
  });
});
