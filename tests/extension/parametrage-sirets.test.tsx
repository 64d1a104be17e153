import { screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../../shared/errors.js';
import {
  clickButton,
  openTab,
  press,
  refusal,
  renderPanel,
  toastTexts,
  inlineErrors,
  typeInto,
} from './support/panel-harness.js';
import { PRINCIPAL, SIRET_A, SIRET_C, event, principalSnapshot } from './support/snapshots.js';

async function openSiretsPart() {
  const panel = await renderPanel({ signedInAs: PRINCIPAL });
  await panel.serverSends(principalSnapshot());
  await openTab('Paramétrage');
  const part = screen.getByRole('region', { name: 'Gestion des SIRETs' });
  return { panel, part };
}

describe('Paramétrage — Gestion des SIRETs', () => {
  it('registers a SIRET typed with spaces, its unlock code and the "all secondaries" choice', async () => {
    const { panel, part } = await openSiretsPart();
    typeInto('SIRET', '356 000 000 09075', part);
    expect(within(part).getByText('SIRET valide : 356 000 000 09075')).toBeTruthy();
    typeInto('Code de déblocage', ' CODE-42 ', part);
    await press(
      within(part).getByLabelText('Ajouter ce SIRET à tous les utilisateurs secondaires'),
    );
    await clickButton('Enregistrer nouveau SIRET', part);
    expect(panel.api.addSiret).toHaveBeenCalledWith({
      siret: SIRET_C,
      unlockCode: 'CODE-42',
      assignToAllSecondaries: true,
    });
    expect(screen.getByText('Nouveau SIRET enregistré.')).toBeTruthy();
    // The list changes with the event, not with the HTTP answer.
    const list = () =>
      within(part)
        .getAllByRole('listitem')
        .map((item) => item.textContent ?? '');
    expect(list().some((text) => text.includes('356 000 000 09075'))).toBe(false);
    await panel.server((socket) =>
      socket.sendEvent(
        event(6, 'siret.added', {
          siret: { siret: SIRET_C, addedAt: '2025-03-10T09:00:00.000Z' },
          dossiers: [],
        }),
      ),
    );
    expect(list().some((text) => text.includes('356 000 000 09075'))).toBe(true);
  });

  it('refuses an invalid SIRET before sending it', async () => {
    const { panel, part } = await openSiretsPart();
    typeInto('SIRET', '73282932000075', part);
    expect(
      within(part).getByText(
        "Ce SIRET n'existe pas : ses 14 chiffres ne respectent pas la clé de contrôle. Un chiffre est sans doute mal saisi.",
      ),
    ).toBeTruthy();
    await clickButton('Enregistrer nouveau SIRET', part);
    expect(panel.api.addSiret).not.toHaveBeenCalled();
  });

  it("shows the server's refusal when no dossier is in progress for the SIRET", async () => {
    const { panel, part } = await openSiretsPart();
    panel.api.addSiret.mockRejectedValue(refusal('SIRET_NO_DOSSIER_IN_PROGRESS'));
    typeInto('SIRET', SIRET_C, part);
    typeInto('Code de déblocage', 'CODE', part);
    await clickButton('Enregistrer nouveau SIRET', part);
    // At the SIRET it is about, which takes the focus; no toast.
    const siretField = within(part).getByLabelText('SIRET') as HTMLInputElement;
    expect(inlineErrors(part)).toEqual([ERRORS.SIRET_NO_DOSSIER_IN_PROGRESS.message]);
    expect(siretField.getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(siretField);
    expect(toastTexts()).toEqual([]);
    expect(siretField.value).toBe(SIRET_C);
  });

  it('lists the SIRETs formatted and deletes one after "Confirmer"', async () => {
    const { panel, part } = await openSiretsPart();
    const remove = within(part).getByRole('button', {
      name: 'Supprimer le SIRET 732 829 320 00074',
    });
    remove.focus();
    await press(remove);
    const dialog = screen.getByRole('dialog', { name: 'Supprimer le SIRET' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Annuler' }));
    await clickButton('Confirmer', dialog);
    expect(panel.api.deleteSiret).toHaveBeenCalledWith(SIRET_A);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(remove);
    await panel.server((socket) => socket.sendEvent(event(6, 'siret.removed', { siret: SIRET_A })));
    expect(within(part).queryByText('732 829 320 00074')).toBeNull();
  });

  it('shows the seed\'s refusal dialog, closed with "FERMER", when a dossier is at Compléter dossier', async () => {
    const { panel, part } = await openSiretsPart();
    panel.api.deleteSiret.mockRejectedValue(refusal('SIRET_DELETE_NOT_ALLOWED'));
    const remove = within(part).getByRole('button', {
      name: 'Supprimer le SIRET 732 829 320 00074',
    });
    remove.focus();
    await press(remove);
    await clickButton('Confirmer', screen.getByRole('dialog'));
    const dialog = screen.getByRole('alertdialog', { name: 'Suppression impossible' });
    expect(dialog.textContent).toContain(ERRORS.SIRET_DELETE_NOT_ALLOWED.message);
    // And it names what blocks: the SIRET's dossier at « Compléter dossier ».
    expect(dialog.textContent).toContain('Dossier à l’étape « Compléter dossier » : AT-1.');
    // Shown in the dialog only, not as a toast as well.
    expect(toastTexts()).toEqual([]);
    const close = within(dialog).getByRole('button', { name: 'FERMER' });
    expect(document.activeElement).toBe(close);
    await clickButton('FERMER', dialog);
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(document.activeElement).toBe(remove);
    expect(within(part).getByText('732 829 320 00074')).toBeTruthy();
  });
});
