import { useState } from 'preact/hooks';
import { MIN_PASSWORD_LENGTH } from '../../shared/field-checks.js';
import { checkSiret, emailError, passwordError, unlockCodeError } from '../panel/validation.js';
import { AccountEmailField, AuthLinks } from './auth-screen-parts.js';
import { Button } from './button.js';
import { FormError } from './form-error.js';
import { SiretField } from './siret-field.js';
import { useStore } from './store-context.js';
import { CheckboxField, TextField } from './text-field.js';

type SignUpField = 'email' | 'siret' | 'unlockCode' | 'form';

/** Where each refusal of the server is said; any other one goes above the button. */
const SIGN_UP_REFUSAL_FIELDS: Partial<Record<string, SignUpField>> = {
  EMAIL_ALREADY_USED: 'email',
  SIGNUP_PROOF_REFUSED: 'unlockCode',
  SIRET_ALREADY_MANAGED: 'siret',
};

/** A new principal user proves they handle a SIRET with a dossier's unlock code. */
export function SignUpScreen() {
  const store = useStore();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [siret, setSiret] = useState('');
  const [unlockCode, setUnlockCode] = useState('');
  const [remember, setRemember] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  /** The server's refusal, at the field it is about (or above the button), until it is changed. */
  const [refusal, setRefusal] = useState<{ field: SignUpField; message: string } | null>(null);
  const refusalOf = (field: SignUpField) => (refusal?.field === field ? refusal.message : null);
  const typed = (set: (value: string) => void, field: SignUpField) => (value: string) => {
    set(value);
    // The proof is the SIRET and its code together: changing either answers it.
    if (refusal?.field === field || (refusal?.field === 'unlockCode' && field === 'siret')) {
      setRefusal(null);
    }
  };

  async function onSubmit(event: Event) {
    event.preventDefault();
    setSubmitted(true);
    const check = checkSiret(siret);
    if (emailError(email) || passwordError(password) || unlockCodeError(unlockCode)) return;
    if (check.kind !== 'valid') return;
    setRefusal(null);
    const result = await store.signUp({
      email: email.trim(),
      password,
      siret: check.siret,
      unlockCode: unlockCode.trim(),
      remember,
    });
    if (!result.ok && !result.outage) {
      setRefusal({ field: SIGN_UP_REFUSAL_FIELDS[result.code] ?? 'form', message: result.message });
    }
  }

  return (
    <main class="auth-screen" aria-labelledby="sign-up-title">
      <h1 id="sign-up-title">Créer un espace employeur</h1>
      <p class="lead">
        Vous deviendrez l'utilisateur principal de l'espace : vous organiserez les SIRETs et
        donnerez accès aux utilisateurs secondaires.
      </p>
      <form onSubmit={onSubmit} noValidate class="form">
        <AccountEmailField
          value={email}
          onInput={typed(setEmail, 'email')}
          submitted={submitted}
          refusal={refusalOf('email')}
        />
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
        <SiretField
          value={siret}
          onInput={typed(setSiret, 'siret')}
          submitted={submitted}
          refusal={refusalOf('siret')}
        />
        <TextField
          label="Code de déblocage"
          value={unlockCode}
          onInput={typed(setUnlockCode, 'unlockCode')}
          hint="Le code de déblocage figure sur le courrier reçu à l'ouverture du dossier risques professionnels."
          error={refusalOf('unlockCode') ?? (submitted ? unlockCodeError(unlockCode) : null)}
          autocomplete="off"
          required
        />
        <CheckboxField label="Rester connecté" checked={remember} onChange={setRemember} />
        <FormError message={refusalOf('form')} />
        <Button type="submit" variant="primary" busy={store.isBusy('signUp')}>
          Créer mon espace
        </Button>
      </form>
      <AuthLinks to="sign-in" label="J'ai déjà un compte" />
    </main>
  );
}
