import { Button } from './button.js';
import { useStore } from './store-context.js';
import { TextField } from './text-field.js';
import { useEmailField } from './use-email-field.js';

export function AddSecondaryForm() {
  const store = useStore();
  const field = useEmailField();

  async function onSubmit(event: Event) {
    event.preventDefault();
    if (!field.validate()) return;
    const result = await store.addSecondary(field.email.trim());
    if (result.ok) field.clear();
    else if (!result.outage) field.setProblem(result.message);
  }

  return (
    <form onSubmit={onSubmit} noValidate class="form" aria-labelledby="add-secondary-title">
      <h3 id="add-secondary-title">Ajouter un nouvel utilisateur secondaire</h3>
      <p class="hint">
        Il reçoit par e-mail un lien pour choisir son mot de passe ; il reste « En attente de
        validation » jusque-là.
      </p>
      <TextField label="Email" {...field.fieldProps} />
      <Button type="submit" variant="primary" busy={store.isBusy('addSecondary')}>
        Enregistrer nouvel utilisateur secondaire
      </Button>
    </form>
  );
}
