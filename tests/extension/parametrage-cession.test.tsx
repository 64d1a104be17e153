import { screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../../shared/errors.js';
import { clickButton, openTab, refusal, renderPanel, typeInto } from './support/panel-harness.js';
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

describe('Paramétrage — Céder les SIRETs', () => {
  it('asks for confirmation, saying the principal will become a secondary user', async () => {
    const { panel, part } = await openCession();
    panel.api.cede.mockResolvedValue({ ...PRINCIPAL, role: 'secondary', orgId: 11 });
    typeInto("Adresse e-mail de l'utilisateur principal destinataire", 'autre@exemple.fr', part);
    await clickButton('Céder les SIRETs', part);
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
    typeInto("Adresse e-mail de l'utilisateur principal destinataire", 'autre@exemple.fr', part);
    await clickButton('Céder les SIRETs', part);
    await clickButton('Annuler', screen.getByRole('dialog'));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(panel.api.cede).not.toHaveBeenCalled();
  });

  it("shows the server's refusal when the address is not a principal user's", async () => {
    const { panel, part } = await openCession();
    panel.api.cede.mockRejectedValue(refusal('CESSION_TARGET_NOT_PRINCIPAL'));
    typeInto(
      "Adresse e-mail de l'utilisateur principal destinataire",
      'secondaire@exemple.fr',
      part,
    );
    await clickButton('Céder les SIRETs', part);
    await clickButton('Confirmer', screen.getByRole('dialog'));
    const message = ERRORS.CESSION_TARGET_NOT_PRINCIPAL.message;
    expect(screen.getByRole('alert').textContent).toContain(message);
    expect(within(part).getByText(message)).toBeTruthy();
  });

  it('shows the lock-out message after too many refusals', async () => {
    const { panel, part } = await openCession();
    panel.api.cede.mockRejectedValue(refusal('LOCKED'));
    typeInto("Adresse e-mail de l'utilisateur principal destinataire", 'x@exemple.fr', part);
    await clickButton('Céder les SIRETs', part);
    await clickButton('Confirmer', screen.getByRole('dialog'));
    expect(screen.getByRole('alert').textContent).toContain('Contactez le 3679');
  });

  it('switches to the secondary screens without reloading once the cession event arrives', async () => {
    const { panel } = await openCession();
    await panel.server((socket) =>
      socket.sendEvent(
        event(6, 'org.ceded', {
          fromOrgId: 10,
          toOrgId: 11,
          formerPrincipalId: PRINCIPAL.id,
          sirets: [SIRET_A, SIRET_B],
        }),
      ),
    );
    expect(panel.socket().syncRequests.map((item) => item.request)).toEqual([{ since: null }]);
    await panel.server((socket) =>
      socket.answerSync({
        snapshot: secondarySnapshot({
          me: { ...PRINCIPAL, role: 'secondary', orgId: 11 },
          orgId: 11,
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
