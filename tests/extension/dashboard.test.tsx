import { screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { renderPanel } from './support/panel-harness.js';
import {
  PRINCIPAL,
  SIRET_A,
  SIRET_B,
  dossier,
  event,
  principalSnapshot,
} from './support/snapshots.js';

describe('Tableau de bord', () => {
  it('groups the dossiers by SIRET with their status, due date and days left', async () => {
    const panel = await renderPanel({ signedInAs: PRINCIPAL });
    await panel.serverSends(
      principalSnapshot({
        dossiers: [
          dossier({ id: 1, reference: 'AT-2025-001', dueAt: '2025-03-24' }),
          dossier({
            id: 2,
            reference: 'MP-2025-002',
            kind: 'MP',
            siret: SIRET_B,
            status: 'consultation',
          }),
          dossier({ id: 3, reference: 'AT-2025-003', dueAt: '2025-03-10' }),
        ],
      }),
    );
    expect(screen.getByRole('tab', { name: 'Tableau de bord', selected: true })).toBeTruthy();
    const first = screen.getByRole('region', { name: 'SIRET 732 829 320 00074' });
    expect(within(first).getByText('2 dossiers en cours, dont 2 à compléter')).toBeTruthy();
    const rows = within(first).getAllByRole('row').slice(1);
    expect(rows.map((row) => row.textContent)).toEqual([
      'AT-2025-003ATCompléter dossier10/03/2025Dernier jour',
      'AT-2025-001ATCompléter dossier24/03/202514 jours restants',
    ]);
    const second = screen.getByRole('region', { name: 'SIRET 356 000 000 00048' });
    expect(within(second).getByRole('row', { name: /MP-2025-002/ }).textContent).toBe(
      'MP-2025-002MPConsultation——',
    );
  });

  it('shows a new dossier and a status change live', async () => {
    const panel = await renderPanel({ signedInAs: PRINCIPAL });
    await panel.serverSends(principalSnapshot());
    await panel.server((socket) =>
      socket.sendEvent(
        event(6, 'dossier.added', { dossier: dossier({ id: 9, reference: 'AT-NEUF' }) }),
      ),
    );
    const group = screen.getByRole('region', { name: 'SIRET 732 829 320 00074' });
    expect(within(group).getByRole('row', { name: /AT-NEUF/ })).toBeTruthy();
    expect(screen.getByTestId('live-announcer').textContent).toBe(
      'Nouveau dossier AT-NEUF (SIRET 732 829 320 00074).',
    );
    await panel.server((socket) =>
      socket.sendEvent(
        event(7, 'dossier.status_changed', { dossierId: 9, siret: SIRET_A, status: 'cloture' }),
      ),
    );
    expect(within(group).getByRole('row', { name: /AT-NEUF/ }).textContent).toContain('Clôturé');
  });

  it('says so when the space has no SIRET yet', async () => {
    const panel = await renderPanel({ signedInAs: PRINCIPAL });
    await panel.serverSends(principalSnapshot({ sirets: [], dossiers: [] }));
    expect(screen.getByText(/Aucun SIRET dans votre espace/)).toBeTruthy();
  });
});
