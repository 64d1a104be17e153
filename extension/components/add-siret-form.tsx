import { useRef, useState } from 'preact/hooks';
import { checkSiret, unlockCodeError } from '../panel/validation.js';
import { Button } from './button.js';
import { SiretField } from './siret-field.js';
import { useStore } from './store-context.js';
import { CheckboxField, TextField } from './text-field.js';

export function AddSiretForm() {
  const store = useStore();
  const [siret, setSiret] = useState('');
  const [unlockCode, setUnlockCode] = useState('');
  const [assignToAll, setAssignToAll] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  const siretRef = useRef<HTMLInputElement>(null);
  const codeRef = useRef<HTMLInputElement>(null);

  async function onSubmit(event: Event) {
    event.preventDefault();
    setSubmitted(true);
    const check = checkSiret(siret);
    if (check.kind !== 'valid') {
      siretRef.current?.focus();
      return;
    }
    if (unlockCodeError(unlockCode)) {
      codeRef.current?.focus();
      return;
    }
    const result = await store.addSiret({
      siret: check.siret,
      unlockCode: unlockCode.trim(),
      assignToAllSecondaries: assignToAll,
    });
    if (result.ok) {
      setSiret('');
      setUnlockCode('');
      setAssignToAll(false);
      setSubmitted(false);
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate class="form" aria-labelledby="add-siret-title">
      <h3 id="add-siret-title">Ajouter un nouveau SIRET</h3>
      <p class="notice-warning">
        Attention : il n'est pas possible d'ajouter un SIRET tant qu'un dossier risques
        professionnels en lien avec ce SIRET n'est pas en cours.
      </p>
      <SiretField value={siret} onInput={setSiret} submitted={submitted} inputRef={siretRef} />
      <TextField
        label="Code de déblocage"
        value={unlockCode}
        onInput={setUnlockCode}
        hint="Le code de déblocage à indiquer est présent sur le courrier reçu à l'ouverture du dossier risques professionnels."
        error={submitted ? unlockCodeError(unlockCode) : null}
        autocomplete="off"
        inputRef={codeRef}
        required
      />
      <CheckboxField
        label="Ajouter ce SIRET à tous les utilisateurs secondaires"
        checked={assignToAll}
        onChange={setAssignToAll}
      />
      <Button type="submit" variant="primary" busy={store.isBusy('addSiret')}>
        Enregistrer nouveau SIRET
      </Button>
    </form>
  );
}
