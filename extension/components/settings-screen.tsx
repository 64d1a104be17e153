import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import {
  ALL_NOTIFICATIONS_ON,
  NOTIFICATION_KIND_LABELS,
  NOTIFICATION_KINDS,
  readNotificationPreferences,
  writeNotificationPreferences,
  type NotificationKind,
  type NotificationPreferences,
} from '../lib/notification-preferences.js';
import { DEFAULT_SERVER_URL } from '../lib/server-url.js';
import type { StorageAreaLike } from '../lib/stored-session.js';
import { Button } from './button.js';
import { useStore } from './store-context.js';
import { TextField } from './text-field.js';

export function SettingsScreen() {
  const store = useStore();
  const [address, setAddress] = useState(store.serverUrl.value);
  const [refusal, setRefusal] = useState<string | null>(null);
  const signedIn = store.session.value.status === 'signed-in';
  // Signed in, the panel header holds the page's h1.
  const Heading = signedIn ? 'h2' : 'h1';

  function onSubmit(event: Event) {
    event.preventDefault();
    // No await before the action: a permission prompt needs this very click.
    void store.saveServerUrl(address).then((result) => {
      setRefusal(result.ok || result.outage ? null : result.message);
    });
  }

  return (
    <main class="settings-screen" aria-labelledby="settings-title">
      <Heading id="settings-title">Réglages</Heading>
      <form onSubmit={onSubmit} noValidate class="form">
        <TextField
          label="Adresse du serveur"
          type="url"
          value={address}
          onInput={(value) => {
            setAddress(value);
            setRefusal(null);
          }}
          error={refusal}
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
      {signedIn && <NotificationSettings />}
    </main>
  );
}

/** Local storage where the background reads them; absent outside the extension (tests). */
function preferencesArea(): StorageAreaLike | null {
  const area = (browser as typeof browser | undefined)?.storage?.local;
  return area ? (area as unknown as StorageAreaLike) : null;
}

/** Which changes the background announces while the panel is closed; saved at each tick. */
function NotificationSettings() {
  // Null until read: boxes shown ticked, then unticked a moment later, would mislead.
  const [preferences, setPreferences] = useState<NotificationPreferences | null>(() =>
    preferencesArea() ? null : ALL_NOTIFICATIONS_ON,
  );
  useEffect(() => {
    const area = preferencesArea();
    if (!area) return;
    let current = true;
    void readNotificationPreferences(area)
      .catch(() => ALL_NOTIFICATIONS_ON)
      .then((stored) => current && setPreferences(stored));
    return () => {
      current = false;
    };
  }, []);

  function toggle(kind: NotificationKind, on: boolean) {
    if (!preferences) return;
    const next = { ...preferences, [kind]: on };
    setPreferences(next);
    const area = preferencesArea();
    if (area) void writeNotificationPreferences(area, next).catch(() => undefined);
  }

  return (
    <section class="notification-settings" aria-labelledby="notification-settings-title">
      <h3 id="notification-settings-title">Notifications</h3>
      <p class="hint" id="notification-settings-hint">
        Quand le panneau est fermé, une notification vous prévient des changements qui vous
        concernent. Chaque choix est enregistré aussitôt.
      </p>
      {preferences && (
        <fieldset class="checkbox-list" aria-describedby="notification-settings-hint">
          <legend>Me prévenir pour</legend>
          {NOTIFICATION_KINDS.map((kind) => (
            <label class="checkbox" key={kind}>
              <input
                type="checkbox"
                checked={preferences[kind]}
                onChange={(event) => toggle(kind, event.currentTarget.checked)}
              />
              <span>{NOTIFICATION_KIND_LABELS[kind]}</span>
            </label>
          ))}
        </fieldset>
      )}
    </section>
  );
}
