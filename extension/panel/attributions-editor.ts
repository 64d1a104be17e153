/**
 * « Attributions »: the edit model of the principal's matrix, pure.
 *
 * The live state gives one row per secondary (removed ones excepted) and one
 * column per SIRET of the space. The user's edits are kept cell by cell, over
 * the row's `base` (what the matrix showed for that user when first edited),
 * never as whole rows: a change made by someone else meanwhile stays visible in
 * the cells the user did not touch. The server refuses a save whose `base` is
 * no longer what the user holds; the refusal's answer becomes the new `base`
 * and the edits stay, so that the next save is made knowingly.
 */
import type { MemberSnapshot } from '../../shared/events.js';
import type { AttributionConflict } from '../../shared/errors.js';
import type { SetAttributionsBody } from '../../shared/schemas.js';
import type { UserStatus } from '../../shared/domain.js';

export interface AttributionRow {
  userId: number;
  email: string;
  /** A pending secondary may be given SIRETs before validating their invitation. */
  status: Exclude<UserStatus, 'removed'>;
  held: ReadonlySet<string>;
}

/** The live state as the matrix reads it, indexed once per state change. */
export interface LiveAttributions {
  /** The space's SIRETs, in the state's order. */
  sirets: readonly string[];
  siretSet: ReadonlySet<string>;
  rows: readonly AttributionRow[];
  byUser: ReadonlyMap<number, AttributionRow>;
}

/** What someone else changed in a row the user is editing (from its `base` to the live row). */
export interface ChangedMeanwhile {
  added: string[];
  removed: string[];
}

export interface RowEdit {
  base: readonly string[];
  baseSet: ReadonlySet<string>;
  /** Cell by cell: the value the user wants for that SIRET. */
  cells: ReadonlyMap<string, boolean>;
  /** Set when the live row no longer is `base`: someone else changed it meanwhile. */
  meanwhile: ChangedMeanwhile | null;
}

export interface AttributionsModel {
  live: LiveAttributions;
  edits: ReadonlyMap<number, RowEdit>;
}

export interface Cell {
  userId: number;
  siret: string;
}

export type AttributionChange = SetAttributionsBody['changes'][number];

export function readLive(state: MemberSnapshot): LiveAttributions {
  const sirets = state.sirets.map((item) => item.siret);
  const rows: AttributionRow[] = [];
  for (const member of state.members) {
    if (member.role !== 'secondary' || member.status === 'removed') continue;
    rows.push({
      userId: member.id,
      email: member.email,
      status: member.status,
      held: new Set(member.sirets ?? []),
    });
  }
  return {
    sirets,
    siretSet: new Set(sirets),
    rows,
    byUser: new Map(rows.map((row) => [row.userId, row])),
  };
}

export function createEditor(live: LiveAttributions): AttributionsModel {
  return { live, edits: new Map() };
}

/** The value the matrix shows for a cell: the user's edit, else the live state. */
export function cellValue(model: AttributionsModel, userId: number, siret: string): boolean {
  const edited = model.edits.get(userId)?.cells.get(siret);
  return edited ?? model.live.byUser.get(userId)?.held.has(siret) ?? false;
}

/** Whether saving would change this cell (what the matrix marks). */
export function isCellChanged(model: AttributionsModel, userId: number, siret: string): boolean {
  const edit = model.edits.get(userId);
  const wanted = edit?.cells.get(siret);
  return edit !== undefined && wanted !== undefined && wanted !== edit.baseSet.has(siret);
}

/** Sets every cell to `value`; the cells already showing it are left as they are. */
export function setCells(
  model: AttributionsModel,
  cells: readonly Cell[],
  value: boolean,
): AttributionsModel {
  const edits = new Map(model.edits);
  for (const { userId, siret } of cells) {
    const row = model.live.byUser.get(userId);
    if (!row || !model.live.siretSet.has(siret)) continue;
    const edit = edits.get(userId) ?? startEdit(row);
    const next = new Map(edit.cells);
    // Back to what both the live row and the base say: no edit left in that cell.
    if (value === row.held.has(siret) && value === edit.baseSet.has(siret)) next.delete(siret);
    else next.set(siret, value);
    if (next.size === 0) edits.delete(userId);
    else edits.set(userId, { ...edit, cells: next });
  }
  return { ...model, edits };
}

export function toggleCell(model: AttributionsModel, userId: number, siret: string) {
  return setCells(model, [{ userId, siret }], !cellValue(model, userId, siret));
}

function startEdit(row: AttributionRow): RowEdit {
  return { base: [...row.held], baseSet: row.held, cells: new Map(), meanwhile: null };
}

/** The full list the user wants for a row: its base with their cell edits. */
function wantedOf(live: LiveAttributions, edit: RowEdit): Set<string> {
  const wanted = new Set(edit.base);
  for (const [siret, on] of edit.cells) {
    if (on) wanted.add(siret);
    else wanted.delete(siret);
  }
  // In the space's order, which is also how the answer and the history list them.
  return new Set(live.sirets.filter((siret) => wanted.has(siret)));
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const item of a) if (!b.has(item)) return false;
  return true;
}

/** The number of cells a save would change. */
export function changeCount(model: AttributionsModel): number {
  let count = 0;
  for (const [userId, edit] of model.edits) {
    for (const siret of edit.cells.keys()) if (isCellChanged(model, userId, siret)) count++;
  }
  return count;
}

/** The secondaries whose row a save would change, in the live order. */
export function touchedRows(model: AttributionsModel): number[] {
  return model.live.rows
    .map((row) => row.userId)
    .filter((userId) => {
      const edit = model.edits.get(userId);
      return edit !== undefined && !sameSet(wantedOf(model.live, edit), edit.baseSet);
    });
}

/** The body of one save: each touched row's wanted list and its base. */
export function buildChanges(model: AttributionsModel): AttributionChange[] {
  return touchedRows(model).map((userId) => {
    const edit = model.edits.get(userId)!;
    return { userId, sirets: [...wantedOf(model.live, edit)], base: [...edit.base] };
  });
}

export function discardEdits(model: AttributionsModel): AttributionsModel {
  return { ...model, edits: new Map() };
}

/**
 * Follows the live state. An edited row keeps the user's edits; when someone
 * else changed it, it says what changed since its base. A row that now holds
 * what the user wanted (their own save's event, or the same change made
 * elsewhere) has nothing left to save; edits of a secondary removed, or of a
 * SIRET that left the space, are dropped.
 */
export function applyLive(model: AttributionsModel, live: LiveAttributions): AttributionsModel {
  const edits = new Map<number, RowEdit>();
  for (const [userId, edit] of model.edits) {
    const row = live.byUser.get(userId);
    if (!row) continue;
    const cells = new Map(
      [...edit.cells].filter(
        ([siret, on]) =>
          live.siretSet.has(siret) &&
          !(on === row.held.has(siret) && on === edit.baseSet.has(siret)),
      ),
    );
    const kept: RowEdit = {
      ...edit,
      cells,
      meanwhile: changedSince(live, edit.baseSet, row.held),
    };
    if (cells.size === 0 || sameSet(wantedOf(live, kept), row.held)) continue;
    edits.set(userId, kept);
  }
  return { live, edits };
}

function changedSince(
  live: LiveAttributions,
  base: ReadonlySet<string>,
  held: ReadonlySet<string>,
): ChangedMeanwhile | null {
  const added = live.sirets.filter((siret) => held.has(siret) && !base.has(siret));
  const removed = [...base].filter((siret) => !held.has(siret));
  return added.length === 0 && removed.length === 0 ? null : { added, removed };
}

/**
 * After a conflict: each named row's base becomes what that user holds now (the
 * server's answer), the user's edits stay on top of it.
 */
export function rebase(
  model: AttributionsModel,
  conflicts: readonly AttributionConflict[],
): AttributionsModel {
  const edits = new Map(model.edits);
  for (const { userId, sirets } of conflicts) {
    const edit = edits.get(userId);
    const row = model.live.byUser.get(userId);
    if (!edit || !row) continue;
    const baseSet = new Set(sirets);
    edits.set(userId, {
      ...edit,
      base: [...sirets],
      baseSet,
      meanwhile: changedSince(model.live, baseSet, row.held),
    });
  }
  return { ...model, edits };
}

/**
 * After a successful save: the rows sent are saved. A row edited again while the
 * save ran keeps those newer edits, over what the server now holds.
 */
export function markSaved(
  model: AttributionsModel,
  sent: readonly AttributionChange[],
): AttributionsModel {
  const edits = new Map(model.edits);
  for (const change of sent) {
    const edit = edits.get(change.userId);
    if (!edit) continue;
    const saved = new Set(change.sirets);
    if (sameSet(wantedOf(model.live, edit), saved)) {
      edits.delete(change.userId);
      continue;
    }
    edits.set(change.userId, {
      ...edit,
      base: [...change.sirets],
      baseSet: saved,
      meanwhile: null,
    });
  }
  return { ...model, edits };
}

export interface Tally {
  /** For each SIRET shown: how many of the users shown have it. */
  bySiret: Map<string, number>;
  /** For each user shown: how many of the SIRETs shown they have. */
  byUser: Map<number, number>;
}

/**
 * What the row and column « all » controls need, in one pass over the
 * attributions (not over every cell of the matrix).
 */
export function tally(
  model: AttributionsModel,
  users: readonly AttributionRow[],
  sirets: readonly string[],
): Tally {
  const shown = new Set(sirets);
  const bySiret = new Map(sirets.map((siret) => [siret, 0]));
  const byUser = new Map<number, number>();
  const bump = (siret: string, by: number) => bySiret.set(siret, (bySiret.get(siret) ?? 0) + by);
  for (const row of users) {
    let count = 0;
    const cells = model.edits.get(row.userId)?.cells;
    for (const siret of row.held) {
      if (!shown.has(siret) || cells?.get(siret) === false) continue;
      count++;
      bump(siret, 1);
    }
    for (const [siret, on] of cells ?? []) {
      if (!on || row.held.has(siret) || !shown.has(siret)) continue;
      count++;
      bump(siret, 1);
    }
    byUser.set(row.userId, count);
  }
  return { bySiret, byUser };
}
