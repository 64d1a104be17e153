import { expect, it } from 'vitest';
import { authenticateToken, createSession } from '../../server/auth/sessions.js';
import { ADMIN_STREAM, spaceStream } from '../../server/events/append-events.js';
import { acceptInvitation } from '../../server/rules/accept-invitation.js';
import { addSecondary } from '../../server/rules/add-secondary.js';
import { removeSecondary } from '../../server/rules/remove-secondary.js';
import { runRule } from '../../server/rules/run-rule.js';
import { describeOnEachDatabase } from '../support/databases.js';
import {
  createAdmin,
  createPrincipalWithSpace,
  createSecondary,
  expectRefused,
  listEvents,
  streamHead,
  uniqueEmail,
} from '../support/fixtures.js';

describeOnEachDatabase('removeSecondary', (getHandle) => {
  it('removes an active secondary: status, SIRETs and sessions go at once, the row stays', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db, { sirets: 2 });
    const secondary = await createSecondary(db, space, { sirets: space.sirets });
    const colleague = await createSecondary(db, space, { sirets: space.sirets });
    const first = await createSession(db, secondary.user.id);
    const second = await createSession(db, secondary.user.id);
    const colleagueSession = await createSession(db, colleague.user.id);
    const spaceHead = await streamHead(db, spaceStream(space.spaceId));
    const adminHead = await streamHead(db, ADMIN_STREAM);

    const result = await runRule(db, (trx) =>
      removeSecondary(trx, space.actor, { userId: secondary.user.id }),
    );

    const user = await db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', secondary.user.id)
      .executeTakeFirstOrThrow();
    expect(user.status).toBe('removed');
    expect(user.email).toBe(secondary.user.email);
    const attributions = await db
      .selectFrom('attributions')
      .select(['userId', 'siret'])
      .where('siret', 'in', space.sirets)
      .orderBy('siret')
      .execute();
    expect(attributions).toEqual(
      space.sirets.map((siret) => ({ userId: colleague.user.id, siret })),
    );
    const sessions = await db
      .selectFrom('sessions')
      .select(['id', 'revokedAt'])
      .where('id', 'in', [first.session.id, second.session.id, colleagueSession.session.id])
      .orderBy('id')
      .execute();
    expect(sessions.map((s) => s.revokedAt !== null)).toEqual([true, true, false]);
    expect(result.revokedSessionIds.sort()).toEqual([first.session.id, second.session.id].sort());
    expect(await authenticateToken(db, first.token)).toBeNull();
    expect(await authenticateToken(db, colleagueSession.token)).not.toBeNull();

    expect(await listEvents(db, spaceStream(space.spaceId), spaceHead)).toEqual([
      {
        stream: spaceStream(space.spaceId),
        seq: spaceHead + 1,
        type: 'secondary.removed',
        data: { userId: secondary.user.id },
        audience: null,
      },
    ]);
    expect(await streamHead(db, ADMIN_STREAM)).toBe(adminHead);
    expect(result.events).toHaveLength(1);
  });

  it('removes a pending secondary and revokes their invitation', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db);
    const { secondary, invitation } = await runRule(db, (trx) =>
      addSecondary(trx, space.actor, { email: uniqueEmail('invitee') }),
    );
    const row = await db
      .selectFrom('invitations')
      .select('id')
      .where('userId', '=', secondary.id)
      .executeTakeFirstOrThrow();
    const spaceHead = await streamHead(db, spaceStream(space.spaceId));
    const adminHead = await streamHead(db, ADMIN_STREAM);

    const { events } = await runRule(db, (trx) =>
      removeSecondary(trx, space.actor, { userId: secondary.id }),
    );

    const revoked = { invitationId: row.id, userId: secondary.id };
    expect(
      (await listEvents(db, spaceStream(space.spaceId), spaceHead)).map((e) => [
        e.type,
        e.data,
        e.audience,
      ]),
    ).toEqual([
      ['secondary.removed', { userId: secondary.id }, null],
      ['invitation.revoked', revoked, []],
    ]);
    expect(
      (await listEvents(db, ADMIN_STREAM, adminHead)).map((e) => [e.type, e.data, e.audience]),
    ).toEqual([['invitation.revoked', revoked, null]]);
    expect(events).toHaveLength(3);
    const status = await db
      .selectFrom('invitations')
      .select('status')
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(status.status).toBe('revoked');
    await expectRefused(
      db,
      () =>
        runRule(db, (trx) =>
          acceptInvitation(trx, { token: invitation.token, passwordHash: 'irrelevant' }),
        ),
      'INVITATION_INVALID',
    );
  });

  it('frees the e-mail of a removed secondary for a new invitation', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db);
    const other = await createPrincipalWithSpace(db);
    const secondary = await createSecondary(db, space);
    await runRule(db, (trx) => removeSecondary(trx, space.actor, { userId: secondary.user.id }));
    const { secondary: again } = await runRule(db, (trx) =>
      addSecondary(trx, other.actor, { email: secondary.user.email }),
    );
    expect(again.email).toBe(secondary.user.email);
  });

  it('refuses with NOT_FOUND a removed secondary, one of another space, a principal or an unknown id', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db);
    const other = await createPrincipalWithSpace(db);
    const removed = await createSecondary(db, space);
    await runRule(db, (trx) => removeSecondary(trx, space.actor, { userId: removed.user.id }));
    const stranger = await createSecondary(db, other);
    for (const userId of [
      removed.user.id,
      stranger.user.id,
      other.principal.id,
      space.principal.id,
      2 ** 31 - 1,
    ]) {
      await expectRefused(
        db,
        () => runRule(db, (trx) => removeSecondary(trx, space.actor, { userId })),
        'NOT_FOUND',
      );
    }
  });

  it('refuses a secondary, including removing themselves or a colleague, and an admin with FORBIDDEN', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db);
    const secondary = await createSecondary(db, space);
    const colleague = await createSecondary(db, space);
    const admin = await createAdmin(db);
    for (const [actor, userId] of [
      [secondary.actor, colleague.user.id],
      [secondary.actor, secondary.user.id],
      [admin.actor, secondary.user.id],
    ] as const) {
      await expectRefused(
        db,
        () => runRule(db, (trx) => removeSecondary(trx, actor, { userId })),
        'FORBIDDEN',
      );
    }
  });

  it('refuses the principal of another space, who may not even learn the user exists', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db);
    const other = await createPrincipalWithSpace(db);
    const secondary = await createSecondary(db, space);
    await expectRefused(
      db,
      () => runRule(db, (trx) => removeSecondary(trx, other.actor, { userId: secondary.user.id })),
      'NOT_FOUND',
    );
  });

  it('lets a removed secondary accept nothing and run no rule any more', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db);
    const secondary = await createSecondary(db, space);
    await runRule(db, (trx) => removeSecondary(trx, space.actor, { userId: secondary.user.id }));
    await expectRefused(
      db,
      () =>
        runRule(db, (trx) => removeSecondary(trx, secondary.actor, { userId: secondary.user.id })),
      'FORBIDDEN',
    );
  });
});
