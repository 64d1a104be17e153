import { useRef, useState } from 'preact/hooks';
import { emailError } from '../panel/validation.js';
import { Button } from './button.js';
import { useStore } from './store-context.js';
import { TextField } from './text-field.js';

export function AddSecondaryForm() {
  const store = useStore();
  const [email, setEmail] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  async function onSubmit(event: Event) {
    event.preventDefault();
    const error = emailError(email);
    setProblem(error);
    if (error) {
      inputRef.current?.focus();
      return;
    }
    const result = await store.addSecondary(email.trim());
    if (result.ok) setEmail('');
    else setProblem(result.message);
  }

  return (
    <form onSubmit={onSubmit} noValidate class="form" aria-labelledby="add-secondary-title">
      <h3 id="add-secondary-title">Ajouter un nouvel utilisateur secondaire</h3>
      <p class="hint">
        Il reçoit par e-mail un lien pour choisir son mot de passe ; il reste « En attente de
        validation » jusque-là.
      </p>
      <TextField
        label="Email"
        type="email"
        value={email}
        onInput={(value) => {
          setEmail(value);
          setProblem(null);
        }}
        error={problem}
        inputRef={inputRef}
        autocomplete="off"
        required
      />
      <Button type="submit" variant="primary" busy={store.isBusy('addSecondary')}>
        Enregistrer nouvel utilisateur secondaire
      </Button>
    </form>
  );
}
