import { act, fireEvent, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import type { ActorView, ServerEvent } from '../../shared/events.js';
import type { HistoryEntryView, HistoryPageView } from '../../shared/views.js';
import { ApiError } from '../../extension/panel/api-client.js';
import { clickButton, openTab, press, renderPanel, typeInto } from './support/panel-harness.js';
import { flush } from './support/fake-socket.js';
import {
  ADMIN,
  PRINCIPAL,
  SECONDARY,
  SIRET_A,
  adminSnapshot,
  event,
  principalSnapshot,
  secondarySnapshot,
} from './support/snapshots.js';

function entry(id: number, text = `Changement ${id}`): HistoryEntryView {
  return {
    id,
    at: '2025-03-05T12:00:00.000Z',
    type: 'siret.added',
    actor: { email: PRINCIPAL.email, role: 'principal' },
    text,
  };
}

function page(ids: number[], next: number | null = null): HistoryPageView {
  return { entries: ids.map((id) => entry(id)), next };
}

const COLLEAGUE: ActorView = { id: 2, email: SECONDARY.email, role: 'secondary' };
const BOSS: ActorView = { id: 1, email: PRINCIPAL.email, role: 'principal' };

function by(actor: ActorView, base: ServerEvent): ServerEvent {
  return { ...base, actor };
}

async function openPrincipal() {
  const panel = await renderPanel({ signedInAs: PRINCIPAL });
  await panel.serverSends(principalSnapshot());
  return panel;
}

const historyTab = () => screen.getByRole('tab', { name: /^Historique/ });
const shownTexts = () =>
  within(screen.getByRole('list', { name: 'Historique' }))
    .getAllByRole('listitem')
    .map((item) => item.querySelector('.feed-main')?.textContent);

describe('Historique (member)', () => {
  it('lists the entries newest first with their date, after the other tabs', async () => {
    const panel = await openPrincipal();
    panel.api.history.mockResolvedValueOnce({
      entries: [entry(5, 'principal@exemple.fr a ajouté le SIRET 732 829 320 00074'), entry(4)],
      next: null,
    });
    expect(screen.getAllByRole('tab').map((tab) => tab.textContent)).toEqual([
      'Tableau de bord',
      'Paramétrage',
      'Attributions',
      'Équipe',
      'Historique',
    ]);
    await openTab('Historique');
    expect(panel.api.history).toHaveBeenCalledWith({ before: null, limit: 30 });
    expect(shownTexts()).toEqual([
      'principal@exemple.fr a ajouté le SIRET 732 829 320 00074',
      'Changement 4',
    ]);
    expect(screen.getAllByRole('listitem')[0]?.textContent).toContain('05/03/2025 à 13:00');
    expect(screen.queryByRole('button', { name: 'Afficher plus' })).toBeNull();
  });

  it('says so when there is nothing yet', async () => {
    await openPrincipal();
    await openTab('Historique');
    expect(screen.getByText('Aucun changement pour le moment.')).toBeTruthy();
  });

  it('loads older entries by cursor with « Afficher plus »', async () => {
    const panel = await openPrincipal();
    panel.api.history
      .mockResolvedValueOnce(page([9, 8], 8))
      .mockResolvedValueOnce(page([7, 6], 6))
      .mockResolvedValueOnce(page([5], null));
    await openTab('Historique');
    await clickButton('Afficher plus');
    expect(panel.api.history).toHaveBeenLastCalledWith({ before: 8, limit: 30 });
    await clickButton('Afficher plus');
    expect(panel.api.history).toHaveBeenLastCalledWith({ before: 6, limit: 30 });
    expect(shownTexts()).toEqual([9, 8, 7, 6, 5].map((id) => `Changement ${id}`));
    expect(screen.queryByRole('button', { name: 'Afficher plus' })).toBeNull();
  });

  it('shows « Chargement… » while a page is on its way', async () => {
    const panel = await openPrincipal();
    let answer: (value: HistoryPageView) => void = () => undefined;
    panel.api.history.mockImplementationOnce(
      () => new Promise<HistoryPageView>((resolve) => (answer = resolve)),
    );
    await openTab('Historique');
    const status = screen.getByText('Chargement…');
    expect(status.getAttribute('role')).toBe('status');
    await act(async () => {
      answer(page([3]));
      await flush();
    });
    expect(status.textContent).toBe('');
    expect(shownTexts()).toEqual(['Changement 3']);
  });

  it('shows a French error with « Réessayer » when a page cannot be loaded', async () => {
    const panel = await openPrincipal();
    panel.api.history
      .mockRejectedValueOnce(new ApiError('NETWORK', 'Le serveur ne répond pas.', 0))
      .mockResolvedValueOnce(page([2, 1]));
    await openTab('Historique');
    const alert = within(screen.getByRole('main')).getByRole('alert');
    expect(alert.textContent).toContain('L’historique n’a pas pu être chargé.');
    expect(alert.textContent).toContain('Le serveur ne répond pas.');
    await clickButton('Réessayer', alert);
    expect(within(screen.getByRole('main')).queryByRole('alert')).toBeNull();
    expect(shownTexts()).toEqual(['Changement 2', 'Changement 1']);
  });

  it('puts a new change on top live, without duplicates or gaps', async () => {
    const panel = await openPrincipal();
    panel.api.history.mockResolvedValueOnce(page([5, 4], 4));
    await openTab('Historique');
    // One new change: the top page holds it and those already shown.
    panel.api.history.mockResolvedValueOnce(page([6, 5, 4], 4));
    await panel.server((socket) =>
      socket.sendEvent(by(COLLEAGUE, event(6, 'siret.removed', { siret: SIRET_A }))),
    );
    expect(shownTexts()).toEqual(['Changement 6', 'Changement 5', 'Changement 4']);
    // Many at once: it pages down until it meets the entries shown.
    panel.api.history.mockResolvedValueOnce(page([9, 8], 8)).mockResolvedValueOnce(page([7, 6], 6));
    await panel.server((socket) =>
      socket.sendEvent(by(COLLEAGUE, event(7, 'siret.removed', { siret: SIRET_A }))),
    );
    expect(panel.api.history).toHaveBeenLastCalledWith({ before: 8, limit: 30 });
    expect(shownTexts()).toEqual([9, 8, 7, 6, 5, 4].map((id) => `Changement ${id}`));
    // Older pages still follow the cursor of the first load.
    panel.api.history.mockResolvedValueOnce(page([4, 3], null));
    await clickButton('Afficher plus');
    expect(panel.api.history).toHaveBeenLastCalledWith({ before: 4, limit: 30 });
    expect(shownTexts()).toEqual([9, 8, 7, 6, 5, 4, 3].map((id) => `Changement ${id}`));
  });

  it('counts the changes made by others while the tab is closed, and clears them on open', async () => {
    const panel = await openPrincipal();
    expect(historyTab().textContent).toBe('Historique');
    await panel.server((socket) => {
      socket.sendEvent(by(COLLEAGUE, event(6, 'siret.removed', { siret: SIRET_A })));
      // Their own change is no news to them.
      socket.sendEvent(by(BOSS, event(7, 'secondary.removed', { userId: 2 })));
      socket.sendEvent({ id: 0, type: 'presence.changed', at: '', data: { online: [1] } });
    });
    expect(historyTab().textContent).toBe('Historique (1)');
    expect(screen.getByRole('tab', { name: 'Historique, 1 changement non lu' })).toBeTruthy();
    await panel.server((socket) =>
      socket.sendEvent(
        by(
          { id: null, email: null, role: 'system' },
          event(8, 'siret.removed', { siret: SIRET_A }),
        ),
      ),
    );
    expect(screen.getByRole('tab', { name: 'Historique, 2 changements non lus' })).toBeTruthy();
    await press(historyTab());
    expect(historyTab().textContent).toBe('Historique');
    expect(historyTab().getAttribute('aria-selected')).toBe('true');
    // While it is open, new changes show in the list rather than on the tab.
    await panel.server((socket) =>
      socket.sendEvent(by(COLLEAGUE, event(9, 'siret.removed', { siret: SIRET_A }))),
    );
    expect(historyTab().textContent).toBe('Historique');
  });

  it('counts for a secondary only the changes that concern them', async () => {
    const panel = await renderPanel({ signedInAs: SECONDARY });
    await panel.serverSends(secondarySnapshot());
    await panel.server((socket) => {
      socket.sendEvent(
        by(BOSS, event(6, 'secondary.sirets_changed', { userId: 4, sirets: [], dossiers: [] })),
      );
      socket.sendEvent(
        by(BOSS, event(7, 'secondary.status_changed', { userId: 4, status: 'active' })),
      );
      socket.sendEvent(
        by(BOSS, event(8, 'secondary.sirets_changed', { userId: 2, sirets: [], dossiers: [] })),
      );
    });
    expect(screen.getByRole('tab', { name: 'Historique, 1 changement non lu' })).toBeTruthy();
  });

  it('opens from elsewhere in the panel with store.openHistory()', async () => {
    const panel = await openPrincipal();
    await act(async () => {
      panel.store.openHistory();
      await flush();
    });
    expect(historyTab().getAttribute('aria-selected')).toBe('true');
    expect(panel.api.history).toHaveBeenCalledTimes(1);
    // The keyboard still moves between the tabs.
    await act(async () => {
      fireEvent.keyDown(historyTab(), { key: 'Home' });
      await flush();
    });
    expect(screen.getByRole('tab', { name: 'Tableau de bord' }).getAttribute('aria-selected')).toBe(
      'true',
    );
    expect(panel.store.memberTab.value).toBe('dashboard');
  });

  it('exports the history as history.csv', async () => {
    const panel = await openPrincipal();
    await openTab('Historique');
    await clickButton('Exporter (CSV)');
    expect(panel.api.exportHistory).toHaveBeenCalledTimes(1);
    expect(panel.saveFile).toHaveBeenCalledWith(expect.any(Blob), 'history.csv');
    expect(screen.getByText('Export CSV téléchargé.', { selector: '.toast-text' })).toBeTruthy();
  });
});

describe('Historique (support)', () => {
  async function openSupportHistory() {
    const panel = await renderPanel({ signedInAs: ADMIN });
    await panel.serverSends(adminSnapshot());
    await openTab('Historique');
    return panel;
  }

  it('keeps the live invitations and locks in their own tab', async () => {
    await renderPanel({ signedInAs: ADMIN }).then((panel) => panel.serverSends(adminSnapshot()));
    expect(screen.getAllByRole('tab').map((tab) => tab.textContent)).toEqual([
      'Rechercher',
      'Aperçu',
      'Invitations et blocages',
      'Historique',
      'Agents',
    ]);
    await openTab('Invitations et blocages');
    expect(screen.getByRole('region', { name: 'Invitations en direct' })).toBeTruthy();
    expect(screen.getByRole('region', { name: 'Comptes bloqués' })).toBeTruthy();
  });

  it('sends the filters, lists the results with their kind, and exports what they show', async () => {
    const panel = await openSupportHistory();
    expect(panel.api.adminHistory).toHaveBeenCalledWith({}, { before: null, limit: 30 });
    panel.api.adminHistory.mockResolvedValueOnce(page([42, 41], 41));
    const form = screen.getByRole('search', { name: 'Rechercher dans l’historique' });
    typeInto('Adresse e-mail', 'alice@exemple.fr', form);
    typeInto('SIRET', '732 829 320 00074', form);
    fireEvent.change(within(form).getByLabelText('Type de changement'), {
      target: { value: 'secondary.sirets_changed' },
    });
    typeInto('Du', '2025-03-01', form);
    typeInto('Au', '2025-03-10', form);
    await clickButton('Rechercher', form);
    const filters = {
      email: 'alice@exemple.fr',
      siret: SIRET_A,
      type: 'secondary.sirets_changed',
      from: '2025-03-01',
      to: '2025-03-10',
    };
    expect(panel.api.adminHistory).toHaveBeenLastCalledWith(filters, { before: null, limit: 30 });
    const list = screen.getByRole('list', { name: 'Historique' });
    expect(within(list).getAllByRole('listitem')[0]?.textContent).toContain(
      '05/03/2025 à 13:00 · SIRET ajouté',
    );
    panel.api.adminHistory.mockResolvedValueOnce(page([40], null));
    await clickButton('Afficher plus');
    expect(panel.api.adminHistory).toHaveBeenLastCalledWith(filters, { before: 41, limit: 30 });
    expect(within(list).getAllByRole('listitem')).toHaveLength(3);

    await clickButton('Exporter (CSV)');
    expect(panel.api.exportAdminHistory).toHaveBeenCalledWith(filters);
    expect(panel.saveFile).toHaveBeenCalledWith(expect.any(Blob), 'history.csv');

    await clickButton('Effacer les filtres', form);
    expect(panel.api.adminHistory).toHaveBeenLastCalledWith({}, { before: null, limit: 30 });
    expect((within(form).getByLabelText('Adresse e-mail') as HTMLInputElement).value).toBe('');
  });

  it('shows the server’s refusal of the filters next to the form', async () => {
    const panel = await openSupportHistory();
    panel.api.adminHistory.mockRejectedValueOnce(
      new ApiError('VALIDATION_FAILED', 'La date de début doit précéder la date de fin.', 400),
    );
    const form = screen.getByRole('search', { name: 'Rechercher dans l’historique' });
    typeInto('Du', '2025-03-10', form);
    typeInto('Au', '2025-03-01', form);
    await clickButton('Rechercher', form);
    const alert = within(form).getByRole('alert');
    expect(alert.textContent).toBe('La date de début doit précéder la date de fin.');
    expect(screen.queryByText('Aucun changement ne correspond à ces filtres.')).toBeNull();
    panel.api.adminHistory.mockResolvedValueOnce(page([]));
    typeInto('Au', '2025-03-12', form);
    await clickButton('Rechercher', form);
    expect(within(form).queryByRole('alert')).toBeNull();
    expect(screen.getByText('Aucun changement ne correspond à ces filtres.')).toBeTruthy();
  });
});
