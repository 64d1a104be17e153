/**
 * The support desk standing in for the insurer's systems (docs/domain.md
 * rule 5): a dossier arrives for a SIRET, a dossier moves to another step.
 * Both are support acts: the one dialog asks their fields and the reason.
 */
import { useId, useState } from 'preact/hooks';
import {
  DOSSIER_KINDS,
  DOSSIER_KIND_LABELS,
  DOSSIER_STATUSES,
  DOSSIER_STATUS_LABELS,
  type DossierKind,
  type DossierStatus,
} from '../../shared/domain.js';
import { dossierReferenceProblem } from '../../shared/dossier-checks.js';
import { formatSiret } from '../../shared/siret.js';
import type { DossierView } from '../../shared/views.js';
import { SUPPORT_ACT_KEYS } from '../panel/support-desk-store.js';
import { unlockCodeError } from '../panel/validation.js';
import { useStore } from './store-context.js';
import { SupportActDialog } from './support-act-dialog.js';
import { TextField } from './text-field.js';
import { useCheckedField } from './use-checked-field.js';

export interface OpenDossierDialogProps {
  siret: string;
  onClose(): void;
}

/** « Ouvrir un dossier » for a SIRET: the dossier's letter, as the insurer would send it. */
export function OpenDossierDialog({ siret, onClose }: OpenDossierDialogProps) {
  const store = useStore();
  const reference = useCheckedField(dossierReferenceProblem, { label: 'Référence' });
  // Sent once and forgotten with the dialog: the server keeps only its hash, nothing shows it back.
  const unlockCode = useCheckedField(unlockCodeError, {
    label: 'Code de déblocage',
    hint: 'Le code figurant sur le courrier d’ouverture du dossier.',
  });
  const [kind, setKind] = useState<DossierKind>('AT');
  const [status, setStatus] = useState<DossierStatus>('completer_dossier');

  return (
    <SupportActDialog
      title="Ouvrir un dossier"
      confirmLabel="Ouvrir le dossier"
      busy={store.isBusy(SUPPORT_ACT_KEYS.openDossier(siret))}
      fields={
        <>
          <TextField {...reference.fieldProps} />
          <ChoiceField
            label="Type"
            value={kind}
            choices={DOSSIER_KINDS}
            labels={DOSSIER_KIND_LABELS}
            onChange={setKind}
          />
          <ChoiceField
            label="Étape"
            value={status}
            choices={DOSSIER_STATUSES}
            labels={DOSSIER_STATUS_LABELS}
            onChange={setStatus}
          />
          <TextField {...unlockCode.fieldProps} />
        </>
      }
      // Both checked, so that both say what is wrong; the first wrong one takes the focus.
      checkFields={() => [unlockCode.validate(), reference.validate()].every(Boolean)}
      submit={(reason) =>
        store.supportDesk.openDossier({
          reference: reference.value.trim(),
          siret,
          kind,
          status,
          unlockCode: unlockCode.value.trim(),
          reason,
        })
      }
      onClose={onClose}
    >
      <p>
        Un dossier arrivera pour le SIRET <strong>{formatSiret(siret)}</strong>, comme depuis les
        systèmes de l’assureur : l’utilisateur principal et les utilisateurs secondaires qui
        détiennent ce SIRET le verront aussitôt.
      </p>
    </SupportActDialog>
  );
}

export interface ChangeDossierStepDialogProps {
  dossier: DossierView;
  onClose(): void;
}

/** « Changer l'étape » of a dossier, any step to any other. */
export function ChangeDossierStepDialog({ dossier, onClose }: ChangeDossierStepDialogProps) {
  const store = useStore();
  const [status, setStatus] = useState<DossierStatus>(dossier.status);
  const [problem, setProblem] = useState<string | null>(null);

  return (
    <SupportActDialog
      title="Changer l'étape"
      confirmLabel="Changer l'étape"
      busy={store.isBusy(SUPPORT_ACT_KEYS.changeDossierStatus(dossier.id))}
      fields={
        <ChoiceField
          label="Étape"
          value={status}
          choices={DOSSIER_STATUSES}
          labels={DOSSIER_STATUS_LABELS}
          error={problem}
          onChange={(chosen) => {
            setStatus(chosen);
            setProblem(null);
          }}
        />
      }
      checkFields={() => {
        // The server changes nothing for the same step: say so rather than send for nothing.
        const same =
          status === dossier.status
            ? `Le dossier est déjà à l’étape « ${DOSSIER_STATUS_LABELS[status]} » : choisissez une autre étape.`
            : null;
        setProblem(same);
        return same === null;
      }}
      submit={(reason) => store.supportDesk.changeDossierStatus(dossier, status, reason)}
      onClose={onClose}
    >
      <p>
        Le dossier <strong>{dossier.reference}</strong> du SIRET {formatSiret(dossier.siret)} est à
        l’étape « {DOSSIER_STATUS_LABELS[dossier.status]} ». L’espace verra aussitôt la nouvelle
        étape.
      </p>
    </SupportActDialog>
  );
}

interface ChoiceFieldProps<T extends string> {
  label: string;
  value: T;
  choices: readonly T[];
  labels: Record<T, string>;
  error?: string | null;
  onChange(value: T): void;
}

/** A labelled select of fixed choices, its error said under it as a text field's. */
function ChoiceField<T extends string>({
  label,
  value,
  choices,
  labels,
  error,
  onChange,
}: ChoiceFieldProps<T>) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select
        id={id}
        value={value}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? errorId : undefined}
        // The choices are exactly `choices`: the value is one of them.
        onChange={(event) => onChange(event.currentTarget.value as T)}
      >
        {choices.map((choice) => (
          <option key={choice} value={choice}>
            {labels[choice]}
          </option>
        ))}
      </select>
      {error && (
        <p id={errorId} class="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
