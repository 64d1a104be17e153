import { useState } from 'preact/hooks';
import { MIN_PASSWORD_LENGTH } from '../../shared/field-checks.js';
import { checkSiret, emailError, passwordError, unlockCodeError } from '../panel/validation.js';
import { AccountEmailField, AuthLinks } from './auth-screen-parts.js';
import { Button } from './button.js';
import { SiretField } from './siret-field.js';
import { useStore } from './store-context.js';
import { CheckboxField, TextField } from './text-field.js';

/** A new principal user proves they handle a SIRET with a dossier's unlock code. */
export function SignUpScreen() {
  const store = useStore();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [siret, setSiret] = useState('');
  const [unlockCode, setUnlockCode] = useState('');
  const [remember, setRemember] = useState(false);
  const [submitted, setSubmitted] = useState(false);

  async function onSubmit(event: Event) {
    event.preventDefault();
    setSubmitted(true);
    const check = checkSiret(siret);
    if (emailError(email) || passwordError(password) || unlockCodeError(unlockCode)) return;
    if (check.kind !== 'valid') return;
    await store.signUp({
      email: email.trim(),
      password,
      siret: check.siret,
      unlockCode: unlockCode.trim(),
      remember,
    });
  }

  return (
    <main class="auth-screen" aria-labelledby="sign-up-title">
      <h1 id="sign-up-title">Créer un espace employeur</h1>
      <p class="lead">
        Vous deviendrez l'utilisateur principal de l'espace : vous organiserez les SIRETs et
        donnerez accès aux utilisateurs secondaires.
      </p>
      <form onSubmit={onSubmit} noValidate class="form">
        <AccountEmailField value={email} onInput={setEmail} submitted={submitted} />
        <TextField
          label="Mot de passe"
          type="password"
          value={password}
          onInput={setPassword}
          autocomplete="new-password"
          hint={`Au moins ${MIN_PASSWORD_LENGTH} caractères.`}
          error={submitted ? passwordError(password) : null}
          required
        />
        <SiretField value={siret} onInput={setSiret} submitted={submitted} />
        <TextField
          label="Code de déblocage"
          value={unlockCode}
          onInput={setUnlockCode}
          hint="Le code de déblocage figure sur le courrier reçu à l'ouverture du dossier risques professionnels."
          error={submitted ? unlockCodeError(unlockCode) : null}
          autocomplete="off"
          required
        />
        <CheckboxField label="Rester connecté" checked={remember} onChange={setRemember} />
        <Button type="submit" variant="primary" busy={store.isBusy('signUp')}>
          Créer mon espace
        </Button>
      </form>
      <AuthLinks to="sign-in" label="J'ai déjà un compte" />
    </main>
  );
}
