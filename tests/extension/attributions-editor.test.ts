import { describe, expect, it } from 'vitest';
import {
  applyLive,
  buildChanges,
  cellValue,
  changeCount,
  createEditor,
  discardEdits,
  isCellChanged,
  markSaved,
  readLive,
  rebase,
  setCells,
  tally,
  toggleCell,
  touchedRows,
} from '../../extension/panel/attributions-editor.js';
import type { MemberView } from '../../shared/views.js';
import { SIRET_A, SIRET_B, SIRET_C, member, principalSnapshot } from './support/snapshots.js';

const principal = member({ id: 1, email: 'principal@exemple.fr', role: 'principal', sirets: null });

function liveOf(members: MemberView[], sirets = [SIRET_A, SIRET_B, SIRET_C]) {
  return readLive(
    principalSnapshot({
      sirets: sirets.map((siret) => ({ siret, addedAt: '2025-01-01T00:00:00.000Z' })),
      members: [principal, ...members],
    }),
  );
}

const alice = (sirets: string[] = [SIRET_A]) =>
  member({ id: 10, email: 'alice@exemple.fr', sirets });
const bruno = (sirets: string[] = []) =>
  member({ id: 11, email: 'bruno@exemple.fr', status: 'pending', sirets });

describe('Attributions edit model', () => {
  it('reads one row per secondary not removed (pending included) and the space SIRETs', () => {
    const live = liveOf([
      alice(),
      bruno(),
      member({ id: 12, email: 'parti@exemple.fr', status: 'removed' }),
    ]);
    expect(live.rows.map((row) => [row.email, row.status])).toEqual([
      ['alice@exemple.fr', 'active'],
      ['bruno@exemple.fr', 'pending'],
    ]);
    expect(live.sirets).toEqual([SIRET_A, SIRET_B, SIRET_C]);
  });

  it('shows the edits over the live state and builds one change per touched row with its base', () => {
    let model = createEditor(liveOf([alice(), bruno()]));
    model = toggleCell(model, 10, SIRET_B);
    model = toggleCell(model, 10, SIRET_A);
    model = toggleCell(model, 11, SIRET_C);
    expect(cellValue(model, 10, SIRET_A)).toBe(false);
    expect(cellValue(model, 10, SIRET_B)).toBe(true);
    expect(isCellChanged(model, 10, SIRET_B)).toBe(true);
    expect(isCellChanged(model, 10, SIRET_C)).toBe(false);
    expect(changeCount(model)).toBe(3);
    expect(touchedRows(model)).toEqual([10, 11]);
    expect(buildChanges(model)).toEqual([
      { userId: 10, sirets: [SIRET_B], base: [SIRET_A] },
      { userId: 11, sirets: [SIRET_C], base: [] },
    ]);
  });

  it('forgets a cell ticked back, and a row whose cells all are', () => {
    let model = createEditor(liveOf([alice()]));
    model = toggleCell(model, 10, SIRET_B);
    model = toggleCell(model, 10, SIRET_B);
    expect(changeCount(model)).toBe(0);
    expect(model.edits.size).toBe(0);
    expect(buildChanges(model)).toEqual([]);
  });

  it('sets many cells at once, leaving alone those already showing the value', () => {
    let model = createEditor(liveOf([alice(), bruno()]));
    model = setCells(
      model,
      [
        { userId: 10, siret: SIRET_A },
        { userId: 11, siret: SIRET_A },
      ],
      true,
    );
    expect(changeCount(model)).toBe(1);
    expect(buildChanges(model)).toEqual([{ userId: 11, sirets: [SIRET_A], base: [] }]);
    expect(discardEdits(model).edits.size).toBe(0);
  });

  it('keeps the edits of a row someone else changed, says what changed, and keeps its base', () => {
    let model = createEditor(liveOf([alice([SIRET_A]), bruno()]));
    model = toggleCell(model, 10, SIRET_C);
    model = applyLive(model, liveOf([alice([SIRET_B]), bruno([SIRET_A])]));
    // Untouched cells follow the live state; the edited cell stays.
    expect(cellValue(model, 10, SIRET_A)).toBe(false);
    expect(cellValue(model, 10, SIRET_B)).toBe(true);
    expect(cellValue(model, 10, SIRET_C)).toBe(true);
    expect(cellValue(model, 11, SIRET_A)).toBe(true);
    expect(model.edits.get(10)?.meanwhile).toEqual({ added: [SIRET_B], removed: [SIRET_A] });
    expect(model.edits.has(11)).toBe(false);
    expect(buildChanges(model)).toEqual([
      { userId: 10, sirets: [SIRET_A, SIRET_C], base: [SIRET_A] },
    ]);
  });

  it('rebases the conflicting rows on what they hold now, keeping the edits', () => {
    let model = createEditor(liveOf([alice([SIRET_A])]));
    model = toggleCell(model, 10, SIRET_C);
    const live = liveOf([alice([SIRET_B])]);
    model = applyLive(model, live);
    model = rebase(model, [{ userId: 10, email: 'alice@exemple.fr', sirets: [SIRET_B] }]);
    expect(model.edits.get(10)?.meanwhile).toBeNull();
    expect(buildChanges(model)).toEqual([
      { userId: 10, sirets: [SIRET_B, SIRET_C], base: [SIRET_B] },
    ]);
    expect(changeCount(model)).toBe(1);
  });

  it('drops a row once the live state holds what the user wanted (their own save, or the same change)', () => {
    let model = createEditor(liveOf([alice([SIRET_A])]));
    model = toggleCell(model, 10, SIRET_B);
    model = applyLive(model, liveOf([alice([SIRET_A, SIRET_B])]));
    expect(model.edits.size).toBe(0);
  });

  it('drops the edits of a secondary removed and of a SIRET that left the space', () => {
    let model = createEditor(liveOf([alice(), bruno()]));
    model = toggleCell(model, 10, SIRET_C);
    model = toggleCell(model, 11, SIRET_B);
    model = applyLive(model, liveOf([alice()], [SIRET_A, SIRET_B]));
    expect(model.edits.size).toBe(0);
    expect(changeCount(model)).toBe(0);
  });

  it('after a save, forgets the rows saved but keeps edits made while it ran', () => {
    let model = createEditor(liveOf([alice(), bruno()]));
    model = toggleCell(model, 10, SIRET_B);
    model = toggleCell(model, 11, SIRET_B);
    const sent = buildChanges(model);
    model = toggleCell(model, 11, SIRET_C);
    model = markSaved(model, sent);
    expect(model.edits.has(10)).toBe(false);
    expect(buildChanges(model)).toEqual([
      { userId: 11, sirets: [SIRET_B, SIRET_C], base: [SIRET_B] },
    ]);
  });

  it('counts, for the rows and columns shown, the cells ticked (edits included)', () => {
    let model = createEditor(liveOf([alice([SIRET_A, SIRET_B]), bruno([SIRET_A])]));
    model = toggleCell(model, 11, SIRET_C);
    model = toggleCell(model, 10, SIRET_A);
    const counts = tally(model, model.live.rows, [SIRET_A, SIRET_C]);
    expect(Object.fromEntries(counts.bySiret)).toEqual({ [SIRET_A]: 1, [SIRET_C]: 1 });
    expect(Object.fromEntries(counts.byUser)).toEqual({ 10: 0, 11: 2 });
  });
});
