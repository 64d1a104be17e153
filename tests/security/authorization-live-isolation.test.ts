/**
 * Live data stays where it belongs. Three spaces, secondaries holding
 * different SIRETs, an admin and a secondary removed midway are all connected
 * while changes go through the HTTP routes (SIRETs attributed and taken back,
 * members added, accepted and removed, dossiers, a SIRET deleted, a cession).
 * Everything each socket receives (snapshots, events, `sync` answers from
 * every position) is scanned: a secondary never gets a SIRET that was not
 * attributed to them nor another secondary's list, nobody gets another
 * space's SIRETs, e-mails or ids, the admin gets no SIRET at all.
 */
import { afterAll, expect, it } from 'vitest';
import { describeOnEachDatabase } from '../support/databases.js';
import {
  createAdmin,
  createPrincipalWithSpace,
  createSecondary,
  PASSWORD,
  uniqueEmail,
  uniqueReference,
  validSiret,
} from '../support/fixtures.js';
import type { CallResult } from '../support/http-harness.js';
import { connectError, tokenFor } from '../support/socket-clients.js';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.js';
import { forbiddenIn, RecordingClient, valuesUnderKeys } from './support/authz-recording-client.js';
import { reportSecuritySummary } from './support/security-summary.js';

const NEW_UNLOCK_CODE = 'DEBLOC-LIVE-0001';
const SPACE_KEYS = new Set(['spaceId', 'fromSpaceId', 'toSpaceId']);
const USER_KEYS = new Set(['userId', 'formerPrincipalId']);

describeOnEachDatabase('live data isolation', (getHandle, kind) => {
  let server: InProcessServer | undefined;
  const opened: RecordingClient[] = [];
  afterAll(async () => {
    for (const client of opened) client.close();
    await server?.close();
  });

  it('never sends a SIRET, an e-mail or an id to a socket whose user may not know it', async () => {
    const { db } = getHandle();
    server = await startInProcessServer(db);
    const live = server;
    const { http } = live;

    // Three spaces: A with four secondaries, B with one, C (to be ceded to B) with one.
    const a = await createPrincipalWithSpace(db, { sirets: 3 });
    const [a0, a1, a2] = a.sirets as [string, string, string];
    const a1Holder = await createSecondary(db, a, { sirets: [a0] });
    const a2Holder = await createSecondary(db, a, { sirets: [a1] });
    const aEmpty = await createSecondary(db, a, { sirets: [] });
    const aRemoved = await createSecondary(db, a, { sirets: [a2] });
    const b = await createPrincipalWithSpace(db, { sirets: 2 });
    const bHolder = await createSecondary(db, b, { sirets: [b.sirets[0]!] });
    const c = await createPrincipalWithSpace(db, { sirets: 2 });
    const cHolder = await createSecondary(db, c, { sirets: [c.sirets[0]!] });
    const admin = await createAdmin(db);
    const newA = validSiret();
    const newB = validSiret();

    const users = {
      principalA: a.principal.id,
      a1: a1Holder.user.id,
      a2: a2Holder.user.id,
      aEmpty: aEmpty.user.id,
      aRemoved: aRemoved.user.id,
      principalB: b.principal.id,
      b1: bHolder.user.id,
      principalC: c.principal.id,
      c1: cHolder.user.id,
      admin: admin.user.id,
    };
    type Name = keyof typeof users;
    const tokens = {} as Record<Name, string>;
    const clients = {} as Record<Name, RecordingClient>;
    for (const name of Object.keys(users) as Name[]) {
      tokens[name] = await tokenFor(db, users[name]);
      clients[name] = await RecordingClient.connect(name, live.url, tokens[name]);
      opened.push(clients[name]);
    }

    const ok = async (
      method: string,
      path: string,
      token: string,
      body?: unknown,
    ): Promise<CallResult> => {
      const res = await http.call(method, `/api/v1${path}`, { token, body });
      expect(res.status, `${method} ${path} → ${res.text.slice(0, 200)}`).toBeLessThan(300);
      return res;
    };
    const settle = () =>
      Promise.all(
        Object.values(clients)
          .filter((client) => client.connected)
          .map((client) => client.client.barrier()),
      );

    // SIRETs attributed and taken back.
    await ok('POST', '/admin/dossiers', tokens.admin, {
      reference: uniqueReference(),
      siret: newA,
      unlockCode: NEW_UNLOCK_CODE,
    });
    await ok('POST', '/sirets', tokens.principalA, {
      siret: newA,
      unlockCode: NEW_UNLOCK_CODE,
      assignToAllSecondaries: false,
    });
    await ok('PUT', `/secondaries/${users.a1}/sirets`, tokens.principalA, { sirets: [a0, newA] });
    await ok('PUT', `/secondaries/${users.a1}/sirets`, tokens.principalA, { sirets: [a0] });
    await ok('PUT', `/secondaries/${users.a2}/sirets`, tokens.principalA, { sirets: [a1, a2] });
    // Dossiers arrive and move on.
    await ok('POST', '/admin/dossiers', tokens.admin, {
      reference: uniqueReference(),
      siret: a1,
      unlockCode: NEW_UNLOCK_CODE,
    });
    await ok('PATCH', `/admin/dossiers/${a.dossiers[0]!.id}`, tokens.admin, { status: 'cloture' });
    // A member invited, who accepts and connects.
    const invitedEmail = uniqueEmail('invite');
    const invited = await ok('POST', '/secondaries', tokens.principalA, { email: invitedEmail });
    const invitationToken = http.invitationLink(invitedEmail).split('/').at(-1)!;
    const accepted = await ok('POST', `/invitations/${invitationToken}/accept`, '', {
      password: PASSWORD,
    });
    const invitedId = invited.body.id as number;
    await ok('PUT', `/secondaries/${invitedId}/sirets`, tokens.principalA, { sirets: [a1] });
    const invitedClient = await RecordingClient.connect('invited', live.url, accepted.body.token);
    opened.push(invitedClient);
    await settle();

    // A secondary removed: their socket ends, their token stops working everywhere.
    await ok('DELETE', `/secondaries/${users.aRemoved}`, tokens.principalA);
    await clients.aRemoved.client.disconnected();
    expect(clients.aRemoved.client.ofType('session.revoked')).toHaveLength(1);
    expect((await http.call('GET', '/api/v1/me', { token: tokens.aRemoved })).status).toBe(401);
    expect((await connectError(live.url, tokens.aRemoved)).message).toBe('UNAUTHENTICATED');
    const removedSawUpTo = clients.aRemoved.payloads().length;

    await ok('PUT', `/secondaries/${users.aEmpty}/sirets`, tokens.principalA, { sirets: [a2] });
    await ok('DELETE', `/sirets/${a2}`, tokens.principalA);

    // Space B grows, then C is ceded to B.
    await ok('POST', '/admin/dossiers', tokens.admin, {
      reference: uniqueReference(),
      siret: newB,
      unlockCode: NEW_UNLOCK_CODE,
    });
    await ok('POST', '/sirets', tokens.principalB, {
      siret: newB,
      unlockCode: NEW_UNLOCK_CODE,
      assignToAllSecondaries: true,
    });
    await ok('POST', '/cession', tokens.principalC, { email: b.principal.email });
    await settle();

    // Every connected socket asks for every kind of position, as a panel may.
    const all = { ...clients, invited: invitedClient };
    for (const client of Object.values(all).filter((x) => x.connected)) {
      for (const since of [null, 0, 1, client.client.lastEventId, 1_000_000]) {
        await client.sync({ since });
      }
    }
    expect(clients.aRemoved.payloads()).toHaveLength(removedSawUpTo);

    // Who may know what.
    const emails = (...ids: number[]) =>
      Object.entries(emailsById)
        .filter(([id]) => ids.includes(Number(id)))
        .map(([, e]) => e);
    const emailsById: Record<number, string> = {
      [a.principal.id]: a.principal.email,
      [users.a1]: a1Holder.user.email,
      [users.a2]: a2Holder.user.email,
      [users.aEmpty]: aEmpty.user.email,
      [users.aRemoved]: aRemoved.user.email,
      [invitedId]: invitedEmail,
      [b.principal.id]: b.principal.email,
      [users.b1]: bHolder.user.email,
      [c.principal.id]: c.principal.email,
      [users.c1]: cHolder.user.email,
      [admin.user.id]: admin.user.email,
    };
    const usersOfA = [a.principal.id, users.a1, users.a2, users.aEmpty, users.aRemoved, invitedId];
    const usersOfB = [b.principal.id, users.b1];
    const usersOfC = [c.principal.id, users.c1];
    const siretsOfA = [a0, a1, a2, newA];
    const siretsOfB = [...b.sirets, newB];
    const siretsOfC = c.sirets;
    const everySiret = [...siretsOfA, ...siretsOfB, ...siretsOfC];

    interface Knowledge {
      sirets: string[];
      users: number[];
      spaces: number[];
      secondary: boolean;
    }
    const spaceB = { users: [...usersOfB, ...usersOfC], spaces: [b.spaceId, c.spaceId] };
    const knowledge: Record<keyof typeof all, Knowledge> = {
      principalA: { sirets: siretsOfA, users: usersOfA, spaces: [a.spaceId], secondary: false },
      a1: { sirets: [a0, newA], users: usersOfA, spaces: [a.spaceId], secondary: true },
      a2: { sirets: [a1, a2], users: usersOfA, spaces: [a.spaceId], secondary: true },
      aEmpty: { sirets: [a2], users: usersOfA, spaces: [a.spaceId], secondary: true },
      aRemoved: { sirets: [a2], users: usersOfA, spaces: [a.spaceId], secondary: true },
      invited: { sirets: [a1], users: usersOfA, spaces: [a.spaceId], secondary: true },
      principalB: { sirets: [...siretsOfB, ...siretsOfC], ...spaceB, secondary: false },
      b1: { sirets: [b.sirets[0]!, newB], ...spaceB, secondary: true },
      // Once ceded, the former principal of C is a secondary of B holding C's SIRETs.
      principalC: { sirets: siretsOfC, ...spaceB, secondary: false },
      c1: { sirets: [c.sirets[0]!], ...spaceB, secondary: true },
      admin: { sirets: [], users: [], spaces: [], secondary: false },
    };

    let scanned = 0;
    let checkedStrings = 0;
    const leaks: string[] = [];
    for (const [name, client] of Object.entries(all) as [keyof typeof all, RecordingClient][]) {
      const may = knowledge[name];
      const forbiddenSirets = everySiret.filter((s) => !may.sirets.includes(s));
      const forbiddenEmails =
        name === 'admin'
          ? [] // support agents see the invitations of every space
          : emails(
              ...Object.keys(emailsById)
                .map(Number)
                .filter((id) => !may.users.includes(id)),
            );
      for (const payload of client.payloads()) {
        scanned += 1;
        checkedStrings += forbiddenSirets.length + forbiddenEmails.length;
        for (const found of forbiddenIn(payload, [...forbiddenSirets, ...forbiddenEmails])) {
          leaks.push(`${name} got ${found} in ${JSON.stringify(payload).slice(0, 300)}`);
        }
        if (name === 'admin') continue;
        for (const space of valuesUnderKeys(payload, SPACE_KEYS)) {
          if (!may.spaces.includes(space as number))
            leaks.push(`${name} got space ${String(space)}`);
        }
        for (const user of valuesUnderKeys(payload, USER_KEYS)) {
          if (!may.users.includes(user as number)) leaks.push(`${name} got user ${String(user)}`);
        }
      }
      if (may.secondary) {
        // Another secondary's SIRET list never reaches a secondary, even as a bare event.
        for (const event of client.client.events) {
          if (
            event.type === 'secondary.sirets_changed' &&
            event.data.userId !== users[name as Name]
          )
            leaks.push(`${name} got the SIRET list of user ${event.data.userId}`);
          if (event.type === 'siret.added' || event.type === 'siret.removed')
            leaks.push(`${name} got ${event.type} in detail`);
        }
      }
    }
    // Sanity: the scan had something to find (each side saw its own data).
    expect(JSON.stringify(clients.a1.payloads())).toContain(newA);
    expect(JSON.stringify(clients.principalB.payloads())).toContain(c.sirets[1]!);
    expect(JSON.stringify(clients.c1.payloads())).toContain(c.sirets[0]!);
    expect(leaks).toEqual([]);
    expect(live.realtimeErrors).toEqual([]);
    expect(live.httpErrors()).toEqual([]);
    reportSecuritySummary({
      suite: 'live-isolation',
      database: kind,
      sockets: Object.keys(all).length,
      payloadsScanned: scanned,
      forbiddenStringChecks: checkedStrings,
      leaks: leaks.length,
    });
  });
});
