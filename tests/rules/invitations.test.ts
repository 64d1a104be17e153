import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/schema.js';
import {
  findInvitationByToken,
  listInvitationViews,
  listLatestInvitationViews,
} from '../../server/db/queries/invitations.js';
import { ADMIN_STREAM, spaceStream } from '../../server/events/append-events.js';
import { acceptInvitation } from '../../server/rules/accept-invitation.js';
import { addSecondary } from '../../server/rules/add-secondary.js';
import { expireInvitations } from '../../server/rules/expire-invitations.js';
import { resendInvitation } from '../../server/rules/resend-invitation.js';
import { revokeInvitation } from '../../server/rules/revoke-invitation.js';
import { runRule } from '../../server/rules/run-rule.js';
import { hashToken } from '../../server/security/secrets.js';
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
  type SpaceFixture,
} from '../support/fixtures.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const PASSWORD_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo';

/** A pending secondary invited by the space's principal through the rule, at `now`. */
async function invite(db: Kysely<Database>, space: SpaceFixture, now?: Date) {
  const email = uniqueEmail('invitee');
  const result = await runRule(db, (trx) => addSecondary(trx, space.actor, { email, now }));
  const invitation = await db
    .selectFrom('invitations')
    .selectAll()
    .where('userId', '=', result.secondary.id)
    .executeTakeFirstOrThrow();
  return { ...result, userId: result.secondary.id, row: invitation };
}

async function heads(db: Kysely<Database>, spaceId: number) {
  return {
    space: await streamHead(db, spaceStream(spaceId)),
    admin: await streamHead(db, ADMIN_STREAM),
  };
}

describeOnEachDatabase('invitations', (getHandle) => {
  describe('acceptInvitation', () => {
    it('activates the account with its password and marks the invitation accepted', async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db);
      const invited = await invite(db, space);
      const before = await heads(db, space.spaceId);
      const now = new Date();

      const { user, events } = await runRule(db, (trx) =>
        acceptInvitation(trx, {
          token: invited.invitation.token,
          passwordHash: PASSWORD_HASH,
          now,
        }),
      );

      expect(user).toMatchObject({
        id: invited.userId,
        status: 'active',
        passwordHash: PASSWORD_HASH,
        role: 'secondary',
        spaceId: space.spaceId,
      });
      const row = await db
        .selectFrom('invitations')
        .selectAll()
        .where('id', '=', invited.row.id)
        .executeTakeFirstOrThrow();
      expect(row.status).toBe('accepted');
      expect(row.acceptedAt?.toISOString()).toBe(now.toISOString());
      const accepted = {
        invitationId: invited.row.id,
        userId: invited.userId,
        acceptedAt: now.toISOString(),
      };
      expect(await listEvents(db, spaceStream(space.spaceId), before.space)).toEqual([
        {
          stream: spaceStream(space.spaceId),
          seq: before.space + 1,
          type: 'secondary.status_changed',
          data: { userId: invited.userId, status: 'active' },
          audience: null,
        },
        {
          stream: spaceStream(space.spaceId),
          seq: before.space + 2,
          type: 'invitation.accepted',
          data: accepted,
          audience: [],
        },
      ]);
      expect(await listEvents(db, ADMIN_STREAM, before.admin)).toEqual([
        {
          stream: ADMIN_STREAM,
          seq: before.admin + 1,
          type: 'invitation.accepted',
          data: accepted,
          audience: null,
        },
      ]);
      expect(events).toHaveLength(3);
      expect(await findInvitationByToken(db, invited.invitation.token)).toBeUndefined();
    });

    it('serves once: a second acceptance is refused and changes nothing', async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db);
      const invited = await invite(db, space);
      const token = invited.invitation.token;
      await runRule(db, (trx) => acceptInvitation(trx, { token, passwordHash: PASSWORD_HASH }));
      await expectRefused(
        db,
        () => runRule(db, (trx) => acceptInvitation(trx, { token, passwordHash: 'other' })),
        'INVITATION_INVALID',
      );
    });

    it('accepts only once when the same link is used twice at the same moment', async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db);
      const { invitation } = await invite(db, space);
      const outcomes = await Promise.allSettled(
        ['first', 'second'].map((passwordHash) =>
          runRule(db, (trx) => acceptInvitation(trx, { token: invitation.token, passwordHash })),
        ),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({
        reason: { code: 'INVITATION_INVALID' },
      });
    });

    it('refuses an unknown token', async () => {
      const { db } = getHandle();
      await expectRefused(
        db,
        () =>
          runRule(db, (trx) =>
            acceptInvitation(trx, { token: 'A'.repeat(43), passwordHash: PASSWORD_HASH }),
          ),
        'INVITATION_INVALID',
      );
    });

    it('refuses an expired invitation, even one not yet marked expired', async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db);
      const { invitation, row } = await invite(db, space);
      const atExpiry = row.expiresAt;
      await expectRefused(
        db,
        () =>
          runRule(db, (trx) =>
            acceptInvitation(trx, {
              token: invitation.token,
              passwordHash: PASSWORD_HASH,
              now: atExpiry,
            }),
          ),
        'INVITATION_INVALID',
      );
      expect(await findInvitationByToken(db, invitation.token, atExpiry)).toBeUndefined();
    });

    it('refuses a revoked invitation and the invitation of a removed user', async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db);
      const revoked = await invite(db, space);
      await runRule(db, (trx) => revokeInvitation(trx, space.actor, { userId: revoked.userId }));
      const removed = await invite(db, space);
      // A removal made outside the rules: only the account's status says it.
      await markUserRemoved(db, removed.userId);
      for (const { invitation } of [revoked, removed]) {
        await expectRefused(
          db,
          () =>
            runRule(db, (trx) =>
              acceptInvitation(trx, { token: invitation.token, passwordHash: PASSWORD_HASH }),
            ),
          'INVITATION_INVALID',
        );
      }
    });

    it('writes the events in the space the invitee belongs to now', async () => {
      const { db } = getHandle();
      const from = await createPrincipalWithSpace(db);
      const to = await createPrincipalWithSpace(db);
      const invited = await invite(db, from);
      // What a cession does to a pending secondary and their invitation.
      await db
        .updateTable('users')
        .set({ spaceId: to.spaceId })
        .where('id', '=', invited.userId)
        .execute();
      await db
        .updateTable('invitations')
        .set({ spaceId: to.spaceId })
        .where('id', '=', invited.row.id)
        .execute();
      const { events } = await runRule(db, (trx) =>
        acceptInvitation(trx, { token: invited.invitation.token, passwordHash: PASSWORD_HASH }),
      );
      expect(events.map((e) => e.stream)).toEqual([
        spaceStream(to.spaceId),
        spaceStream(to.spaceId),
        ADMIN_STREAM,
      ]);
    });
  });

  describe('resendInvitation', () => {
    it('revokes the old link and issues a new one valid 7 days', async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db);
      const invited = await invite(db, space);
      const before = await heads(db, space.spaceId);
      const now = new Date('2026-04-01T08:00:00.000Z');

      const { invitation, events } = await runRule(db, (trx) =>
        resendInvitation(trx, space.actor, { userId: invited.userId, now }),
      );

      expect(invitation).toEqual({
        token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        email: invited.secondary.email,
        expiresAt: new Date(now.getTime() + 7 * DAY_MS).toISOString(),
        invitedBy: space.principal.email,
      });
      expect(invitation.token).not.toBe(invited.invitation.token);
      const rows = await db
        .selectFrom('invitations')
        .selectAll()
        .where('userId', '=', invited.userId)
        .orderBy('id')
        .execute();
      expect(rows.map((r) => r.status)).toEqual(['revoked', 'pending']);
      expect(rows[1]!.tokenHash).toBe(hashToken(invitation.token));
      expect(JSON.stringify(rows)).not.toContain(invitation.token);
      const newId = rows[1]!.id;

      const revoked = { invitationId: invited.row.id, userId: invited.userId };
      const spaceEvents = await listEvents(db, spaceStream(space.spaceId), before.space);
      expect(spaceEvents.map((e) => [e.type, e.audience])).toEqual([
        ['invitation.revoked', []],
        ['invitation.created', []],
      ]);
      expect(spaceEvents[0]!.data).toEqual(revoked);
      expect(spaceEvents[1]!.data).toMatchObject({
        invitation: { id: newId, status: 'pending', userId: invited.userId },
      });
      const adminEvents = await listEvents(db, ADMIN_STREAM, before.admin);
      // Support's copy names the space by its principal's e-mail, as support's lists do.
      const created = spaceEvents[1]!.data as { invitation: { invitedBy: string } };
      expect(adminEvents.map((e) => [e.type, e.audience, e.data])).toEqual([
        ['invitation.revoked', null, revoked],
        [
          'invitation.created',
          null,
          { invitation: { ...created.invitation, spaceName: created.invitation.invitedBy } },
        ],
      ]);
      expect(events).toHaveLength(4);

      // The old link is dead, the new one works.
      await expectRefused(
        db,
        () =>
          runRule(db, (trx) =>
            acceptInvitation(trx, { token: invited.invitation.token, passwordHash: PASSWORD_HASH }),
          ),
        'INVITATION_INVALID',
      );
      await runRule(db, (trx) =>
        acceptInvitation(trx, {
          token: invitation.token,
          passwordHash: PASSWORD_HASH,
          now: new Date(now.getTime() + DAY_MS),
        }),
      );
    });

    it('gives a new link to a secondary whose invitation expired', async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db);
      const invited = await invite(db, space, new Date(Date.now() - 8 * DAY_MS));
      await runRule(db, (trx) => expireInvitations(trx, {}));
      const { invitation, events } = await runRule(db, (trx) =>
        resendInvitation(trx, space.actor, { userId: invited.userId }),
      );
      expect(events.map((e) => e.type)).toEqual(['invitation.created', 'invitation.created']);
      expect(await findInvitationByToken(db, invitation.token)).toMatchObject({
        email: invited.secondary.email,
      });
    });

    it('refuses an active secondary with CONFLICT', async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db);
      const active = await createSecondary(db, space);
      await expectRefused(
        db,
        () => runRule(db, (trx) => resendInvitation(trx, space.actor, { userId: active.user.id })),
        'CONFLICT',
      );
    });

    it('refuses the secondary of another space, a principal, a removed or unknown user with NOT_FOUND', async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db);
      const other = await createPrincipalWithSpace(db);
      const stranger = await invite(db, other);
      const removed = await createSecondary(db, space, { status: 'pending' });
      await markUserRemoved(db, removed.user.id);
      for (const userId of [
        stranger.userId,
        other.principal.id,
        space.principal.id,
        removed.user.id,
        2 ** 31 - 1,
      ]) {
        await expectRefused(
          db,
          () => runRule(db, (trx) => resendInvitation(trx, space.actor, { userId })),
          'NOT_FOUND',
        );
      }
    });

    it('refuses a secondary and an admin with FORBIDDEN', async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db);
      const invited = await invite(db, space);
      const secondary = await createSecondary(db, space);
      const admin = await createAdmin(db);
      for (const actor of [secondary.actor, admin.actor]) {
        await expectRefused(
          db,
          () => runRule(db, (trx) => resendInvitation(trx, actor, { userId: invited.userId })),
          'FORBIDDEN',
        );
      }
    });
  });

  describe('revokeInvitation', () => {
    it('revokes the pending invitation and leaves the secondary pending', async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db);
      const invited = await invite(db, space);
      const before = await heads(db, space.spaceId);

      const { events } = await runRule(db, (trx) =>
        revokeInvitation(trx, space.actor, { userId: invited.userId }),
      );

      const row = await db
        .selectFrom('invitations')
        .select('status')
        .where('id', '=', invited.row.id)
        .executeTakeFirstOrThrow();
      expect(row.status).toBe('revoked');
      const user = await db
        .selectFrom('users')
        .select('status')
        .where('id', '=', invited.userId)
        .executeTakeFirstOrThrow();
      expect(user.status).toBe('pending');
      const data = { invitationId: invited.row.id, userId: invited.userId };
      expect(await listEvents(db, spaceStream(space.spaceId), before.space)).toEqual([
        {
          stream: spaceStream(space.spaceId),
          seq: before.space + 1,
          type: 'invitation.revoked',
          data,
          audience: [],
        },
      ]);
      expect(await listEvents(db, ADMIN_STREAM, before.admin)).toEqual([
        {
          stream: ADMIN_STREAM,
          seq: before.admin + 1,
          type: 'invitation.revoked',
          data,
          audience: null,
        },
      ]);
      expect(events).toHaveLength(2);
      expect(await findInvitationByToken(db, invited.invitation.token)).toBeUndefined();
    });

    it('refuses with NOT_FOUND when nothing is pending or the user is not of the space', async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db);
      const other = await createPrincipalWithSpace(db);
      const revoked = await invite(db, space);
      await runRule(db, (trx) => revokeInvitation(trx, space.actor, { userId: revoked.userId }));
      const active = await createSecondary(db, space);
      const stranger = await invite(db, other);
      for (const userId of [revoked.userId, active.user.id, stranger.userId]) {
        await expectRefused(
          db,
          () => runRule(db, (trx) => revokeInvitation(trx, space.actor, { userId })),
          'NOT_FOUND',
        );
      }
    });

    it('refuses a secondary with FORBIDDEN', async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db);
      const invited = await invite(db, space);
      const secondary = await createSecondary(db, space);
      await expectRefused(
        db,
        () =>
          runRule(db, (trx) => revokeInvitation(trx, secondary.actor, { userId: invited.userId })),
        'FORBIDDEN',
      );
    });
  });

  describe('expireInvitations', () => {
    it('marks the invitations whose link ran out as expired, once, with their events', async () => {
      const { db } = getHandle();
      const first = await createPrincipalWithSpace(db);
      const second = await createPrincipalWithSpace(db);
      const eightDaysAgo = new Date(Date.now() - 8 * DAY_MS);
      const old1 = await invite(db, first, eightDaysAgo);
      const old2 = await invite(db, second, eightDaysAgo);
      const fresh = await invite(db, first);
      const accepted = await invite(db, second, eightDaysAgo);
      await runRule(db, (trx) =>
        acceptInvitation(trx, {
          token: accepted.invitation.token,
          passwordHash: PASSWORD_HASH,
          now: new Date(eightDaysAgo.getTime() + DAY_MS),
        }),
      );
      const before1 = await heads(db, first.spaceId);
      const before2 = await heads(db, second.spaceId);

      const { expired, events } = await runRule(db, (trx) => expireInvitations(trx, {}));

      expect(expired).toBeGreaterThanOrEqual(2);
      const statuses = await db
        .selectFrom('invitations')
        .select(['id', 'status'])
        .where('id', 'in', [old1.row.id, old2.row.id, fresh.row.id, accepted.row.id])
        .orderBy('id')
        .execute();
      expect(statuses.map((s) => s.status)).toEqual(['expired', 'expired', 'pending', 'accepted']);
      // The users stay pending: the principal may send a new link.
      const users = await db
        .selectFrom('users')
        .select('status')
        .where('id', 'in', [old1.userId, old2.userId])
        .execute();
      expect(users.map((u) => u.status)).toEqual(['pending', 'pending']);

      expect(await listEvents(db, spaceStream(first.spaceId), before1.space)).toEqual([
        {
          stream: spaceStream(first.spaceId),
          seq: before1.space + 1,
          type: 'invitation.expired',
          data: { invitationId: old1.row.id, userId: old1.userId },
          audience: [],
        },
      ]);
      expect(await listEvents(db, spaceStream(second.spaceId), before2.space)).toEqual([
        {
          stream: spaceStream(second.spaceId),
          seq: before2.space + 1,
          type: 'invitation.expired',
          data: { invitationId: old2.row.id, userId: old2.userId },
          audience: [],
        },
      ]);
      const adminEvents = await listEvents(db, ADMIN_STREAM, before1.admin);
      expect(adminEvents.every((e) => e.type === 'invitation.expired' && e.audience === null)).toBe(
        true,
      );
      expect(adminEvents.map((e) => e.data)).toEqual(
        expect.arrayContaining([
          { invitationId: old1.row.id, userId: old1.userId },
          { invitationId: old2.row.id, userId: old2.userId },
        ]),
      );
      expect(events).toHaveLength(expired * 2);

      const again = await runRule(db, (trx) => expireInvitations(trx, {}));
      expect(again).toEqual({ events: [], expired: 0 });
    });

    it('expires an invitation exactly at its expiry time and not a moment before', async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db);
      // Ran out a minute ago: a `now` in the future would expire every other test's links.
      const invited = await invite(db, space, new Date(Date.now() - 7 * DAY_MS - 60_000));
      const expiresAt = invited.row.expiresAt;
      const justBefore = new Date(expiresAt.getTime() - 1);
      await runRule(db, (trx) => expireInvitations(trx, { now: justBefore }));
      const before = await db
        .selectFrom('invitations')
        .select('status')
        .where('id', '=', invited.row.id)
        .executeTakeFirstOrThrow();
      expect(before.status).toBe('pending');
      await runRule(db, (trx) => expireInvitations(trx, { now: expiresAt }));
      const after = await db
        .selectFrom('invitations')
        .select('status')
        .where('id', '=', invited.row.id)
        .executeTakeFirstOrThrow();
      expect(after.status).toBe('expired');
    });
  });

  describe('invitation queries', () => {
    it("lists each pending secondary's latest invitation, expired and revoked included, newest first", async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db);
      const other = await createPrincipalWithSpace(db);
      const weekAgo = new Date(Date.now() - 8 * DAY_MS);
      const expired = await invite(db, space, weekAgo);
      const resent = await invite(db, space, weekAgo);
      const older = await invite(db, space, new Date(Date.now() - DAY_MS));
      const accepted = await invite(db, space);
      const removed = await invite(db, space, weekAgo);
      await invite(db, other);
      await runRule(db, (trx) => expireInvitations(trx, {}));
      await runRule(db, (trx) =>
        acceptInvitation(trx, { token: accepted.invitation.token, passwordHash: PASSWORD_HASH }),
      );
      await markUserRemoved(db, removed.userId);
      const newer = await invite(db, space);
      const revoked = await invite(db, space);
      await runRule(db, (trx) => revokeInvitation(trx, space.actor, { userId: revoked.userId }));
      const { invitation: link } = await runRule(db, (trx) =>
        resendInvitation(trx, space.actor, { userId: resent.userId }),
      );

      const views = await listLatestInvitationViews(db, space.spaceId);
      const resentRow = await db
        .selectFrom('invitations')
        .select('id')
        .where('userId', '=', resent.userId)
        .where('status', '=', 'pending')
        .executeTakeFirstOrThrow();
      expect(views.map((v) => [v.id, v.status])).toEqual([
        [resentRow.id, 'pending'],
        [revoked.row.id, 'revoked'],
        [newer.row.id, 'pending'],
        [older.row.id, 'pending'],
        [expired.row.id, 'expired'],
      ]);
      expect(views[0]).toMatchObject({
        spaceId: space.spaceId,
        userId: resent.userId,
        email: resent.secondary.email,
        invitedBy: space.principal.email,
        expiresAt: link.expiresAt,
        acceptedAt: null,
      });
      // At most one row per secondary, hence at most one pending link each.
      expect(new Set(views.map((v) => v.userId)).size).toBe(views.length);
    });

    it("filters the admins' feed by status and by the invitee's or the sender's e-mail", async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db, { email: uniqueEmail('sender_q') });
      const invited = await invite(db, space);
      const accepted = await invite(db, space);
      await runRule(db, (trx) =>
        acceptInvitation(trx, { token: accepted.invitation.token, passwordHash: PASSWORD_HASH }),
      );
      const bySender = await listInvitationViews(db, { q: 'SENDER_Q', limit: 100 });
      expect(bySender.map((v) => v.id)).toEqual([accepted.row.id, invited.row.id]);
      const byInvitee = await listInvitationViews(db, {
        q: invited.secondary.email.toUpperCase(),
        limit: 100,
      });
      expect(byInvitee.map((v) => v.id)).toEqual([invited.row.id]);
      const acceptedOnly = await listInvitationViews(db, {
        q: space.principal.email,
        status: 'accepted',
        limit: 100,
      });
      expect(acceptedOnly.map((v) => [v.id, v.status])).toEqual([[accepted.row.id, 'accepted']]);
      expect(acceptedOnly[0]!.acceptedAt).not.toBeNull();
      const limited = await listInvitationViews(db, { limit: 1 });
      expect(limited).toHaveLength(1);
      // A `%` or `_` typed in the search box is a character, not a wildcard.
      expect(await listInvitationViews(db, { q: '%', limit: 100 })).toEqual([]);
    });

    it('describes a pending link to its invitee and nothing else', async () => {
      const { db } = getHandle();
      const space = await createPrincipalWithSpace(db);
      const invited = await invite(db, space);
      expect(await findInvitationByToken(db, invited.invitation.token)).toEqual({
        email: invited.secondary.email,
        invitedBy: space.principal.email,
        expiresAt: invited.invitation.expiresAt,
      });
      expect(await findInvitationByToken(db, 'B'.repeat(43))).toBeUndefined();
    });
  });
});
