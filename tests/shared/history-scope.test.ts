import { describe, expect, it } from 'vitest';
import type { ActorView, EventPayloads, EventType, ServerEvent } from '../../shared/events.js';
import { isInHistoryOf, isUnreadHistoryChange } from '../../shared/history-scope.js';

const PRINCIPAL = { id: 1, role: 'principal' } as const;
const SECONDARY = { id: 2, role: 'secondary' } as const;
const ADMIN = { id: 9, role: 'admin' } as const;
const BY_PRINCIPAL: ActorView = { id: 1, email: 'principal@exemple.fr', role: 'principal' };
const BY_SECONDARY: ActorView = { id: 2, email: 'secondaire@exemple.fr', role: 'secondary' };
const BY_SYSTEM: ActorView = { id: null, email: null, role: 'system' };

function event<T extends EventType>(
  type: T,
  data: EventPayloads[T],
  actor?: ActorView,
  id = 7,
): ServerEvent {
  return { id, type, at: '2025-03-05T12:00:00.000Z', data, actor } as ServerEvent;
}

const siretsChanged = (userId: number) =>
  event('secondary.sirets_changed', { userId, sirets: [], dossiers: [] }, BY_PRINCIPAL);
const statusChanged = (userId: number) =>
  event('secondary.status_changed', { userId, status: 'active' }, BY_SYSTEM);
const ceded = event(
  'space.ceded',
  { fromSpaceId: 1, toSpaceId: 2, formerPrincipalId: 1, sirets: [] },
  BY_PRINCIPAL,
);

describe('isInHistoryOf', () => {
  it('takes every stored change of the space for a principal', () => {
    for (const change of [
      event('siret.removed', { siret: '73282932000074' }, BY_SECONDARY),
      event('dossier.status_changed', {
        dossierId: 3,
        siret: '73282932000074',
        status: 'consultation',
      }),
      siretsChanged(2),
      ceded,
    ]) {
      expect(isInHistoryOf(change, PRINCIPAL)).toBe(true);
    }
  });

  it('leaves out what is not stored or not seen: presence, session end, hidden', () => {
    for (const viewer of [PRINCIPAL, SECONDARY]) {
      expect(isInHistoryOf(event('presence.changed', { online: [1] }, undefined, 0), viewer)).toBe(
        false,
      );
      expect(
        isInHistoryOf(event('session.revoked', { reason: 'logout' }, undefined, 0), viewer),
      ).toBe(false);
      expect(isInHistoryOf(event('hidden', {}), viewer)).toBe(false);
    }
  });

  it('takes for a secondary only their SIRETs, their status and the cession', () => {
    expect(isInHistoryOf(siretsChanged(2), SECONDARY)).toBe(true);
    expect(isInHistoryOf(statusChanged(2), SECONDARY)).toBe(true);
    expect(isInHistoryOf(ceded, SECONDARY)).toBe(true);
    expect(isInHistoryOf(siretsChanged(4), SECONDARY)).toBe(false);
    expect(isInHistoryOf(statusChanged(4), SECONDARY)).toBe(false);
    expect(isInHistoryOf(event('siret.removed', { siret: '73282932000074' }), SECONDARY)).toBe(
      false,
    );
    expect(isInHistoryOf(event('secondary.removed', { userId: 4 }), SECONDARY)).toBe(false);
  });

  it('takes nothing for support, who has no member history', () => {
    expect(isInHistoryOf(siretsChanged(2), ADMIN)).toBe(false);
  });
});

describe('isUnreadHistoryChange', () => {
  it('counts the changes made by someone else, the system included', () => {
    expect(isUnreadHistoryChange(siretsChanged(2), SECONDARY)).toBe(true);
    expect(isUnreadHistoryChange(statusChanged(2), SECONDARY)).toBe(true);
    expect(
      isUnreadHistoryChange(event('siret.removed', { siret: '73282932000074' }), PRINCIPAL),
    ).toBe(true);
  });

  it('does not count the viewer’s own changes', () => {
    expect(isUnreadHistoryChange(siretsChanged(2), PRINCIPAL)).toBe(false);
    expect(isUnreadHistoryChange(ceded, PRINCIPAL)).toBe(false);
    expect(isUnreadHistoryChange(ceded, SECONDARY)).toBe(true);
  });

  it('does not count what is outside the viewer’s history', () => {
    expect(isUnreadHistoryChange(siretsChanged(4), SECONDARY)).toBe(false);
  });
});
