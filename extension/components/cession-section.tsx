import { useEffect, useState } from 'preact/hooks';
import { locksOf } from '../panel/space-actions.js';
import { Button } from './button.js';
import { ConfirmDialog } from './dialog.js';
import { useStore } from './store-context.js';
import { TextField } from './text-field.js';
import { useEmailField } from './use-email-field.js';

export const CESSION_LOCKED_MESSAGE =
  'La cession est bloquée après trop d’adresses refusées : appelez le 3679 pour la débloquer.';

/**
 * Part 1 of the Paramétrage: hand every SIRET over to another principal user.
 * The address is checked by the server first (own address, a secondary's, an
 * unknown one are refused at the field, with the tries left); the cession,
 * which cannot be undone, is confirmed last, naming the address the server
 * accepted. Once locked (docs/domain.md, « Lock-outs »), the field says so and
 * nothing can be sent until the support lifts the lock.
 */
export function CessionSection() {
  const store = useStore();
  const field = useEmailField();
  /** The address the server accepted, awaiting the principal's confirmation. */
  const [target, setTarget] = useState<string | null>(null);
  const checking = store.isBusy('checkCessionTarget');
  const [refusals, setRefusals] = useState(0);
  /** The server answered `LOCKED`: locked until the live view lists the lock. */
  const [answeredLocked, setAnsweredLocked] = useState(false);
  const listed = locksOf(store.view.value).some((lock) => lock.scope === 'cession');
  const locked = listed || answeredLocked;

  // Once the live view lists the lock, it alone says when the support lifted it.
  useEffect(() => {
    if (listed) setAnsweredLocked(false);
  }, [listed]);

  // After a refusal the field takes the focus, which reads its message out (aria-describedby);
  // as an effect, so that it comes after a closing dialog gives the focus back.
  useEffect(() => {
    if (refusals > 0) field.fieldProps.inputRef.current?.focus();
  }, [refusals]);

  function refuse(result: { code: string; message: string; outage: boolean }) {
    if (result.outage) return;
    if (result.code === 'LOCKED') {
      // The lock's event may have come before this answer: then the view alone tells.
      const listedNow = locksOf(store.view.peek()).some((lock) => lock.scope === 'cession');
      if (!listedNow) setAnsweredLocked(true);
      field.setProblem(null);
    } else {
      field.setProblem(result.message);
    }
    setRefusals((count) => count + 1);
  }

  async function onSubmit(event: Event) {
    event.preventDefault();
    if (checking || locked || !field.validate()) return;
    const result = await store.checkCessionTarget(field.email.trim());
    if (result.ok) setTarget(result.email);
    else refuse(result);
  }

  async function onConfirm(email: string) {
    const result = await store.cede(email);
    setTarget(null);
    if (result.ok) field.clear();
    else refuse(result);
  }

  return (
    <section aria-labelledby="cession-title" class="section parametrage-part">
      <h2 id="cession-title">Céder les SIRETs</h2>
      <p>
        Renseignez l'adresse e-mail d'un autre utilisateur principal (une personne ayant déjà un
        compte QRP en tant qu'utilisateur principal). Vous deviendrez instantanément utilisateur
        secondaire : votre compte n'est pas supprimé.
      </p>
      <p>
        L'adresse mail à renseigner doit être celle d'un utilisateur principal, toute autre adresse
        sera refusée (en cas de blocage, contactez le 3679 pour une réinitialisation).
      </p>
      <form onSubmit={(event) => void onSubmit(event)} noValidate class="form">
        <TextField
          label="Adresse e-mail de l'utilisateur principal destinataire"
          {...field.fieldProps}
          error={locked ? CESSION_LOCKED_MESSAGE : field.fieldProps.error}
        />
        <Button
          type="submit"
          variant="primary"
          busy={checking || store.isBusy('cede')}
          disabled={locked}
        >
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
