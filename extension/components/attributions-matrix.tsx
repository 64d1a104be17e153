import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { formatSiret } from '../../shared/siret.js';
import {
  cellValue,
  isCellChanged,
  type AttributionRow,
  type AttributionsModel,
  type Cell,
  type Tally,
} from '../panel/attributions-editor.js';
import { useMatrixWindow, type MatrixGeometry } from './use-matrix-window.js';
import { memoRow } from './use-window-range.js';

/*
 * Layout: the side panel is tall and narrow (360–400 px). SIRETs go in rows
 * (usually the longer list, scrolled vertically, which a narrow panel does
 * well), each behind a fixed-width sticky row header wide enough for the 14
 * digits; secondaries go in compact columns under a sticky header where each
 * e-mail is written vertically, truncated, whole in its accessible name and
 * title. Only the cells on screen exist (2-D windowing): a space may hold
 * 1,000 SIRETs and 200 secondaries.
 */
export const MATRIX_GEOMETRY: MatrixGeometry = {
  rowHeight: 34,
  colWidth: 34,
  headerHeight: 150,
  rowHeaderWidth: 160,
};

export interface AttributionsMatrixProps {
  model: AttributionsModel;
  /** The SIRETs shown (rows), filtered. */
  sirets: readonly string[];
  /** The secondaries shown (columns), filtered. */
  users: readonly AttributionRow[];
  tally: Tally;
  /** Rows edited by someone else meanwhile, or named by a conflict. */
  flagged: ReadonlySet<number>;
  onSet: (cells: Cell[], value: boolean) => void;
}

/** Grid positions: -1 is the header row or column. */
interface Position {
  row: number;
  col: number;
}

export function cellName(siret: string, email: string): string {
  return `SIRET ${formatSiret(siret)} — ${email}`;
}

export function AttributionsMatrix({
  model,
  sirets,
  users,
  tally,
  flagged,
  onSet,
}: AttributionsMatrixProps) {
  const scrollRef = useRef<HTMLDivElement | null>(null);
  const gridRef = useRef<HTMLDivElement | null>(null);
  const geometry = MATRIX_GEOMETRY;
  const {
    window: range,
    onScroll,
    reveal,
  } = useMatrixWindow(scrollRef, sirets.length, users.length, geometry);
  const [active, setActive] = useState<Position>({ row: 0, col: 0 });
  const focusPending = useRef(false);
  // The filters shrink the grid: the roving position stays inside it.
  const position: Position = {
    row: Math.min(active.row, sirets.length - 1),
    col: Math.min(active.col, users.length - 1),
  };

  useLayoutEffect(() => {
    if (!focusPending.current) return;
    focusPending.current = false;
    gridRef.current
      ?.querySelector<HTMLElement>(`[data-pos="${position.row}:${position.col}"]`)
      ?.focus();
  });

  const columnCells = (user: AttributionRow): Cell[] =>
    sirets.map((siret) => ({ userId: user.userId, siret }));
  const rowCells = (siret: string): Cell[] => users.map((user) => ({ userId: user.userId, siret }));

  /** What Space (or a click) does at a position. */
  function activate({ row, col }: Position) {
    const siret = sirets[row];
    const user = users[col];
    if (siret !== undefined && user) {
      onSet([{ userId: user.userId, siret }], !cellValue(model, user.userId, siret));
    } else if (siret !== undefined && col === -1) {
      onSet(rowCells(siret), (tally.bySiret.get(siret) ?? 0) < users.length);
    } else if (user && row === -1) {
      onSet(columnCells(user), (tally.byUser.get(user.userId) ?? 0) < sirets.length);
    }
  }

  function moveTo(row: number, col: number) {
    const next = {
      row: Math.max(-1, Math.min(row, sirets.length - 1)),
      col: Math.max(-1, Math.min(col, users.length - 1)),
    };
    focusPending.current = true;
    reveal(next.row, next.col);
    setActive(next);
  }

  function onKeyDown(event: KeyboardEvent) {
    const { row, col } = position;
    const page = Math.max(1, Math.floor((range.endRow - range.firstRow) / 2));
    const ctrl = event.ctrlKey || event.metaKey;
    const moves: Record<string, [number, number] | undefined> = {
      ArrowUp: [row - 1, col],
      ArrowDown: [row + 1, col],
      ArrowLeft: [row, col - 1],
      ArrowRight: [row, col + 1],
      Home: ctrl ? [0, 0] : [row, 0],
      End: ctrl ? [sirets.length - 1, users.length - 1] : [row, users.length - 1],
      PageUp: [row - page, col],
      PageDown: [row + page, col],
    };
    const target = moves[event.key];
    if (target) {
      event.preventDefault();
      moveTo(target[0], target[1]);
    } else if (event.key === ' ') {
      // Handled here so that a header's « all » control and a cell behave alike.
      event.preventDefault();
      activate(position);
    }
  }

  const focusProps = (row: number, col: number) => rovingProps(position, row, col);

  /*
   * One listener each on the grid for every checkbox's change and focus, told
   * apart by their position: a fling patches a new window every frame, and no
   * cell carries handlers of its own to replace.
   */
  function onChange(event: Event) {
    const at = positionOf(event.target);
    if (at) activate(at);
  }

  function onFocusIn(event: FocusEvent) {
    const at = positionOf(event.target);
    if (at && (at.row !== position.row || at.col !== position.col)) setActive(at);
  }
  const activeShown =
    (position.row === -1 || (position.row >= range.firstRow && position.row < range.endRow)) &&
    (position.col === -1 || (position.col >= range.firstCol && position.col < range.endCol));

  const columns = users.slice(range.firstCol, range.endCol);
  const rows = sirets.slice(range.firstRow, range.endRow);
  // Keys by slot, not by SIRET or user: the row (column) scrolled out lends its
  // elements to the one scrolled in, which is patched rather than built anew.
  const rowSlots = Math.max(1, rows.length);
  const colSlots = Math.max(1, columns.length);
  const width = geometry.rowHeaderWidth + users.length * geometry.colWidth;
  const height = geometry.headerHeight + sirets.length * geometry.rowHeight;

  return (
    <div class="matrix-scroll" ref={scrollRef} onScroll={onScroll}>
      <div
        ref={gridRef}
        role="grid"
        aria-label="Attributions des SIRETs aux utilisateurs secondaires"
        aria-rowcount={sirets.length + 1}
        aria-colcount={users.length + 1}
        class="matrix"
        style={{
          width: `${width}px`,
          height: `${height}px`,
          '--matrix-row-h': `${geometry.rowHeight}px`,
          '--matrix-col-w': `${geometry.colWidth}px`,
          '--matrix-head-h': `${geometry.headerHeight}px`,
          '--matrix-rowhead-w': `${geometry.rowHeaderWidth}px`,
        }}
        onKeyDown={onKeyDown}
        onChange={onChange}
        onFocusIn={onFocusIn}
      >
        <div role="row" aria-rowindex={1} class="matrix-head">
          <div
            role="columnheader"
            aria-colindex={1}
            class="matrix-corner"
            {...focusProps(-1, -1)}
            // Scrolled away from the active cell: the grid stays reachable with Tab.
            tabIndex={activeShown ? focusProps(-1, -1).tabIndex : 0}
          >
            <span>SIRET</span>
            <span class="matrix-corner-users" aria-hidden="true">
              Utilisateurs →
            </span>
          </div>
          {columns.map((user, index) => {
            const col = range.firstCol + index;
            const count = tally.byUser.get(user.userId) ?? 0;
            const pending = user.status === 'pending';
            const isFlagged = flagged.has(user.userId);
            const name = [
              user.email,
              pending ? 'en attente de validation' : null,
              isFlagged ? 'modifié par ailleurs pendant votre saisie' : null,
            ]
              .filter(Boolean)
              .join(', ');
            return (
              <div
                key={col % colSlots}
                role="columnheader"
                aria-colindex={col + 2}
                aria-label={name}
                title={name}
                class={`matrix-colhead${isFlagged ? ' matrix-flagged' : ''}`}
                style={{ left: `${cellLeft(col)}px` }}
              >
                <AllControl
                  label={`Tous les SIRETs affichés pour ${user.email}`}
                  count={count}
                  total={sirets.length}
                  {...focusProps(-1, col)}
                />
                <span class="matrix-email">{user.email}</span>
                {pending && <span class="matrix-marker matrix-pending" aria-hidden="true" />}
                {isFlagged && (
                  <span class="matrix-marker matrix-meanwhile" aria-hidden="true">
                    !
                  </span>
                )}
              </div>
            );
          })}
        </div>
        {rows.map((siret, rowOffset) => {
          const row = range.firstRow + rowOffset;
          return (
            <MatrixRow
              key={row % rowSlots}
              siret={siret}
              row={row}
              model={model}
              users={users}
              firstCol={range.firstCol}
              endCol={range.endCol}
              count={tally.bySiret.get(siret) ?? 0}
              activeCol={position.row === row ? position.col : null}
            />
          );
        })}
      </div>
    </div>
  );
}

/** Roving tabindex: only the active position is in the tab order (the grid follows the focus). */
function rovingProps(active: Position, row: number, col: number) {
  return {
    'data-pos': `${row}:${col}`,
    tabIndex: row === active.row && col === active.col ? 0 : -1,
  };
}

/** The grid position a control bears (`data-pos`), if any. */
function positionOf(target: EventTarget | null): Position | null {
  const pos = target instanceof HTMLElement ? target.dataset.pos : undefined;
  if (!pos) return null;
  const [row, col] = pos.split(':').map(Number);
  return row === undefined || col === undefined ? null : { row, col };
}

const cellLeft = (col: number) => MATRIX_GEOMETRY.rowHeaderWidth + col * MATRIX_GEOMETRY.colWidth;

interface MatrixRowProps {
  siret: string;
  row: number;
  model: AttributionsModel;
  users: readonly AttributionRow[];
  firstCol: number;
  endCol: number;
  /** How many of the users shown have this SIRET. */
  count: number;
  /** The roving position's column when it is in this row. */
  activeCol: number | null;
}

/**
 * One SIRET's row. Memoised: a vertical scroll renders only the rows coming
 * into the window, not those already on screen.
 */
const MatrixRow = memoRow(function MatrixRow({
  siret,
  row,
  model,
  users,
  firstCol,
  endCol,
  count,
  activeCol,
}: MatrixRowProps) {
  const active: Position = { row: activeCol === null ? -2 : row, col: activeCol ?? -2 };
  const shownSiret = formatSiret(siret);
  return (
    <div
      role="row"
      aria-rowindex={row + 2}
      class="matrix-row"
      style={{ top: `${MATRIX_GEOMETRY.headerHeight + row * MATRIX_GEOMETRY.rowHeight}px` }}
    >
      <div role="rowheader" aria-colindex={1} class="matrix-rowhead">
        <AllControl
          label={`Tous les utilisateurs affichés pour le SIRET ${shownSiret}`}
          count={count}
          total={users.length}
          {...rovingProps(active, row, -1)}
        />
        <span class="matrix-siret">{shownSiret}</span>
      </div>
      {users.slice(firstCol, endCol).map((user, index, shown) => {
        const col = firstCol + index;
        // By slot, as the rows (AttributionsMatrix): a horizontal scroll patches the cells.
        const slot = col % Math.max(1, shown.length);
        const on = cellValue(model, user.userId, siret);
        const changed = isCellChanged(model, user.userId, siret);
        return (
          <div
            key={slot}
            role="gridcell"
            aria-colindex={col + 2}
            class={`matrix-cell${changed ? ' matrix-changed' : ''}`}
            style={{ left: `${cellLeft(col)}px` }}
          >
            <input
              type="checkbox"
              aria-label={`SIRET ${shownSiret} — ${user.email}`}
              aria-describedby={changed ? 'matrix-changed-hint' : undefined}
              checked={on}
              {...rovingProps(active, row, col)}
            />
          </div>
        );
      })}
    </div>
  );
});

interface AllControlProps {
  label: string;
  count: number;
  total: number;
  tabIndex: number;
  'data-pos': string;
}

/** Ticks a whole row or column (through the grid's change listener): on when every cell shown is, mixed when some are. */
function AllControl({ label, count, total, ...focus }: AllControlProps) {
  const all = total > 0 && count === total;
  const mixed = count > 0 && count < total;
  return (
    <input
      type="checkbox"
      class="matrix-all"
      aria-label={label}
      checked={all}
      ref={(node) => {
        if (node) node.indeterminate = mixed;
      }}
      {...focus}
    />
  );
}
