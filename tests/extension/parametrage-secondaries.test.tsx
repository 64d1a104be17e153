import { fireEvent, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../../shared/errors.js';
import { ApiError } from '../../extension/panel/api-client.js';
import type { MemberView } from '../../shared/views.js';
import {
  clickButton,
  inlineErrors,
  openTab,
  press,
  refusal,
  renderPanel,
  toastTexts,
  typeInto,
} from './support/panel-harness.js';
import {
  PRINCIPAL,
  SIRET_A,
  SIRET_B,
  event,
  invitation,
  member,
  principalSnapshot,
} from './support/snapshots.js';

const principalMember = member({ id: 1, email: PRINCIPAL.email, role: 'principal', sirets: null });

function secondaries(count: number): MemberView[] {
  return Array.from({ length: count }, (_, index) =>
    member({
      id: 100 + index,
      email: `agent${String(index + 1).padStart(2, '0')}@exemple.fr`,
      status: index % 3 === 2 ? 'pending' : 'active',
      sirets: index === 0 ? [SIRET_A] : [],
    }),
  );
}

async function openSecondaries(members: MemberView[] = secondaries(7), extra = {}) {
  const panel = await renderPanel({ signedInAs: PRINCIPAL });
  await panel.serverSends(principalSnapshot({ members: [principalMember, ...members], ...extra }));
  await openTab('Paramétrage');
  const part = screen.getByRole('region', { name: 'Gestion des utilisateurs secondaires' });
  const table = within(part).getByRole('table', { name: 'Liste des utilisateurs secondaires' });
  const rows = () => within(table).getAllByRole('row').slice(1);
  return { panel, part, table, rows };
}

describe('Paramétrage — Gestion des utilisateurs secondaires', () => {
  it('lists the secondary users with the portal columns and statuses', async () => {
    const { table, rows } = await openSecondaries();
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((cell) => cell.textContent),
    ).toEqual(['Adresse email', 'Statut utilisateur', 'Gestion sirets', 'Actions']);
    expect(rows()).toHaveLength(7);
    expect(within(rows()[0]!).getByText('Actif')).toBeTruthy();
    expect(within(rows()[2]!).getByText('En attente de validation')).toBeTruthy();
    expect(
      within(rows()[2]!).getByRole('button', {
        name: "Renvoyer l'invitation à agent03@exemple.fr",
      }),
    ).toBeTruthy();
    expect(within(rows()[0]!).queryByRole('button', { name: /Renvoyer/ })).toBeNull();
    expect(screen.getByText('1-7 de 7')).toBeTruthy();
  });

  it('adds a secondary user, who appears when the event arrives', async () => {
    const { panel, part, rows } = await openSecondaries();
    panel.api.addSecondary.mockResolvedValue({
      id: 300,
      email: 'nouveau@exemple.fr',
      status: 'pending',
      sirets: [],
    });
    typeInto('Email', 'Nouveau@Exemple.fr', part);
    await clickButton('Enregistrer nouvel utilisateur secondaire', part);
    expect(panel.api.addSecondary).toHaveBeenCalledWith('Nouveau@Exemple.fr');
    expect(screen.getByText('Invitation envoyée à Nouveau@Exemple.fr.')).toBeTruthy();
    expect(rows()).toHaveLength(7);
    await panel.server((socket) =>
      socket.sendEvent(
        event(6, 'secondary.added', {
          member: member({ id: 300, email: 'nouveau@exemple.fr', status: 'pending' }),
        }),
      ),
    );
    expect(rows()).toHaveLength(8);
    expect(screen.getByText('1-8 de 8')).toBeTruthy();
    expect(screen.getByTestId('live-announcer').textContent).toBe(
      'Utilisateur secondaire ajouté : nouveau@exemple.fr.',
    );
  });

  it("shows the server's refusal when the address is already used", async () => {
    const { panel, part } = await openSecondaries();
    panel.api.addSecondary.mockRejectedValue(refusal('EMAIL_ALREADY_USED'));
    typeInto('Email', 'pris@exemple.fr', part);
    await clickButton('Enregistrer nouvel utilisateur secondaire', part);
    expect(inlineErrors(part)).toEqual([ERRORS.EMAIL_ALREADY_USED.message]);
    expect(within(part).getByLabelText('Email').getAttribute('aria-invalid')).toBe('true');
    expect(toastTexts()).toEqual([]);
  });

  it('says an outage at the top of the panel, not under the address', async () => {
    const { panel, part } = await openSecondaries();
    panel.api.addSecondary.mockRejectedValue(
      new ApiError('NETWORK', 'Le serveur http://localhost:8787 ne répond pas.', 0),
    );
    typeInto('Email', 'nouveau@exemple.fr', part);
    await clickButton('Enregistrer nouvel utilisateur secondaire', part);
    expect(inlineErrors(part)).toEqual([]);
    expect(toastTexts()).toEqual([]);
    expect(document.querySelector('.outage')?.textContent).toContain('ne répond pas');
    // The address stays, to be sent again.
    expect((within(part).getByLabelText('Email') as HTMLInputElement).value).toBe(
      'nouveau@exemple.fr',
    );
  });

  it('pages through the users ten at a time, and by the chosen number of lines', async () => {
    const { part, rows } = await openSecondaries(secondaries(12));
    expect(rows()).toHaveLength(10);
    expect(screen.getByText('1-10 de 12')).toBeTruthy();
    const previous = within(part).getByRole('button', {
      name: 'Page précédente',
    }) as HTMLButtonElement;
    expect(previous.disabled).toBe(true);
    await clickButton('Page suivante', part);
    expect(screen.getByText('11-12 de 12')).toBeTruthy();
    expect(rows().map((row) => within(row).getByRole('rowheader').textContent)).toEqual([
      'agent11@exemple.fr',
      'agent12@exemple.fr',
    ]);
    expect(
      (within(part).getByRole('button', { name: 'Page suivante' }) as HTMLButtonElement).disabled,
    ).toBe(true);
    await clickButton('Page précédente', part);
    fireEvent.change(within(part).getByLabelText('Lignes par page'), { target: { value: '5' } });
    expect(await screen.findByText('1-5 de 12')).toBeTruthy();
  });

  it('searches the users by e-mail', async () => {
    const { part, rows } = await openSecondaries(secondaries(12));
    typeInto('Rechercher un utilisateur secondaire', 'AGENT1', part);
    expect(rows().map((row) => within(row).getByRole('rowheader').textContent)).toEqual([
      'agent10@exemple.fr',
      'agent11@exemple.fr',
      'agent12@exemple.fr',
    ]);
    typeInto('Rechercher un utilisateur secondaire', 'personne', part);
    expect(
      within(part).getByText('Aucun utilisateur secondaire ne correspond à « personne ».'),
    ).toBeTruthy();
  });

  it('deletes a user after confirmation; the row goes when the event arrives', async () => {
    const { panel, part, rows } = await openSecondaries();
    await clickButton('Supprimer agent02@exemple.fr', part);
    const dialog = screen.getByRole('dialog', { name: "Supprimer l'utilisateur secondaire" });
    expect(dialog.textContent).toContain('agent02@exemple.fr');
    await clickButton('Confirmer', dialog);
    expect(panel.api.removeSecondary).toHaveBeenCalledWith(101);
    expect(screen.queryByRole('dialog')).toBeNull();
    await panel.server((socket) =>
      socket.sendEvent(event(6, 'secondary.removed', { userId: 101 })),
    );
    expect(rows()).toHaveLength(6);
    expect(screen.getByTestId('live-announcer').textContent).toBe(
      'Utilisateur secondaire supprimé : agent02@exemple.fr.',
    );
  });

  it('resends the invitation of a pending user and shows the link validity', async () => {
    const { panel, part } = await openSecondaries(secondaries(3), {
      invitations: [invitation({ id: 5, userId: 102, expiresAt: '2025-03-15T10:00:00.000Z' })],
    });
    expect(within(part).getByText("Lien valable jusqu'au 15/03/2025")).toBeTruthy();
    await clickButton("Renvoyer l'invitation à agent03@exemple.fr", part);
    expect(panel.api.resendInvitation).toHaveBeenCalledWith(102);
    expect(screen.getByText('Invitation renvoyée à agent03@exemple.fr.')).toBeTruthy();
  });

  it('shows an expired link as « Expirée » with its date, and sends a new one from that row', async () => {
    const { panel, rows } = await openSecondaries(secondaries(3), {
      invitations: [
        invitation({
          id: 5,
          userId: 102,
          status: 'expired',
          expiresAt: '2025-03-08T09:00:00.000Z',
        }),
      ],
    });
    const row = rows()[2]!;
    expect(within(row).getByText('Expirée').className).toContain('badge-invitation-expired');
    expect(within(row).queryByText('En attente de validation')).toBeNull();
    expect(within(row).getByText('Lien expiré le 08/03/2025')).toBeTruthy();
    expect(within(row).queryByText(/Lien valable/)).toBeNull();
    // Nothing pending to cancel any more: a new link, or the removal.
    expect(within(row).queryByRole('button', { name: /Annuler l'invitation/ })).toBeNull();
    expect(within(row).getByRole('button', { name: 'Supprimer agent03@exemple.fr' })).toBeTruthy();
    await clickButton("Renvoyer l'invitation à agent03@exemple.fr", row);
    expect(panel.api.resendInvitation).toHaveBeenCalledWith(102);
    expect(screen.getByText('Invitation renvoyée à agent03@exemple.fr.')).toBeTruthy();
    // The new link arrives live: the row is waiting again, with the new date.
    await panel.server((socket) =>
      socket.sendEvent(
        event(6, 'invitation.created', {
          invitation: invitation({ id: 6, userId: 102, expiresAt: '2025-03-17T10:00:00.000Z' }),
        }),
      ),
    );
    expect(within(rows()[2]!).getByText('En attente de validation')).toBeTruthy();
    expect(within(rows()[2]!).queryByText('Expirée')).toBeNull();
    expect(within(rows()[2]!).getByText("Lien valable jusqu'au 17/03/2025")).toBeTruthy();
  });

  it('turns a row « Expirée » when the live invitation.expired event arrives', async () => {
    const { panel, rows } = await openSecondaries(secondaries(3), {
      invitations: [invitation({ id: 5, userId: 102, expiresAt: '2025-03-09T09:00:00.000Z' })],
    });
    expect(within(rows()[2]!).getByText('En attente de validation')).toBeTruthy();
    expect(within(rows()[2]!).getByText("Lien valable jusqu'au 09/03/2025")).toBeTruthy();
    await panel.server((socket) =>
      socket.sendEvent(event(6, 'invitation.expired', { invitationId: 5, userId: 102 })),
    );
    const row = rows()[2]!;
    expect(within(row).getByText('Expirée')).toBeTruthy();
    expect(within(row).queryByText('En attente de validation')).toBeNull();
    expect(within(row).getByText('Lien expiré le 09/03/2025')).toBeTruthy();
    expect(
      within(row).getByRole('button', { name: "Renvoyer l'invitation à agent03@exemple.fr" }),
    ).toBeTruthy();
    expect(within(row).queryByRole('button', { name: /Annuler l'invitation/ })).toBeNull();
  });

  it('cancels a pending invitation after a confirmation naming the address', async () => {
    const { panel, part, rows } = await openSecondaries(secondaries(3), {
      invitations: [invitation({ id: 5, userId: 102, expiresAt: '2025-03-15T10:00:00.000Z' })],
    });
    // Only a row with a pending link offers it.
    expect(within(rows()[0]!).queryByRole('button', { name: /Annuler l'invitation/ })).toBeNull();
    const cancel = within(rows()[2]!).getByRole('button', {
      name: "Annuler l'invitation de agent03@exemple.fr",
    });
    expect(cancel.className).toContain('button-danger');
    expect(cancel.textContent).toBe("Annuler l'invitation");

    // Dismissed: nothing is sent.
    await clickButton("Annuler l'invitation de agent03@exemple.fr", part);
    let dialog = screen.getByRole('dialog', { name: "Annuler l'invitation" });
    await clickButton('Annuler', dialog);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(panel.api.revokeInvitation).not.toHaveBeenCalled();

    await clickButton("Annuler l'invitation de agent03@exemple.fr", part);
    dialog = screen.getByRole('dialog', { name: "Annuler l'invitation" });
    expect(dialog.textContent).toContain('agent03@exemple.fr');
    await clickButton('Confirmer', dialog);
    expect(panel.api.revokeInvitation).toHaveBeenCalledWith(102);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByText('Invitation de agent03@exemple.fr annulée.')).toBeTruthy();
    await panel.server((socket) =>
      socket.sendEvent(event(6, 'invitation.revoked', { invitationId: 5, userId: 102 })),
    );
    // The account stays waiting, without a link: a new one may be sent, or the user removed.
    const row = rows()[2]!;
    expect(within(row).getByText('En attente de validation')).toBeTruthy();
    expect(within(row).getByText('Invitation annulée')).toBeTruthy();
    expect(within(row).queryByText(/Lien valable/)).toBeNull();
    expect(within(row).queryByRole('button', { name: /Annuler l'invitation/ })).toBeNull();
    expect(
      within(row).getByRole('button', { name: "Renvoyer l'invitation à agent03@exemple.fr" }),
    ).toBeTruthy();
    expect(within(row).getByRole('button', { name: 'Supprimer agent03@exemple.fr' })).toBeTruthy();
  });

  it('toasts the refusal when the invitation was no longer pending, and closes the dialog', async () => {
    const { panel, part } = await openSecondaries(secondaries(3), {
      invitations: [invitation({ id: 5, userId: 102 })],
    });
    panel.api.revokeInvitation.mockRejectedValue(refusal('NOT_FOUND'));
    await clickButton("Annuler l'invitation de agent03@exemple.fr", part);
    await clickButton('Confirmer', screen.getByRole('dialog', { name: "Annuler l'invitation" }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(toastTexts()).toEqual([ERRORS.NOT_FOUND.message]);
  });

  it('attributes SIRETs through the "Liste SIRETs" dialog', async () => {
    const { panel, part } = await openSecondaries();
    const open = within(part).getByRole('button', {
      name: 'Liste SIRETs de agent01@exemple.fr (1)',
    });
    open.focus();
    await press(open);
    const dialog = screen.getByRole('dialog', { name: 'Liste SIRETs — agent01@exemple.fr' });
    const first = within(dialog).getByLabelText('732 829 320 00074') as HTMLInputElement;
    const second = within(dialog).getByLabelText('356 000 000 00048') as HTMLInputElement;
    expect(first.checked).toBe(true);
    expect(second.checked).toBe(false);
    await press(second);
    await press(first);
    await clickButton('Enregistrer', dialog);
    expect(panel.api.setSecondarySirets).toHaveBeenCalledWith(100, [SIRET_B]);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(open);
    await panel.server((socket) =>
      socket.sendEvent(
        event(6, 'secondary.sirets_changed', { userId: 100, sirets: [SIRET_B], dossiers: [] }),
      ),
    );
    expect(
      within(part).getByRole('button', { name: 'Liste SIRETs de agent01@exemple.fr (1)' }),
    ).toBeTruthy();
  });

  it('closes the "Liste SIRETs" dialog with Escape without saving', async () => {
    const { panel, part } = await openSecondaries();
    await clickButton('Liste SIRETs de agent01@exemple.fr (1)', part);
    const dialog = screen.getByRole('dialog');
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(await screen.findByRole('tab', { name: 'Paramétrage' })).toBeTruthy();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(panel.api.setSecondarySirets).not.toHaveBeenCalled();
  });

  it('downloads the attributions as CSV', async () => {
    const { panel, part } = await openSecondaries();
    await clickButton('Exporter (CSV)', part);
    expect(panel.api.exportAttributions).toHaveBeenCalled();
    expect(panel.saveFile).toHaveBeenCalledWith(
      expect.any(Blob),
      'attributions-sirets-2025-03-10.csv',
    );
  });

  it('shows who is online in the table', async () => {
    const { panel, rows } = await openSecondaries();
    expect(within(rows()[1]!).queryByText('En ligne')).toBeNull();
    await panel.server((socket) =>
      socket.sendEvent({ id: 0, type: 'presence.changed', at: '', data: { online: [1, 101] } }),
    );
    expect(within(rows()[1]!).getByText('En ligne')).toBeTruthy();
  });
});
