/**
 * Where each member came into their space's stream, read from the stored
 * events: an invitation, a cession naming them, or a chain of cessions that
 * carried the space they were in.
 */
import { expect, it } from 'vitest';
import type { StoredEvent } from '../../server/events/append-events.js';
import { findJoinPosition } from '../../server/realtime/join-position.js';
import type { Viewer } from '../../server/realtime/rooms.js';
import { acceptInvitation } from '../../server/rules/accept-invitation.js';
import { addSecondary } from '../../server/rules/add-secondary.js';
import { cedeSirets } from '../../server/rules/cede-sirets.js';
import type { Actor } from '../../server/rules/actor.js';
import { removeSecondary } from '../../server/rules/remove-secondary.js';
import { runRule } from '../../server/rules/run-rule.js';
import { describeOnEachDatabase } from '../support/databases.js';
import {
  createAdmin,
  createPrincipalWithSpace,
  createSecondary,
  passwordHash,
  uniqueEmail,
} from '../support/fixtures.js';

function member(userId: number, spaceId: number, role: Viewer['role'] = 'secondary'): Viewer {
  return { userId, sessionId: 0, role, spaceId };
}

describeOnEachDatabase('the join position of a member', (getHandle) => {
  it('is the acceptance of the last invitation of an invited member, and 0 for the founding principal', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db);
    const add = (email: string) => runRule(db, (trx) => addSecondary(trx, space.actor, { email }));
    const accept = async (token: string) => {
      const { events } = await runRule(db, async (trx) =>
        acceptInvitation(trx, { token, passwordHash: await passwordHash() }),
      );
      return events.find((e) => e.type === 'secondary.status_changed')!.seq;
    };
    const invite = async (email: string) => {
      const { secondary, invitation } = await add(email);
      return { id: secondary.id, joinedAt: await accept(invitation.token) };
    };
    const first = await invite(uniqueEmail('first'));
    const email = uniqueEmail('back');
    const gone = await invite(email);
    await runRule(db, (trx) => removeSecondary(trx, space.actor, { userId: gone.id }));
    const back = await invite(email);
    // Invited, then someone else is invited and removed before the first accepts: the
    // pending period is none of theirs (they could not connect before accepting).
    const late = await add(uniqueEmail('late'));
    const passing = await add(uniqueEmail('passing'));
    await runRule(db, (trx) => removeSecondary(trx, space.actor, { userId: passing.secondary.id }));
    const lateJoinedAt = await accept(late.invitation.token);

    expect(await findJoinPosition(db, member(first.id, space.spaceId))).toBe(first.joinedAt);
    expect(await findJoinPosition(db, member(back.id, space.spaceId))).toBe(back.joinedAt);
    expect(back.joinedAt).toBeGreaterThan(first.joinedAt);
    expect(await findJoinPosition(db, member(late.secondary.id, space.spaceId))).toBe(lateJoinedAt);
    expect(await findJoinPosition(db, member(space.principal.id, space.spaceId, 'principal'))).toBe(
      0,
    );
  });

  it('is the cession that brought them for every member of a ceded space, through a chain of cessions', async () => {
    const { db } = getHandle();
    const o = await createPrincipalWithSpace(db);
    const f = await createPrincipalWithSpace(db);
    const g = await createPrincipalWithSpace(db);
    // A secondary of G (who accepts) and one of F (still pending: they move all the same).
    const { secondary: g1, invitation } = await runRule(db, (trx) =>
      addSecondary(trx, g.actor, { email: uniqueEmail('g1') }),
    );
    await runRule(db, async (trx) =>
      acceptInvitation(trx, { token: invitation.token, passwordHash: await passwordHash() }),
    );
    const { secondary: f1 } = await runRule(db, (trx) =>
      addSecondary(trx, f.actor, { email: uniqueEmail('f1') }),
    );
    const cede = async (from: Actor, toEmail: string): Promise<StoredEvent[]> =>
      (await runRule(db, (trx) => cedeSirets(trx, from, { email: toEmail }))).events;
    await cede(g.actor, f.principal.email);
    const intoO = (await cede(f.actor, o.principal.email)).find(
      (e) => e.stream === `space:${o.spaceId}`,
    )!;
    // Someone invited into O afterwards joined later still.
    const { events: later } = await runRule(db, (trx) =>
      addSecondary(trx, o.actor, { email: uniqueEmail('later') }),
    );
    const laterAdded = later.find((e) => e.type === 'secondary.added')!;

    const cameWithF = [g1.id, g.principal.id, f.principal.id, f1.id];
    const positions = await Promise.all(
      cameWithF.map((id) => findJoinPosition(db, member(id, o.spaceId))),
    );
    expect(positions).toEqual(cameWithF.map(() => intoO.seq));
    expect(intoO.seq).toBeGreaterThan(0);
    if (laterAdded.type !== 'secondary.added') throw new Error('unreachable');
    expect(await findJoinPosition(db, member(laterAdded.data.member.id, o.spaceId))).toBe(
      laterAdded.seq,
    );
    // The principal who received both spaces saw their own space from its start.
    expect(await findJoinPosition(db, member(o.principal.id, o.spaceId, 'principal'))).toBe(0);
  });

  it('is 0 for an admin and for a member no event names', async () => {
    const { db } = getHandle();
    const space = await createPrincipalWithSpace(db);
    const written = await createSecondary(db, space);
    const admin = await createAdmin(db);
    expect(await findJoinPosition(db, member(written.user.id, space.spaceId))).toBe(0);
    expect(
      await findJoinPosition(db, {
        userId: admin.user.id,
        role: 'admin',
        spaceId: null,
      }),
    ).toBe(0);
  });
});
