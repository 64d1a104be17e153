import { useEffect, useState } from 'preact/hooks';
import { Button } from './button.js';
import { ConfirmDialog } from './dialog.js';
import { useStore } from './store-context.js';
import { TextField } from './text-field.js';
import { useEmailField } from './use-email-field.js';

/**
 * Part 1 of the Paramétrage: hand every SIRET over to another principal user.
 * The address is checked by the server first (own address, a secondary's, an
 * unknown one are refused at the field); the cession, which cannot be undone,
 * is confirmed last, naming the address the server accepted.
 */
export function CessionSection() {
  const store = useStore();
  const field = useEmailField();
  /** The address the server accepted, awaiting the principal's confirmation. */
  const [target, setTarget] = useState<string | null>(null);
  const checking = store.isBusy('checkCessionTarget');
  const [refusals, setRefusals] = useState(0);

  // After a refusal the field takes the focus, which reads its message out (aria-describedby);
  // as an effect, so that it comes after a closing dialog gives the focus back.
  useEffect(() => {
    if (refusals > 0) field.fieldProps.inputRef.current?.focus();
  }, [refusals]);

  function refuse(message: string) {
    field.setProblem(message);
    setRefusals((count) => count + 1);
  }

  async function onSubmit(event: Event) {
    event.preventDefault();
    if (checking || !field.validate()) return;
    const result = await store.checkCessionTarget(field.email.trim());
    if (result.ok) setTarget(result.email);
    else refuse(result.message);
  }

  async function onConfirm(email: string) {
    const result = await store.cede(email);
    setTarget(null);
    if (result.ok) field.clear();
    else refuse(result.message);
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
      <form onSubmit={(event) => void onSubmit(event)} noValidate class="form">
        <TextField
          label="Adresse e-mail de l'utilisateur principal destinataire"
          {...field.fieldProps}
        />
        <Button type="submit" variant="primary" busy={checking || store.isBusy('cede')}>
          Céder les SIRETs
        </Button>
      </form>
      {target !== null && (
        <ConfirmDialog
          title="Céder les SIRETs"
          busy={store.isBusy('cede')}
          onCancel={() => setTarget(null)}
          onConfirm={() => void onConfirm(target)}
        >
          <p>
            Tous les SIRETs de votre espace et vos utilisateurs secondaires passeront dans l'espace
            de <strong>{target}</strong>.
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
