import { useMemo, useState } from 'preact/hooks';
import { DOSSIER_KIND_LABELS, DOSSIER_STATUS_LABELS } from '../../shared/domain.js';
import type { MemberSnapshot } from '../../shared/events.js';
import { daysLeft } from '../../shared/jours-francs.js';
import { formatSiret } from '../../shared/siret.js';
import type { DossierView } from '../../shared/views.js';
import { formatDate, formatDaysLeft, plural } from '../../shared/french-format.js';
import {
  countDossiers,
  formatCount,
  groupDossiersBySiret,
  searchDashboard,
  type DossierCounts,
  type SiretGroup,
} from '../panel/selectors.js';
import { useStore } from './store-context.js';
import { TextField } from './text-field.js';
import { memoRow, useWindowRange, WindowGap, type WindowSlot } from './use-window-range.js';

export interface DashboardViewProps {
  state: MemberSnapshot;
}

/**
 * The board, flattened into rows: a SIRET's heading, each of its dossiers, or
 * « Aucun dossier ». Groups are as tall as their dossiers are many (one SIRET
 * may have hundreds): windowing whole groups would render a long one whole, so
 * the window is of rows (each measured as rendered, text wrapping freely); each
 * SIRET's rows on screen stay a region with its own table.
 */
type BoardRow =
  | { kind: 'siret'; siret: string; counts: DossierCounts }
  | {
      kind: 'dossier';
      siret: string;
      dossier: DossierView;
      /** aria-rowindex in the SIRET's table (its header row is 1). */
      rowIndex: number;
      rowCount: number;
    }
  | { kind: 'empty'; siret: string };

/** A row's height before one is measured. */
const DEFAULT_ROW_HEIGHT = 54;

/** The unsearched board, kept per groups array: a tab switch back finds it built. */
const boards = new WeakMap<SiretGroup[], BoardRow[]>();

function boardRows(state: MemberSnapshot, groups: SiretGroup[]): BoardRow[] {
  const known = boards.get(groups);
  if (known) return known;
  const rows: BoardRow[] = [];
  for (const { siret, dossiers } of groups) {
    rows.push({ kind: 'siret', siret, counts: countDossiers(state, siret) });
    if (dossiers.length === 0) rows.push({ kind: 'empty', siret });
    dossiers.forEach((dossier, index) =>
      rows.push({
        kind: 'dossier',
        siret,
        dossier,
        rowIndex: index + 2,
        rowCount: dossiers.length + 1,
      }),
    );
  }
  boards.set(groups, rows);
  return rows;
}

/** "Tableau de bord": the dossiers of the viewer's SIRETs, grouped by SIRET, searchable. */
export function DashboardView({ state }: DashboardViewProps) {
  const [query, setQuery] = useState('');
  const groups = groupDossiersBySiret(state);
  const found = useMemo(() => searchDashboard(groups, query), [groups, query]);
  const rows = useMemo(() => boardRows(state, found), [state, found]);
  const searched = query.trim() !== '';
  return (
    <section aria-labelledby="dashboard-title" class="section">
      <h2 id="dashboard-title">Tableau de bord</h2>
      {groups.length === 0 ? (
        <p class="empty">
          {state.me.role === 'principal'
            ? 'Aucun SIRET dans votre espace : ajoutez-en un dans l’onglet Paramétrage.'
            : 'Aucun SIRET ne vous est attribué pour le moment.'}
        </p>
      ) : (
        <>
          <div class="list-search">
            <TextField
              label="Rechercher un SIRET ou un dossier"
              type="search"
              value={query}
              onInput={setQuery}
            />
            <p class="list-count" aria-live="polite">
              {boardCount(groups, found, searched)}
            </p>
          </div>
          {found.length === 0 ? (
            <p class="empty">Aucun SIRET ni dossier ne correspond à « {query.trim()} ».</p>
          ) : (
            <DossierBoard rows={rows} query={query} />
          )}
        </>
      )}
    </section>
  );
}

/** « 1 000 SIRETs · 3 000 dossiers », or « 2 SIRETs sur 1 000 · 3 dossiers » for a search. */
function boardCount(groups: SiretGroup[], found: SiretGroup[], searched: boolean): string {
  const dossiers = found.reduce((sum, group) => sum + group.dossiers.length, 0);
  const sirets = `${formatCount(found.length)} ${found.length >= 2 ? 'SIRETs' : 'SIRET'}`;
  const ofAll = searched ? ` sur ${formatCount(groups.length)}` : '';
  return `${sirets}${ofAll} · ${formatCount(dossiers)} ${dossiers >= 2 ? 'dossiers' : 'dossier'}`;
}

/** The rows on screen, each SIRET's run of them in its own region and table. */
function DossierBoard({ rows, query }: { rows: BoardRow[]; query: string }) {
  const today = useStore().today();
  const { listRef, slots } = useWindowRange<HTMLDivElement>({
    count: rows.length,
    defaultItemHeight: DEFAULT_ROW_HEIGHT,
    // Live events keep the rows' places; another search puts other rows there.
    resetKey: query,
  });
  return (
    <>
      {/* The wide layout's column titles, once; each table names its own columns for screen readers. */}
      <div class="board-columns" aria-hidden="true">
        <span>Dossier</span>
        <span>Statut</span>
        <span>Date limite</span>
        <span>Délai</span>
      </div>
      <div class="dossier-board" ref={listRef}>
        {runsOf(slots, rows).map((run) =>
          run.kind === 'gap' ? (
            <WindowGap key={run.key} height={run.height} as="div" />
          ) : (
            <SiretRun
              key={run.key}
              siret={run.siret}
              rows={run.rows}
              start={run.start}
              today={today}
            />
          ),
        )}
      </div>
    </>
  );
}

type Run =
  | { kind: 'gap'; key: string; height: number }
  | { kind: 'run'; key: string; siret: string; rows: BoardRow[]; start: number };

/** Consecutive rows of one SIRET go together; spacers stay between runs. */
function runsOf(slots: WindowSlot[], rows: BoardRow[]): Run[] {
  const runs: Run[] = [];
  const seen = new Set<string>();
  let current: Extract<Run, { kind: 'run' }> | null = null;
  let previousIndex = -2;
  for (const slot of slots) {
    if (slot.kind === 'gap') {
      runs.push(slot);
      current = null;
      continue;
    }
    const row = rows[slot.index];
    if (!row) continue;
    if (!current || current.siret !== row.siret || slot.index !== previousIndex + 1) {
      // Keyed by SIRET, so a region keeps its element while the page scrolls.
      const key = seen.has(row.siret) ? `${row.siret}-${slot.index}` : row.siret;
      seen.add(row.siret);
      current = { kind: 'run', key, siret: row.siret, rows: [], start: slot.index };
      runs.push(current);
    }
    current.rows.push(row);
    previousIndex = slot.index;
  }
  return runs;
}

interface SiretRunProps {
  siret: string;
  /** Consecutive rows of the board, the first at index `start`. */
  rows: BoardRow[];
  start: number;
  today: string;
}

function SiretRun({ siret, rows, start, today }: SiretRunProps) {
  const formatted = formatSiret(siret);
  const dossiers = rows.filter((row) => row.kind === 'dossier');
  const heading = rows.find((row) => row.kind === 'siret');
  const emptyAt = rows.findIndex((row) => row.kind === 'empty');
  const empty = emptyAt >= 0;
  // Each row carries its board index, so the window knows whose height it measures.
  const indexOf = (row: BoardRow) => start + rows.indexOf(row);
  return (
    // Named by aria-label: the heading row may have scrolled out while its dossiers show.
    <section class="siret-group board-group" aria-label={`SIRET ${formatted}`}>
      {heading && (
        <SiretHeading siret={siret} counts={heading.counts} windowIndex={indexOf(heading)} />
      )}
      {empty && (
        <p class="board-row empty" data-window-item={start + emptyAt}>
          Aucun dossier pour ce SIRET.
        </p>
      )}
      {dossiers.length > 0 && (
        <table
          class="table dossier-table board-table"
          role="table"
          aria-label={`Dossiers du SIRET ${formatted}`}
          aria-rowcount={dossiers[0]!.rowCount}
        >
          <thead role="rowgroup" class="visually-hidden">
            <DossierColumns rowIndex={1} />
          </thead>
          <tbody role="rowgroup">
            {dossiers.map((row) => (
              <DossierRow
                key={row.dossier.id}
                dossier={row.dossier}
                today={today}
                rowIndex={row.rowIndex}
                windowIndex={indexOf(row)}
              />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const SiretHeading = memoRow(function SiretHeading({
  siret,
  counts,
  windowIndex,
}: {
  siret: string;
  counts: DossierCounts;
  windowIndex: number;
}) {
  return (
    <div class="board-row board-heading" data-window-item={windowIndex}>
      <h3>SIRET {formatSiret(siret)}</h3>
      <p class="siret-counts">
        {plural(counts.inProgress, 'dossier en cours', 'dossiers en cours')}
        {counts.toComplete > 0 && `, dont ${counts.toComplete} à compléter`}
      </p>
    </div>
  );
});

function DossierColumns({ rowIndex }: { rowIndex?: number }) {
  return (
    <tr role="row" aria-rowindex={rowIndex}>
      <th scope="col" role="columnheader">
        Dossier
      </th>
      <th scope="col" role="columnheader">
        Statut
      </th>
      <th scope="col" role="columnheader">
        Date limite
      </th>
      <th scope="col" role="columnheader">
        Délai
      </th>
    </tr>
  );
}

export interface DossierTableProps {
  siret: string;
  dossiers: DossierView[];
  today: string;
}

/** A SIRET's dossiers, as the portal's dashboard lists them (the support's space page too). */
export function DossierTable({ siret, dossiers, today }: DossierTableProps) {
  return (
    <div class="table-scroll">
      {/* Explicit roles: narrow panels lay the rows out as cards (CSS) and keep the table. */}
      <table class="table table-stack dossier-table" role="table">
        <caption class="visually-hidden">Dossiers du SIRET {formatSiret(siret)}</caption>
        <thead role="rowgroup">
          <DossierColumns />
        </thead>
        <tbody role="rowgroup">
          {dossiers.map((dossier) => (
            <DossierRow key={dossier.id} dossier={dossier} today={today} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface DossierRowProps {
  dossier: DossierView;
  today: string;
  /** On the windowed board: the row's place in its SIRET's table. */
  rowIndex?: number;
  /** On the windowed board: the row's index on the board (data-window-item). */
  windowIndex?: number;
}

/** Memoised: a live change repaints the dossier it is about (the others keep their objects). */
const DossierRow = memoRow(function DossierRow({
  dossier,
  today,
  rowIndex,
  windowIndex,
}: DossierRowProps) {
  const open = dossier.status === 'completer_dossier';
  const left = daysLeft(dossier.dueAt, today);
  const urgent = open && left <= 3;
  const windowed = rowIndex !== undefined;
  return (
    <tr
      role="row"
      aria-rowindex={rowIndex}
      class={windowed ? 'board-row' : undefined}
      data-window-item={windowed ? windowIndex : undefined}
    >
      <th scope="row" role="rowheader">
        <span class="dossier-reference">{dossier.reference}</span>
        <span class="cell-detail">
          <abbr title={DOSSIER_KIND_LABELS[dossier.kind]}>{dossier.kind}</abbr>
        </span>
      </th>
      <td role="cell">
        <span class={`badge badge-${dossier.status}`}>{DOSSIER_STATUS_LABELS[dossier.status]}</span>
      </td>
      {/* The labels show where the cards hide the column headers (narrow panels). */}
      <td role="cell" data-label="Date limite">
        {open ? formatDate(dossier.dueAt) : '—'}
      </td>
      <td role="cell" data-label="Délai" class={urgent ? 'deadline-urgent' : undefined}>
        {open ? formatDaysLeft(dossier.dueAt, today) : '—'}
      </td>
    </tr>
  );
});
