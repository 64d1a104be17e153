import { useState } from 'preact/hooks';
import { Button } from './button.js';
import { ConfirmDialog } from './dialog.js';
import { useStore } from './store-context.js';
import { TextField } from './text-field.js';
import { useEmailField } from './use-email-field.js';

/** Part 1 of the Paramétrage: hand every SIRET over to another principal user. */
export function CessionSection() {
  const store = useStore();
  const field = useEmailField();
  const [confirming, setConfirming] = useState(false);

  function onSubmit(event: Event) {
    event.preventDefault();
    if (field.validate()) setConfirming(true);
  }

  async function onConfirm() {
    const result = await store.cede(field.email.trim());
    setConfirming(false);
    if (result.ok) field.clear();
    else field.setProblem(result.message);
  }

  return (
    <section aria-labelledby="cession-title" class="section parametrage-part">
      <h2 id="cession-title">Céder les SIRETs</h2>
      <p>
        Renseignez l'adresse e-mail d'un autre utilisateur principal (une personne ayant déjà un
        compte QRP en tant qu'utilisateur principal). Vous deviendrez instantanément utilisateur
        secondaire : votre compte n'est pas supprimé.
      </p>
      <p class="hint">
        L'adresse mail à renseigner doit être celle d'un utilisateur principal, toute autre adresse
        sera refusée (en cas de blocage, contactez le 3679 pour une réinitialisation).
      </p>
      <form onSubmit={onSubmit} noValidate class="form">
        <TextField
          label="Adresse e-mail de l'utilisateur principal destinataire"
          {...field.fieldProps}
        />
        <Button type="submit" variant="primary" busy={store.isBusy('cede')}>
          Céder les SIRETs
        </Button>
      </form>
      {confirming && (
        <ConfirmDialog
          title="Céder les SIRETs"
          busy={store.isBusy('cede')}
          onCancel={() => setConfirming(false)}
          onConfirm={() => void onConfirm()}
        >
          <p>
            Tous les SIRETs de votre espace et vos utilisateurs secondaires passeront dans l'espace
            de <strong>{field.email.trim()}</strong>.
          </p>
          <p>
            Vous deviendrez utilisateur secondaire de cet espace et n'aurez plus accès au
            Paramétrage.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
