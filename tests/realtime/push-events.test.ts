import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { ADMIN_STREAM, spaceStream, type StoredEvent } from '../../server/events/append-events.js';
import { acceptInvitation } from '../../server/rules/accept-invitation.js';
import { addDossier } from '../../server/rules/add-dossier.js';
import { addSecondary } from '../../server/rules/add-secondary.js';
import { addSiret } from '../../server/rules/add-siret.js';
import { changeDossierStatus } from '../../server/rules/change-dossier-status.js';
import { deleteSiret } from '../../server/rules/delete-siret.js';
import { expireInvitations } from '../../server/rules/expire-invitations.js';
import { resetLock } from '../../server/rules/reset-lock.js';
import { revokeInvitation } from '../../server/rules/revoke-invitation.js';
import { setSecondarySirets } from '../../server/rules/set-secondary-sirets.js';
import { describeOnEachDatabase } from '../support/databases.js';
import {
  createDossier,
  streamHead,
  uniqueEmail,
  uniqueReference,
  unlockCodeHash,
  UNLOCK_CODE,
  validSiret,
  WRONG_UNLOCK_CODE,
} from '../support/fixtures.js';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.js';
import {
  createConnectedWorld,
  expectNoStoredEvent,
  expectReceived,
  streamEvents,
  type ConnectedWorld,
} from '../support/connected-world.js';

/** acceptInvitation takes the hash the route computed; its value does not matter here. */
const PASSWORD_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo';

describeOnEachDatabase('pushing committed events', (getHandle) => {
  let server: InProcessServer;
  let world: ConnectedWorld;
  beforeAll(async () => {
    server = await startInProcessServer(getHandle().db);
  });
  afterAll(async () => {
    await server?.close();
  });
  afterEach(() => world?.close());

  const ofSpace = (events: StoredEvent[]) => streamEvents(events, spaceStream(world.space.spaceId));
  const onlyFor =
    (userId: number) =>
    (event: StoredEvent): 'full' | 'hidden' =>
      event.audience === null || event.audience.includes(userId) ? 'full' : 'hidden';

  it('shows an added SIRET to the principal, hides it from the secondaries, and attributes it to each one privately', async () => {
    world = await createConnectedWorld(getHandle().db, server);
    const { space, first, second, clients } = world;
    const siret = validSiret();
    await createDossier(world.db, { siret, status: 'completer_dossier' });
    const { events } = await world.run((trx) =>
      addSiret(trx, space.actor, { siret, unlockCode: UNLOCK_CODE, assignToAllSecondaries: true }),
    );
    await world.settle();
    const pushed = ofSpace(events);
    expect(pushed.map((e) => e.type)).toEqual([
      'siret.added',
      'secondary.sirets_changed',
      'secondary.sirets_changed',
    ]);
    expectReceived(clients.principal, pushed, 'full');
    expectReceived(clients.first, pushed, onlyFor(first.user.id));
    expectReceived(clients.second, pushed, onlyFor(second.user.id));
    expect(clients.first.ofType('secondary.sirets_changed')[0]?.data.sirets).toContain(siret);
    // A member sees who of the space made the change.
    const principal = { id: space.principal.id, email: space.principal.email, role: 'principal' };
    expect(clients.principal.ofType('siret.added')[0]?.actor).toEqual(principal);
    expect(clients.first.ofType('secondary.sirets_changed')[0]?.actor).toEqual(principal);
    expect(clients.second.ofType('secondary.sirets_changed')[0]?.actor).toEqual(principal);
    expectNoStoredEvent(clients.other);
    expectNoStoredEvent(clients.admin);
  });

  it('shows a deleted SIRET to the principal and takes it from its holder only', async () => {
    world = await createConnectedWorld(getHandle().db, server);
    const { space, first, clients } = world;
    const { events } = await world.run((trx) =>
      deleteSiret(trx, space.actor, { siret: space.sirets[0]! }),
    );
    await world.settle();
    const pushed = ofSpace(events);
    expect(pushed.map((e) => e.type)).toEqual(['siret.removed', 'secondary.sirets_changed']);
    expectReceived(clients.principal, pushed, 'full');
    expectReceived(clients.first, pushed, onlyFor(first.user.id));
    expectReceived(clients.second, pushed, 'hidden');
    expectNoStoredEvent(clients.other);
  });

  it('shows a new secondary to the whole team, its invitation to the principal and the admins only, then its acceptance', async () => {
    world = await createConnectedWorld(getHandle().db, server);
    const { space, clients } = world;
    const email = uniqueEmail('nouveau');
    const added = await world.run((trx) => addSecondary(trx, space.actor, { email }));
    await world.settle();
    const pushed = ofSpace(added.events);
    expect(pushed.map((e) => e.type)).toEqual(['secondary.added', 'invitation.created']);
    expectReceived(clients.principal, pushed, 'full');
    expectReceived(clients.first, pushed, onlyFor(world.first.user.id));
    expectReceived(clients.second, pushed, onlyFor(world.second.user.id));
    expectReceived(clients.admin, streamEvents(added.events, ADMIN_STREAM), 'full');
    expectNoStoredEvent(clients.other);

    const accepted = await world.run((trx) =>
      acceptInvitation(trx, { token: added.invitation.token, passwordHash: PASSWORD_HASH }),
    );
    await world.settle();
    const acceptance = ofSpace(accepted.events);
    expect(acceptance.map((e) => e.type)).toEqual([
      'secondary.status_changed',
      'invitation.accepted',
    ]);
    expectReceived(clients.principal, acceptance, 'full');
    expectReceived(clients.first, acceptance, onlyFor(world.first.user.id));
    expectReceived(clients.second, acceptance, onlyFor(world.second.user.id));
    expectReceived(clients.admin, streamEvents(accepted.events, ADMIN_STREAM), 'full');
    expect(clients.admin.ofType('invitation.accepted')[0]?.data.userId).toBe(added.secondary.id);
    expectNoStoredEvent(clients.other);
  });

  it('shows a revoked and an expired invitation to the principal and the admins', async () => {
    world = await createConnectedWorld(getHandle().db, server);
    const { space, clients } = world;
    const revoked = await world.run((trx) =>
      addSecondary(trx, space.actor, { email: uniqueEmail('revoque') }),
    );
    const expiring = await world.run((trx) =>
      addSecondary(trx, space.actor, { email: uniqueEmail('expire') }),
    );
    const revocation = await world.run((trx) =>
      revokeInvitation(trx, space.actor, { userId: revoked.secondary.id }),
    );
    const expiry = await world.run((trx) =>
      expireInvitations(trx, { now: new Date(Date.now() + 8 * 864e5) }),
    );
    await world.settle();
    const pushed = [...ofSpace(revocation.events), ...ofSpace(expiry.events)];
    expect(pushed.map((e) => e.type)).toEqual(['invitation.revoked', 'invitation.expired']);
    expectReceived(clients.principal, pushed, 'full');
    expectReceived(clients.first, pushed, 'hidden');
    expectReceived(clients.second, pushed, 'hidden');
    const forAdmins = [
      ...streamEvents(revocation.events, ADMIN_STREAM),
      ...streamEvents(expiry.events, ADMIN_STREAM),
    ];
    expectReceived(clients.admin, forAdmins, 'full');
    expect(
      clients.admin
        .ofType('invitation.expired')
        .some((e) => e.data.userId === expiring.secondary.id),
    ).toBe(true);
    // Nobody asked for the expiry: everyone sees the system, and nothing more.
    const system = { id: null, email: null, role: 'system' };
    expect(clients.principal.ofType('invitation.expired')[0]?.actor).toEqual(system);
    expect(clients.admin.ofType('invitation.expired')[0]?.actor).toEqual(system);
    expectNoStoredEvent(clients.other);
  });

  it("shows a change of a secondary's SIRETs to the principal and that secondary only", async () => {
    world = await createConnectedWorld(getHandle().db, server);
    const { space, first, clients } = world;
    const { events } = await world.run((trx) =>
      setSecondarySirets(trx, space.actor, {
        userId: first.user.id,
        sirets: [space.sirets[0]!, space.sirets[2]!],
      }),
    );
    await world.settle();
    const pushed = ofSpace(events);
    expect(pushed.map((e) => e.type)).toEqual(['secondary.sirets_changed']);
    expectReceived(clients.principal, pushed, 'full');
    expectReceived(clients.first, pushed, 'full');
    expectReceived(clients.second, pushed, 'hidden');
    expect(
      clients.first.ofType('secondary.sirets_changed')[0]?.data.dossiers.map((d) => d.siret),
    ).toEqual([space.sirets[2]]);
    expectNoStoredEvent(clients.other);
  });

  it('shows a new dossier and its status changes to the principal and the holders of its SIRET', async () => {
    world = await createConnectedWorld(getHandle().db, server);
    const { space, first, clients } = world;
    const admin = { userId: world.adminId };
    const added = await world.run(async (trx) =>
      addDossier(trx, admin, {
        reference: uniqueReference(),
        siret: space.sirets[0]!,
        kind: 'AT',
        status: 'completer_dossier',
        unlockCodeHash: await unlockCodeHash(),
      }),
    );
    const changed = await world.run((trx) =>
      changeDossierStatus(trx, admin, { dossierId: added.dossier.id, status: 'consultation' }),
    );
    await world.settle();
    const pushed = [...ofSpace(added.events), ...ofSpace(changed.events)];
    expect(pushed.map((e) => e.type)).toEqual(['dossier.added', 'dossier.status_changed']);
    expectReceived(clients.principal, pushed, 'full');
    expectReceived(clients.first, pushed, onlyFor(first.user.id));
    expectReceived(clients.first, pushed, 'full');
    expectReceived(clients.second, pushed, 'hidden');
    // An admin acts as « le support »: members learn neither who nor why.
    const support = { id: null, email: null, role: 'support' };
    for (const member of [clients.principal, clients.first]) {
      expect(member.ofType('dossier.added')[0]?.actor).toEqual(support);
      expect(member.ofType('dossier.status_changed')[0]?.actor).toEqual(support);
    }
    expectNoStoredEvent(clients.other);
    expectNoStoredEvent(clients.admin);
  });

  it('tells the admins and the principal of a lock-out and its reset, hiding them from the secondaries', async () => {
    world = await createConnectedWorld(getHandle().db, server);
    const { space, clients } = world;
    const siret = validSiret();
    await createDossier(world.db, { siret, status: 'completer_dossier' });
    const spaceHead = await streamHead(world.db, spaceStream(space.spaceId));
    for (let attempt = 0; attempt < 5; attempt++) {
      await world
        .run((trx) =>
          addSiret(trx, space.actor, {
            siret,
            unlockCode: WRONG_UNLOCK_CODE,
            assignToAllSecondaries: false,
          }),
        )
        .catch(() => undefined);
    }
    const locked = await clients.admin.nextOfType('lock.locked');
    expect(locked.data.lock).toMatchObject({
      scope: 'add_siret',
      siret,
      userId: space.principal.id,
    });
    // The principal's panel hears of it live, on their space's stream; the secondaries
    // get the same id as `hidden`.
    const seen = await clients.principal.nextOfType('lock.locked');
    // The same lock, without support's name for their space.
    const { spaceId: _space, spaceName: _name, ...own } = locked.data.lock;
    expect(locked.data.lock).toMatchObject({ spaceId: space.spaceId });
    expect(seen).toEqual({
      id: spaceHead + 1,
      type: 'lock.locked',
      at: locked.at,
      data: { lock: own },
      actor: { id: null, email: null, role: 'system' },
    });
    await world.settle();
    for (const secondary of [clients.first, clients.second]) {
      expect(secondary.stored).toEqual([
        { id: spaceHead + 1, type: 'hidden', at: locked.at, data: {} },
      ]);
    }

    const reset = await world.run((trx) =>
      resetLock(trx, { userId: world.adminId }, { lockId: locked.data.lock.id }),
    );
    await world.settle();
    expectReceived(clients.admin, streamEvents(reset.events, ADMIN_STREAM), 'full');
    const ofTheSpace = ofSpace(reset.events);
    expect(ofTheSpace.map((e) => [e.type, e.data])).toEqual([
      ['lock.reset', { lockId: locked.data.lock.id, scope: 'add_siret', siret }],
    ]);
    expectReceived(clients.principal, ofTheSpace, 'full');
    expectReceived(clients.first, ofTheSpace, 'hidden');
    expectReceived(clients.second, ofTheSpace, 'hidden');
    // The counter locks by itself; the reset names the agent whole to the admins only.
    expect(locked.actor).toEqual({ id: null, email: null, role: 'system' });
    const agent = await world.db
      .selectFrom('users')
      .select(['id', 'email'])
      .where('id', '=', world.adminId)
      .executeTakeFirstOrThrow();
    expect(clients.admin.ofType('lock.reset')[0]?.actor).toEqual({
      id: agent.id,
      email: agent.email,
      role: 'support',
    });
    expect(clients.principal.ofType('lock.reset')[0]?.actor).toEqual({
      id: null,
      email: null,
      role: 'support',
    });
    expectNoStoredEvent(clients.other);
  });
});
