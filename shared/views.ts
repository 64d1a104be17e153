/** The shapes the server sends: HTTP responses, snapshots and event payloads share them. */
import type {
  DossierKind,
  DossierStatus,
  InvitationStatus,
  LockScope,
  Role,
  UserStatus,
} from './domain.js';

/** The signed-in user (`GET /api/v1/me`). `spaceId` is null for an admin. */
export interface MeView {
  id: number;
  email: string;
  role: Role;
  status: UserStatus;
  spaceId: number | null;
  isAdmin: boolean;
}

export interface SessionView {
  token: string;
  user: MeView;
}

export interface SiretView {
  siret: string;
  addedAt: string;
}

/** `GET /api/v1/sirets` item: a SIRET of the space with its dossier counts. */
export interface SiretWithCountsView extends SiretView {
  dossiers: { inProgress: number; toComplete: number };
}

export interface DossierView {
  id: number;
  reference: string;
  siret: string;
  kind: DossierKind;
  status: DossierStatus;
  /** ISO date (YYYY-MM-DD). */
  openedAt: string;
  /** ISO date (YYYY-MM-DD): the end of the questionnaire's jours francs. */
  dueAt: string;
}

/**
 * A member of a space as another member sees them. `sirets` is the list of
 * SIRETs attributed to a secondary; it is `null` when the viewer may not see it
 * (a secondary never sees another secondary's list).
 */
export interface MemberView {
  id: number;
  email: string;
  role: 'principal' | 'secondary';
  status: UserStatus;
  sirets: string[] | null;
}

/** `GET /api/v1/secondaries` item. */
export interface SecondaryView {
  id: number;
  email: string;
  status: UserStatus;
  sirets: string[];
}

export interface InvitationView {
  id: number;
  spaceId: number;
  userId: number;
  email: string;
  invitedBy: string;
  status: InvitationStatus;
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
}

/** A failed-attempt counter that reached its limit (admin view). */
export interface LockView {
  id: number;
  scope: LockScope;
  /** The principal concerned, when there is one (a signup lock has none). */
  userId: number | null;
  email: string | null;
  siret: string | null;
  failures: number;
  lockedAt: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}
