import { act, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../extension/panel/api-client.js';
import { flush } from './support/fake-socket.js';
import { ERRORS } from '../../shared/errors.js';
import type { MemberLockView } from '../../shared/events.js';
import { applyEvent } from '../../shared/panel-state.js';
import {
  clickButton,
  openTab,
  refusal,
  renderPanel,
  toastTexts,
  typeInto,
} from './support/panel-harness.js';
import {
  PRINCIPAL,
  SIRET_A,
  SIRET_C,
  event,
  lock,
  principalSnapshot,
  secondarySnapshot,
} from './support/snapshots.js';

const SIRET_LOCKED =
  'Trop de tentatives pour ce SIRET : l’ajout est bloqué. Appelez le 3679 pour le débloquer.';
const LIFTED = 'Le blocage a été levé par le support : vous pouvez réessayer.';
const ADDRESS = "Adresse e-mail de l'utilisateur principal destinataire";

const siretLock: MemberLockView = {
  id: 7,
  scope: 'add_siret',
  siret: SIRET_C,
  lockedAt: '2025-03-05T11:00:00.000Z',
};
const cessionLock: MemberLockView = {
  id: 8,
  scope: 'cession',
  siret: null,
  lockedAt: '2025-03-05T11:30:00.000Z',
};

async function openParametrage(locks: MemberLockView[] = []) {
  const panel = await renderPanel({ signedInAs: PRINCIPAL });
  await panel.serverSends(principalSnapshot({ locks }));
  await openTab('Paramétrage');
  const sirets = screen.getByRole('region', { name: 'Gestion des SIRETs' });
  const cession = screen.getByRole('region', { name: 'Céder les SIRETs' });
  return { panel, sirets, cession };
}

/** What a field's `aria-describedby` reads out. */
function description(input: HTMLElement): string {
  return (input.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .map((id) => document.getElementById(id)?.textContent ?? '')
    .join(' ');
}

function submitButton(part: HTMLElement, name: string): HTMLButtonElement {
  return within(part).getByRole('button', { name }) as HTMLButtonElement;
}

function toasts(): string {
  return screen
    .getAllByRole('status')
    .map((region) => region.textContent ?? '')
    .join(' ');
}

describe('Ajouter un SIRET — lock-outs', () => {
  it('shows a wrong code at the code field with the tries left, not as a toast', async () => {
    const { panel, sirets } = await openParametrage();
    const message = `${ERRORS.SIRET_UNLOCK_CODE_INVALID.message} Il vous reste 1 essai.`;
    panel.api.addSiret.mockRejectedValue(new ApiError('SIRET_UNLOCK_CODE_INVALID', message, 422));
    typeInto('SIRET', SIRET_C, sirets);
    typeInto('Code de déblocage', 'FAUX', sirets);
    await clickButton('Enregistrer nouveau SIRET', sirets);
    const code = within(sirets).getByLabelText('Code de déblocage');
    expect(description(code)).toContain('Il vous reste 1 essai.');
    expect(code.getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(code);
    expect(toastTexts()).toEqual([]);
    // Typing again takes the refusal away.
    typeInto('Code de déblocage', 'AUTRE', sirets);
    expect(description(code)).not.toContain('Il vous reste');
  });

  it('says a locked SIRET is locked as soon as it is typed, and will not send it', async () => {
    const { panel, sirets } = await openParametrage([siretLock]);
    typeInto('SIRET', '356 000 000 09075', sirets);
    expect(within(sirets).getByText(SIRET_LOCKED)).toBeTruthy();
    const submit = submitButton(sirets, 'Enregistrer nouveau SIRET');
    expect(submit.disabled).toBe(true);
    expect(description(submit)).toBe(SIRET_LOCKED);
    // Another SIRET is not locked.
    typeInto('SIRET', SIRET_A, sirets);
    expect(within(sirets).queryByText(SIRET_LOCKED)).toBeNull();
    expect(submitButton(sirets, 'Enregistrer nouveau SIRET').disabled).toBe(false);
    expect(panel.api.addSiret).not.toHaveBeenCalled();
  });

  it('locks the form on a LOCKED answer, and opens it again when the support lifts the lock', async () => {
    const { panel, sirets } = await openParametrage();
    panel.api.addSiret.mockRejectedValue(refusal('LOCKED'));
    typeInto('SIRET', SIRET_C, sirets);
    typeInto('Code de déblocage', 'FAUX', sirets);
    await clickButton('Enregistrer nouveau SIRET', sirets);
    expect(within(sirets).getByRole('status').textContent).toBe(SIRET_LOCKED);
    expect(submitButton(sirets, 'Enregistrer nouveau SIRET').disabled).toBe(true);
    expect(document.activeElement).toBe(within(sirets).getByLabelText('SIRET'));
    // The code typed is cleared, without calling it missing.
    const code = within(sirets).getByLabelText('Code de déblocage');
    expect(code.getAttribute('aria-invalid')).toBeNull();
    // Said at the form, not as an alert as well.
    expect(toastTexts()).toEqual([]);

    // The lock arrives live, then the support's reset.
    await panel.server((socket) =>
      socket.sendEvent(event(6, 'lock.locked', { lock: lock({ id: 7, siret: SIRET_C }) })),
    );
    expect(within(sirets).getByText(SIRET_LOCKED)).toBeTruthy();
    await panel.server((socket) =>
      socket.sendEvent(event(7, 'lock.reset', { lockId: 7, scope: 'add_siret', siret: SIRET_C })),
    );
    expect(within(sirets).queryByText(SIRET_LOCKED)).toBeNull();
    expect(submitButton(sirets, 'Enregistrer nouveau SIRET').disabled).toBe(false);
    expect(toasts()).toContain(LIFTED);
    panel.api.addSiret.mockResolvedValue(undefined);
    typeInto('Code de déblocage', 'BON-CODE', sirets);
    await clickButton('Enregistrer nouveau SIRET', sirets);
    expect(panel.api.addSiret).toHaveBeenLastCalledWith({
      siret: SIRET_C,
      unlockCode: 'BON-CODE',
      assignToAllSecondaries: false,
    });
  });
  it('opens again on the reset when the lock arrived live before the LOCKED answer', async () => {
    const { panel, sirets } = await openParametrage();
    let answer = () => {};
    panel.api.addSiret.mockImplementation(
      () => new Promise((_, reject) => (answer = () => reject(refusal('LOCKED')))),
    );
    typeInto('SIRET', SIRET_C, sirets);
    typeInto('Code de déblocage', 'FAUX', sirets);
    await clickButton('Enregistrer nouveau SIRET', sirets);
    await panel.server((socket) =>
      socket.sendEvent(event(6, 'lock.locked', { lock: lock({ id: 7, siret: SIRET_C }) })),
    );
    await act(async () => {
      answer();
      await flush();
    });
    expect(within(sirets).getByText(SIRET_LOCKED)).toBeTruthy();
    await panel.server((socket) =>
      socket.sendEvent(event(7, 'lock.reset', { lockId: 7, scope: 'add_siret', siret: SIRET_C })),
    );
    expect(within(sirets).queryByText(SIRET_LOCKED)).toBeNull();
    expect(submitButton(sirets, 'Enregistrer nouveau SIRET').disabled).toBe(false);
  });
});

describe('Céder les SIRETs — lock-outs', () => {
  it('shows the tries left at the address field', async () => {
    const { panel, cession } = await openParametrage();
    const message = `${ERRORS.CESSION_TARGET_NOT_PRINCIPAL.message}. Il vous reste 2 essais.`;
    panel.api.checkCessionTarget.mockRejectedValue(
      new ApiError('CESSION_TARGET_NOT_PRINCIPAL', message, 422),
    );
    typeInto(ADDRESS, 'inconnu@exemple.fr', cession);
    await clickButton('Céder les SIRETs', cession);
    const input = within(cession).getByLabelText(ADDRESS);
    expect(description(input)).toContain('Il vous reste 2 essais.');
    expect(document.activeElement).toBe(input);
  });

  it('says the cession is locked and sends nothing until the support lifts it, live', async () => {
    const { panel, cession } = await openParametrage([cessionLock]);
    const input = within(cession).getByLabelText(ADDRESS);
    expect(description(input)).toContain('La cession est bloquée');
    expect(description(input)).toContain('appelez le 3679');
    expect(submitButton(cession, 'Céder les SIRETs').disabled).toBe(true);
    typeInto(ADDRESS, 'autre@exemple.fr', cession);
    expect(description(input)).toContain('La cession est bloquée');
    expect(panel.api.checkCessionTarget).not.toHaveBeenCalled();

    await panel.server((socket) =>
      socket.sendEvent(event(6, 'lock.reset', { lockId: 8, scope: 'cession', siret: null })),
    );
    expect(description(input)).not.toContain('La cession est bloquée');
    expect(submitButton(cession, 'Céder les SIRETs').disabled).toBe(false);
    expect(toasts()).toContain(LIFTED);
    await clickButton('Céder les SIRETs', cession);
    expect(panel.api.checkCessionTarget).toHaveBeenCalledWith('autre@exemple.fr');
  });

  it('locks on a LOCKED answer, until the lock listed live is lifted', async () => {
    const { panel, cession } = await openParametrage();
    panel.api.checkCessionTarget.mockRejectedValue(refusal('LOCKED'));
    typeInto(ADDRESS, 'x@exemple.fr', cession);
    await clickButton('Céder les SIRETs', cession);
    const input = within(cession).getByLabelText(ADDRESS);
    expect(description(input)).toContain('La cession est bloquée');
    expect(submitButton(cession, 'Céder les SIRETs').disabled).toBe(true);
    expect(document.activeElement).toBe(input);
    // Said at the field, not as an alert as well.
    expect(toastTexts()).toEqual([]);
    await panel.server((socket) =>
      socket.sendEvent(
        event(6, 'lock.locked', { lock: lock({ id: 8, scope: 'cession', siret: null }) }),
      ),
    );
    await panel.server((socket) =>
      socket.sendEvent(event(7, 'lock.reset', { lockId: 8, scope: 'cession', siret: null })),
    );
    expect(description(input)).not.toContain('La cession est bloquée');
    expect(toasts()).toContain(LIFTED);
  });
  it('opens again on the reset when the lock arrived live before the LOCKED answer', async () => {
    const { panel, cession } = await openParametrage();
    let answer = () => {};
    panel.api.checkCessionTarget.mockImplementation(
      () => new Promise((_, reject) => (answer = () => reject(refusal('LOCKED')))),
    );
    typeInto(ADDRESS, 'x@exemple.fr', cession);
    await clickButton('Céder les SIRETs', cession);
    await panel.server((socket) =>
      socket.sendEvent(
        event(6, 'lock.locked', { lock: lock({ id: 8, scope: 'cession', siret: null }) }),
      ),
    );
    await act(async () => {
      answer();
      await flush();
    });
    expect(submitButton(cession, 'Céder les SIRETs').disabled).toBe(true);
    await panel.server((socket) =>
      socket.sendEvent(event(7, 'lock.reset', { lockId: 8, scope: 'cession', siret: null })),
    );
    expect(submitButton(cession, 'Céder les SIRETs').disabled).toBe(false);
  });
});

describe('the panel state of locks', () => {
  it("lists the principal's locks as they come and go, and none for a secondary", () => {
    const locked = event(6, 'lock.locked', { lock: lock({ id: 7, siret: SIRET_C }) });
    const principal = applyEvent(principalSnapshot(), locked);
    expect(principal.kind === 'member' && principal.locks).toEqual([
      { id: 7, scope: 'add_siret', siret: SIRET_C, lockedAt: '2025-03-02T10:00:00.000Z' },
    ]);
    const reset = event(7, 'lock.reset', { lockId: 7, scope: 'add_siret', siret: SIRET_C });
    const lifted = applyEvent(principal, reset);
    expect(lifted.kind === 'member' && lifted.locks).toEqual([]);
    const secondary = applyEvent(secondarySnapshot(), locked);
    expect(secondary.kind === 'member' && secondary.locks).toEqual([]);
  });
});
