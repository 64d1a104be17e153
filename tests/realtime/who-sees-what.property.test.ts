/**
 * Who sees what, checked on random histories. Commands run through the real
 * rules; after each one every viewer's snapshot is read. For each viewer (the
 * principals of two spaces, each secondary, an admin, the principal of a space
 * the history never touches):
 * - any snapshot, with the events that follow it projected for that viewer and
 *   folded by the panel's reducer, gives any later snapshot of the same view
 *   (an `space.ceded` in between makes the panel ask for a fresh snapshot);
 * - the projected events of their stream, replayed from its start, are all
 *   `hidden` before they came into the space and carry no e-mail, SIRET or id
 *   that none of their snapshots shows (their actors and the receiving
 *   principal's e-mail of `space.ceded` included).
 */
import fc from 'fast-check';
import type { Kysely, Transaction } from 'kysely';
import { expect, it } from 'vitest';
import { DOSSIER_STATUSES, MAX_FAILED_ATTEMPTS, type DossierStatus } from '../../shared/domain.js';
import type { ServerEvent, Snapshot, StoredEventType } from '../../shared/events.js';
import { applyEvent } from '../../shared/panel-state.js';
import type { Database } from '../../server/db/schema.js';
import { buildSnapshot } from '../../server/realtime/build-snapshot.js';
import { recordOfRow } from '../../server/events/stream-record.js';
import { findJoinPosition } from '../../server/realtime/join-position.js';
import { projectEvent, type StreamEvent } from '../../server/realtime/project-event.js';
import type { Viewer } from '../../server/realtime/rooms.js';
import { acceptInvitation } from '../../server/rules/accept-invitation.js';
import type { Actor } from '../../server/rules/actor.js';
import { addDossier } from '../../server/rules/add-dossier.js';
import { addSecondary } from '../../server/rules/add-secondary.js';
import { addSiret } from '../../server/rules/add-siret.js';
import { cedeSirets } from '../../server/rules/cede-sirets.js';
import { changeDossierStatus } from '../../server/rules/change-dossier-status.js';
import { deleteSiret } from '../../server/rules/delete-siret.js';
import { isDomainError } from '../../server/rules/domain-error.js';
import { expireInvitations } from '../../server/rules/expire-invitations.js';
import { removeSecondary } from '../../server/rules/remove-secondary.js';
import { resendInvitation } from '../../server/rules/resend-invitation.js';
import { resetUserLocks } from '../../server/rules/reset-lock.js';
import { revokeInvitation } from '../../server/rules/revoke-invitation.js';
import { runRule, type RuleResult } from '../../server/rules/run-rule.js';
import { setSecondarySirets } from '../../server/rules/set-secondary-sirets.js';
import { describeOnEachDatabase } from '../support/databases.js';
import {
  createAdmin,
  createDossier,
  createPrincipalWithSpace,
  passwordHash,
  uniqueEmail,
  uniqueReference,
  unlockCodeHash,
  UNLOCK_CODE,
  validSiret,
  WRONG_UNLOCK_CODE,
} from '../support/fixtures.js';

const SEED = 20_261_206;
const RUNS = 4;
const MIN_COMMANDS = 8;
const MAX_COMMANDS = 12;

type SpaceIndex = 0 | 1;
type Command =
  | { kind: 'invite'; space: SpaceIndex }
  | { kind: 'accept'; pick: number }
  | { kind: 'remove'; pick: number }
  | { kind: 'attribute'; pick: number; mask: number }
  | { kind: 'addSiret'; space: SpaceIndex; assignAll: boolean }
  | { kind: 'wrongCode'; space: SpaceIndex }
  /** Wrong codes for one SIRET up to the lock (docs/domain.md, « Lock-outs »). */
  | { kind: 'lockOut'; space: SpaceIndex }
  | { kind: 'deleteSiret'; space: SpaceIndex; pick: number }
  | { kind: 'addDossier'; pick: number; status: DossierStatus }
  | { kind: 'dossierStatus'; pick: number; status: DossierStatus }
  | { kind: 'revoke'; pick: number }
  | { kind: 'resend'; pick: number }
  | { kind: 'expire' }
  | { kind: 'cede' }
  | { kind: 'resetLocks'; space: SpaceIndex };

const pick = fc.nat({ max: 7 });
const space = fc.constantFrom<SpaceIndex>(0, 1);
const status = fc.constantFrom(...DOSSIER_STATUSES);
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('invite' as const), space }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('accept' as const), pick }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), pick }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('attribute' as const), pick, mask: fc.nat(15) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('addSiret' as const),
      space,
      assignAll: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wrongCode' as const), space }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('lockOut' as const), space }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('deleteSiret' as const), space, pick }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('addDossier' as const), pick, status }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('dossierStatus' as const), pick, status }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('revoke' as const), pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('resend' as const), pick }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'expire' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'cede' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('resetLocks' as const), space }) },
);

/**
 * Each space starts with a secondary holding one SIRET, invited through the
 * rules as every secondary is: the events that name them say when they came in
 * (an account written straight into the database has none). The first space's
 * principal then locks themself out of adding a SIRET, so that every history
 * has a lock for its principal to see and its secondary not to.
 */
const SETUP: readonly Command[] = [
  { kind: 'invite', space: 0 },
  { kind: 'accept', pick: 0 },
  { kind: 'attribute', pick: 0, mask: 1 },
  { kind: 'invite', space: 1 },
  { kind: 'accept', pick: 1 },
  { kind: 'attribute', pick: 1, mask: 1 },
  { kind: 'lockOut', space: 0 },
];

/** What a history has made so far, for commands to pick from. */
interface History {
  db: Kysely<Database>;
  admin: Actor;
  spaces: [
    { spaceId: number; principal: Actor },
    { spaceId: number; principal: Actor; email: string },
  ];
  /** Secondaries ever made, with the token of their latest invitation. */
  secondaries: { userId: number; token: string | null }[];
  sirets: string[];
  dossiers: number[];
  /** Every user and space the history made, to tell its rows from those of other runs. */
  userIds: Set<number>;
  spaceIds: Set<number>;
}

describeOnEachDatabase('who sees what', (getHandle) => {
  it('every viewer’s snapshot is the fold of the events projected for them, which reveal nothing more', async () => {
    const { db } = getHandle();
    const admin = await createAdmin(db);
    await fc.assert(
      fc.asyncProperty(
        fc.array(command, { minLength: MIN_COMMANDS, maxLength: MAX_COMMANDS }),
        (commands) => checkHistory(db, admin.actor, commands),
      ),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  }, 60_000);
});

async function checkHistory(
  db: Kysely<Database>,
  admin: Actor,
  commands: readonly Command[],
): Promise<void> {
  const a = await createPrincipalWithSpace(db, { sirets: 2 });
  const b = await createPrincipalWithSpace(db, { sirets: 1 });
  const bystander = await createPrincipalWithSpace(db, { sirets: 1 });
  const history: History = {
    db,
    admin,
    spaces: [
      { spaceId: a.spaceId, principal: a.actor },
      { spaceId: b.spaceId, principal: b.actor, email: b.principal.email },
    ],
    secondaries: [],
    sirets: [...a.sirets, ...b.sirets],
    dossiers: [...a.dossiers, ...b.dossiers].map((d) => d.id),
    userIds: new Set([a.principal.id, b.principal.id]),
    spaceIds: new Set([a.spaceId, b.spaceId]),
  };
  const fixed = [a.principal.id, b.principal.id, bystander.principal.id, admin.userId];
  const viewers = () => [...fixed, ...history.secondaries.map((s) => s.userId)];
  /** Each viewer's snapshot after each point of the history (null: may not connect). */
  const seen = new Map<number, (Snapshot | null)[]>();
  /** The head of every stream after each point. */
  const heads: Map<string, number>[] = [];
  const look = async () => {
    const point = heads.length;
    const rows = await db.selectFrom('eventStreams').select(['stream', 'head']).execute();
    heads.push(new Map(rows.map((row) => [row.stream, row.head])));
    for (const userId of viewers()) {
      const list = seen.get(userId) ?? Array<Snapshot | null>(point).fill(null);
      list.push(await buildSnapshot(db, userId, () => Promise.resolve([])));
      seen.set(userId, list);
    }
  };
  await look();
  for (const next of [...SETUP, ...commands]) {
    await run(history, next);
    await look();
  }
  // The setup's lock shows to its principal, and to nobody else of the space.
  const afterSetup = (userId: number) => seen.get(userId)?.[SETUP.length];
  expect(afterSetup(a.principal.id)).toMatchObject({
    locks: [expect.objectContaining({ scope: 'add_siret' })],
  });
  expect(afterSetup(history.secondaries[0]!.userId)).toMatchObject({ locks: [] });
  const bystanderStream = await readStream(db, `space:${bystander.spaceId}`);
  expect(bystanderStream).toEqual([]);
  for (const [userId, snapshots] of seen) {
    await checkViewer(db, history, userId, snapshots, heads);
  }
}

/** Runs one command; a refusal is part of the history (it changes nothing anyone sees). */
async function run(history: History, next: Command): Promise<void> {
  const { db } = history;
  const attempt = async <R extends RuleResult>(
    rule: (trx: Transaction<Database>) => Promise<R>,
  ) => {
    try {
      return await runRule(db, rule);
    } catch (error) {
      if (isDomainError(error)) return undefined;
      throw error;
    }
  };
  const secondary = history.secondaries[pickIndex(next, history.secondaries.length)];
  const principalOf = async (userId: number) => {
    const row = await db
      .selectFrom('users as s')
      .innerJoin('users as p', 'p.spaceId', 's.spaceId')
      .select('p.id')
      .where('s.id', '=', userId)
      .where('p.role', '=', 'principal')
      .where('p.status', '=', 'active')
      .executeTakeFirst();
    return row ? { userId: row.id } : undefined;
  };
  const siretsOf = async (spaceId: number) =>
    (await db.selectFrom('sirets').select('siret').where('spaceId', '=', spaceId).execute()).map(
      (row) => row.siret,
    );
  switch (next.kind) {
    case 'invite': {
      const email = uniqueEmail('secondary');
      const done = await attempt((trx) =>
        addSecondary(trx, history.spaces[next.space].principal, { email }),
      );
      if (done) {
        history.secondaries.push({ userId: done.secondary.id, token: done.invitation.token });
        history.userIds.add(done.secondary.id);
      }
      return;
    }
    case 'accept': {
      const invited = history.secondaries.filter((s) => s.token !== null);
      const token = invited[pickIndex(next, invited.length)]?.token;
      if (!token) return;
      await attempt(async (trx) =>
        acceptInvitation(trx, { token, passwordHash: await passwordHash() }),
      );
      return;
    }
    case 'remove':
    case 'revoke':
    case 'resend':
    case 'attribute': {
      if (!secondary) return;
      const principal = await principalOf(secondary.userId);
      if (!principal) return;
      const input = { userId: secondary.userId };
      if (next.kind === 'remove') await attempt((trx) => removeSecondary(trx, principal, input));
      if (next.kind === 'revoke') await attempt((trx) => revokeInvitation(trx, principal, input));
      if (next.kind === 'resend') {
        const done = await attempt((trx) => resendInvitation(trx, principal, input));
        if (done) secondary.token = done.invitation.token;
      }
      if (next.kind === 'attribute') {
        const { spaceId } = await db
          .selectFrom('users')
          .select('spaceId')
          .where('id', '=', principal.userId)
          .executeTakeFirstOrThrow();
        const sirets = (await siretsOf(spaceId!)).filter((_, i) => (next.mask >> i) & 1);
        await attempt((trx) =>
          setSecondarySirets(trx, principal, { userId: secondary.userId, sirets }),
        );
      }
      return;
    }
    case 'addSiret':
    case 'wrongCode': {
      const siret = validSiret();
      await createDossier(db, { siret, status: 'consultation' });
      const done = await attempt((trx) =>
        addSiret(trx, history.spaces[next.space].principal, {
          siret,
          unlockCode: next.kind === 'addSiret' ? UNLOCK_CODE : WRONG_UNLOCK_CODE,
          assignToAllSecondaries: next.kind === 'addSiret' && next.assignAll,
        }),
      );
      if (done) history.sirets.push(siret);
      return;
    }
    case 'lockOut': {
      const siret = validSiret();
      await createDossier(db, { siret, status: 'consultation' });
      for (let i = 0; i < MAX_FAILED_ATTEMPTS; i++) {
        await attempt((trx) =>
          addSiret(trx, history.spaces[next.space].principal, {
            siret,
            unlockCode: WRONG_UNLOCK_CODE,
            assignToAllSecondaries: false,
          }),
        );
      }
      return;
    }
    case 'deleteSiret': {
      const sirets = await siretsOf(history.spaces[next.space].spaceId);
      const siret = sirets[next.pick % Math.max(sirets.length, 1)];
      if (!siret) return;
      await attempt((trx) => deleteSiret(trx, history.spaces[next.space].principal, { siret }));
      return;
    }
    case 'addDossier': {
      const siret = history.sirets[next.pick % history.sirets.length]!;
      const done = await attempt(async (trx) =>
        addDossier(trx, history.admin, {
          reference: uniqueReference(),
          siret,
          kind: 'AT',
          status: next.status,
          unlockCodeHash: await unlockCodeHash(),
        }),
      );
      if (done) history.dossiers.push(done.dossier.id);
      return;
    }
    case 'dossierStatus': {
      const dossierId = history.dossiers[next.pick % history.dossiers.length]!;
      await attempt((trx) =>
        changeDossierStatus(trx, history.admin, { dossierId, status: next.status }),
      );
      return;
    }
    case 'expire':
      await attempt((trx) =>
        expireInvitations(trx, { now: new Date(Date.now() + 8 * 24 * 3600 * 1000) }),
      );
      return;
    case 'cede':
      await attempt((trx) =>
        cedeSirets(trx, history.spaces[0].principal, { email: history.spaces[1].email }),
      );
      return;
    case 'resetLocks':
      await attempt((trx) =>
        resetUserLocks(trx, history.admin, {
          userId: history.spaces[next.space].principal.userId,
        }),
      );
      return;
  }
}

function pickIndex(next: Command, length: number): number {
  return 'pick' in next && length > 0 ? next.pick % length : 0;
}

async function checkViewer(
  db: Kysely<Database>,
  history: History,
  userId: number,
  snapshots: readonly (Snapshot | null)[],
  heads: readonly Map<string, number>[],
): Promise<void> {
  const streams = new Map<string, StreamEvent[]>();
  const keyOf = (snapshot: Snapshot) =>
    snapshot.kind === 'admin' ? 'admin' : `space:${snapshot.spaceId}`;
  const streamOf = async (snapshot: Snapshot) => {
    const key = keyOf(snapshot);
    if (!streams.has(key)) streams.set(key, await readStream(db, key));
    return streams.get(key)!;
  };
  const joins = new Map<string, number>();
  const joinedAtOf = async (viewer: Viewer, key: string) => {
    if (!joins.has(key)) joins.set(key, await findJoinPosition(db, viewer));
    return joins.get(key)!;
  };
  const shown = new Set(snapshots.flatMap((snapshot) => (snapshot ? tokensOf(snapshot) : [])));
  for (const [i, from] of snapshots.entries()) {
    if (!from) continue;
    const viewer = viewerOf(from);
    const joinedAt = await joinedAtOf(viewer, viewKey(from));
    const stream = await streamOf(from);
    const projected = (after: number, upTo: number) =>
      stream
        .filter((e) => e.seq > after && e.seq <= upTo)
        .map((e) => projectEvent(e, viewer, joinedAt));

    // From this point to each later one of the same view.
    for (const to of snapshots.slice(i + 1)) {
      if (!to || viewKey(to) !== viewKey(from)) continue;
      const events = projected(from.lastEventId, to.lastEventId);
      if (events.some((e) => e.type === 'space.ceded')) break;
      const folded = events.reduce(applyEvent, from);
      expect(comparable(folded, history), `user ${userId}, from point ${i}`).toEqual(
        comparable(to, history),
      );
    }

    // The replay from the stream's start, up to what this view was sent live (the
    // events of the command after its last snapshot of this view included). Before
    // the viewer came into the space (for an invited secondary, when they accepted:
    // they could not connect before), all of it is `hidden`; from then on, nothing
    // in it is unknown to their snapshots.
    const lastOfView = snapshots.findLastIndex((s) => s !== null && viewKey(s) === viewKey(from));
    if (lastOfView !== i) continue;
    const endOfView = heads[Math.min(lastOfView + 1, heads.length - 1)]!;
    const sent = projected(0, endOfView.get(keyOf(from)) ?? 0);
    expect(sent.filter((e) => e.id < joinedAt && e.type !== 'hidden')).toEqual([]);
    for (const event of sent.filter((e) => e.type !== 'hidden')) {
      // An admin sees every actor whole (shared/visibility.ts): the id of an
      // actor whose e-mail their snapshots show names nobody new to them.
      const actor = event.actor;
      const known =
        viewer.role === 'admin' && actor?.id != null && shown.has(`email:${actor.email}`)
          ? `user:${actor.id}`
          : null;
      const unseen = tokensOf(event).filter((token) => !shown.has(token) && token !== known);
      expect(unseen, `user ${userId} received ${event.type} #${event.id}`).toEqual([]);
    }
  }
}

async function readStream(db: Kysely<Database>, stream: string): Promise<StreamEvent[]> {
  const rows = await db
    .selectFrom('events')
    .select([
      'seq',
      'type',
      'at',
      'data',
      'audience',
      'actorRole',
      'actorId',
      'actorEmail',
      'reason',
    ])
    .where('stream', '=', stream)
    .orderBy('seq')
    .execute();
  return rows.map(
    (row) =>
      recordOfRow({
        ...row,
        type: row.type as StoredEventType,
        at: new Date(row.at).toISOString(),
      }) as StreamEvent,
  );
}

function viewerOf(snapshot: Snapshot): Viewer {
  return {
    userId: snapshot.me.id,
    sessionId: 0,
    role: snapshot.me.role,
    spaceId: snapshot.kind === 'member' ? snapshot.spaceId : null,
  };
}

function viewKey(snapshot: Snapshot): string {
  return `${snapshot.kind}:${snapshot.me.role}:${snapshot.kind === 'member' ? snapshot.spaceId : ''}`;
}

/**
 * A snapshot with its lists in one order where the panel's order is not the
 * snapshot's (it appends what arrives), and, for an admin, only the rows of
 * this history: the admin stream and tables hold those of earlier runs too.
 * An admin's invitations are compared without their space: a cession moves
 * the ceded space's invitations to the receiving one, and no event of the
 * admin stream says so (their feed shows the former space until reloaded).
 */
function comparable(snapshot: Snapshot, history: History): unknown {
  if (snapshot.kind === 'admin') {
    return {
      ...snapshot,
      // Nor by its name (its principal's e-mail), which follows the space: a cession changes
      // it, and a ceded space's counters have no principal left to name it.
      invitations: byId(snapshot.invitations.filter((i) => history.spaceIds.has(i.spaceId))).map(
        ({ spaceId: _movedByCession, spaceName: _readByTheList, ...rest }) => rest,
      ),
      locks: byId(
        snapshot.locks.filter((lock) => lock.userId !== null && history.userIds.has(lock.userId)),
      ).map(({ spaceId: _readByTheList, spaceName: _named, ...rest }) => rest),
    };
  }
  return {
    ...snapshot,
    sirets: [...snapshot.sirets].sort((x, y) => (x.siret < y.siret ? -1 : 1)),
    dossiers: byId(snapshot.dossiers),
    invitations: byId(snapshot.invitations),
  };
}

function byId<T extends { id: number }>(items: readonly T[]): T[] {
  return [...items].sort((x, y) => x.id - y.id);
}

const ID_KINDS: Record<string, string> = {
  me: 'user',
  members: 'user',
  member: 'user',
  dossiers: 'dossier',
  dossier: 'dossier',
  invitations: 'invitation',
  invitation: 'invitation',
  locks: 'lock',
  lock: 'lock',
  actor: 'user',
};
const ID_KEYS: Record<string, string> = {
  userId: 'user',
  formerPrincipalId: 'user',
  online: 'user',
  dossierId: 'dossier',
  invitationId: 'invitation',
  lockId: 'lock',
};

/**
 * The e-mails, SIRETs and ids of users, dossiers, invitations and locks found
 * in a snapshot or an event. Space ids are left out: `space.ceded` names the
 * dissolved space to the receiving one, which shows it nowhere.
 */
function tokensOf(value: Snapshot | ServerEvent): string[] {
  const found: string[] = [];
  const walk = (node: unknown, key: string, parent: string) => {
    if (/^\d{14}$/.test(key)) found.push(`siret:${key}`);
    if (typeof node === 'string') {
      if (node.includes('@')) found.push(`email:${node}`);
      if (/^\d{14}$/.test(node)) found.push(`siret:${node}`);
    } else if (typeof node === 'number') {
      const kind = key === 'id' ? ID_KINDS[parent] : ID_KEYS[key];
      if (kind) found.push(`${kind}:${node}`);
    } else if (Array.isArray(node)) {
      for (const item of node) walk(item, key, parent);
    } else if (typeof node === 'object' && node !== null) {
      for (const [child, item] of Object.entries(node)) walk(item, child, key);
    }
  };
  walk(value, '', '');
  return found;
}
