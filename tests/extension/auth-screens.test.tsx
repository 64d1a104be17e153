import { act, fireEvent, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../../shared/errors.js';
import { flush } from './support/fake-socket.js';
import { ApiError } from '../../extension/panel/api-client.js';
import { inlineErrors, refusal, renderPanel, toastTexts } from './support/panel-harness.js';
import { PRINCIPAL, principalSnapshot } from './support/snapshots.js';

function type(label: string | RegExp, value: string) {
  fireEvent.input(screen.getByLabelText(label), { target: { value } });
}

async function click(name: string | RegExp) {
  await act(async () => {
    fireEvent.click(screen.getByRole('button', { name }));
    await flush();
  });
}

describe('Sign in', () => {
  it('signs in, keeps the token for this browser session and shows the live space', async () => {
    const panel = await renderPanel();
    panel.api.login.mockResolvedValue({ token: 'jeton', user: PRINCIPAL });
    expect(screen.getByRole('heading', { level: 1, name: 'Connexion' })).toBeTruthy();
    type('Adresse e-mail', 'principal@exemple.fr');
    type('Mot de passe', 'motdepasse-solide');
    await click('Se connecter');
    expect(panel.api.login).toHaveBeenCalledWith({
      email: 'principal@exemple.fr',
      password: 'motdepasse-solide',
    });
    expect(panel.storage.savedIn).toBe('session');
    expect(panel.socket()).toMatchObject({ serverUrl: 'http://localhost:8787', token: 'jeton' });
    expect(screen.getByText('Chargement de votre espace…')).toBeTruthy();
    await panel.serverSends(principalSnapshot());
    expect(screen.getByRole('tab', { name: 'Paramétrage' })).toBeTruthy();
    expect(screen.getByText('Connecté')).toBeTruthy();
  });

  it('keeps the session in local storage when "Rester connecté" is ticked', async () => {
    const panel = await renderPanel();
    panel.api.login.mockResolvedValue({ token: 'jeton', user: PRINCIPAL });
    type('Adresse e-mail', 'principal@exemple.fr');
    type('Mot de passe', 'motdepasse-solide');
    fireEvent.click(screen.getByLabelText('Rester connecté'));
    await click('Se connecter');
    expect(panel.storage.savedIn).toBe('local');
  });

  it("shows the server's refusal in its words inside the form, not as a toast", async () => {
    const panel = await renderPanel();
    panel.api.login.mockRejectedValue(refusal('INVALID_CREDENTIALS'));
    type('Adresse e-mail', 'principal@exemple.fr');
    type('Mot de passe', 'faux');
    await click('Se connecter');
    const form = screen.getByRole('button', { name: 'Se connecter' }).closest('form')!;
    expect(within(form).getByRole('alert').textContent).toBe(ERRORS.INVALID_CREDENTIALS.message);
    expect(toastTexts()).toEqual([]);
    expect(panel.sockets).toHaveLength(0);

    // Typing again takes it away; the right password opens the space.
    panel.api.login.mockResolvedValue({ token: 'jeton', user: PRINCIPAL });
    type('Mot de passe', 'le-bon-mot-de-passe');
    expect(inlineErrors()).toEqual([]);
    await click('Se connecter');
    expect(screen.queryByRole('heading', { name: 'Connexion' })).toBeNull();
  });

  it('says a server that does not answer once, at the top of the panel, and nothing under the fields', async () => {
    const panel = await renderPanel();
    panel.api.login.mockRejectedValue(
      new ApiError('NETWORK', 'Le serveur http://localhost:8787 ne répond pas.', 0),
    );
    type('Adresse e-mail', 'principal@exemple.fr');
    type('Mot de passe', 'le-bon-mot-de-passe');
    await click('Se connecter');
    await click('Se connecter');
    const alerts = screen.getAllByRole('alert').filter((item) => item.textContent !== '');
    expect(alerts.map((item) => item.textContent)).toEqual([
      'Le serveur http://localhost:8787 ne répond pas.Fermer',
    ]);
    expect(alerts[0]!.closest('.outage')).not.toBeNull();
    expect(inlineErrors()).toEqual([]);
    expect(toastTexts()).toEqual([]);
    // The next answer from the server ends it.
    panel.api.login.mockRejectedValue(refusal('INVALID_CREDENTIALS'));
    await click('Se connecter');
    expect(document.querySelector('.outage')).toBeNull();
    expect(inlineErrors()).toEqual([ERRORS.INVALID_CREDENTIALS.message]);
  });

  it('checks the fields before sending anything', async () => {
    const panel = await renderPanel();
    type('Adresse e-mail', 'pas-une-adresse');
    await click('Se connecter');
    expect(panel.api.login).not.toHaveBeenCalled();
    expect(screen.getByText("L'adresse e-mail n'est pas valide.")).toBeTruthy();
    expect(screen.getByText('Le mot de passe est obligatoire.')).toBeTruthy();
    expect(screen.getByLabelText(/Adresse e-mail/).getAttribute('aria-invalid')).toBe('true');
  });

  it('disables the button and shows a spinner while the request runs', async () => {
    const panel = await renderPanel();
    let finish: () => void = () => undefined;
    panel.api.login.mockReturnValue(
      new Promise((resolve) => {
        finish = () => resolve({ token: 'jeton', user: PRINCIPAL });
      }),
    );
    type('Adresse e-mail', 'principal@exemple.fr');
    type('Mot de passe', 'motdepasse-solide');
    await click('Se connecter');
    const button = screen.getByRole('button', { name: 'Se connecter' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(button.getAttribute('aria-busy')).toBe('true');
    expect(button.querySelector('.spinner')).toBeTruthy();
    await act(async () => finish());
  });

  it('restores a kept session when the panel opens and signs out on request', async () => {
    const panel = await renderPanel({ signedInAs: PRINCIPAL });
    await panel.serverSends(principalSnapshot());
    expect(screen.getByText(PRINCIPAL.email)).toBeTruthy();
    await click('Se déconnecter');
    expect(panel.api.logout).toHaveBeenCalled();
    expect(panel.storage.state.session).toBeNull();
    expect(panel.socket().disconnected).toBe(true);
    expect(screen.getByRole('heading', { name: 'Connexion' })).toBeTruthy();
  });

  it('signs out locally when the server revokes the session', async () => {
    const panel = await renderPanel({ signedInAs: PRINCIPAL });
    await panel.serverSends(principalSnapshot());
    await panel.server((socket) =>
      socket.sendEvent({ id: 0, type: 'session.revoked', at: '', data: { reason: 'removed' } }),
    );
    expect(screen.getByRole('heading', { name: 'Connexion' })).toBeTruthy();
    expect(screen.getByText('Votre accès à cet espace employeur a été supprimé.')).toBeTruthy();
  });

  it('signs out when the socket handshake says the token is unknown', async () => {
    const panel = await renderPanel({ signedInAs: PRINCIPAL });
    await panel.server((socket) => socket.failToConnect('UNAUTHENTICATED'));
    expect(screen.getByRole('heading', { name: 'Connexion' })).toBeTruthy();
    expect(panel.storage.state.session).toBeNull();
  });

  it('shows "Reconnexion…" while the connection is lost', async () => {
    const panel = await renderPanel({ signedInAs: PRINCIPAL });
    await panel.serverSends(principalSnapshot());
    await panel.server((socket) => socket.drop());
    expect(screen.getByText('Reconnexion…')).toBeTruthy();
    await panel.server((socket) => socket.connect());
    expect(screen.getByText('Connecté')).toBeTruthy();
    expect(panel.socket().syncRequests.map((item) => item.request)).toEqual([{ since: 5 }]);
  });
});

describe('Sign up', () => {
  async function openSignUp() {
    const panel = await renderPanel();
    await click('Créer un espace employeur');
    expect(screen.getByRole('heading', { name: 'Créer un espace employeur' })).toBeTruthy();
    return panel;
  }

  it('checks the SIRET as it is typed, with or without spaces', async () => {
    await openSignUp();
    type('SIRET', '732 829');
    expect(screen.getByText('14 chiffres, espaces acceptés (6/14).')).toBeTruthy();
    type('SIRET', '732 829 320 00075');
    expect(
      screen.getByText(
        "Ce SIRET n'existe pas : ses 14 chiffres ne respectent pas la clé de contrôle. Un chiffre est sans doute mal saisi.",
      ),
    ).toBeTruthy();
    type('SIRET', '732 829 320 00074');
    expect(screen.getByText('SIRET valide : 732 829 320 00074')).toBeTruthy();
  });

  it('creates the space as principal with the SIRET and its unlock code', async () => {
    const panel = await openSignUp();
    panel.api.signup.mockResolvedValue({ token: 'jeton', user: PRINCIPAL });
    type('Adresse e-mail', 'nouveau@exemple.fr');
    type('Mot de passe', 'motdepasse-solide');
    type('SIRET', '732 829 320 00074');
    type('Code de déblocage', 'ABC123');
    await click('Créer mon espace');
    expect(panel.api.signup).toHaveBeenCalledWith({
      email: 'nouveau@exemple.fr',
      password: 'motdepasse-solide',
      siret: '73282932000074',
      unlockCode: 'ABC123',
    });
    expect(panel.sockets).toHaveLength(1);
  });

  it("shows the server's refusal when the SIRET and the unlock code prove nothing", async () => {
    const panel = await openSignUp();
    panel.api.signup.mockRejectedValue(refusal('SIGNUP_PROOF_REFUSED'));
    type('Adresse e-mail', 'nouveau@exemple.fr');
    type('Mot de passe', 'motdepasse-solide');
    type('SIRET', '73282932000074');
    type('Code de déblocage', 'FAUX');
    await click('Créer mon espace');
    // Said at the code, which proves the SIRET; changing the SIRET takes it away.
    const code = screen.getByLabelText('Code de déblocage');
    expect(code.getAttribute('aria-invalid')).toBe('true');
    expect(inlineErrors()).toEqual([ERRORS.SIGNUP_PROOF_REFUSED.message]);
    expect(toastTexts()).toEqual([]);
    type('SIRET', '35600000049837');
    expect(inlineErrors()).toEqual([]);
  });

  it('says an address already used at the e-mail field', async () => {
    const panel = await openSignUp();
    panel.api.signup.mockRejectedValue(refusal('EMAIL_ALREADY_USED'));
    type('Adresse e-mail', 'deja@exemple.fr');
    type('Mot de passe', 'motdepasse-solide');
    type('SIRET', '73282932000074');
    type('Code de déblocage', 'ABC123');
    await click('Créer mon espace');
    expect(screen.getByLabelText('Adresse e-mail').getAttribute('aria-invalid')).toBe('true');
    expect(inlineErrors()).toEqual([ERRORS.EMAIL_ALREADY_USED.message]);
    expect(toastTexts()).toEqual([]);
  });

  it('tells the holder of the unlock code that the SIRET is already managed', async () => {
    const panel = await openSignUp();
    panel.api.signup.mockRejectedValue(refusal('SIRET_ALREADY_MANAGED'));
    type('Adresse e-mail', 'nouveau@exemple.fr');
    type('Mot de passe', 'motdepasse-solide');
    type('SIRET', '73282932000074');
    type('Code de déblocage', 'ABC123');
    await click('Créer mon espace');
    expect(screen.getByLabelText('SIRET').getAttribute('aria-invalid')).toBe('true');
    expect(inlineErrors()).toEqual([ERRORS.SIRET_ALREADY_MANAGED.message]);
    expect(toastTexts()).toEqual([]);
  });
});

describe('Settings', () => {
  it('saves a loopback server address without asking for a permission', async () => {
    const panel = await renderPanel();
    await click('Réglages du serveur');
    const field = screen.getByLabelText('Adresse du serveur') as HTMLInputElement;
    expect(field.value).toBe('http://localhost:8787');
    type('Adresse du serveur', '127.0.0.1:9000/');
    await click('Enregistrer');
    expect(panel.requestHostPermission).not.toHaveBeenCalled();
    expect(panel.storage.state.serverUrl).toBe('http://127.0.0.1:9000');
    expect(screen.getByText('Serveur : http://127.0.0.1:9000')).toBeTruthy();
  });

  it('asks for the host permission of another server and refuses the address if denied', async () => {
    const panel = await renderPanel();
    panel.requestHostPermission.mockResolvedValue(false);
    await click('Réglages du serveur');
    type('Adresse du serveur', 'https://qrp.exemple.fr');
    await click('Enregistrer');
    expect(panel.requestHostPermission).toHaveBeenCalledWith('https://qrp.exemple.fr/*');
    expect(panel.storage.state.serverUrl).toBeNull();
    expect(inlineErrors()).toEqual([
      "L'accès à ce serveur n'a pas été autorisé : l'adresse n'a pas été enregistrée.",
    ]);
    expect(toastTexts()).toEqual([]);
  });

  it('signs out when the server address changes while signed in', async () => {
    const panel = await renderPanel({ signedInAs: PRINCIPAL });
    await panel.serverSends(principalSnapshot());
    await click('Réglages');
    expect(screen.getByRole('heading', { name: 'Réglages' })).toBeTruthy();
    type('Adresse du serveur', 'http://localhost:9999');
    await click('Enregistrer');
    expect(screen.getByRole('heading', { name: 'Connexion' })).toBeTruthy();
    expect(within(document.body).getByText('Serveur : http://localhost:9999')).toBeTruthy();
  });
});
