/**
 * A cession put back (docs/domain.md rule 1, « Undoing a cession »), on both
 * databases: support's undo with its reason, the receiving principal's
 * refusal within 7 days, what later changes leave behind, and support making
 * another member principal. The invariants hold after each.
 */
import { expect, it } from 'vitest';
import { spaceStream } from '../../server/events/append-events.js';
import type { Actor } from '../../server/rules/actor.js';
import { cedeSirets } from '../../server/rules/cede-sirets.js';
import { changePrincipal } from '../../server/rules/change-principal.js';
import { deleteSiret } from '../../server/rules/delete-siret.js';
import { removeSecondary } from '../../server/rules/remove-secondary.js';
import { refuseCession, undoCession } from '../../server/rules/revert-cession.js';
import { runRule } from '../../server/rules/run-rule.js';
import { setSecondarySirets } from '../../server/rules/set-secondary-sirets.js';
import { describeOnEachDatabase } from '../support/databases.js';
import {
  createAdmin,
  createPrincipalWithSpace,
  createSecondary,
  expectRefusedWithoutChange,
  listEvents,
  streamHead,
  type SpaceFixture,
} from '../support/fixtures.js';
import { checkInvariants } from '../support/invariants.js';

const DAY_MS = 24 * 3_600_000;

describeOnEachDatabase('putting a cession back', (getHandle) => {
  const db = () => getHandle().db;

  async function cede(from: SpaceFixture, to: SpaceFixture): Promise<number> {
    const { cessionId } = await runRule(db(), (trx) =>
      cedeSirets(trx, from.actor, { email: to.principal.email }),
    );
    return cessionId;
  }

  async function undo(agent: Actor, cessionId: number, confirmPartial = false) {
    return runRule(db(), (trx) =>
      undoCession(trx, agent, {
        cessionId,
        reason: 'Erreur de saisie (appel 3679)',
        confirmPartial,
      }),
    );
  }

  async function placeOf(userId: number) {
    return db()
      .selectFrom('users')
      .select(['role', 'status', 'spaceId'])
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
  }

  async function attributionsOf(userId: number): Promise<string[]> {
    const rows = await db()
      .selectFrom('attributions')
      .select('siret')
      .where('userId', '=', userId)
      .orderBy('siret')
      .execute();
    return rows.map((row) => row.siret);
  }

  async function siretsOf(spaceId: number): Promise<string[]> {
    const rows = await db()
      .selectFrom('sirets')
      .select('siret')
      .where('spaceId', '=', spaceId)
      .orderBy('siret')
      .execute();
    return rows.map((row) => row.siret);
  }

  /** A space with two SIRETs, an active secondary holding the first, a pending one holding the second. */
  async function cededSpace() {
    const from = await createPrincipalWithSpace(db(), { sirets: 2 });
    const to = await createPrincipalWithSpace(db());
    const active = await createSecondary(db(), from, { sirets: [from.sirets[0]!] });
    const pending = await createSecondary(db(), from, {
      status: 'pending',
      sirets: [from.sirets[1]!],
    });
    const cessionId = await cede(from, to);
    return { from, to, active, pending, cessionId };
  }

  it('puts everything back as it was, by support with a reason told to both spaces', async () => {
    const agent = await createAdmin(db());
    const { from, to, active, pending, cessionId } = await cededSpace();
    // Meanwhile the receiver gave the moved secondary one of their own SIRETs too.
    await runRule(db(), (trx) =>
      setSecondarySirets(trx, to.actor, {
        userId: active.user.id,
        sirets: [from.sirets[0]!, to.sirets[0]!],
      }),
    );
    const toHead = await streamHead(db(), spaceStream(to.spaceId));

    await undo(agent.actor, cessionId);

    expect(await siretsOf(from.spaceId)).toEqual(from.sirets);
    expect(await siretsOf(to.spaceId)).toEqual(to.sirets);
    expect(await placeOf(from.principal.id)).toEqual({
      role: 'principal',
      status: 'active',
      spaceId: from.spaceId,
    });
    expect((await placeOf(active.user.id)).spaceId).toBe(from.spaceId);
    expect(await placeOf(pending.user.id)).toMatchObject({
      status: 'pending',
      spaceId: from.spaceId,
    });
    expect(await attributionsOf(active.user.id)).toEqual([from.sirets[0]]);
    expect(await attributionsOf(pending.user.id)).toEqual([from.sirets[1]]);
    expect(await attributionsOf(from.principal.id)).toEqual([]);
    const invitation = await db()
      .selectFrom('invitations')
      .select(['spaceId', 'status'])
      .where('id', '=', pending.invitation!.id)
      .executeTakeFirstOrThrow();
    expect(invitation).toEqual({ spaceId: from.spaceId, status: 'pending' });
    const space = await db()
      .selectFrom('spaces')
      .select('dissolvedAt')
      .where('id', '=', from.spaceId)
      .executeTakeFirstOrThrow();
    expect(space.dissolvedAt).toBeNull();

    const [told] = await listEvents(db(), spaceStream(to.spaceId), toHead);
    expect(told).toMatchObject({
      type: 'space.cession_reverted',
      audience: null,
      data: {
        cessionId,
        how: 'undone',
        formerPrincipalEmail: from.principal.email,
        toPrincipalEmail: to.principal.email,
        sirets: from.sirets,
        secondaryCount: 2,
        missingSirets: [],
        missingMembers: [],
      },
    });
    const stored = await db()
      .selectFrom('events')
      .select(['actorRole', 'actorEmail', 'reason'])
      .where('stream', '=', spaceStream(from.spaceId))
      .where('type', '=', 'space.cession_reverted')
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({
      actorRole: 'support',
      actorEmail: agent.user.email,
      reason: 'Erreur de saisie (appel 3679)',
    });
    expect(await checkInvariants(db())).toEqual([]);

    await expectRefusedWithoutChange(
      db(),
      () => undo(agent.actor, cessionId),
      'CESSION_ALREADY_REVERTED',
    );
  });

  it('names what cannot come back and does the rest only once confirmed', async () => {
    const agent = await createAdmin(db());
    const { from, to, active, pending, cessionId } = await cededSpace();
    await runRule(db(), (trx) => deleteSiret(trx, to.actor, { siret: from.sirets[1]! }));
    await runRule(db(), (trx) => removeSecondary(trx, to.actor, { userId: active.user.id }));

    const refusal = await undo(agent.actor, cessionId).catch((error: Error) => error);
    expect(refusal).toMatchObject({ code: 'CESSION_REVERT_PARTIAL' });
    expect((refusal as Error).message).toContain(
      `le SIRET ${from.sirets[1]!.replace(/^(\d{3})(\d{3})(\d{3})(\d{5})$/, '$1 $2 $3 $4')} (supprimé ou cédé depuis)`,
    );
    expect((refusal as Error).message).toContain(
      `${active.user.email} (supprimé de l'espace depuis)`,
    );
    expect(await placeOf(from.principal.id)).toMatchObject({ spaceId: to.spaceId });

    await undo(agent.actor, cessionId, true);
    expect(await siretsOf(from.spaceId)).toEqual([from.sirets[0]]);
    expect(await placeOf(from.principal.id)).toMatchObject({
      role: 'principal',
      spaceId: from.spaceId,
    });
    expect(await placeOf(pending.user.id)).toMatchObject({ spaceId: from.spaceId });
    expect(await placeOf(active.user.id)).toMatchObject({ status: 'removed' });
    expect(await attributionsOf(pending.user.id)).toEqual([]);
    const event = await db()
      .selectFrom('events')
      .select('data')
      .where('stream', '=', spaceStream(from.spaceId))
      .where('type', '=', 'space.cession_reverted')
      .executeTakeFirstOrThrow();
    expect(event.data).toMatchObject({
      sirets: [from.sirets[0]],
      secondaryCount: 1,
      missingSirets: [from.sirets[1]],
      missingMembers: [active.user.email],
    });
    expect(await checkInvariants(db())).toEqual([]);
  });

  it('refuses while the receiving space has ceded on, and undoes the later cession first', async () => {
    const agent = await createAdmin(db());
    const { from, to, cessionId } = await cededSpace();
    const third = await createPrincipalWithSpace(db());
    const laterId = await cede(to, third);

    await expectRefusedWithoutChange(
      db(),
      () => undo(agent.actor, cessionId, true),
      'CESSION_REVERT_IMPOSSIBLE',
    );
    await undo(agent.actor, laterId);
    await undo(agent.actor, cessionId);
    expect(await siretsOf(from.spaceId)).toEqual(from.sirets);
    expect(await siretsOf(to.spaceId)).toEqual(to.sirets);
    expect(await siretsOf(third.spaceId)).toEqual(third.sirets);
    expect(await checkInvariants(db())).toEqual([]);
  });

  it('refuses nothing back when the former principal left the receiving space', async () => {
    const agent = await createAdmin(db());
    const { from, to, cessionId } = await cededSpace();
    await runRule(db(), (trx) => removeSecondary(trx, to.actor, { userId: from.principal.id }));
    const refusal = await undo(agent.actor, cessionId, true).catch((error: Error) => error);
    expect(refusal).toMatchObject({ code: 'CESSION_REVERT_IMPOSSIBLE' });
    expect((refusal as Error).message).toContain(from.principal.email);
  });

  it('lets the receiving principal refuse within 7 days, and no one else', async () => {
    const { from, to, active, cessionId } = await cededSpace();
    const stranger = await createPrincipalWithSpace(db());
    const refuse = (actor: Actor, now?: Date) =>
      runRule(db(), (trx) =>
        refuseCession(trx, actor, { cessionId, confirmPartial: false }, now ?? new Date()),
      );

    await expectRefusedWithoutChange(db(), () => refuse(stranger.actor), 'NOT_FOUND');
    await expectRefusedWithoutChange(db(), () => refuse(active.actor), 'FORBIDDEN');
    await expectRefusedWithoutChange(db(), () => refuse(from.actor), 'FORBIDDEN');
    await expectRefusedWithoutChange(
      db(),
      () => refuse(to.actor, new Date(Date.now() + 8 * DAY_MS)),
      'CESSION_REFUSAL_CLOSED',
    );

    await refuse(to.actor);
    expect(await siretsOf(from.spaceId)).toEqual(from.sirets);
    expect(await placeOf(from.principal.id)).toMatchObject({
      role: 'principal',
      spaceId: from.spaceId,
    });
    const stored = await db()
      .selectFrom('events')
      .select(['actorRole', 'actorEmail', 'data'])
      .where('stream', '=', spaceStream(to.spaceId))
      .where('type', '=', 'space.cession_reverted')
      .executeTakeFirstOrThrow();
    expect(stored).toMatchObject({
      actorRole: 'principal',
      actorEmail: to.principal.email,
      data: { how: 'refused' },
    });
    expect(await checkInvariants(db())).toEqual([]);
  });

  it('makes an active secondary the principal, the former one a secondary with no SIRET', async () => {
    const agent = await createAdmin(db());
    const space = await createPrincipalWithSpace(db(), { sirets: 2 });
    const chosen = await createSecondary(db(), space, { sirets: [space.sirets[0]!] });
    const pending = await createSecondary(db(), space, { status: 'pending' });
    const other = await createPrincipalWithSpace(db());
    const otherSecondary = await createSecondary(db(), other);
    const change = (userId: number, spaceId = space.spaceId) =>
      runRule(db(), (trx) =>
        changePrincipal(trx, agent.actor, { spaceId, userId, reason: 'Départ du titulaire' }),
      );

    for (const userId of [pending.user.id, otherSecondary.user.id, space.principal.id]) {
      await expectRefusedWithoutChange(db(), () => change(userId), 'PRINCIPAL_CANDIDATE_INVALID');
    }
    await expectRefusedWithoutChange(db(), () => change(chosen.user.id, 2 ** 31 - 1), 'NOT_FOUND');
    await expectRefusedWithoutChange(
      db(),
      () =>
        runRule(db(), (trx) =>
          changePrincipal(trx, space.actor, {
            spaceId: space.spaceId,
            userId: chosen.user.id,
            reason: 'moi',
          }),
        ),
      'FORBIDDEN',
    );

    await change(chosen.user.id);
    expect(await placeOf(chosen.user.id)).toMatchObject({
      role: 'principal',
      spaceId: space.spaceId,
    });
    expect(await placeOf(space.principal.id)).toMatchObject({
      role: 'secondary',
      status: 'active',
    });
    expect(await attributionsOf(chosen.user.id)).toEqual([]);
    expect(await attributionsOf(space.principal.id)).toEqual([]);
    const [event] = await listEvents(
      db(),
      spaceStream(space.spaceId),
      (await streamHead(db(), spaceStream(space.spaceId))) - 1,
    );
    expect(event).toMatchObject({
      type: 'space.principal_changed',
      data: {
        principalId: chosen.user.id,
        principalEmail: chosen.user.email,
        formerPrincipalId: space.principal.id,
      },
    });
    expect(await checkInvariants(db())).toEqual([]);
  });
});
