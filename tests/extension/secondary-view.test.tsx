import { screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { openTab, press, renderPanel } from './support/panel-harness.js';
import {
  SECONDARY,
  SIRET_A,
  SIRET_B,
  dossier,
  event,
  secondarySnapshot,
} from './support/snapshots.js';

async function openSecondary() {
  const panel = await renderPanel({ signedInAs: SECONDARY });
  await panel.serverSends(secondarySnapshot());
  return panel;
}

const notices = () => screen.getByRole('status', { name: 'Notifications' });

describe('Secondary user', () => {
  it('sees their SIRETs and dossiers, and no Paramétrage tab', async () => {
    await openSecondary();
    const mine = screen.getByRole('region', { name: 'Mes SIRETs' });
    expect(
      within(mine)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual(['732 829 320 00074']);
    expect(screen.getByRole('region', { name: 'SIRET 732 829 320 00074' })).toBeTruthy();
    expect(screen.queryByRole('tab', { name: 'Paramétrage' })).toBeNull();
    expect(screen.getAllByRole('tab').map((tab) => tab.textContent)).toEqual([
      'Tableau de bord',
      'Équipe',
      'Historique',
    ]);
  });

  it('gets a visible, announced notice when a SIRET is attributed, with its dossiers', async () => {
    const panel = await openSecondary();
    await panel.server((socket) =>
      socket.sendEvent(
        event(6, 'secondary.sirets_changed', {
          userId: SECONDARY.id,
          sirets: [SIRET_A, SIRET_B],
          dossiers: [dossier({ id: 20, siret: SIRET_B, reference: 'AT-B-1' })],
        }),
      ),
    );
    expect(notices().getAttribute('aria-live')).toBe('polite');
    expect(notices().textContent).toContain('Le SIRET 356 000 000 00048 vous a été attribué.');
    const group = screen.getByRole('region', { name: 'SIRET 356 000 000 00048' });
    expect(within(group).getByRole('row', { name: /AT-B-1/ })).toBeTruthy();
  });

  it('gets a notice when a SIRET is taken away, and loses its dossiers', async () => {
    const panel = await openSecondary();
    await panel.server((socket) =>
      socket.sendEvent(
        event(6, 'secondary.sirets_changed', { userId: SECONDARY.id, sirets: [], dossiers: [] }),
      ),
    );
    expect(notices().textContent).toContain('Le SIRET 732 829 320 00074 vous a été retiré.');
    expect(screen.queryByRole('region', { name: 'SIRET 732 829 320 00074' })).toBeNull();
    expect(
      screen.getByText('Aucun SIRET ne vous est attribué pour le moment.', {
        selector: '.my-sirets p',
      }),
    ).toBeTruthy();
    await press(within(notices()).getByRole('button', { name: 'Masquer la notification' }));
    expect(notices().textContent).toBe('');
  });

  it('sees the team, their status and who is online, live', async () => {
    const panel = await openSecondary();
    await openTab('Équipe');
    const team = screen.getByRole('list', { name: "Membres de l'espace employeur" });
    const entry = (email: string) =>
      within(team)
        .getAllByRole('listitem')
        .find((item) => item.textContent?.includes(email));
    expect(entry('principal@exemple.fr')?.textContent).toContain(
      'Utilisateur principal · Actif · En ligne',
    );
    expect(entry('secondaire@exemple.fr (vous)')).toBeTruthy();
    expect(entry('collegue@exemple.fr')?.textContent).toContain(
      'En attente de validation · Hors ligne',
    );
    await panel.server((socket) => {
      socket.sendEvent({ id: 0, type: 'presence.changed', at: '', data: { online: [2, 4] } });
      socket.sendEvent(event(6, 'secondary.status_changed', { userId: 4, status: 'active' }));
    });
    expect(entry('collegue@exemple.fr')?.textContent).toContain('Actif · En ligne');
    expect(entry('principal@exemple.fr')?.textContent).toContain('Hors ligne');

    // While the panel itself is offline it knows nobody's presence.
    await panel.server((socket) => socket.drop());
    expect(entry('collegue@exemple.fr')?.textContent).toContain('Actif · Hors ligne');
    expect(screen.getByText(/0 en ligne/)).toBeTruthy();
  });

  it('keeps applying events that are hidden from them by id only', async () => {
    const panel = await openSecondary();
    await panel.server((socket) => {
      socket.sendEvent(event(6, 'hidden', {}));
      socket.sendEvent(
        event(7, 'dossier.added', { dossier: dossier({ id: 30, reference: 'AT-30' }) }),
      );
    });
    expect(panel.socket().syncRequests).toHaveLength(0);
    expect(screen.getByRole('row', { name: /AT-30/ })).toBeTruthy();
  });
});
