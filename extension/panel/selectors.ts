/** Derived lists the screens show, computed from the live state (pure functions). */
import { isDossierInProgress } from '../../shared/domain.js';
import type { MemberSnapshot } from '../../shared/events.js';
import type { DossierView, InvitationView, MemberView } from '../../shared/views.js';

export interface SiretGroup {
  siret: string;
  dossiers: DossierView[];
}

/** Dossiers by SIRET, in the order of the viewer's SIRETs; dossiers by due date. */
export function groupDossiersBySiret(state: MemberSnapshot): SiretGroup[] {
  return state.sirets.map(({ siret }) => ({
    siret,
    dossiers: state.dossiers
      .filter((dossier) => dossier.siret === siret)
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.reference.localeCompare(b.reference)),
  }));
}

export interface DossierCounts {
  inProgress: number;
  toComplete: number;
}

export function countDossiers(state: MemberSnapshot, siret: string): DossierCounts {
  let inProgress = 0;
  let toComplete = 0;
  for (const dossier of state.dossiers) {
    if (dossier.siret !== siret) continue;
    if (isDossierInProgress(dossier.status)) inProgress++;
    if (dossier.status === 'completer_dossier') toComplete++;
  }
  return { inProgress, toComplete };
}

/** The space's secondary users whose e-mail contains `query` (case-insensitive). */
export function findSecondaries(state: MemberSnapshot, query: string): MemberView[] {
  const needle = query.trim().toLowerCase();
  return state.members.filter(
    (member) => member.role === 'secondary' && member.email.toLowerCase().includes(needle),
  );
}

export interface PageSlice<T> {
  items: T[];
  /** 1-based, clamped to the last page. */
  page: number;
  pageCount: number;
  /** "1-7 de 7" as the portal writes it. */
  label: string;
}

export function paginate<T>(items: T[], page: number, pageSize: number): PageSlice<T> {
  const pageCount = Math.max(1, Math.ceil(items.length / pageSize));
  const current = Math.min(Math.max(1, page), pageCount);
  const start = (current - 1) * pageSize;
  const slice = items.slice(start, start + pageSize);
  const label =
    items.length === 0 ? '0-0 de 0' : `${start + 1}-${start + slice.length} de ${items.length}`;
  return { items: slice, page: current, pageCount, label };
}

export function filterInvitations(
  items: InvitationView[],
  status: InvitationView['status'] | 'all',
  query: string,
): InvitationView[] {
  const needle = query.trim().toLowerCase();
  return items.filter(
    (item) =>
      (status === 'all' || item.status === status) &&
      (needle === '' ||
        item.email.toLowerCase().includes(needle) ||
        item.invitedBy.toLowerCase().includes(needle)),
  );
}
