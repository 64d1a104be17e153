import { describe, expect, it } from 'vitest';
import type { AdminSnapshot, MemberSnapshot } from '../../shared/events.js';
import { applyEvent } from '../../shared/panel-state.js';
import {
  SIRET_A,
  SIRET_B,
  SIRET_C,
  adminSnapshot,
  dossier,
  event,
  invitation,
  lock,
  member,
  principalSnapshot,
  secondarySnapshot,
} from './support/snapshots.js';

function asMember(state: unknown): MemberSnapshot {
  return state as MemberSnapshot;
}

function asAdmin(state: unknown): AdminSnapshot {
  return state as AdminSnapshot;
}

describe('applyEvent on a member view', () => {
  it('adds a SIRET with its dossiers and moves lastEventId to the event id', () => {
    const state = principalSnapshot();
    const next = asMember(
      applyEvent(
        state,
        event(6, 'siret.added', {
          siret: { siret: SIRET_C, addedAt: '2025-03-05T12:00:00.000Z' },
          dossiers: [dossier({ id: 7, siret: SIRET_C })],
        }),
      ),
    );
    expect(next.sirets.map((item) => item.siret)).toEqual([SIRET_A, SIRET_B, SIRET_C]);
    expect(next.dossiers.map((item) => item.id)).toEqual([1, 2, 7]);
    expect(next.lastEventId).toBe(6);
  });

  it('never changes the state it is given', () => {
    const state = principalSnapshot();
    const copy = structuredClone(state);
    applyEvent(state, event(6, 'siret.removed', { siret: SIRET_A }));
    expect(state).toEqual(copy);
  });

  it('removes a SIRET, its dossiers and every secondary attribution of it', () => {
    const next = asMember(
      applyEvent(principalSnapshot(), event(6, 'siret.removed', { siret: SIRET_A })),
    );
    expect(next.sirets.map((item) => item.siret)).toEqual([SIRET_B]);
    expect(next.dossiers.every((item) => item.siret !== SIRET_A)).toBe(true);
    expect(next.members.find((item) => item.id === 2)?.sirets).toEqual([]);
  });

  it('adds, updates and removes secondary users', () => {
    let state = principalSnapshot();
    state = asMember(
      applyEvent(
        state,
        event(6, 'secondary.added', {
          member: member({ id: 3, email: 'nouveau@exemple.fr', status: 'pending' }),
        }),
      ),
    );
    // The snapshot's order (principal first, then by e-mail), whatever the arrival order.
    const order = [...state.members].sort(
      (a, b) => a.role.localeCompare(b.role) || a.email.localeCompare(b.email),
    );
    expect(state.members).toEqual(order);
    expect(state.members.map((item) => item.id).sort()).toEqual([1, 2, 3]);
    state = asMember(
      applyEvent(state, event(7, 'secondary.status_changed', { userId: 3, status: 'active' })),
    );
    expect(state.members.find((item) => item.id === 3)?.status).toBe('active');
    state = asMember(applyEvent(state, event(8, 'secondary.removed', { userId: 3 })));
    expect(state.members.map((item) => item.id)).toEqual([1, 2]);
    expect(state.lastEventId).toBe(8);
  });

  it("updates a secondary's SIRETs in the principal's view", () => {
    const next = asMember(
      applyEvent(
        principalSnapshot(),
        event(6, 'secondary.sirets_changed', {
          userId: 2,
          sirets: [SIRET_A, SIRET_B],
          dossiers: [],
        }),
      ),
    );
    expect(next.members.find((item) => item.id === 2)?.sirets).toEqual([SIRET_A, SIRET_B]);
    expect(next.sirets.map((item) => item.siret)).toEqual([SIRET_A, SIRET_B]);
  });

  it('gives a secondary the SIRETs and dossiers attributed to them, and takes away the others', () => {
    let state = asMember(
      applyEvent(
        secondarySnapshot(),
        event(6, 'secondary.sirets_changed', {
          userId: 2,
          sirets: [SIRET_A, SIRET_B],
          dossiers: [dossier({ id: 9, siret: SIRET_B })],
        }),
      ),
    );
    expect(state.sirets.map((item) => item.siret)).toEqual([SIRET_A, SIRET_B]);
    expect(state.sirets[0]?.addedAt).toBe('2025-01-01T00:00:00.000Z');
    expect(state.dossiers.map((item) => item.id)).toEqual([1, 9]);
    state = asMember(
      applyEvent(
        state,
        event(7, 'secondary.sirets_changed', { userId: 2, sirets: [SIRET_B], dossiers: [] }),
      ),
    );
    expect(state.sirets.map((item) => item.siret)).toEqual([SIRET_B]);
    expect(state.dossiers.map((item) => item.id)).toEqual([9]);
  });

  it('adds a dossier of a SIRET in view and changes dossier statuses', () => {
    let state = secondarySnapshot();
    state = asMember(applyEvent(state, event(6, 'dossier.added', { dossier: dossier({ id: 3 }) })));
    state = asMember(
      applyEvent(state, event(7, 'dossier.added', { dossier: dossier({ id: 4, siret: SIRET_C }) })),
    );
    expect(state.dossiers.map((item) => item.id)).toEqual([1, 3]);
    state = asMember(
      applyEvent(
        state,
        event(8, 'dossier.status_changed', {
          dossierId: 3,
          siret: SIRET_A,
          status: 'consultation',
        }),
      ),
    );
    expect(state.dossiers.find((item) => item.id === 3)?.status).toBe('consultation');
  });

  it("keeps each pending secondary's latest invitation: created, resent, accepted, expired", () => {
    let state = principalSnapshot();
    state = asMember(
      applyEvent(
        state,
        event(6, 'invitation.created', { invitation: invitation({ id: 1, userId: 3 }) }),
      ),
    );
    state = asMember(
      applyEvent(
        state,
        event(7, 'invitation.created', { invitation: invitation({ id: 2, userId: 3 }) }),
      ),
    );
    expect(state.invitations.map((item) => item.id)).toEqual([2]);
    state = asMember(
      applyEvent(
        state,
        event(8, 'invitation.accepted', {
          invitationId: 2,
          userId: 3,
          acceptedAt: '2025-03-05T12:00:00.000Z',
        }),
      ),
    );
    expect(state.invitations).toEqual([]);
    state = asMember(
      applyEvent(state, event(9, 'invitation.created', { invitation: invitation({ id: 3 }) })),
    );
    state = asMember(
      applyEvent(state, event(10, 'invitation.expired', { invitationId: 3, userId: 3 })),
    );
    // The row shows the link ran out, until a new one is sent.
    expect(state.invitations.map((item) => [item.id, item.status])).toEqual([[3, 'expired']]);
    state = asMember(
      applyEvent(state, event(11, 'invitation.created', { invitation: invitation({ id: 4 }) })),
    );
    expect(state.invitations.map((item) => [item.id, item.status])).toEqual([[4, 'pending']]);
  });

  it('marks a revoked invitation, replaced by the next link, and forgets it with its secondary', () => {
    let state = principalSnapshot();
    state = asMember(
      applyEvent(
        state,
        event(6, 'invitation.created', { invitation: invitation({ id: 1, userId: 3 }) }),
      ),
    );
    state = asMember(
      applyEvent(state, event(7, 'invitation.revoked', { invitationId: 1, userId: 3 })),
    );
    expect(state.invitations.map((item) => [item.id, item.status])).toEqual([[1, 'revoked']]);
    // An event about an invitation the view does not hold changes nothing.
    const same = asMember(
      applyEvent(state, event(8, 'invitation.expired', { invitationId: 99, userId: 7 })),
    );
    expect(same.invitations).toBe(state.invitations);
    // Resent: the old link is revoked, then the new one takes its place.
    state = asMember(
      applyEvent(
        state,
        event(9, 'invitation.created', { invitation: invitation({ id: 2, userId: 3 }) }),
      ),
    );
    expect(state.invitations.map((item) => [item.id, item.status])).toEqual([[2, 'pending']]);
    state = asMember(applyEvent(state, event(10, 'secondary.removed', { userId: 3 })));
    state = asMember(
      applyEvent(state, event(11, 'invitation.revoked', { invitationId: 2, userId: 3 })),
    );
    expect(state.invitations).toEqual([]);
  });

  it("never lists invitations in a secondary's view", () => {
    const next = asMember(
      applyEvent(
        secondarySnapshot(),
        event(6, 'invitation.created', { invitation: invitation({ id: 1 }) }),
      ),
    );
    expect(next.invitations).toEqual([]);
  });

  it('replaces presence without counting the ephemeral event in lastEventId', () => {
    const next = asMember(
      applyEvent(principalSnapshot(), event(0, 'presence.changed', { online: [1, 2] })),
    );
    expect(next.online).toEqual([1, 2]);
    expect(next.lastEventId).toBe(5);
  });

  it('only moves the position on a hidden event', () => {
    const state = secondarySnapshot();
    const next = applyEvent(state, event(6, 'hidden', {}));
    expect(next).toEqual({ ...state, lastEventId: 6 });
  });
});

describe('applyEvent on an admin view', () => {
  it('prepends new invitations and updates their status in the feed', () => {
    let state = adminSnapshot();
    state = asAdmin(
      applyEvent(
        state,
        event(4, 'invitation.created', { invitation: invitation({ id: 2, spaceId: 11 }) }),
      ),
    );
    expect(state.invitations.map((item) => item.id)).toEqual([2, 1]);
    state = asAdmin(
      applyEvent(
        state,
        event(5, 'invitation.accepted', {
          invitationId: 2,
          userId: 3,
          acceptedAt: '2025-03-05T12:00:00.000Z',
        }),
      ),
    );
    expect(state.invitations[0]).toMatchObject({
      status: 'accepted',
      acceptedAt: '2025-03-05T12:00:00.000Z',
    });
    state = asAdmin(
      applyEvent(state, event(6, 'invitation.revoked', { invitationId: 1, userId: 3 })),
    );
    expect(state.invitations[1]?.status).toBe('revoked');
    state = asAdmin(
      applyEvent(state, event(7, 'invitation.expired', { invitationId: 2, userId: 3 })),
    );
    expect(state.invitations[0]?.status).toBe('expired');
  });

  it('adds and lifts locks', () => {
    let state = asAdmin(
      applyEvent(
        adminSnapshot(),
        event(4, 'lock.locked', { lock: lock({ id: 2, scope: 'cession' }) }),
      ),
    );
    expect(state.locks.map((item) => item.id)).toEqual([2, 1]);
    state = asAdmin(applyEvent(state, event(5, 'lock.reset', { lockId: 1 })));
    expect(state.locks.map((item) => item.id)).toEqual([2]);
  });
});
