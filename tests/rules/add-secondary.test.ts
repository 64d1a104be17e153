import { expect, it } from 'vitest';
import { addSecondary } from '../../server/rules/add-secondary.js';
import { runRule } from '../../server/rules/run-rule.js';
import { ADMIN_STREAM, spaceStream } from '../../server/events/append-events.js';
import { hashToken } from '../../server/security/secrets.js';
import { findInvitationByToken } from '../../server/db/queries/invitations.js';
import { describeOnEachDatabase } from '../support/databases.js';
import {
  createAdmin,
  createPrincipalWithSpace,
  createSecondary,
  expectRefused,
  listEvents,
  markUserRemoved,
  streamHead,
  uniqueEmail,
} from '../support/fixtures.js';

const DAY_MS = 24 * 60 * 60 * 1000;

describeOnEachDatabase('addSecondary', (getHandle) => {
  it('creates a pending secondary with an invitation valid 7 days and writes its events', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db);
    const email = uniqueEmail('invitee');
    const now = new Date('2026-03-02T09:00:00.000Z');
    const spaceHead = await streamHead(db, spaceStream(space.spaceId));
    const adminHead = await streamHead(db, ADMIN_STREAM);

    const result = await runRule(db, (trx) => addSecondary(trx, space.actor, { email, now }));

    const user = await db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect(user).toMatchObject({
      role: 'secondary',
      status: 'pending',
      passwordHash: null,
      spaceId: space.spaceId,
    });
    expect(result.secondary).toEqual({ id: user.id, email, status: 'pending', sirets: [] });
    const expiresAt = new Date(now.getTime() + 7 * DAY_MS).toISOString();
    expect(result.invitation).toEqual({
      token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      email,
      expiresAt,
      invitedBy: space.principal.email,
    });

    const invitations = await db
      .selectFrom('invitations')
      .selectAll()
      .where('userId', '=', user.id)
      .execute();
    expect(invitations).toHaveLength(1);
    const invitation = invitations[0]!;
    expect(invitation).toMatchObject({
      spaceId: space.spaceId,
      email,
      invitedById: space.principal.id,
      status: 'pending',
      acceptedAt: null,
      tokenHash: hashToken(result.invitation.token),
    });
    expect(invitation.expiresAt.toISOString()).toBe(expiresAt);

    const view = {
      id: invitation.id,
      spaceId: space.spaceId,
      userId: user.id,
      email,
      invitedBy: space.principal.email,
      status: 'pending',
      createdAt: now.toISOString(),
      expiresAt,
      acceptedAt: null,
    };
    expect(await listEvents(db, spaceStream(space.spaceId), spaceHead)).toEqual([
      {
        stream: spaceStream(space.spaceId),
        seq: spaceHead + 1,
        type: 'secondary.added',
        data: {
          member: { id: user.id, email, role: 'secondary', status: 'pending', sirets: [] },
        },
        audience: null,
      },
      {
        stream: spaceStream(space.spaceId),
        seq: spaceHead + 2,
        type: 'invitation.created',
        data: { invitation: view },
        audience: [],
      },
    ]);
    // Support's copy names the space by its principal's e-mail, as its lists do.
    expect(await listEvents(db, ADMIN_STREAM, adminHead)).toEqual([
      {
        stream: ADMIN_STREAM,
        seq: adminHead + 1,
        type: 'invitation.created',
        data: { invitation: { ...view, spaceName: space.principal.email } },
        audience: null,
      },
    ]);
    expect(result.events.map((e) => [e.stream, e.type, e.seq])).toEqual([
      [spaceStream(space.spaceId), 'secondary.added', spaceHead + 1],
      [spaceStream(space.spaceId), 'invitation.created', spaceHead + 2],
      [ADMIN_STREAM, 'invitation.created', adminHead + 1],
    ]);
  });

  it('stores the hash of the invitation token, never the token', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db);
    const { invitation } = await runRule(db, (trx) =>
      addSecondary(trx, space.actor, { email: uniqueEmail('invitee') }),
    );
    const rows = await db.selectFrom('invitations').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(invitation.token);
    const events = await db.selectFrom('events').select('data').execute();
    expect(JSON.stringify(events)).not.toContain(invitation.token);
    expect(await findInvitationByToken(db, invitation.token)).toEqual({
      email: invitation.email,
      invitedBy: space.principal.email,
      expiresAt: invitation.expiresAt,
    });
  });

  it('refuses an e-mail already used in another space, as principal or secondary, or by an admin', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db);
    const other = await createPrincipalWithSpace(db);
    const otherSecondary = await createSecondary(db, other, { status: 'pending' });
    const admin = await createAdmin(db);
    for (const email of [
      other.principal.email,
      otherSecondary.user.email,
      admin.user.email,
      space.principal.email,
    ]) {
      await expectRefused(
        db,
        () => runRule(db, (trx) => addSecondary(trx, space.actor, { email })),
        'EMAIL_ALREADY_USED',
      );
    }
  });

  it('refuses an e-mail already used by a secondary of the same space', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db);
    const email = uniqueEmail('invitee');
    await runRule(db, (trx) => addSecondary(trx, space.actor, { email }));
    await expectRefused(
      db,
      () => runRule(db, (trx) => addSecondary(trx, space.actor, { email })),
      'EMAIL_ALREADY_USED',
    );
  });

  it('accepts the e-mail of a removed account again', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db);
    const removed = await createSecondary(db, space);
    await markUserRemoved(db, removed.user.id);
    const { secondary } = await runRule(db, (trx) =>
      addSecondary(trx, space.actor, { email: removed.user.email }),
    );
    expect(secondary.id).not.toBe(removed.user.id);
    expect(secondary.status).toBe('pending');
  });

  it('refuses a secondary user with FORBIDDEN and changes nothing', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db);
    const secondary = await createSecondary(db, space);
    await expectRefused(
      db,
      () => runRule(db, (trx) => addSecondary(trx, secondary.actor, { email: uniqueEmail('x') })),
      'FORBIDDEN',
    );
  });

  it('refuses an admin and a pending secondary with FORBIDDEN', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db);
    const pending = await createSecondary(db, space, { status: 'pending' });
    const admin = await createAdmin(db);
    for (const actor of [pending.actor, admin.actor]) {
      await expectRefused(
        db,
        () => runRule(db, (trx) => addSecondary(trx, actor, { email: uniqueEmail('x') })),
        'FORBIDDEN',
      );
    }
  });

  it('gives an e-mail to one space only when two principals add it at once', async () => {
    const { db } = getHandle();
    const first = await createPrincipalWithSpace(db);
    const second = await createPrincipalWithSpace(db);
    const email = uniqueEmail('contested');
    const outcomes = await Promise.allSettled([
      runRule(db, (trx) => addSecondary(trx, first.actor, { email })),
      runRule(db, (trx) => addSecondary(trx, second.actor, { email })),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const rejected = outcomes.find((o) => o.status === 'rejected');
    expect((rejected as PromiseRejectedResult).reason).toMatchObject({
      code: 'EMAIL_ALREADY_USED',
    });
    const users = await db.selectFrom('users').select('id').where('email', '=', email).execute();
    expect(users).toHaveLength(1);
    const invitations = await db
      .selectFrom('invitations')
      .select('id')
      .where('email', '=', email)
      .execute();
    expect(invitations).toHaveLength(1);
  });
});
