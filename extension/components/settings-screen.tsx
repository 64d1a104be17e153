import { useState } from 'preact/hooks';
import { DEFAULT_SERVER_URL } from '../lib/server-url.js';
import { Button } from './button.js';
import { useStore } from './store-context.js';
import { TextField } from './text-field.js';

export function SettingsScreen() {
  const store = useStore();
  const [address, setAddress] = useState(store.serverUrl.value);
  const signedIn = store.session.value.status === 'signed-in';
  // Signed in, the panel header holds the page's h1.
  const Heading = signedIn ? 'h2' : 'h1';

  function onSubmit(event: Event) {
    event.preventDefault();
    // No await before the action: a permission prompt needs this very click.
    void store.saveServerUrl(address);
  }

  return (
    <main class="settings-screen" aria-labelledby="settings-title">
      <Heading id="settings-title">Réglages</Heading>
      <form onSubmit={onSubmit} noValidate class="form">
        <TextField
          label="Adresse du serveur"
          type="url"
          value={address}
          onInput={setAddress}
          hint={`Par défaut ${DEFAULT_SERVER_URL}. Une adresse hors de cet ordinateur demande votre autorisation.`}
          autocomplete="url"
          required
        />
        {signedIn && (
          <p class="hint">
            Changer d'adresse vous déconnecte : la session appartient au serveur actuel.
          </p>
        )}
        <div class="form-actions">
          <Button type="submit" variant="primary" busy={store.isBusy('saveServerUrl')}>
            Enregistrer
          </Button>
          <Button onClick={() => store.openSettings(false)}>Retour</Button>
        </div>
      </form>
    </main>
  );
}
