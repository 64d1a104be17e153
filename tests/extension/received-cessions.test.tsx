import { screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../extension/panel/api-client.js';
import { clickButton, openTab, renderPanel, toastTexts } from './support/panel-harness.js';
import { PRINCIPAL, SIRET_A, principalSnapshot } from './support/snapshots.js';

const DAY_MS = 24 * 3_600_000;

function received(overrides: { id?: number; cededAt?: number } = {}) {
  const cededAt = overrides.cededAt ?? Date.now() - DAY_MS;
  return {
    id: overrides.id ?? 7,
    cededAt: new Date(cededAt).toISOString(),
    refusableUntil: new Date(cededAt + 7 * DAY_MS).toISOString(),
    fromPrincipalEmail: 'inconnu@exemple.fr',
    sirets: [SIRET_A],
    secondaryCount: 2,
  };
}

async function openParametrage(receivedCessions: ReturnType<typeof received>[]) {
  const panel = await renderPanel({ signedInAs: PRINCIPAL });
  await panel.serverSends(principalSnapshot({ receivedCessions }));
  await openTab('Paramétrage');
  return panel;
}

describe('Paramétrage — Cessions reçues', () => {
  it('offers to refuse a cession received within 7 days, and refuses it once confirmed', async () => {
    const panel = await openParametrage([
      received(),
      received({ id: 8, cededAt: Date.now() - 8 * DAY_MS }),
    ]);
    const part = screen.getByRole('region', { name: 'Cessions reçues' });
    // The one older than 7 days is no longer offered.
    expect(within(part).getAllByRole('listitem')).toHaveLength(1);
    expect(part.textContent).toContain(
      'inconnu@exemple.fr vous a cédé 1 SIRET et 2 utilisateurs secondaires',
    );

    await clickButton('Refuser la cession de inconnu@exemple.fr', part);
    const dialog = screen.getByRole('dialog', { name: 'Refuser la cession' });
    expect(dialog.textContent).toContain('732 829 320 00074');
    expect(dialog.textContent).toContain("redeviendra l'utilisateur principal");
    expect(panel.api.refuseCession).not.toHaveBeenCalled();
    await clickButton('Refuser la cession', dialog);
    expect(panel.api.refuseCession).toHaveBeenCalledWith(7, false);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(toastTexts()).toEqual([
      'Cession refusée : tout est retourné dans l’espace qui l’avait faite.',
    ]);
  });

  it('names what cannot come back, and does the rest once confirmed again', async () => {
    const panel = await openParametrage([received()]);
    const message =
      'Ne peuvent pas revenir : le SIRET 732 829 320 00074 (supprimé ou cédé depuis). Confirmez pour rétablir tout le reste.';
    panel.api.refuseCession.mockRejectedValueOnce(
      new ApiError('CESSION_REVERT_PARTIAL', message, 409),
    );
    await clickButton('Refuser la cession de inconnu@exemple.fr');
    const dialog = screen.getByRole('dialog', { name: 'Refuser la cession' });
    await clickButton('Refuser la cession', dialog);
    expect(within(dialog).getByRole('alert').textContent).toBe(message);
    expect(toastTexts()).toEqual([]);
    await clickButton('Confirmer quand même', dialog);
    expect(panel.api.refuseCession).toHaveBeenLastCalledWith(7, true);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('shows nothing when no cession can be refused', async () => {
    await openParametrage([]);
    expect(screen.queryByRole('region', { name: 'Cessions reçues' })).toBeNull();
  });
});
