import { emailError } from '../panel/validation.js';
import { Button } from './button.js';
import { useStore } from './store-context.js';
import { TextField } from './text-field.js';

/** The account's e-mail on the sign-in and sign-up screens, checked once submitted. */
export function AccountEmailField({
  value,
  onInput,
  submitted,
  refusal = null,
}: {
  value: string;
  onInput: (value: string) => void;
  submitted: boolean;
  /** The server's refusal of this address (already used), until it is changed. */
  refusal?: string | null;
}) {
  return (
    <TextField
      label="Adresse e-mail"
      type="email"
      value={value}
      onInput={onInput}
      autocomplete="username"
      error={refusal ?? (submitted ? emailError(value) : null)}
      required
    />
  );
}

/** The links under an authentication form: the other screen, then the server settings. */
export function AuthLinks({ to, label }: { to: 'sign-in' | 'sign-up'; label: string }) {
  const store = useStore();
  return (
    <nav class="auth-links" aria-label="Autres actions">
      <Button variant="link" onClick={() => store.showAuthScreen(to)}>
        {label}
      </Button>
      <Button variant="link" onClick={() => store.openSettings(true)}>
        Réglages du serveur
      </Button>
    </nav>
  );
}
