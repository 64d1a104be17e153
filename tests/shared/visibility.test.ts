/**
 * The answers of shared/visibility.ts on single events and rows; the property
 * test (tests/realtime/who-sees-what.property.test.ts) checks them against
 * snapshots on whole histories.
 */
import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../server/events/event-actor.js';
import type { MemberView } from '../../shared/views.js';
import {
  compareMembers,
  eventAsSeenBy,
  memberAsSeenBy,
  spaceDeliveries,
  type StreamRecord,
} from '../../shared/visibility.js';

const AT = '2026-03-02T08:00:00.000Z';
const principal = { userId: 1, role: 'principal' as const };
const listed = { userId: 7, role: 'secondary' as const };
const other = { userId: 8, role: 'secondary' as const };

function record(
  type: StreamRecord['type'],
  data: unknown,
  audience: number[] | null,
): StreamRecord {
  return { seq: 12, type, at: AT, data, audience, actor: SYSTEM_ACTOR };
}

describe('events', () => {
  const ceded = record(
    'space.ceded',
    { fromSpaceId: 2, toSpaceId: 3, formerPrincipalId: 1, sirets: ['73282932000074'] },
    null,
  );
  const attributed = record(
    'secondary.sirets_changed',
    { userId: 7, sirets: ['73282932000074'], dossiers: [] },
    [7],
  );
  const hidden = { id: 12, type: 'hidden', at: AT, data: {} };

  it('shows an event of a listed audience to the principal and that audience only', () => {
    expect(eventAsSeenBy(principal, attributed)).toEqual({
      id: 12,
      type: attributed.type,
      at: AT,
      data: attributed.data,
      actor: SYSTEM_ACTOR,
    });
    expect(eventAsSeenBy(listed, attributed).type).toBe('secondary.sirets_changed');
    expect(eventAsSeenBy(other, attributed)).toEqual(hidden);
    expect(eventAsSeenBy({ userId: 9, role: 'admin' }, attributed).type).toBe(attributed.type);
  });

  it('hides what came before the viewer joined, and a cession’s SIRETs from secondaries', () => {
    expect(eventAsSeenBy(listed, attributed, 13)).toEqual(hidden);
    expect(eventAsSeenBy(principal, ceded).data).toMatchObject({ sirets: ['73282932000074'] });
    expect(eventAsSeenBy(other, ceded).data).toMatchObject({ sirets: [], formerPrincipalId: 1 });
  });

  it('groups the members who get the same form into one delivery', () => {
    const everyone = spaceDeliveries(record('secondary.removed', { userId: 8 }, null));
    expect(everyone).toEqual([
      { event: expect.anything(), principal: true, secondaries: [], others: true },
    ]);
    expect(
      spaceDeliveries(ceded).map(({ principal, secondaries, others }) => ({
        principal,
        secondaries,
        others,
      })),
    ).toEqual([
      { principal: true, secondaries: [], others: false },
      { principal: false, secondaries: [], others: true },
    ]);
    const [detailed, rest] = spaceDeliveries(attributed);
    expect(detailed).toMatchObject({ principal: true, secondaries: [7], others: false });
    expect(rest).toEqual({ event: hidden, principal: false, secondaries: [], others: true });
    expect(spaceDeliveries(record('siret.removed', { siret: '73282932000074' }, []))).toEqual([
      { event: expect.anything(), principal: true, secondaries: [], others: false },
      { event: { ...hidden }, principal: false, secondaries: [], others: true },
    ]);
  });
});

describe('rows', () => {
  const member = (id: number, role: MemberView['role'], email: string): MemberView => ({
    id,
    email,
    role,
    status: 'active',
    sirets: role === 'principal' ? null : ['73282932000074'],
  });

  it('shows a secondary’s SIRET list to the principal and to that secondary only', () => {
    const seven = member(7, 'secondary', 'sept@exemple.fr');
    expect(memberAsSeenBy(principal, seven).sirets).toEqual(['73282932000074']);
    expect(memberAsSeenBy(listed, seven).sirets).toEqual(['73282932000074']);
    expect(memberAsSeenBy(other, seven).sirets).toBeNull();
    expect(memberAsSeenBy(principal, member(1, 'principal', 'p@exemple.fr')).sirets).toBeNull();
  });

  it('orders members principal first, then by e-mail as the database’s C collation does', () => {
    const members = [
      member(3, 'secondary', 'b_c@exemple.fr'),
      member(4, 'secondary', 'b.c@exemple.fr'),
      member(1, 'principal', 'z@exemple.fr'),
      member(5, 'secondary', 'a@exemple.fr'),
    ];
    expect([...members].sort(compareMembers).map((m) => m.id)).toEqual([1, 5, 4, 3]);
  });
});
