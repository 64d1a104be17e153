import { act, fireEvent, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../extension/panel/api-client.js';
import type { CessionView, SupportAccountView, SupportSpaceView } from '../../shared/views.js';
import {
  clickButton,
  inlineErrors,
  openTab,
  refusal,
  renderPanel,
  toastTexts,
  typeInto,
} from './support/panel-harness.js';
import { flush } from './support/fake-socket.js';
import {
  ADMIN,
  adminSnapshot,
  dossier,
  event,
  invitation,
  lock,
  SIRET_A,
  SIRET_B,
} from './support/snapshots.js';

const SEARCH_MESSAGE =
  'Saisissez de 2 à 254 caractères : une partie de l’adresse e-mail, ou un SIRET.';

function account(overrides: Partial<SupportAccountView> & { id: number }): SupportAccountView {
  return {
    email: `compte${overrides.id}@exemple.fr`,
    role: 'principal',
    spaceId: 10,
    spaceName: 'chef@acme.fr',
    status: 'active',
    lockCount: 0,
    lastActivityAt: '2025-03-05T12:00:00.000Z',
    ...overrides,
  };
}

const SPACE: SupportSpaceView = {
  id: 10,
  name: 'chef@acme.fr',
  dissolvedAt: null,
  principal: { id: 1, email: 'chef@acme.fr' },
  sirets: [
    { siret: SIRET_A, addedAt: '2025-01-01T00:00:00.000Z', dossiers: [dossier({ id: 1 })] },
    { siret: SIRET_B, addedAt: '2025-01-02T00:00:00.000Z', dossiers: [] },
  ],
  secondaries: [
    { id: 2, email: 'adjoint@acme.fr', status: 'active', sirets: [SIRET_A] },
    { id: 3, email: 'nouveau@acme.fr', status: 'pending', sirets: [] },
  ],
  invitations: [
    invitation({ id: 5, userId: 3, email: 'nouveau@acme.fr', invitedBy: 'chef@acme.fr' }),
    invitation({
      id: 4,
      userId: 6,
      email: 'ancien@acme.fr',
      invitedBy: 'chef@acme.fr',
      status: 'expired',
    }),
  ],
  locks: [lock({ id: 7, email: 'chef@acme.fr', scope: 'cession', siret: null, spaceId: 10 })],
  history: [
    {
      id: 42,
      at: '2025-03-05T12:00:00.000Z',
      type: 'secondary.added',
      actor: { email: 'chef@acme.fr', role: 'principal' },
      text: 'chef@acme.fr a invité nouveau@acme.fr.',
    },
  ],
  online: [2],
};

function cession(overrides: Partial<CessionView> & { id: number }): CessionView {
  return {
    cededAt: '2025-03-04T09:00:00.000Z',
    fromSpaceId: 11,
    toSpaceId: 10,
    fromPrincipalEmail: 'ancien-chef@bati.fr',
    toPrincipalEmail: 'chef@acme.fr',
    sirets: [SIRET_B],
    secondaryCount: 1,
    revertedAt: null,
    revertedHow: null,
    revertedByEmail: null,
    reason: null,
    revert: { possible: true, blockedBy: null, missingSirets: [], missingMembers: [] },
    ...overrides,
  };
}

async function openDesk() {
  const panel = await renderPanel({ signedInAs: ADMIN });
  await panel.serverSends(adminSnapshot());
  return panel;
}

async function search(text: string) {
  typeInto('Adresse e-mail ou SIRET', text);
  await clickButton('Rechercher');
}

/** Finds the principal of SPACE and opens the space's page. */
async function openSpace(cessions: CessionView[] = []) {
  const panel = await openDesk();
  panel.api.supportAccounts.mockResolvedValue([account({ id: 1, email: 'chef@acme.fr' })]);
  panel.api.supportSpace.mockResolvedValue(SPACE);
  panel.api.adminCessions.mockResolvedValue(cessions);
  await search('chef@acme');
  await clickButton(/chef@acme\.fr/);
  return panel;
}

function part(name: string): HTMLElement {
  return screen.getByRole('region', { name });
}

function dialog(): HTMLElement {
  return screen.getByRole('dialog');
}

async function submitReason(reason: string, button: string | RegExp) {
  typeInto('Motif', reason, dialog());
  await clickButton(button, dialog());
}

describe('Support desk: « Rechercher »', () => {
  it('is the first tab of the support panel and searches by a SIRET typed any way', async () => {
    const panel = await openDesk();
    const tabs = screen.getAllByRole('tab').map((tab) => tab.textContent);
    expect(tabs[0]).toBe('Rechercher');
    expect(screen.getByRole('tab', { name: 'Rechercher' }).getAttribute('aria-selected')).toBe(
      'true',
    );
    panel.api.supportAccounts.mockResolvedValue([
      account({ id: 1, email: 'chef@acme.fr', lockCount: 2 }),
      account({
        id: 2,
        email: 'adjoint@acme.fr',
        role: 'secondary',
        status: 'pending',
        lockCount: 1,
        lastActivityAt: null,
      }),
      account({ id: 3, email: 'parti@acme.fr', spaceName: null, status: 'removed', lockCount: 0 }),
    ]);
    await search('  732 829 320 00074 ');
    expect(panel.api.supportAccounts).toHaveBeenCalledWith('732 829 320 00074');
    const cards = within(screen.getByRole('list', { name: 'Comptes trouvés' }))
      .getAllByRole('listitem')
      .map((item) => item.textContent ?? '');
    expect(screen.getByText('3 comptes trouvés')).toBeTruthy();
    expect(cards[0]).toContain('chef@acme.fr');
    expect(cards[0]).toContain('Utilisateur principal');
    expect(cards[0]).toContain('Actif');
    expect(cards[0]).toContain('Espace de chef@acme.fr');
    expect(cards[0]).toContain('2 blocages');
    expect(cards[0]).toContain('Dernière activité le 05/03/2025 à 13:00');
    expect(cards[1]).toContain('Utilisateur secondaire');
    expect(cards[1]).toContain('En attente de validation');
    expect(cards[1]).toContain('1 blocage');
    expect(cards[1]).toContain('Aucune activité');
    expect(cards[2]).toContain('Espace dissous');
    expect(cards[2]).toContain('Supprimé');
    expect(cards[2]).toContain('0 blocage');
  });

  it("says the server's refusal at the field, not as a toast, and an empty result as such", async () => {
    const panel = await openDesk();
    panel.api.supportAccounts.mockRejectedValueOnce(
      new ApiError('VALIDATION_FAILED', SEARCH_MESSAGE, 400),
    );
    await search('a');
    const field = screen.getByLabelText('Adresse e-mail ou SIRET');
    expect(inlineErrors()).toEqual([SEARCH_MESSAGE]);
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(toastTexts()).toEqual([]);
    panel.api.supportAccounts.mockResolvedValueOnce([]);
    await search('personne');
    expect(inlineErrors()).toEqual([]);
    expect(screen.getByText('Aucun compte ne correspond à « personne ».')).toBeTruthy();
  });

  it('an account without a space is shown but opens nothing', async () => {
    const panel = await openDesk();
    panel.api.supportAccounts.mockResolvedValue([
      account({ id: 9, email: 'agent@exemple.fr', role: 'admin', spaceId: null, spaceName: null }),
    ]);
    await search('agent');
    expect(screen.getByText('agent@exemple.fr')).toBeTruthy();
    expect(screen.getByText('Sans espace employeur')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /agent@exemple\.fr/ })).toBeNull();
  });
});

describe('Support desk: a space whole', () => {
  it('shows its SIRETs with dossiers, secondaries, invitations, locks, history and cessions', async () => {
    const panel = await openSpace([
      cession({ id: 1 }),
      // Found by the e-mail, but of other spaces: not shown.
      cession({ id: 2, fromSpaceId: 30, toSpaceId: 31, toPrincipalEmail: 'chef@acme.fr.autre' }),
    ]);
    expect(panel.api.supportSpace).toHaveBeenCalledWith(10);
    expect(panel.api.adminCessions).toHaveBeenCalledWith('chef@acme.fr');
    expect(screen.getByRole('heading', { level: 2, name: 'Espace de chef@acme.fr' })).toBe(
      document.activeElement,
    );
    const sirets = part('SIRETs et dossiers');
    expect(within(sirets).getByText('SIRET 732 829 320 00074')).toBeTruthy();
    expect(within(sirets).getByText('AT-1')).toBeTruthy();
    expect(within(sirets).getByText('24/03/2025')).toBeTruthy();
    expect(within(sirets).getByText('14 jours restants')).toBeTruthy();
    expect(within(sirets).getByText('SIRET 356 000 000 00048')).toBeTruthy();
    const secondaries = part('Utilisateurs secondaires');
    expect(secondaries.textContent).toContain('adjoint@acme.fr');
    expect(secondaries.textContent).toContain('SIRET : 732 829 320 00074');
    expect(secondaries.textContent).toContain('En attente de validation');
    // Who is connected now: the adjoint is, the newcomer is not.
    const cards = within(secondaries).getAllByRole('listitem');
    expect(cards[0]!.textContent).toContain('En ligne');
    expect(cards[1]!.textContent).toContain('Hors ligne');
    // Only an active secondary can become principal.
    expect(within(secondaries).getAllByRole('button', { name: /^Rendre principal/ })).toHaveLength(
      1,
    );
    const invitations = part('Invitations en attente ou expirées');
    expect(invitations.textContent).toContain('Expirée');
    expect(
      within(invitations).getAllByRole('button', { name: /^Renvoyer l'invitation/ }),
    ).toHaveLength(2);
    // An expired link works no more: nothing to cancel.
    expect(
      within(invitations).getAllByRole('button', { name: /^Annuler l'invitation/ }),
    ).toHaveLength(1);
    expect(part('Blocages').textContent).toContain('Cession des SIRETs');
    expect(part('Derniers changements').textContent).toContain(
      'chef@acme.fr a invité nouveau@acme.fr.',
    );
    const cessions = within(part('Cessions')).getAllByRole('listitem');
    expect(cessions).toHaveLength(1);
    expect(cessions[0]!.textContent).toContain('ancien-chef@bati.fr → chef@acme.fr');
    expect(cessions[0]!.textContent).toContain(
      'SIRET 356 000 000 00048 et 1 utilisateur secondaire',
    );
  });

  it('names a dissolved space « Espace dissous » and offers no change of principal', async () => {
    const panel = await openDesk();
    panel.api.supportAccounts.mockResolvedValue([
      account({ id: 1, email: 'parti@acme.fr', spaceName: null }),
    ]);
    panel.api.supportSpace.mockResolvedValue({
      ...SPACE,
      name: null,
      principal: null,
      dissolvedAt: '2025-03-04T09:00:00.000Z',
    });
    await search('parti');
    await clickButton(/parti@acme\.fr/);
    expect(screen.getByRole('heading', { level: 2, name: 'Espace dissous' })).toBeTruthy();
    expect(screen.getByText(/dissous le 04\/03\/2025 10:00/)).toBeTruthy();
    expect(panel.api.adminCessions).not.toHaveBeenCalled();
    expect(screen.queryByRole('button', { name: /^Rendre principal/ })).toBeNull();
  });

  it('« Retour aux résultats » shows the results again', async () => {
    await openSpace();
    await clickButton('Retour aux résultats');
    expect(screen.getByRole('list', { name: 'Comptes trouvés' })).toBeTruthy();
    expect((screen.getByLabelText('Adresse e-mail ou SIRET') as HTMLInputElement).value).toBe(
      'chef@acme',
    );
  });

  it('says why the page could not be read', async () => {
    const panel = await openDesk();
    panel.api.supportAccounts.mockResolvedValue([account({ id: 1 })]);
    panel.api.supportSpace.mockRejectedValue(refusal('NOT_FOUND'));
    await search('compte');
    await clickButton(/compte1@exemple\.fr/);
    expect(inlineErrors()).toEqual([
      "Cet espace n’a pas pu être affiché. L'élément demandé est introuvable.",
    ]);
    expect(toastTexts()).toEqual([]);
  });

  it('is read again when the admin stream changes the live view', async () => {
    const panel = await openSpace();
    expect(panel.api.supportSpace).toHaveBeenCalledTimes(1);
    panel.api.supportSpace.mockResolvedValue({ ...SPACE, locks: [] });
    await panel.server((socket) => socket.sendEvent(event(4, 'lock.reset', { lockId: 7 })));
    expect(panel.api.supportSpace).toHaveBeenCalledTimes(2);
    expect(within(part('Blocages')).getByText('Aucun blocage en cours.')).toBeTruthy();
    // The results are read again too: their lock counts may have changed.
    expect(panel.api.supportAccounts).toHaveBeenCalledTimes(2);
  });
});

describe('Support desk: a space page kept live by its watch', () => {
  it('watches the space shown, reads it again at each change there, and stops on leaving', async () => {
    const panel = await openSpace();
    expect(panel.socket().watched.at(-1)).toBe(SPACE.id);
    expect(panel.api.supportSpace).toHaveBeenCalledTimes(1);
    panel.api.supportSpace.mockResolvedValue({ ...SPACE, locks: [] });
    await panel.server((socket) => socket.touchSpace(SPACE.id + 1));
    expect(panel.api.supportSpace).toHaveBeenCalledTimes(1);
    await panel.server((socket) => socket.touchSpace(SPACE.id));
    expect(panel.api.supportSpace).toHaveBeenCalledTimes(2);
    expect(within(part('Blocages')).getByText('Aucun blocage en cours.')).toBeTruthy();
    // A reconnection asks again; leaving the page ends the watch.
    await panel.server((socket) => socket.connect());
    expect(panel.socket().watched.at(-1)).toBe(SPACE.id);
    await clickButton('Retour aux résultats');
    expect(panel.socket().watched.at(-1)).toBeNull();
  });
});

describe('Support desk: acts with a reason', () => {
  it('« Lever le blocage » asks a reason first: none, nothing is sent', async () => {
    const panel = await openSpace();
    await clickButton(/^Lever le blocage de chef@acme\.fr/);
    expect(dialog().textContent).toContain('Le blocage « Cession des SIRETs » de chef@acme.fr');
    // The reason is asked first.
    expect(document.activeElement).toBe(within(dialog()).getByLabelText('Motif'));
    await submitReason('   ', 'Lever le blocage');
    expect(inlineErrors(dialog())).toEqual(['Le motif est obligatoire.']);
    expect(panel.api.resetLock).not.toHaveBeenCalled();
    await submitReason('x'.repeat(501), 'Lever le blocage');
    expect(inlineErrors(dialog())).toEqual(['Le motif ne doit pas dépasser 500 caractères.']);
    expect(panel.api.resetLock).not.toHaveBeenCalled();
    await submitReason('  Appel du 3679, identité vérifiée ', 'Lever le blocage');
    expect(panel.api.resetLock).toHaveBeenCalledWith(7, 'Appel du 3679, identité vérifiée');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(toastTexts()).toEqual(['Blocage levé.']);
    // The page is read again after the act.
    expect(panel.api.supportSpace).toHaveBeenCalledTimes(2);
  });

  it('closes on Escape without sending anything', async () => {
    const panel = await openSpace();
    await clickButton(/^Renvoyer l'invitation de nouveau@acme\.fr/);
    typeInto('Motif', 'Lien perdu', dialog());
    await act(async () => {
      fireEvent.keyDown(dialog(), { key: 'Escape' });
      await flush();
    });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(panel.api.adminResendInvitation).not.toHaveBeenCalled();
  });

  it("« Renvoyer l'invitation » sends the reason with the invitation id", async () => {
    const panel = await openSpace();
    await clickButton(/^Renvoyer l'invitation de ancien@acme\.fr/);
    expect(dialog().textContent).toContain('au nom de chef@acme.fr');
    await submitReason('Lien expiré, demande par téléphone', "Renvoyer l'invitation");
    expect(panel.api.adminResendInvitation).toHaveBeenCalledWith(
      4,
      'Lien expiré, demande par téléphone',
    );
    expect(toastTexts()).toEqual(['Invitation renvoyée à ancien@acme.fr.']);
  });

  it('shows a refusal inside the dialog, which stays open, and no toast', async () => {
    const panel = await openSpace();
    panel.api.adminRevokeInvitation.mockRejectedValueOnce(refusal('NOT_FOUND'));
    await clickButton(/^Annuler l'invitation de nouveau@acme\.fr/);
    await submitReason('Adresse erronée', "Annuler l'invitation");
    expect(panel.api.adminRevokeInvitation).toHaveBeenCalledWith(5, 'Adresse erronée');
    expect(within(dialog()).getByRole('alert').textContent).toBe(
      "L'élément demandé est introuvable.",
    );
    expect(toastTexts()).toEqual([]);
  });

  it('« Rendre principal » names what will happen and sends the secondary', async () => {
    const panel = await openSpace();
    await clickButton(/^Rendre principal adjoint@acme\.fr/);
    expect(dialog().textContent).toContain(
      'chef@acme.fr restera dans l’espace comme utilisateur secondaire, sans SIRET.',
    );
    await submitReason('Le principal a quitté la société', 'Rendre principal');
    expect(panel.api.makePrincipal).toHaveBeenCalledWith(10, 2, 'Le principal a quitté la société');
    expect(toastTexts()).toEqual([
      'adjoint@acme.fr est maintenant l’utilisateur principal de l’espace.',
    ]);
  });

  it('« Annuler la cession » names what cannot come back, then confirms a partial undo', async () => {
    const panel = await openSpace([
      cession({
        id: 3,
        sirets: [SIRET_A, SIRET_B],
        revert: {
          possible: true,
          blockedBy: null,
          missingSirets: [SIRET_A],
          missingMembers: ['parti@bati.fr'],
        },
      }),
    ]);
    const missing = 'Ne reviendront pas : SIRET 732 829 320 00074, parti@bati.fr.';
    expect(part('Cessions').textContent).toContain(missing);
    const partialMessage =
      'Une partie de la cession ne peut pas revenir : SIRET 732 829 320 00074. Confirmez pour rétablir tout le reste.';
    panel.api.undoCession.mockRejectedValueOnce(
      new ApiError('CESSION_REVERT_PARTIAL', partialMessage, 409),
    );
    await clickButton(/^Annuler la cession de ancien-chef@bati\.fr/);
    expect(dialog().textContent).toContain('retourneront dans l’espace de ancien-chef@bati.fr');
    expect(dialog().textContent).toContain(missing);
    await submitReason('Cession faite par erreur', 'Annuler la cession');
    expect(panel.api.undoCession).toHaveBeenLastCalledWith(3, {
      reason: 'Cession faite par erreur',
      confirmPartial: false,
    });
    expect(within(dialog()).getByRole('alert').textContent).toBe(partialMessage);
    expect(toastTexts()).toEqual([]);
    await clickButton('Confirmer quand même', dialog());
    expect(panel.api.undoCession).toHaveBeenLastCalledWith(3, {
      reason: 'Cession faite par erreur',
      confirmPartial: true,
    });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(toastTexts()).toEqual(['Cession de ancien-chef@bati.fr à chef@acme.fr annulée.']);
  });

  it('a cession blocked or already put back offers no undo', async () => {
    await openSpace([
      cession({
        id: 3,
        revert: {
          possible: false,
          blockedBy:
            'L’espace qui a reçu cette cession l’a cédée à son tour : annulez d’abord celle-là.',
          missingSirets: [],
          missingMembers: [],
        },
      }),
      cession({
        id: 2,
        revert: null,
        revertedAt: '2025-03-05T09:00:00.000Z',
        revertedHow: 'undone',
        revertedByEmail: 'support@exemple.fr',
        reason: 'Erreur de saisie',
      }),
    ]);
    const cessions = part('Cessions');
    expect(cessions.textContent).toContain('annulez d’abord celle-là.');
    expect(cessions.textContent).toContain(
      'Annulée par le support (support@exemple.fr) le 05/03/2025 10:00 · Motif : Erreur de saisie',
    );
    expect(within(cessions).queryByRole('button', { name: /^Annuler la cession/ })).toBeNull();
  });
});

describe('Support desk: dossiers, standing in for the insurer', () => {
  function choose(label: string, value: string) {
    fireEvent.change(within(dialog()).getByLabelText(label), { target: { value } });
  }

  it('« Ouvrir un dossier » sends the letter and the reason, then reads the page again', async () => {
    const panel = await openSpace();
    const sirets = part('SIRETs et dossiers');
    await clickButton('Ouvrir un dossier pour le SIRET 356 000 000 00048', sirets);
    expect(dialog().textContent).toContain('Un dossier arrivera pour le SIRET 356 000 000 00048');
    // The reference is asked first; the step is « Compléter dossier » unless told otherwise.
    expect(document.activeElement).toBe(within(dialog()).getByLabelText('Référence'));
    const kind = within(dialog()).getByLabelText('Type') as HTMLSelectElement;
    expect(Array.from(kind.options).map((option) => option.text)).toEqual([
      'Accident du travail',
      'Maladie professionnelle',
    ]);
    expect((within(dialog()).getByLabelText('Étape') as HTMLSelectElement).value).toBe(
      'completer_dossier',
    );
    panel.api.addDossier.mockResolvedValueOnce(dossier({ id: 8, siret: SIRET_B }));
    panel.api.supportSpace.mockResolvedValue({
      ...SPACE,
      sirets: [
        SPACE.sirets[0]!,
        {
          ...SPACE.sirets[1]!,
          dossiers: [dossier({ id: 8, reference: 'MP-2025-7', siret: SIRET_B })],
        },
      ],
    });
    typeInto('Référence', '  MP-2025-7 ', dialog());
    choose('Type', 'MP');
    typeInto('Code de déblocage', ' CODE-LETTRE-42 ', dialog());
    await submitReason('Courrier reçu par l’employeur, dossier absent', 'Ouvrir le dossier');
    expect(panel.api.addDossier).toHaveBeenCalledWith({
      reference: 'MP-2025-7',
      siret: SIRET_B,
      kind: 'MP',
      status: 'completer_dossier',
      unlockCode: 'CODE-LETTRE-42',
      reason: 'Courrier reçu par l’employeur, dossier absent',
    });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(toastTexts()).toEqual(['Dossier MP-2025-7 ouvert pour le SIRET 356 000 000 00048.']);
    // The page is read again: the dossier shows; the code is shown nowhere.
    expect(panel.api.supportSpace).toHaveBeenCalledTimes(2);
    expect(within(part('SIRETs et dossiers')).getByText('MP-2025-7')).toBeTruthy();
    expect(document.body.textContent).not.toContain('CODE-LETTRE-42');
  });

  it('sends nothing without a reference, a code or a reason, and says each at its field', async () => {
    const panel = await openSpace();
    await clickButton(
      'Ouvrir un dossier pour le SIRET 732 829 320 00074',
      part('SIRETs et dossiers'),
    );
    await clickButton('Ouvrir le dossier', dialog());
    expect(inlineErrors(dialog())).toEqual([
      'La référence est obligatoire.',
      'Le code de déblocage est obligatoire.',
      'Le motif est obligatoire.',
    ]);
    expect(document.activeElement).toBe(within(dialog()).getByLabelText('Référence'));
    // A reason alone is not enough.
    await submitReason('Courrier reçu', 'Ouvrir le dossier');
    expect(inlineErrors(dialog())).toEqual([
      'La référence est obligatoire.',
      'Le code de déblocage est obligatoire.',
    ]);
    // Nor a reference and a code without a reason.
    typeInto('Référence', 'AT-9', dialog());
    typeInto('Code de déblocage', 'CODE-9', dialog());
    await submitReason('   ', 'Ouvrir le dossier');
    expect(inlineErrors(dialog())).toEqual(['Le motif est obligatoire.']);
    typeInto('Référence', 'x'.repeat(65), dialog());
    await submitReason('Courrier reçu', 'Ouvrir le dossier');
    expect(inlineErrors(dialog())).toEqual(['La référence ne doit pas dépasser 64 caractères.']);
    expect(panel.api.addDossier).not.toHaveBeenCalled();
  });

  it('says a refusal of the server inside the dialog, which stays open, and no toast', async () => {
    const panel = await openSpace();
    panel.api.addDossier.mockRejectedValueOnce(refusal('CONFLICT'));
    await clickButton(
      'Ouvrir un dossier pour le SIRET 732 829 320 00074',
      part('SIRETs et dossiers'),
    );
    typeInto('Référence', 'AT-1', dialog());
    typeInto('Code de déblocage', 'CODE-1', dialog());
    await submitReason('Courrier reçu', 'Ouvrir le dossier');
    expect(panel.api.addDossier).toHaveBeenCalledTimes(1);
    expect(within(dialog()).getByRole('alert').textContent).toBe(
      "L'opération est en conflit avec l'état actuel. Réessayez.",
    );
    expect(toastTexts()).toEqual([]);
    expect(panel.api.supportSpace).toHaveBeenCalledTimes(1);
  });

  it("« Changer l'étape » sends the step chosen and the reason", async () => {
    const panel = await openSpace();
    await clickButton("Changer l'étape du dossier AT-1", part('SIRETs et dossiers'));
    expect(dialog().textContent).toContain('est à l’étape « Compléter dossier »');
    expect(document.activeElement).toBe(within(dialog()).getByLabelText('Étape'));
    panel.api.changeDossierStatus.mockResolvedValueOnce(dossier({ id: 1, status: 'consultation' }));
    choose('Étape', 'consultation');
    await submitReason('Pièces reçues par l’assureur', "Changer l'étape");
    expect(panel.api.changeDossierStatus).toHaveBeenCalledWith(1, {
      status: 'consultation',
      reason: 'Pièces reçues par l’assureur',
    });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(toastTexts()).toEqual(['Dossier AT-1 : étape « Consultation ».']);
    expect(panel.api.supportSpace).toHaveBeenCalledTimes(2);
  });

  it('refuses an unchanged step or no reason in the dialog, sending nothing, and says a refusal', async () => {
    const panel = await openSpace();
    await clickButton("Changer l'étape du dossier AT-1", part('SIRETs et dossiers'));
    await submitReason('Sans raison', "Changer l'étape");
    expect(inlineErrors(dialog())).toEqual([
      'Le dossier est déjà à l’étape « Compléter dossier » : choisissez une autre étape.',
    ]);
    choose('Étape', 'cloture');
    expect(inlineErrors(dialog())).toEqual([]);
    await submitReason('', "Changer l'étape");
    expect(inlineErrors(dialog())).toEqual(['Le motif est obligatoire.']);
    expect(panel.api.changeDossierStatus).not.toHaveBeenCalled();
    // Gone meanwhile: the server's refusal, in the dialog.
    panel.api.changeDossierStatus.mockRejectedValueOnce(refusal('NOT_FOUND'));
    await submitReason('Dossier clos par l’assureur', "Changer l'étape");
    expect(panel.api.changeDossierStatus).toHaveBeenCalledWith(1, {
      status: 'cloture',
      reason: 'Dossier clos par l’assureur',
    });
    expect(within(dialog()).getByRole('alert').textContent).toBe(
      "L'élément demandé est introuvable.",
    );
    expect(toastTexts()).toEqual([]);
  });
});

describe('Support desk: other tabs', () => {
  it('keeps « Invitations et blocages » one tab away', async () => {
    await openDesk();
    await openTab('Invitations et blocages');
    expect(part('Invitations en direct')).toBeTruthy();
  });
});
