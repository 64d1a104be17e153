/** Derived lists the screens show, computed from the live state (pure functions). */
import { isDossierInProgress } from '../../shared/domain.js';
import type { MemberSnapshot } from '../../shared/events.js';
import { compactSiret } from '../../shared/siret.js';
import type { DossierView, InvitationView, MemberView } from '../../shared/views.js';

export interface SiretGroup {
  siret: string;
  dossiers: DossierView[];
}

export interface DossierCounts {
  inProgress: number;
  toComplete: number;
}

/** What the screens need of one SIRET's dossiers: sorted once, counted once. */
interface SiretDossiers {
  dossiers: DossierView[];
  counts: DossierCounts;
}

const NO_DOSSIERS: SiretDossiers = { dossiers: [], counts: { inProgress: 0, toComplete: 0 } };

/**
 * The dossiers by SIRET, computed once per `state.dossiers` array: live events
 * give a new array on each change (shared/panel-state.ts) and keep it otherwise,
 * so a render of 1 000 SIRETs reads a map instead of scanning 3 000 dossiers each.
 */
const dossierIndexes = new WeakMap<DossierView[], Map<string, SiretDossiers>>();
/** The index built last: a SIRET whose dossiers did not change keeps its arrays (memoised rows). */
let previousIndex: Map<string, SiretDossiers> = new Map();

function dossierIndex(dossiers: DossierView[]): Map<string, SiretDossiers> {
  const known = dossierIndexes.get(dossiers);
  if (known) return known;
  const bySiret = new Map<string, DossierView[]>();
  for (const dossier of dossiers) {
    const list = bySiret.get(dossier.siret);
    if (list) list.push(dossier);
    else bySiret.set(dossier.siret, [dossier]);
  }
  const index = new Map<string, SiretDossiers>();
  for (const [siret, list] of bySiret) {
    list.sort(compareDossiers);
    const before = previousIndex.get(siret);
    index.set(siret, before && sameItems(before.dossiers, list) ? before : summarise(list));
  }
  dossierIndexes.set(dossiers, index);
  previousIndex = index;
  return index;
}

/** Dossiers by due date, then reference (as the portal's dashboard lists them). */
function compareDossiers(a: DossierView, b: DossierView): number {
  if (a.dueAt !== b.dueAt) return a.dueAt < b.dueAt ? -1 : 1;
  return a.reference.localeCompare(b.reference);
}

function summarise(dossiers: DossierView[]): SiretDossiers {
  let inProgress = 0;
  let toComplete = 0;
  for (const dossier of dossiers) {
    if (isDossierInProgress(dossier.status)) inProgress++;
    if (dossier.status === 'completer_dossier') toComplete++;
  }
  return { dossiers, counts: { inProgress, toComplete } };
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}

const groupsCache = new WeakMap<
  MemberSnapshot['sirets'],
  { dossiers: DossierView[]; groups: SiretGroup[] }
>();

/** Dossiers by SIRET, in the order of the viewer's SIRETs; dossiers by due date. */
export function groupDossiersBySiret(state: MemberSnapshot): SiretGroup[] {
  const cached = groupsCache.get(state.sirets);
  if (cached && cached.dossiers === state.dossiers) return cached.groups;
  const index = dossierIndex(state.dossiers);
  const groups = state.sirets.map(({ siret }) => ({
    siret,
    dossiers: (index.get(siret) ?? NO_DOSSIERS).dossiers,
  }));
  groupsCache.set(state.sirets, { dossiers: state.dossiers, groups });
  return groups;
}

/** The SIRET's dossiers in progress and at « Compléter dossier » (same object while unchanged). */
export function countDossiers(state: MemberSnapshot, siret: string): DossierCounts {
  return (dossierIndex(state.dossiers).get(siret) ?? NO_DOSSIERS).counts;
}

/** The SIRET's dossiers, sorted by due date (same array while unchanged). */
export function dossiersOf(state: MemberSnapshot, siret: string): DossierView[] {
  return (dossierIndex(state.dossiers).get(siret) ?? NO_DOSSIERS).dossiers;
}

/** The digits of a SIRET search; `null` when the query holds anything but digits and spaces. */
export function siretQueryDigits(query: string): string | null {
  const digits = compactSiret(query);
  return /^\d*$/.test(digits) ? digits : null;
}

/** The SIRETs whose digits contain those typed (spaces allowed, anywhere in the SIRET). */
export function findSirets<T extends { siret: string }>(items: T[], query: string): T[] {
  const digits = siretQueryDigits(query);
  if (digits === '') return items;
  if (digits === null) return [];
  return items.filter((item) => item.siret.includes(digits));
}

/**
 * The dashboard's groups for a search: a SIRET whose digits match keeps all its
 * dossiers, otherwise only the dossiers whose reference matches (case-insensitive).
 */
export function searchDashboard(groups: SiretGroup[], query: string): SiretGroup[] {
  const needle = query.trim().toLowerCase();
  if (needle === '') return groups;
  const digits = siretQueryDigits(query);
  const result: SiretGroup[] = [];
  for (const group of groups) {
    if (digits !== null && group.siret.includes(digits)) {
      result.push(group);
      continue;
    }
    const dossiers = group.dossiers.filter((dossier) =>
      dossier.reference.toLowerCase().includes(needle),
    );
    if (dossiers.length > 0) result.push({ siret: group.siret, dossiers });
  }
  return result;
}

/** « 1 000 » : French thousands, with a no-break space so a count never wraps. */
export function formatCount(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
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
