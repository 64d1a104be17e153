/** Builders of snapshots and events as the server sends them, for the panel's tests. */
import type {
  AdminSnapshot,
  EventPayloads,
  EventType,
  MemberSnapshot,
  ServerEvent,
} from '../../../shared/events.js';
import type {
  DossierView,
  InvitationView,
  LockView,
  MemberView,
  MeView,
} from '../../../shared/views.js';

export const SIRET_A = '73282932000074';
export const SIRET_B = '35600000000048';
export const SIRET_C = '35600000009075';

export const PRINCIPAL: MeView = {
  id: 1,
  email: 'principal@exemple.fr',
  role: 'principal',
  status: 'active',
  spaceId: 10,
  isAdmin: false,
};

export const SECONDARY: MeView = {
  id: 2,
  email: 'secondaire@exemple.fr',
  role: 'secondary',
  status: 'active',
  spaceId: 10,
  isAdmin: false,
};

export const ADMIN: MeView = {
  id: 99,
  email: 'support@exemple.fr',
  role: 'admin',
  status: 'active',
  spaceId: null,
  isAdmin: true,
};

export function dossier(overrides: Partial<DossierView> & { id: number }): DossierView {
  return {
    reference: `AT-${overrides.id}`,
    siret: SIRET_A,
    kind: 'AT',
    status: 'completer_dossier',
    openedAt: '2025-03-03',
    dueAt: '2025-03-24',
    ...overrides,
  };
}

export function member(overrides: Partial<MemberView> & { id: number }): MemberView {
  return {
    email: `user${overrides.id}@exemple.fr`,
    role: 'secondary',
    status: 'active',
    sirets: [],
    ...overrides,
  };
}

export function invitation(overrides: Partial<InvitationView> & { id: number }): InvitationView {
  return {
    spaceId: 10,
    userId: 3,
    email: 'invite@exemple.fr',
    invitedBy: PRINCIPAL.email,
    status: 'pending',
    createdAt: '2025-03-01T09:00:00.000Z',
    expiresAt: '2025-03-08T09:00:00.000Z',
    acceptedAt: null,
    ...overrides,
  };
}

export function lock(overrides: Partial<LockView> & { id: number }): LockView {
  return {
    scope: 'add_siret',
    userId: 1,
    email: PRINCIPAL.email,
    siret: SIRET_A,
    failures: 5,
    lockedAt: '2025-03-02T10:00:00.000Z',
    ...overrides,
  };
}

export function principalSnapshot(overrides: Partial<MemberSnapshot> = {}): MemberSnapshot {
  return {
    kind: 'member',
    me: PRINCIPAL,
    spaceId: 10,
    sirets: [
      { siret: SIRET_A, addedAt: '2025-01-01T00:00:00.000Z' },
      { siret: SIRET_B, addedAt: '2025-01-02T00:00:00.000Z' },
    ],
    members: [
      member({ id: 1, email: PRINCIPAL.email, role: 'principal', sirets: null }),
      member({ id: 2, email: SECONDARY.email, sirets: [SIRET_A] }),
    ],
    dossiers: [dossier({ id: 1 }), dossier({ id: 2, siret: SIRET_B, status: 'consultation' })],
    invitations: [],
    locks: [],
    receivedCessions: [],
    online: [1],
    lastEventId: 5,
    ...overrides,
  };
}

export function secondarySnapshot(overrides: Partial<MemberSnapshot> = {}): MemberSnapshot {
  return {
    kind: 'member',
    me: SECONDARY,
    spaceId: 10,
    sirets: [{ siret: SIRET_A, addedAt: '2025-01-01T00:00:00.000Z' }],
    members: [
      member({ id: 1, email: PRINCIPAL.email, role: 'principal', sirets: null }),
      member({ id: 2, email: SECONDARY.email, sirets: [SIRET_A] }),
      member({ id: 4, email: 'collegue@exemple.fr', status: 'pending', sirets: null }),
    ],
    dossiers: [dossier({ id: 1 })],
    invitations: [],
    locks: [],
    receivedCessions: [],
    online: [1, 2],
    lastEventId: 5,
    ...overrides,
  };
}

export function adminSnapshot(overrides: Partial<AdminSnapshot> = {}): AdminSnapshot {
  return {
    kind: 'admin',
    me: ADMIN,
    invitations: [invitation({ id: 1 })],
    locks: [lock({ id: 1 })],
    lastEventId: 3,
    ...overrides,
  };
}

export function event<T extends EventType>(
  id: number,
  type: T,
  data: EventPayloads[T],
): ServerEvent {
  return { id, type, at: '2025-03-05T12:00:00.000Z', data } as ServerEvent;
}
