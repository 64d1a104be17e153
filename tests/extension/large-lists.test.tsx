/**
 * A large employer's space (1 000 SIRETs, 3 000 dossiers, 200 secondary users):
 * the lists render a bounded window, the searches filter and count, live events
 * still reach the rows shown.
 */
import { act, fireEvent, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MemberSnapshot } from '../../shared/events.js';
import { formatSiret } from '../../shared/siret.js';
import type { DossierView, MemberView, SiretView } from '../../shared/views.js';
import {
  FALLBACK_WINDOW,
  computeWindowRange,
  itemOffsets,
  windowSlots,
} from '../../extension/components/use-window-range.js';
import { clickButton, openTab, press, renderPanel, typeInto } from './support/panel-harness.js';
import { PRINCIPAL, dossier, event, member, principalSnapshot } from './support/snapshots.js';

const SIRET_COUNT = 1_000;
const DOSSIERS_PER_SIRET = 3;
const SECONDARY_COUNT = 200;

/** The n-th SIRET of the space: 14 digits, all different. */
function siretAt(index: number): string {
  return String(73282932000000 + index * 1_013).padStart(14, '0');
}

function largeSpace(): MemberSnapshot {
  const sirets: SiretView[] = Array.from({ length: SIRET_COUNT }, (_, index) => ({
    siret: siretAt(index),
    addedAt: '2025-01-01T00:00:00.000Z',
  }));
  const dossiers: DossierView[] = sirets.flatMap(({ siret }, siretIndex) =>
    Array.from({ length: DOSSIERS_PER_SIRET }, (_, index) => {
      const id = siretIndex * DOSSIERS_PER_SIRET + index + 1;
      return dossier({
        id,
        siret,
        reference: `AT-2025-${String(id).padStart(5, '0')}`,
        status: index === 2 ? 'consultation' : 'completer_dossier',
        dueAt: `2025-03-${String(11 + index).padStart(2, '0')}`,
      });
    }),
  );
  const secondaries: MemberView[] = Array.from({ length: SECONDARY_COUNT }, (_, index) =>
    member({
      id: 100 + index,
      email: `agent${String(index + 1).padStart(3, '0')}@exemple.fr`,
      status: index % 4 === 3 ? 'pending' : 'active',
      sirets: [siretAt(index)],
    }),
  );
  return principalSnapshot({
    sirets,
    dossiers,
    members: [
      member({ id: 1, email: PRINCIPAL.email, role: 'principal', sirets: null }),
      ...secondaries,
    ],
    online: [1, 100, 101],
  });
}

async function openLargeSpace() {
  const panel = await renderPanel({ signedInAs: PRINCIPAL });
  await panel.serverSends(largeSpace());
  return panel;
}

/** The dashboard's SIRET regions rendered (each holds its rows on screen). */
function siretRegions(): HTMLElement[] {
  const dashboard = screen.getByRole('region', { name: 'Tableau de bord' });
  return within(dashboard).queryAllByRole('region', { name: /^SIRET / });
}

function dossierRows(): HTMLElement[] {
  const dashboard = screen.getByRole('region', { name: 'Tableau de bord' });
  return within(dashboard)
    .queryAllByRole('row')
    .filter((row) => within(row).queryAllByRole('rowheader').length > 0);
}

function siretList(): HTMLElement {
  return screen.getByRole('list', { name: 'Liste des SIRETs' });
}

function siretItems(): HTMLElement[] {
  return within(siretList()).getAllByRole('listitem');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('Large space — Tableau de bord', () => {
  it('renders a bounded window of the 1 000 SIRETs and 3 000 dossiers, and counts them all', async () => {
    await openLargeSpace();
    expect(screen.getByText('1 000 SIRETs · 3 000 dossiers')).toBeTruthy();
    const regions = siretRegions();
    expect(regions.length).toBeGreaterThan(0);
    expect(regions.length).toBeLessThanOrEqual(FALLBACK_WINDOW);
    expect(dossierRows().length).toBeLessThanOrEqual(FALLBACK_WINDOW);
    // The first SIRET, its counts and its dossiers by due date, as a table of known length.
    const first = screen.getByRole('region', { name: `SIRET ${formatSiret(siretAt(0))}` });
    expect(within(first).getByText('3 dossiers en cours, dont 2 à compléter')).toBeTruthy();
    const table = within(first).getByRole('table', {
      name: `Dossiers du SIRET ${formatSiret(siretAt(0))}`,
    });
    expect(table.getAttribute('aria-rowcount')).toBe('4');
    const rows = within(table).getAllByRole('row');
    expect(rows.map((row) => row.getAttribute('aria-rowindex'))).toEqual(['1', '2', '3', '4']);
    expect(rows.slice(1).map((row) => within(row).getByRole('rowheader').textContent)).toEqual([
      'AT-2025-00001AT',
      'AT-2025-00002AT',
      'AT-2025-00003AT',
    ]);
    // Far from a thousand tables: the whole tab stays a few hundred nodes.
    expect(document.querySelectorAll('*').length).toBeLessThan(1_500);
  });

  it('finds a SIRET by its digits, spaces allowed, with all its dossiers', async () => {
    await openLargeSpace();
    const wanted = siretAt(777);
    typeInto('Rechercher un SIRET ou un dossier', formatSiret(wanted).slice(4));
    expect(siretRegions().map((region) => region.getAttribute('aria-label'))).toEqual([
      `SIRET ${formatSiret(wanted)}`,
    ]);
    expect(screen.getByText('1 SIRET sur 1 000 · 3 dossiers')).toBeTruthy();
    expect(dossierRows()).toHaveLength(3);
  });

  it('finds a dossier by its reference, whatever the case', async () => {
    await openLargeSpace();
    typeInto('Rechercher un SIRET ou un dossier', 'at-2025-02999');
    expect(screen.getByText('1 SIRET sur 1 000 · 1 dossier')).toBeTruthy();
    const rows = dossierRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.textContent).toContain('AT-2025-02999');
    // The SIRET it belongs to still shows all its counts.
    const region = screen.getByRole('region', { name: `SIRET ${formatSiret(siretAt(999))}` });
    expect(within(region).getByText('3 dossiers en cours, dont 2 à compléter')).toBeTruthy();
  });

  it('says when nothing matches, and shows everything again once the search is cleared', async () => {
    await openLargeSpace();
    typeInto('Rechercher un SIRET ou un dossier', 'MP-9999');
    expect(screen.getByText('Aucun SIRET ni dossier ne correspond à « MP-9999 ».')).toBeTruthy();
    expect(siretRegions()).toHaveLength(0);
    typeInto('Rechercher un SIRET ou un dossier', '');
    expect(screen.getByText('1 000 SIRETs · 3 000 dossiers')).toBeTruthy();
    expect(siretRegions().length).toBeGreaterThan(0);
  });

  it('applies a live status change to the row on screen, and to its SIRET’s counts', async () => {
    const panel = await openLargeSpace();
    const region = screen.getByRole('region', { name: `SIRET ${formatSiret(siretAt(1))}` });
    const row = () => within(region).getByRole('row', { name: /AT-2025-00004/ });
    expect(row().textContent).toContain('Compléter dossier');
    await panel.server((socket) =>
      socket.sendEvent(
        event(6, 'dossier.status_changed', { dossierId: 4, siret: siretAt(1), status: 'cloture' }),
      ),
    );
    expect(row().textContent).toContain('Clôturé');
    expect(within(region).getByText('2 dossiers en cours, dont 1 à compléter')).toBeTruthy();
    // Within a search too: the row found follows the event.
    typeInto('Rechercher un SIRET ou un dossier', 'AT-2025-00005');
    await panel.server((socket) =>
      socket.sendEvent(
        event(7, 'dossier.status_changed', {
          dossierId: 5,
          siret: siretAt(1),
          status: 'consultation',
        }),
      ),
    );
    expect(dossierRows()[0]!.textContent).toContain('Consultation');
  });
});

describe('Large space — Liste des SIRETs', () => {
  it('counts the SIRETs, renders a bounded window and searches by digits anywhere', async () => {
    await openLargeSpace();
    await openTab('Paramétrage');
    expect(screen.getByText('1 000 SIRETs')).toBeTruthy();
    expect(siretItems().length).toBeLessThanOrEqual(FALLBACK_WINDOW);
    expect(siretItems()[0]!.getAttribute('aria-setsize')).toBe('1000');
    // Digits from the middle of the SIRET, typed with a space.
    const needle = '0 10';
    const expected = Array.from({ length: SIRET_COUNT }, (_, index) => siretAt(index)).filter(
      (siret) => siret.includes('010'),
    );
    expect(expected.length).toBeGreaterThan(1);
    typeInto('Rechercher un SIRET', needle);
    expect(screen.getByText(`${expected.length} SIRETs sur 1 000`)).toBeTruthy();
    expect(siretItems().map((item) => item.querySelector('.siret')?.textContent)).toEqual(
      expected.slice(0, FALLBACK_WINDOW).map(formatSiret),
    );
  });

  it('says when no SIRET matches', async () => {
    await openLargeSpace();
    await openTab('Paramétrage');
    typeInto('Rechercher un SIRET', '999 999');
    expect(screen.getByText('Aucun SIRET ne correspond à « 999 999 ».')).toBeTruthy();
    expect(screen.queryByRole('list', { name: 'Liste des SIRETs' })).toBeNull();
  });

  it('deletes a SIRET found by the search, and a live change updates its counts', async () => {
    const panel = await openLargeSpace();
    await openTab('Paramétrage');
    const wanted = siretAt(500);
    typeInto('Rechercher un SIRET', wanted);
    expect(siretItems()).toHaveLength(1);
    expect(siretItems()[0]!.textContent).toContain('3 dossiers en cours, dont 2 à compléter');
    await panel.server((socket) =>
      socket.sendEvent(
        event(6, 'dossier.status_changed', { dossierId: 1501, siret: wanted, status: 'cloture' }),
      ),
    );
    expect(siretItems()[0]!.textContent).toContain('2 dossiers en cours, dont 1 à compléter');
    await press(screen.getByRole('button', { name: `Supprimer le SIRET ${formatSiret(wanted)}` }));
    const dialog = screen.getByRole('dialog', { name: 'Supprimer le SIRET' });
    await press(within(dialog).getByRole('button', { name: 'Confirmer' }));
    expect(panel.api.deleteSiret).toHaveBeenCalledWith(wanted);
    await panel.server((socket) => socket.sendEvent(event(7, 'siret.removed', { siret: wanted })));
    expect(screen.getByText(`Aucun SIRET ne correspond à « ${wanted} ».`)).toBeTruthy();
    typeInto('Rechercher un SIRET', '');
    expect(screen.getByText('999 SIRETs')).toBeTruthy();
  });

  it('keeps the focused row rendered when the page scrolls far from it', async () => {
    await openLargeSpace();
    await openTab('Paramétrage');
    const button = screen.getByRole('button', {
      name: `Supprimer le SIRET ${formatSiret(siretAt(0))}`,
    });
    act(() => button.focus());
    // A layout: rows of 60 px, the list scrolled 30 000 px up (row 500 at the top).
    let listTop = 0;
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (
      this: HTMLElement,
    ) {
      const height = this.hasAttribute('data-window-item') ? 60 : 0;
      const top = this === siretList() ? listTop : 0;
      return DOMRect.fromRect({ x: 0, y: top, width: 300, height });
    });
    listTop = -30_000;
    await act(async () => {
      fireEvent.scroll(window);
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    const shown = siretItems().map((item) => item.querySelector('.siret')?.textContent);
    expect(shown).toContain(formatSiret(siretAt(500)));
    expect(shown).not.toContain(formatSiret(siretAt(100)));
    expect(shown.length).toBeLessThanOrEqual(FALLBACK_WINDOW + 1);
    // The focused row is still there, first, its button still focused.
    expect(shown[0]).toBe(formatSiret(siretAt(0)));
    expect(document.activeElement).toBe(button);
    // The spacers keep the list as tall as its 1 000 rows.
    const gaps = Array.from(siretList().querySelectorAll<HTMLElement>('.window-gap'));
    const rendered = siretItems().length;
    const gapHeight = gaps.reduce((sum, gap) => sum + Number.parseFloat(gap.style.height), 0);
    expect(gapHeight + rendered * 60).toBe(SIRET_COUNT * 60);
  });
});

describe('Large space — team and secondaries', () => {
  it('renders a bounded window of the 201 members of « Équipe »', async () => {
    await openLargeSpace();
    await openTab('Équipe');
    expect(screen.getByText('201 membres, 3 en ligne')).toBeTruthy();
    const team = screen.getByRole('list', { name: "Membres de l'espace employeur" });
    const items = within(team).getAllByRole('listitem');
    expect(items.length).toBeLessThanOrEqual(FALLBACK_WINDOW);
    expect(items[0]!.textContent).toContain('principal@exemple.fr (vous)');
    expect(items[1]!.getAttribute('aria-setsize')).toBe('201');
  });

  it('pages the 200 secondary users and searches them', async () => {
    await openLargeSpace();
    await openTab('Paramétrage');
    const table = screen.getByRole('table', { name: 'Liste des utilisateurs secondaires' });
    expect(within(table).getAllByRole('row')).toHaveLength(11);
    expect(screen.getByText('1-10 de 200')).toBeTruthy();
    typeInto('Rechercher un utilisateur secondaire', 'agent1');
    expect(screen.getByText('1-10 de 100')).toBeTruthy();
  });

  it('searches the 1 000 SIRETs of « Liste SIRETs », drawing a bounded list, and keeps ticks out of sight', async () => {
    const panel = await openLargeSpace();
    await openTab('Paramétrage');
    await clickButton('Liste SIRETs de agent001@exemple.fr (1)');
    const dialog = screen.getByRole('dialog', { name: 'Liste SIRETs — agent001@exemple.fr' });
    expect(within(dialog).getAllByRole('checkbox')).toHaveLength(50);
    expect(within(dialog).getByText(/1 SIRET coché sur 1000/)).toBeTruthy();
    const wanted = siretAt(777);
    typeInto('Rechercher un SIRET', formatSiret(wanted), dialog);
    const boxes = within(dialog).getAllByRole('checkbox');
    expect(boxes).toHaveLength(1);
    await press(within(dialog).getByLabelText(formatSiret(wanted)));
    typeInto('Rechercher un SIRET', '', dialog);
    await clickButton('Enregistrer', dialog);
    // The first SIRET, ticked before and out of the search's sight, is kept.
    expect(panel.api.setSecondarySirets).toHaveBeenCalledWith(100, [siretAt(0), wanted]);
  });
});

describe('computeWindowRange', () => {
  /** Items all `height` tall, none measured: the estimate alone places them. */
  const even = (count: number, height: number) => itemOffsets(count, new Map(), height);
  const base = { offsets: even(1_000, 50), viewportHeight: 500, overscan: 5 };

  it('covers the viewport plus the overscan on each side', () => {
    expect(computeWindowRange({ ...base, listTop: 100 })).toEqual({ start: 0, end: 13 });
    expect(computeWindowRange({ ...base, listTop: -10_000 })).toEqual({ start: 195, end: 215 });
    expect(computeWindowRange({ ...base, listTop: -49_800 })).toEqual({ start: 991, end: 1_000 });
  });

  it('keeps a few items when the list is off screen, and a bounded window without layout', () => {
    expect(computeWindowRange({ ...base, listTop: 5_000 })).toEqual({ start: 0, end: 5 });
    expect(computeWindowRange({ ...base, listTop: -60_000 })).toEqual({ start: 995, end: 1_000 });
    expect(computeWindowRange({ ...base, offsets: even(1_000, 0), listTop: 0 })).toEqual({
      start: 0,
      end: FALLBACK_WINDOW,
    });
    expect(computeWindowRange({ ...base, offsets: even(0, 50), listTop: 0 })).toEqual({
      start: 0,
      end: 0,
    });
  });

  it('places items of different heights by the sums of those measured, the others estimated', () => {
    // Items 0-9 measured: 10 px each, then item 10 wraps to 200 px; the rest estimated at 40 px.
    const heights = new Map<number, number>(
      Array.from({ length: 10 }, (_, index) => [index, 10] as const),
    );
    heights.set(10, 200);
    const offsets = itemOffsets(100, heights, 40);
    expect([offsets[10], offsets[11], offsets[12], offsets[100]]).toEqual([100, 300, 340, 3_860]);
    // A 100 px viewport 150 px down the list sees only the tall item 10 (100-300 px).
    expect(
      computeWindowRange({ offsets, listTop: -150, viewportHeight: 100, overscan: 0 }),
    ).toEqual({ start: 10, end: 11 });
    // 350-410 px down: items 12 (340-380) and 13 (380-420), and two more each side.
    expect(computeWindowRange({ offsets, listTop: -350, viewportHeight: 60, overscan: 2 })).toEqual(
      { start: 10, end: 16 },
    );
    // With equal heights, the same place would have shown other items.
    expect(
      computeWindowRange({
        offsets: even(100, 10),
        listTop: -150,
        viewportHeight: 100,
        overscan: 0,
      }),
    ).toEqual({ start: 15, end: 25 });
    // The spacers stand for exactly the items they replace: the list keeps its whole height.
    const slots = windowSlots(offsets, 10, 12, null);
    expect(slots).toEqual([
      { kind: 'gap', key: 'gap-0', height: 100 },
      { kind: 'item', index: 10 },
      { kind: 'item', index: 11 },
      { kind: 'gap', key: 'gap-12', height: 3_520 },
    ]);
  });

  it('places a pinned item between spacers that add up to the whole list', () => {
    expect(windowSlots(even(100, 10), 40, 43, 2)).toEqual([
      { kind: 'gap', key: 'gap-0', height: 20 },
      { kind: 'item', index: 2 },
      { kind: 'gap', key: 'gap-3', height: 370 },
      { kind: 'item', index: 40 },
      { kind: 'item', index: 41 },
      { kind: 'item', index: 42 },
      { kind: 'gap', key: 'gap-43', height: 570 },
    ]);
  });
});
