import { useState } from 'preact/hooks';
import { emailError } from '../panel/validation.js';
import { AccountEmailField, AuthLinks } from './auth-screen-parts.js';
import { Button } from './button.js';
import { FormError } from './form-error.js';
import { useStore } from './store-context.js';
import { CheckboxField, TextField } from './text-field.js';

export function SignInScreen() {
  const store = useStore();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  /** The server's refusal (wrong password, too many tries), until the user types again. */
  const [refusal, setRefusal] = useState<string | null>(null);
  const passwordProblem = submitted && password === '' ? 'Le mot de passe est obligatoire.' : null;

  async function onSubmit(event: Event) {
    event.preventDefault();
    setSubmitted(true);
    setRefusal(null);
    if (emailError(email) || password === '') return;
    const result = await store.signIn({ email: email.trim(), password, remember });
    if (!result.ok && !result.outage) setRefusal(result.message);
  }

  function typed(set: (value: string) => void) {
    return (value: string) => {
      set(value);
      setRefusal(null);
    };
  }

  return (
    <main class="auth-screen" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Connexion</h1>
      <p class="lead">
        Paramétrage de votre espace employeur : SIRETs, utilisateurs secondaires et dossiers, en
        direct.
      </p>
      <form onSubmit={onSubmit} noValidate class="form">
        <AccountEmailField value={email} onInput={typed(setEmail)} submitted={submitted} />
        <TextField
          label="Mot de passe"
          type="password"
          value={password}
          onInput={typed(setPassword)}
          autocomplete="current-password"
          error={passwordProblem}
          required
        />
        <CheckboxField label="Rester connecté" checked={remember} onChange={setRemember} />
        <FormError message={refusal} />
        <Button type="submit" variant="primary" busy={store.isBusy('signIn')}>
          Se connecter
        </Button>
      </form>
      <p class="hint">
        Vous avez reçu une invitation ? Ouvrez le lien reçu par e-mail pour choisir votre mot de
        passe, puis connectez-vous ici.
      </p>
      <AuthLinks to="sign-up" label="Créer un espace employeur" />
      <p class="server-address">Serveur : {store.serverUrl.value}</p>
    </main>
  );
}
