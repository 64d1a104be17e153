/** The history's sentences (shared/history-text.ts) and the actor each viewer is told of. */
import { describe, expect, it } from 'vitest';
import type { ActorView, ServerEvent } from '../../shared/events.js';
import { historyText, siretList, type HistoryNames } from '../../shared/history-text.js';
import { actorAsSeenBy, eventAsSeenBy, spaceDeliveries } from '../../shared/visibility.js';
import { eventKeys } from '../../server/events/event-keys.js';

const AT = '2026-12-06T16:35:00.000Z';
const principal: ActorView = { id: 1, email: 'employeur@exemple.fr', role: 'principal' };
const support: ActorView = {
  id: 90,
  email: 'support@exemple.fr',
  role: 'support',
  reason: 'Appel du 06/12',
};
const names: HistoryNames = {
  userEmail: (id) => ({ 7: 'alice@exemple.fr', 8: 'bruno@exemple.fr' })[id],
  invitationEmail: (id) => (id === 3 ? 'dora@exemple.fr' : undefined),
  dossierReference: (id) => (id === 5 ? 'AT-2026-0042' : undefined),
};

function event(
  type: ServerEvent['type'],
  data: unknown,
  actor: ActorView = principal,
): ServerEvent {
  return { id: 4, type, at: AT, data, actor } as ServerEvent;
}

describe('history sentences', () => {
  it('say who attributed which SIRET to whom', () => {
    const attributed = event('secondary.sirets_changed', {
      userId: 7,
      sirets: ['44123456700010'],
      dossiers: [],
      attributed: ['44123456700010'],
      withdrawn: [],
    });
    expect(historyText(attributed, names)).toBe(
      'employeur@exemple.fr a attribué le SIRET 441 234 567 00010 à alice@exemple.fr',
    );
    const both = event('secondary.sirets_changed', {
      userId: 7,
      sirets: ['44123456700010', '55210055400025'],
      dossiers: [],
      attributed: ['44123456700010', '55210055400025'],
      withdrawn: ['73282932000074'],
    });
    expect(historyText(both, names)).toBe(
      'employeur@exemple.fr a attribué les SIRETs 441 234 567 00010 et 552 100 554 00025 à alice@exemple.fr et lui a retiré le SIRET 732 829 320 00074',
    );
    const deleted = event('secondary.sirets_changed', {
      userId: 8,
      sirets: [],
      dossiers: [],
      withdrawn: ['44123456700010'],
      deleted: true,
    });
    expect(historyText(deleted, names)).toBe(
      'employeur@exemple.fr a supprimé le SIRET 441 234 567 00010, qui était attribué à bruno@exemple.fr',
    );
    const older = event('secondary.sirets_changed', { userId: 8, sirets: [], dossiers: [] });
    expect(historyText(older, names)).toBe(
      'employeur@exemple.fr a modifié les SIRETs attribués à bruno@exemple.fr',
    );
  });

  it('count what a cession moved, or name only the receiver to whom the list is not shown', () => {
    const data = {
      fromSpaceId: 1,
      toSpaceId: 2,
      formerPrincipalId: 1,
      sirets: ['44123456700010', '55210055400025', '73282932000074'],
      secondaryCount: 4,
      toPrincipalEmail: 'autre@exemple.fr',
    };
    expect(historyText(event('space.ceded', data), names)).toBe(
      'employeur@exemple.fr a cédé 3 SIRETs et 4 utilisateurs secondaires à autre@exemple.fr',
    );
    expect(historyText(event('space.ceded', { ...data, sirets: [] }), names)).toBe(
      'employeur@exemple.fr a cédé son espace à autre@exemple.fr',
    );
  });

  it('name the support and the system without an e-mail when the viewer may not know it', () => {
    const reset = event('lock.reset', { lockId: 12 }, support);
    // Support viewers get the agent's reason with the sentence.
    expect(historyText(reset, names)).toBe(
      'support@exemple.fr a levé le blocage n° 12 (motif : Appel du 06/12)',
    );
    const seenByMember = { ...reset, actor: actorAsSeenBy('principal', support) };
    expect(seenByMember.actor).toEqual({ id: null, email: null, role: 'support' });
    expect(historyText(seenByMember, names)).toBe('Le support QRP a levé le blocage n° 12');
    expect(actorAsSeenBy('admin', support)).toEqual(support);
    const expired = event(
      'invitation.expired',
      { invitationId: 3, userId: 9 },
      { id: null, email: null, role: 'system' },
    );
    expect(historyText(expired, names)).toBe('L’invitation de dora@exemple.fr a expiré');
  });

  it('word every other change', () => {
    const cases: [ServerEvent, string][] = [
      [
        event('siret.added', {
          siret: { siret: '44123456700010', addedAt: AT },
          dossiers: [{ id: 5 }, { id: 6 }],
        }),
        'employeur@exemple.fr a ajouté le SIRET 441 234 567 00010 (2 dossiers en cours)',
      ],
      [
        event('siret.removed', { siret: '44123456700010' }),
        'employeur@exemple.fr a supprimé le SIRET 441 234 567 00010',
      ],
      [
        event('secondary.added', {
          member: {
            id: 7,
            email: 'alice@exemple.fr',
            role: 'secondary',
            status: 'pending',
            sirets: [],
          },
        }),
        'employeur@exemple.fr a ajouté l’utilisateur secondaire alice@exemple.fr',
      ],
      [
        event('secondary.removed', { userId: 8 }),
        'employeur@exemple.fr a supprimé l’utilisateur secondaire bruno@exemple.fr',
      ],
      [
        event('secondary.status_changed', { userId: 7, status: 'active' }),
        'alice@exemple.fr a validé son invitation',
      ],
      [
        event('dossier.status_changed', {
          dossierId: 5,
          siret: '44123456700010',
          status: 'cloture',
        }),
        'Le dossier AT-2026-0042 du SIRET 441 234 567 00010 est passé à l’étape « Clôturé »',
      ],
      [
        event('invitation.created', { invitation: { id: 3, email: 'dora@exemple.fr' } }),
        'employeur@exemple.fr a invité dora@exemple.fr',
      ],
      [
        event('invitation.accepted', { invitationId: 3, userId: 9, acceptedAt: AT }),
        'dora@exemple.fr a validé son invitation',
      ],
      [
        event('invitation.revoked', { invitationId: 3, userId: 9 }),
        'employeur@exemple.fr a annulé l’invitation de dora@exemple.fr',
      ],
    ];
    for (const [given, sentence] of cases) expect(historyText(given, names)).toBe(sentence);
    expect(siretList(['44123456700010', '55210055400025', '73282932000074'])).toBe(
      'les SIRETs 441 234 567 00010, 552 100 554 00025 et 732 829 320 00074',
    );
  });
});

describe('actors on the wire', () => {
  const record = {
    seq: 9,
    type: 'lock.reset' as const,
    at: AT,
    data: { lockId: 1 },
    audience: null,
    actor: support,
  };

  it('reach members without the agent’s id, e-mail or reason, and admins whole', () => {
    for (const delivery of spaceDeliveries(record)) {
      expect(delivery.event.actor).toEqual({ id: null, email: null, role: 'support' });
    }
    expect(eventAsSeenBy({ userId: 90, role: 'admin' }, record).actor).toEqual(support);
    const byPrincipal = { ...record, actor: principal };
    expect(eventAsSeenBy({ userId: 7, role: 'secondary' }, byPrincipal).actor).toEqual(principal);
  });
});

describe('event keys', () => {
  it('name every SIRET, e-mail and user an event is about, and its actor', () => {
    const keys = eventKeys(
      {
        data: {
          userId: 7,
          sirets: ['44123456700010'],
          dossiers: [{ id: 5, siret: '44123456700010', reference: 'AT-1' }],
          withdrawn: ['55210055400025'],
          addedAt: { '44123456700010': AT },
        },
      },
      'Employeur@Exemple.fr',
    );
    expect(keys.sort()).toEqual(
      [
        'email:employeur@exemple.fr',
        'siret:44123456700010',
        'siret:55210055400025',
        'user:7',
      ].sort(),
    );
    const member = eventKeys(
      { data: { member: { id: 8, email: 'bruno@exemple.fr', sirets: null } } },
      null,
    );
    expect(member.sort()).toEqual(['email:bruno@exemple.fr', 'user:8']);
  });
});
