import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { locksOf } from '../panel/space-actions.js';
import { checkSiret, unlockCodeError } from '../panel/validation.js';
import { Button } from './button.js';
import { SiretField } from './siret-field.js';
import { useStore } from './store-context.js';
import { CheckboxField, TextField } from './text-field.js';

export const SIRET_LOCKED_MESSAGE =
  'Trop de tentatives pour ce SIRET : l’ajout est bloqué. Appelez le 3679 pour le débloquer.';

/**
 * « Ajouter un nouveau SIRET ». A wrong code is answered at the code field,
 * with the tries left; once a SIRET is locked (docs/domain.md, « Lock-outs »),
 * the form says so whenever that SIRET is typed and cannot send it, until the
 * support lifts the lock.
 */
export function AddSiretForm() {
  const store = useStore();
  const [siret, setSiret] = useState('');
  const [unlockCode, setUnlockCode] = useState('');
  const [assignToAll, setAssignToAll] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  /** The server's refusal, at the field it is about until either field changes. */
  const [refusal, setRefusal] = useState<{ field: 'siret' | 'code'; message: string } | null>(null);
  /** SIRETs the server answered `LOCKED` for, until the live view lists their lock. */
  const [answeredLocked, setAnsweredLocked] = useState<readonly string[]>([]);
  const siretRef = useRef<HTMLInputElement>(null);
  const codeRef = useRef<HTMLInputElement>(null);
  const lockMessageId = useId();

  const lockedSirets = locksOf(store.view.value)
    .filter((lock) => lock.scope === 'add_siret' && lock.siret !== null)
    .map((lock) => lock.siret!);
  const check = checkSiret(siret);
  const locked =
    check.kind === 'valid' &&
    (lockedSirets.includes(check.siret) || answeredLocked.includes(check.siret));

  // Once the live view lists a lock, it alone says when the support lifted it.
  const listed = lockedSirets.join(',');
  useEffect(() => {
    setAnsweredLocked((sirets) => sirets.filter((item) => !lockedSirets.includes(item)));
  }, [listed]);

  // After a refusal its field takes the focus, which reads its message out.
  useEffect(() => {
    if (refusal) (refusal.field === 'code' ? codeRef : siretRef).current?.focus();
  }, [refusal]);

  async function onSubmit(event: Event) {
    event.preventDefault();
    if (locked) return;
    setSubmitted(true);
    if (check.kind !== 'valid') {
      siretRef.current?.focus();
      return;
    }
    if (unlockCodeError(unlockCode)) {
      codeRef.current?.focus();
      return;
    }
    setRefusal(null);
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
    } else if (result.code === 'LOCKED') {
      // The lock's event may have come before this answer: then the view alone tells.
      const listedNow = locksOf(store.view.peek()).some(
        (lock) => lock.scope === 'add_siret' && lock.siret === check.siret,
      );
      if (!listedNow) setAnsweredLocked((sirets) => [...sirets, check.siret]);
      setUnlockCode('');
      setSubmitted(false);
      siretRef.current?.focus();
    } else if (!result.outage) {
      // A wrong code is the code's; anything else (no dossier, managed elsewhere) is the SIRET's.
      const field = result.code === 'SIRET_UNLOCK_CODE_INVALID' ? 'code' : 'siret';
      setRefusal({ field, message: result.message });
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate class="form" aria-labelledby="add-siret-title">
      <h3 id="add-siret-title">Ajouter un nouveau SIRET</h3>
      <p class="notice-warning">
        Attention : il n'est pas possible d'ajouter un SIRET tant qu'un dossier risques
        professionnels en lien avec ce SIRET n'est pas en cours.
      </p>
      <div class="field">
        <SiretField
          value={siret}
          onInput={(value) => {
            setSiret(value);
            setRefusal(null);
          }}
          submitted={submitted}
          refusal={refusal?.field === 'siret' ? refusal.message : null}
          inputRef={siretRef}
        />
        {/* A live region present from the start: the lock is read out as it shows. */}
        <div role="status">
          {locked && (
            <p class="notice-warning" id={lockMessageId}>
              <strong>{SIRET_LOCKED_MESSAGE}</strong>
            </p>
          )}
        </div>
      </div>
      <TextField
        label="Code de déblocage"
        value={unlockCode}
        onInput={(value) => {
          setUnlockCode(value);
          setRefusal(null);
        }}
        hint="Le code de déblocage à indiquer est présent sur le courrier reçu à l'ouverture du dossier risques professionnels."
        error={
          refusal?.field === 'code'
            ? refusal.message
            : submitted
              ? unlockCodeError(unlockCode)
              : null
        }
        autocomplete="off"
        inputRef={codeRef}
        required
      />
      <CheckboxField
        label="Ajouter ce SIRET à tous les utilisateurs secondaires"
        checked={assignToAll}
        onChange={setAssignToAll}
      />
      <Button
        type="submit"
        variant="primary"
        busy={store.isBusy('addSiret')}
        disabled={locked}
        aria-describedby={locked ? lockMessageId : undefined}
      >
        Enregistrer nouveau SIRET
      </Button>
    </form>
  );
}
