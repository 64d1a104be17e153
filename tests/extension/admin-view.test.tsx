import { fireEvent, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { LOCK_SCOPE_LABELS } from '../../shared/domain.js';
import { ERRORS } from '../../shared/errors.js';
import { clickButton, openTab, refusal, renderPanel, typeInto } from './support/panel-harness.js';
import { ADMIN, adminSnapshot, event, invitation, lock } from './support/snapshots.js';

async function openAdmin() {
  const panel = await renderPanel({ signedInAs: ADMIN });
  await panel.serverSends(
    adminSnapshot({
      invitations: [
        invitation({
          id: 2,
          email: 'b@exemple.fr',
          invitedBy: 'chef@acme.fr',
          status: 'accepted',
          acceptedAt: '2025-03-02T10:00:00.000Z',
        }),
        invitation({ id: 1, email: 'a@exemple.fr', invitedBy: 'patron@bati.fr' }),
      ],
      locks: [lock({ id: 7, email: 'bloque@exemple.fr', scope: 'cession', siret: null })],
    }),
  );
  // The desk opens on « Rechercher »: the live feed is one tab away.
  await openTab('Invitations et blocages');
  const feed = screen.getByRole('region', { name: 'Invitations en direct' });
  const items = () =>
    within(feed)
      .queryAllByRole('listitem')
      .map((item) => item.textContent ?? '');
  return { panel, feed, items };
}

describe('Admin', () => {
  it('shows who invited whom, when, and the status', async () => {
    const { items } = await openAdmin();
    expect(items()[0]).toContain('chef@acme.fr a invité b@exemple.fr');
    expect(items()[0]).toContain('Validée');
    expect(items()[0]).toContain('validée le 02/03/2025 11:00');
    expect(items()[1]).toContain('patron@bati.fr a invité a@exemple.fr');
    expect(items()[1]).toContain('En attente');
    expect(items()[1]).toContain('le 01/03/2025 10:00');
  });

  it("names each invitation's space by its principal's e-mail, « Espace dissous » once it has none", async () => {
    const panel = await renderPanel({ signedInAs: ADMIN });
    await panel.serverSends(
      adminSnapshot({
        invitations: [
          invitation({ id: 2, email: 'b@exemple.fr', spaceId: 4, spaceName: 'chef@acme.fr' }),
          invitation({ id: 1, email: 'a@exemple.fr', spaceId: 3, spaceName: null }),
        ],
      }),
    );
    await openTab('Invitations et blocages');
    const feed = screen.getByRole('region', { name: 'Invitations en direct' });
    const items = within(feed)
      .getAllByRole('listitem')
      .map((item) => item.textContent ?? '');
    expect(items[0]).toContain('Espace de chef@acme.fr · le');
    expect(items[1]).toContain('Espace dissous · le');
    expect(feed.textContent).not.toContain('Espace n°');
    // One sent just now names its space by its sender, the principal who invites.
    await panel.server((socket) =>
      socket.sendEvent(
        event(4, 'invitation.created', {
          invitation: invitation({ id: 5, email: 'c@exemple.fr', invitedBy: 'dg@autre.fr' }),
        }),
      ),
    );
    expect(within(feed).getAllByRole('listitem')[0]!.textContent).toContain(
      'Espace de dg@autre.fr · le',
    );
  });

  it('puts new invitations first and updates their status live', async () => {
    const { panel, items } = await openAdmin();
    await panel.server((socket) =>
      socket.sendEvent(
        event(4, 'invitation.created', {
          invitation: invitation({
            id: 3,
            email: 'c@exemple.fr',
            invitedBy: 'dg@autre.fr',
            spaceId: 12,
          }),
        }),
      ),
    );
    expect(items()[0]).toContain('dg@autre.fr a invité c@exemple.fr');
    expect(screen.getByTestId('live-announcer').textContent).toBe(
      'Invitation envoyée à c@exemple.fr par dg@autre.fr.',
    );
    await panel.server((socket) => {
      socket.sendEvent(event(5, 'invitation.expired', { invitationId: 1, userId: 3 }));
      socket.sendEvent(event(6, 'invitation.revoked', { invitationId: 3, userId: 4 }));
    });
    expect(items()[0]).toContain('Annulée');
    expect(items()[2]).toContain('Expirée');
  });

  it('filters the feed by status and text', async () => {
    const { feed, items } = await openAdmin();
    fireEvent.change(within(feed).getByLabelText('Statut'), { target: { value: 'pending' } });
    expect(await within(feed).findByText('1 invitation')).toBeTruthy();
    expect(items()).toHaveLength(1);
    expect(items()[0]).toContain('a@exemple.fr');
    fireEvent.change(within(feed).getByLabelText('Statut'), { target: { value: 'all' } });
    typeInto('Rechercher (adresse e-mail)', 'ACME', feed);
    expect(items()).toHaveLength(1);
    expect(items()[0]).toContain('chef@acme.fr');
    typeInto('Rechercher (adresse e-mail)', 'personne', feed);
    expect(within(feed).getByText('Aucune invitation ne correspond.')).toBeTruthy();
  });

  it('lifts a lock with "Réinitialiser"; it leaves the list when the event arrives', async () => {
    const { panel } = await openAdmin();
    const locks = screen.getByRole('region', { name: 'Comptes bloqués' });
    expect(locks.textContent).toContain('Cession des SIRETs');
    await clickButton(/^Réinitialiser bloque@exemple.fr/, locks);
    // The reason first: none, nothing is sent.
    const dialog = screen.getByRole('dialog', { name: 'Lever le blocage' });
    await clickButton('Lever le blocage', dialog);
    expect(panel.api.resetLock).not.toHaveBeenCalled();
    expect(within(dialog).getByText('Le motif est obligatoire.')).toBeTruthy();
    typeInto('Motif', 'Courrier retrouvé', dialog);
    await clickButton('Lever le blocage', dialog);
    expect(panel.api.resetLock).toHaveBeenCalledWith(7, 'Courrier retrouvé');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByText('Blocage levé.', { selector: '.toast-text' })).toBeTruthy();
    expect(locks.textContent).toContain('bloque@exemple.fr');
    await panel.server((socket) => socket.sendEvent(event(4, 'lock.reset', { lockId: 7 })));
    expect(within(locks).getByText('Aucun blocage en cours.')).toBeTruthy();
  });

  it('shows new lock-outs live', async () => {
    const { panel } = await openAdmin();
    await panel.server((socket) =>
      socket.sendEvent(
        event(4, 'lock.locked', { lock: lock({ id: 8, email: 'autre@exemple.fr' }) }),
      ),
    );
    const locks = screen.getByRole('region', { name: 'Comptes bloqués' });
    expect(within(locks).getByText('autre@exemple.fr')).toBeTruthy();
    expect(screen.getByTestId('live-announcer').textContent).toBe(
      `Blocage : autre@exemple.fr (${LOCK_SCOPE_LABELS.add_siret}).`,
    );
  });

  it('shows an alert of wrong signup codes from many addresses apart, and acknowledges it', async () => {
    const { panel } = await openAdmin();
    await panel.server((socket) =>
      socket.sendEvent(
        event(4, 'lock.locked', {
          lock: lock({
            id: 9,
            scope: 'signup_alert',
            userId: null,
            email: null,
            siret: '73282932000074',
            failures: 20,
          }),
        }),
      ),
    );
    // An alert locks nobody: it is announced as an alert, never as a « Blocage ».
    expect(screen.getByTestId('live-announcer').textContent).toBe(
      'Alerte inscription : SIRET 732 829 320 00074, 20 codes de déblocage faux depuis plusieurs adresses ; rien n’est bloqué.',
    );
    const locks = screen.getByRole('region', { name: 'Comptes bloqués' });
    const row = within(locks).getByText('Alerte inscription').closest('li')!;
    expect(row.textContent).toContain(LOCK_SCOPE_LABELS.signup_alert);
    expect(row.textContent).toContain('SIRET 732 829 320 00074');
    expect(row.textContent).toContain('20 échecs');
    expect(row.textContent).toContain('signalée le');
    await clickButton(/^Acquitter Alerte inscription SIRET 732 829 320 00074/, locks);
    const dialog = screen.getByRole('dialog', { name: 'Acquitter l’alerte' });
    typeInto('Motif', 'Vérifié avec l’employeur', dialog);
    await clickButton('Acquitter', dialog);
    expect(panel.api.resetLock).toHaveBeenCalledWith(9, 'Vérifié avec l’employeur');
    await panel.server((socket) => socket.sendEvent(event(5, 'lock.reset', { lockId: 9 })));
    expect(within(locks).queryByText('Alerte inscription')).toBeNull();
    expect(screen.getByTestId('live-announcer').textContent).toBe('Alerte acquittée.');
    expect(screen.getByText('Alerte acquittée.', { selector: '.toast-text' })).toBeTruthy();
    expect(screen.queryByText('Blocage levé.', { selector: '.toast-text' })).toBeNull();
  });

  it("shows the server's refusal when a reset fails", async () => {
    const { panel } = await openAdmin();
    panel.api.resetLock.mockRejectedValue(refusal('NOT_FOUND'));
    await clickButton(
      /^Réinitialiser bloque@exemple.fr/,
      screen.getByRole('region', { name: 'Comptes bloqués' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Lever le blocage' });
    typeInto('Motif', 'Courrier retrouvé', dialog);
    await clickButton('Lever le blocage', dialog);
    // Said inside the dialog, which stays open.
    expect(within(dialog).getByRole('alert').textContent).toContain(ERRORS.NOT_FOUND.message);
  });
});
