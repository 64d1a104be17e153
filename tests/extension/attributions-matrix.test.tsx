import { act, fireEvent, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../../shared/errors.js';
import type { MemberView } from '../../shared/views.js';
import { ApiError } from '../../extension/panel/api-client.js';
import { clickButton, openTab, press, renderPanel, typeInto } from './support/panel-harness.js';
import { flush } from './support/fake-socket.js';
import {
  PRINCIPAL,
  SECONDARY,
  SIRET_A,
  SIRET_B,
  SIRET_C,
  event,
  member,
  principalSnapshot,
  secondarySnapshot,
} from './support/snapshots.js';

const principalMember = member({ id: 1, email: PRINCIPAL.email, role: 'principal', sirets: null });
const ALICE = member({ id: 10, email: 'alice@exemple.fr', sirets: [SIRET_A] });
const BRUNO = member({ id: 11, email: 'bruno@exemple.fr', status: 'pending', sirets: [] });

const siretViews = (sirets: string[]) =>
  sirets.map((siret) => ({ siret, addedAt: '2025-01-01T00:00:00.000Z' }));

async function openAttributions(
  members: MemberView[] = [ALICE, BRUNO],
  sirets: string[] = [SIRET_A, SIRET_B, SIRET_C],
) {
  const panel = await renderPanel({ signedInAs: PRINCIPAL });
  await panel.serverSends(
    principalSnapshot({ sirets: siretViews(sirets), members: [principalMember, ...members] }),
  );
  await openTab('Attributions');
  return panel;
}

const grid = () => screen.getByRole('grid', { name: /Attributions des SIRETs/ });
const cell = (siret: string, email: string) =>
  within(grid()).getByRole('checkbox', {
    name: `SIRET ${format(siret)} — ${email}`,
  }) as HTMLInputElement;
const format = (siret: string) =>
  `${siret.slice(0, 3)} ${siret.slice(3, 6)} ${siret.slice(6, 9)} ${siret.slice(9)}`;
const saveBar = () => document.querySelector('.attributions-savebar') as HTMLElement;
const shownSirets = () =>
  within(grid())
    .getAllByRole('rowheader')
    .map((header) => header.querySelector('.matrix-siret')?.textContent);
const shownUsers = () =>
  within(grid())
    .getAllByRole('columnheader')
    .slice(1)
    .map((header) => header.getAttribute('title'));

describe('Attributions — the matrix of SIRETs × secondary users', () => {
  it('is a tab of the principal only, right after « Paramétrage »', async () => {
    const principal = await renderPanel({ signedInAs: PRINCIPAL });
    await principal.serverSends(principalSnapshot());
    expect(screen.getAllByRole('tab').map((tab) => tab.textContent)).toEqual([
      'Tableau de bord',
      'Paramétrage',
      'Attributions',
      'Équipe',
      'Historique',
    ]);
    principal.unmount();
    const secondary = await renderPanel({ signedInAs: SECONDARY });
    await secondary.serverSends(secondarySnapshot());
    expect(screen.queryByRole('tab', { name: 'Attributions' })).toBeNull();
  });

  it('shows SIRETs in rows and every secondary, pending ones marked, in columns', async () => {
    await openAttributions();
    expect(shownSirets()).toEqual([format(SIRET_A), format(SIRET_B), format(SIRET_C)]);
    expect(shownUsers()).toEqual([
      'alice@exemple.fr',
      'bruno@exemple.fr, en attente de validation',
    ]);
    expect(cell(SIRET_A, 'alice@exemple.fr').checked).toBe(true);
    expect(cell(SIRET_A, 'bruno@exemple.fr').checked).toBe(false);
    expect(grid().getAttribute('aria-rowcount')).toBe('4');
    expect(grid().getAttribute('aria-colcount')).toBe('3');
  });

  it('says when there is no SIRET or no secondary user', async () => {
    // The tab shown: « Tableau de bord », visited first, stays in the page, hidden.
    const shown = () => screen.getByRole('tabpanel');
    const panel = await openAttributions([ALICE], []);
    expect(within(shown()).getByText(/Aucun SIRET dans votre espace/)).toBeTruthy();
    panel.unmount();
    await openAttributions([]);
    expect(within(shown()).getByText(/Aucun utilisateur secondaire/)).toBeTruthy();
    expect(screen.queryByRole('grid')).toBeNull();
  });

  it('saves the ticked cells at once: one call with each row wanted and its base', async () => {
    const panel = await openAttributions();
    const save = within(saveBar()).getByRole('button', {
      name: 'Enregistrer',
    }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    expect(saveBar().textContent).toContain('Aucune modification');
    await press(cell(SIRET_B, 'alice@exemple.fr'));
    await press(cell(SIRET_A, 'alice@exemple.fr'));
    await press(cell(SIRET_C, 'bruno@exemple.fr'));
    expect(cell(SIRET_B, 'alice@exemple.fr').checked).toBe(true);
    expect(cell(SIRET_B, 'alice@exemple.fr').closest('.matrix-cell')?.className).toContain(
      'matrix-changed',
    );
    expect(cell(SIRET_B, 'alice@exemple.fr').getAttribute('aria-describedby')).toBe(
      'matrix-changed-hint',
    );
    expect(saveBar().textContent).toContain('3 modifications');
    await clickButton('Enregistrer', saveBar());
    expect(panel.api.setAttributions).toHaveBeenCalledTimes(1);
    expect(panel.api.setAttributions).toHaveBeenCalledWith({
      changes: [
        { userId: 10, sirets: [SIRET_B], base: [SIRET_A] },
        { userId: 11, sirets: [SIRET_C], base: [] },
      ],
    });
    expect(screen.getByText('Attributions enregistrées.')).toBeTruthy();
    // The events that follow keep the matrix as the user left it.
    await panel.server((socket) => {
      socket.sendEvent(
        event(6, 'secondary.sirets_changed', { userId: 10, sirets: [SIRET_B], dossiers: [] }),
      );
      socket.sendEvent(
        event(7, 'secondary.sirets_changed', { userId: 11, sirets: [SIRET_C], dossiers: [] }),
      );
    });
    expect(cell(SIRET_B, 'alice@exemple.fr').checked).toBe(true);
    expect(cell(SIRET_A, 'alice@exemple.fr').checked).toBe(false);
    expect(document.querySelector('.matrix-changed')).toBeNull();
    expect(saveBar().textContent).toContain('Aucune modification');
  });

  it('cancels the edits', async () => {
    await openAttributions();
    await press(cell(SIRET_B, 'alice@exemple.fr'));
    await clickButton('Annuler les modifications', saveBar());
    expect(cell(SIRET_B, 'alice@exemple.fr').checked).toBe(false);
    expect(saveBar().textContent).toContain('Aucune modification');
  });

  it('ticks a whole row for the users shown, and a whole column for the SIRETs shown', async () => {
    const panel = await openAttributions();
    const row = within(grid()).getByRole('checkbox', {
      name: `Tous les utilisateurs affichés pour le SIRET ${format(SIRET_B)}`,
    });
    await press(row);
    expect(cell(SIRET_B, 'alice@exemple.fr').checked).toBe(true);
    expect(cell(SIRET_B, 'bruno@exemple.fr').checked).toBe(true);
    expect((row as HTMLInputElement).checked).toBe(true);
    const column = within(grid()).getByRole('checkbox', {
      name: 'Tous les SIRETs affichés pour alice@exemple.fr',
    }) as HTMLInputElement;
    expect(column.indeterminate).toBe(true);
    await press(column);
    expect(column.checked).toBe(true);
    // Only the SIRETs shown: the filter hides A and C from a column's « all ».
    typeInto('Filtrer les SIRETs', '356 000 000 00048');
    await press(
      within(grid()).getByRole('checkbox', {
        name: 'Tous les SIRETs affichés pour bruno@exemple.fr',
      }),
    );
    typeInto('Filtrer les SIRETs', '');
    expect(cell(SIRET_B, 'bruno@exemple.fr').checked).toBe(false);
    expect(cell(SIRET_C, 'bruno@exemple.fr').checked).toBe(false);
    await clickButton('Enregistrer', saveBar());
    expect(panel.api.setAttributions).toHaveBeenCalledWith({
      changes: [{ userId: 10, sirets: [SIRET_A, SIRET_B, SIRET_C], base: [SIRET_A] }],
    });
  });

  it('filters the SIRETs (spaces accepted) and the users', async () => {
    await openAttributions();
    typeInto('Filtrer les SIRETs', '356 000');
    expect(shownSirets()).toEqual([format(SIRET_B), format(SIRET_C)]);
    typeInto('Filtrer les utilisateurs', 'BRU');
    expect(shownUsers()).toEqual(['bruno@exemple.fr, en attente de validation']);
    expect(grid().getAttribute('aria-rowcount')).toBe('3');
    typeInto('Filtrer les utilisateurs', 'personne');
    expect(screen.getByText('Aucun utilisateur ne correspond à « personne ».')).toBeTruthy();
    typeInto('Filtrer les SIRETs', '999');
    expect(screen.getByText('Aucun SIRET ne correspond à « 999 ».')).toBeTruthy();
  });

  it('shows at once a change made by someone else, keeping the edits and flagging the row', async () => {
    const panel = await openAttributions();
    await press(cell(SIRET_C, 'alice@exemple.fr'));
    await panel.server((socket) => {
      socket.sendEvent(
        event(6, 'secondary.sirets_changed', { userId: 11, sirets: [SIRET_A], dossiers: [] }),
      );
      socket.sendEvent(
        event(7, 'secondary.sirets_changed', { userId: 10, sirets: [SIRET_B], dossiers: [] }),
      );
    });
    expect(cell(SIRET_A, 'bruno@exemple.fr').checked).toBe(true);
    expect(cell(SIRET_A, 'alice@exemple.fr').checked).toBe(false);
    expect(cell(SIRET_B, 'alice@exemple.fr').checked).toBe(true);
    expect(cell(SIRET_C, 'alice@exemple.fr').checked).toBe(true);
    const notice = document.querySelector('.attributions-meanwhile') as HTMLElement;
    expect(notice.textContent).toContain('alice@exemple.fr');
    expect(notice.textContent).toContain(`ajouté : ${format(SIRET_B)}`);
    expect(notice.textContent).toContain(`retiré : ${format(SIRET_A)}`);
    expect(shownUsers()[0]).toBe('alice@exemple.fr, modifié par ailleurs pendant votre saisie');
  });

  it('on a conflict, names the users changed meanwhile; a second save sends the rebased base', async () => {
    const panel = await openAttributions();
    panel.api.setAttributions.mockRejectedValueOnce(
      new ApiError('ATTRIBUTIONS_CONFLICT', ERRORS.ATTRIBUTIONS_CONFLICT.message, 409, {
        conflicts: [{ userId: 10, email: 'alice@exemple.fr', sirets: [SIRET_B] }],
      }),
    );
    await press(cell(SIRET_C, 'alice@exemple.fr'));
    await clickButton('Enregistrer', saveBar());
    const alert = document.querySelector('.attributions-conflict') as HTMLElement;
    expect(alert.getAttribute('role')).toBe('alert');
    expect(alert.textContent).toContain(ERRORS.ATTRIBUTIONS_CONFLICT.message);
    expect(alert.textContent).toContain(`alice@exemple.fr : détient désormais ${format(SIRET_B)}`);
    expect(document.querySelectorAll('.toast-text')).toHaveLength(0);
    await panel.server((socket) =>
      socket.sendEvent(
        event(6, 'secondary.sirets_changed', { userId: 10, sirets: [SIRET_B], dossiers: [] }),
      ),
    );
    expect(cell(SIRET_C, 'alice@exemple.fr').checked).toBe(true);
    expect(saveBar().textContent).toContain('1 modification');
    await clickButton('Enregistrer', saveBar());
    expect(panel.api.setAttributions).toHaveBeenCalledTimes(2);
    expect(panel.api.setAttributions).toHaveBeenLastCalledWith({
      changes: [{ userId: 10, sirets: [SIRET_B, SIRET_C], base: [SIRET_B] }],
    });
    expect(document.querySelector('.attributions-conflict')).toBeNull();
  });

  it('moves between cells with the arrows, Home and End, and toggles with Space', async () => {
    await openAttributions();
    const first = cell(SIRET_A, 'alice@exemple.fr');
    expect(first.tabIndex).toBe(0);
    expect(cell(SIRET_A, 'bruno@exemple.fr').tabIndex).toBe(-1);
    first.focus();
    const key = async (name: string) =>
      act(async () => {
        fireEvent.keyDown(document.activeElement!, { key: name });
        await flush();
      });
    await key('ArrowRight');
    expect(document.activeElement).toBe(cell(SIRET_A, 'bruno@exemple.fr'));
    expect(cell(SIRET_A, 'bruno@exemple.fr').tabIndex).toBe(0);
    await key('ArrowDown');
    expect(document.activeElement).toBe(cell(SIRET_B, 'bruno@exemple.fr'));
    await key(' ');
    expect(cell(SIRET_B, 'bruno@exemple.fr').checked).toBe(true);
    await key('Home');
    expect(document.activeElement).toBe(cell(SIRET_B, 'alice@exemple.fr'));
    await key('End');
    expect(document.activeElement).toBe(cell(SIRET_B, 'bruno@exemple.fr'));
    await key('ArrowUp');
    await key('ArrowUp');
    expect(document.activeElement?.getAttribute('aria-label')).toBe(
      'Tous les SIRETs affichés pour bruno@exemple.fr',
    );
    await key('ArrowDown');
    await key('Home');
    await key('ArrowLeft');
    expect(document.activeElement?.getAttribute('aria-label')).toBe(
      `Tous les utilisateurs affichés pour le SIRET ${format(SIRET_A)}`,
    );
  });

  it('renders only a window of a 1,000 × 200 matrix, and brings a far cell into it', async () => {
    const sirets = Array.from({ length: 1_000 }, (_, index) => String(10_000_000_000_000 + index));
    const members = Array.from({ length: 200 }, (_, index) =>
      member({ id: 100 + index, email: `agent${index + 1}@exemple.fr`, sirets: [sirets[index]!] }),
    );
    await openAttributions(members, sirets);
    expect(grid().getAttribute('aria-rowcount')).toBe('1001');
    expect(grid().getAttribute('aria-colcount')).toBe('201');
    const cells = within(grid()).getAllByRole('gridcell');
    expect(cells.length).toBeGreaterThan(20);
    expect(cells.length).toBeLessThan(400);
    expect(within(grid()).getAllByRole('row').length).toBeLessThan(40);
    const indexes = cells.map((item) => Number(item.getAttribute('aria-colindex')));
    expect(Math.min(...indexes)).toBe(2);
    expect(document.querySelector('.matrix-scroll')).toBeTruthy();

    cell(sirets[0]!, 'agent1@exemple.fr').focus();
    await act(async () => {
      fireEvent.keyDown(document.activeElement!, { key: 'End', ctrlKey: true });
      await flush();
    });
    const last = document.activeElement as HTMLInputElement;
    expect(last.getAttribute('aria-label')).toBe(
      `SIRET ${format(sirets[999]!)} — agent200@exemple.fr`,
    );
    expect(last.closest('[role="row"]')?.getAttribute('aria-rowindex')).toBe('1001');
    expect(last.closest('[role="gridcell"]')?.getAttribute('aria-colindex')).toBe('201');
    expect(within(grid()).getAllByRole('gridcell').length).toBeLessThan(400);
  });
});
