import { act, fireEvent, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../../shared/errors.js';
import { flush } from './support/fake-socket.js';
import {
  clickButton,
  inlineErrors,
  openTab,
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
  principalSnapshot,
  secondarySnapshot,
} from './support/snapshots.js';

async function openCession() {
  const panel = await renderPanel({ signedInAs: PRINCIPAL });
  await panel.serverSends(principalSnapshot());
  await openTab('Paramétrage');
  const part = screen.getByRole('region', { name: 'Céder les SIRETs' });
  return { panel, part };
}

const ADDRESS = "Adresse e-mail de l'utilisateur principal destinataire";

/** The address field, its message (what `aria-describedby` points to) and where the focus is. */
function addressField(part: HTMLElement) {
  const input = within(part).getByLabelText(ADDRESS);
  const describedBy = input.getAttribute('aria-describedby') ?? '';
  const description = describedBy
    .split(' ')
    .map((id) => document.getElementById(id)?.textContent ?? '')
    .join(' ');
  return { input, description, invalid: input.getAttribute('aria-invalid') === 'true' };
}

describe('Paramétrage — Céder les SIRETs', () => {
  it('checks the address with the server first, then asks for confirmation naming the address it accepted', async () => {
    const { panel, part } = await openCession();
    panel.api.checkCessionTarget.mockResolvedValue('autre@exemple.fr');
    panel.api.cede.mockResolvedValue({ ...PRINCIPAL, role: 'secondary', spaceId: 11 });
    typeInto(ADDRESS, '  Autre@Exemple.fr ', part);
    await clickButton('Céder les SIRETs', part);
    expect(panel.api.checkCessionTarget).toHaveBeenCalledWith('Autre@Exemple.fr');
    const dialog = screen.getByRole('dialog', { name: 'Céder les SIRETs' });
    expect(dialog.textContent).toContain('autre@exemple.fr');
    expect(dialog.textContent).toContain('Vous deviendrez utilisateur secondaire');
    expect(panel.api.cede).not.toHaveBeenCalled();
    await clickButton('Confirmer', dialog);
    expect(panel.api.cede).toHaveBeenCalledWith('autre@exemple.fr');
    expect(screen.getByText('SIRETs cédés à autre@exemple.fr.')).toBeTruthy();
  });

  it('cancels without sending anything', async () => {
    const { panel, part } = await openCession();
    typeInto(ADDRESS, 'autre@exemple.fr', part);
    await clickButton('Céder les SIRETs', part);
    await clickButton('Annuler', screen.getByRole('dialog'));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(panel.api.cede).not.toHaveBeenCalled();
  });

  it("shows no « Confirmer » for an address the server refuses (a secondary's, an unknown one, a support agent's): the refusal comes first, at the field", async () => {
    const { panel, part } = await openCession();
    panel.api.checkCessionTarget.mockRejectedValue(refusal('CESSION_TARGET_NOT_PRINCIPAL'));
    typeInto(ADDRESS, 'refusee@exemple.fr', part);
    await clickButton('Céder les SIRETs', part);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Confirmer' })).toBeNull();
    expect(panel.api.cede).not.toHaveBeenCalled();
    const field = addressField(part);
    expect(field.invalid).toBe(true);
    expect(field.description).toContain(ERRORS.CESSION_TARGET_NOT_PRINCIPAL.message);
    expect(document.activeElement).toBe(field.input);
    // At the field only, not said a second time in a toast.
    expect(inlineErrors(part)).toEqual([ERRORS.CESSION_TARGET_NOT_PRINCIPAL.message]);
    expect(toastTexts()).toEqual([]);
  });

  it("says in its own words that one cannot cede to one's own address", async () => {
    const { panel, part } = await openCession();
    panel.api.checkCessionTarget.mockRejectedValue(refusal('CESSION_TARGET_SELF'));
    typeInto(ADDRESS, PRINCIPAL.email, part);
    await clickButton('Céder les SIRETs', part);
    expect(screen.queryByRole('button', { name: 'Confirmer' })).toBeNull();
    const field = addressField(part);
    expect(field.description).toContain(
      'Vous ne pouvez pas céder vos SIRETs à votre propre adresse',
    );
    expect(field.description).not.toContain(ERRORS.CESSION_TARGET_NOT_PRINCIPAL.message);
    expect(panel.api.cede).not.toHaveBeenCalled();
  });

  it('shows the lock-out message at the field after too many refused addresses', async () => {
    const { panel, part } = await openCession();
    panel.api.checkCessionTarget.mockRejectedValue(refusal('LOCKED'));
    typeInto(ADDRESS, 'x@exemple.fr', part);
    await clickButton('Céder les SIRETs', part);
    expect(screen.queryByRole('button', { name: 'Confirmer' })).toBeNull();
    expect(addressField(part).description).toContain('appelez le 3679');
  });

  it('checks the address typed on the panel before asking the server', async () => {
    const { panel, part } = await openCession();
    typeInto(ADDRESS, 'pas-une-adresse', part);
    await clickButton('Céder les SIRETs', part);
    expect(panel.api.checkCessionTarget).not.toHaveBeenCalled();
    expect(addressField(part).description).toContain("L'adresse e-mail n'est pas valide.");
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('keeps the button busy while the server checks the address, then opens the confirmation', async () => {
    const { panel, part } = await openCession();
    let accept: (email: string) => void = () => {};
    panel.api.checkCessionTarget.mockImplementation(
      () => new Promise<string>((resolve) => (accept = resolve)),
    );
    typeInto(ADDRESS, 'autre@exemple.fr', part);
    await clickButton('Céder les SIRETs', part);
    const button = within(part).getByRole('button', { name: 'Céder les SIRETs' });
    expect(button.getAttribute('aria-busy')).toBe('true');
    expect((button as HTMLButtonElement).disabled).toBe(true);
    expect(screen.queryByRole('dialog')).toBeNull();
    await act(async () => {
      accept('autre@exemple.fr');
      await flush();
    });
    expect(button.getAttribute('aria-busy')).toBeNull();
    expect(screen.getByRole('dialog', { name: 'Céder les SIRETs' })).toBeTruthy();
    expect(panel.api.checkCessionTarget).toHaveBeenCalledTimes(1);
  });

  it('works from the keyboard: Enter checks, the dialog opens on « Annuler », Escape closes it', async () => {
    const { panel, part } = await openCession();
    typeInto(ADDRESS, 'autre@exemple.fr', part);
    const { input } = addressField(part);
    input.focus();
    await act(async () => {
      fireEvent.submit((input as HTMLInputElement).form!);
      await flush();
    });
    expect(panel.api.checkCessionTarget).toHaveBeenCalledWith('autre@exemple.fr');
    const dialog = screen.getByRole('dialog', { name: 'Céder les SIRETs' });
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Annuler' }));
    await act(async () => {
      fireEvent.keyDown(dialog, { key: 'Escape' });
      await flush();
    });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(panel.api.cede).not.toHaveBeenCalled();
  });

  it("shows the cession's own refusal at the field when the target changed after the check", async () => {
    const { panel, part } = await openCession();
    panel.api.cede.mockRejectedValue(refusal('CESSION_TARGET_NOT_PRINCIPAL'));
    typeInto(ADDRESS, 'autre@exemple.fr', part);
    await clickButton('Céder les SIRETs', part);
    await clickButton('Confirmer', screen.getByRole('dialog'));
    const message = ERRORS.CESSION_TARGET_NOT_PRINCIPAL.message;
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(inlineErrors(part)).toEqual([message]);
    expect(toastTexts()).toEqual([]);
    const field = addressField(part);
    expect(field.description).toContain(message);
    expect(document.activeElement).toBe(field.input);
  });

  it('switches to the secondary screens without reloading once the cession event arrives', async () => {
    const { panel } = await openCession();
    await panel.server((socket) =>
      socket.sendEvent(
        event(6, 'space.ceded', {
          fromSpaceId: 10,
          toSpaceId: 11,
          formerPrincipalId: PRINCIPAL.id,
          sirets: [SIRET_A, SIRET_B],
        }),
      ),
    );
    expect(panel.socket().syncRequests.map((item) => item.request)).toEqual([{ since: null }]);
    await panel.server((socket) =>
      socket.answerSync({
        snapshot: secondarySnapshot({
          me: { ...PRINCIPAL, role: 'secondary', spaceId: 11 },
          spaceId: 11,
          lastEventId: 30,
        }),
      }),
    );
    expect(screen.queryByRole('tab', { name: 'Paramétrage' })).toBeNull();
    expect(screen.getByText('Utilisateur secondaire')).toBeTruthy();
    expect(screen.getByRole('status', { name: 'Notifications' }).textContent).toContain(
      'vous êtes désormais utilisateur secondaire',
    );
    expect(panel.storage.state.session?.user.role).toBe('secondary');
  });
});
