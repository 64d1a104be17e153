import type { ComponentChildren } from 'preact';
import { useId, useState } from 'preact/hooks';
import { MAX_REASON_LENGTH, reasonProblem } from '../../shared/field-checks.js';
import type { ActionResult } from '../panel/feedback.js';
import { Button } from './button.js';
import { Dialog } from './dialog.js';
import { FormError } from './form-error.js';

/**
 * A refusal the agent may override knowingly: the server named what cannot be
 * done, the next confirmation does the rest (a cession that comes back in part).
 */
export interface SupportActOverride {
  code: string;
  label: string;
  submit(reason: string): Promise<ActionResult>;
}

export interface SupportActDialogProps {
  title: string;
  /** What will happen, read out when the dialog opens. */
  children: ComponentChildren;
  confirmLabel: string;
  busy: boolean;
  /**
   * What the act asks besides its reason (a dossier's reference, its step…),
   * shown above it; the caller keeps their values and reads them in `submit`.
   */
  fields?: ComponentChildren;
  /** Checks `fields` on sending; false (each field says why) sends nothing. */
  checkFields?(): boolean;
  submit(reason: string): Promise<ActionResult>;
  override?: SupportActOverride;
  onClose(): void;
}

/**
 * Every support act that changes a space: it says what will happen, asks why
 * (kept in the history), and says a refusal inside the dialog; the success is
 * a toast once it closes (support-desk-store.ts).
 */
export function SupportActDialog({
  title,
  children,
  confirmLabel,
  busy,
  fields,
  checkFields,
  submit,
  override,
  onClose,
}: SupportActDialogProps) {
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  /** The server's words on what cannot be done; the next confirmation overrides it. */
  const [overridable, setOverridable] = useState<string | null>(null);
  const fieldId = useId();
  const hintId = `${fieldId}-hint`;
  const problemId = `${fieldId}-problem`;

  async function onSubmit(event: Event) {
    event.preventDefault();
    // Every field says what is wrong at once; the first wrong field takes the focus.
    const fieldsRight = checkFields?.() ?? true;
    const wrong = reasonProblem(reason);
    setProblem(wrong);
    if (wrong || !fieldsRight) return;
    setRefusal(null);
    const send = overridable && override ? override.submit : submit;
    const result = await send(reason.trim());
    if (result.ok) onClose();
    else if (override && result.code === override.code) setOverridable(result.message);
    else if (!result.outage) setRefusal(result.message);
  }

  return (
    <Dialog title={title} description={children} onClose={() => !busy && onClose()}>
      <form class="form support-act" noValidate onSubmit={(event) => void onSubmit(event)}>
        {fields}
        <div class="field">
          <label for={fieldId}>Motif</label>
          <p id={hintId} class="field-hint">
            Obligatoire, {MAX_REASON_LENGTH} caractères au plus : il est gardé dans l’historique.
          </p>
          <textarea
            id={fieldId}
            class="support-reason"
            rows={3}
            value={reason}
            required
            // Read-only rather than disabled while sending: the focus stays in the dialog.
            readOnly={busy}
            aria-invalid={problem ? 'true' : undefined}
            aria-describedby={problem ? `${hintId} ${problemId}` : hintId}
            onInput={(event) => {
              setReason(event.currentTarget.value);
              // The error said what was missing; typing answers it (checked again on sending).
              setProblem(null);
            }}
          />
          {problem && (
            <p id={problemId} class="field-error" role="alert">
              {problem}
            </p>
          )}
        </div>
        {overridable && (
          <p class="notice-warning" role="alert">
            {overridable}
          </p>
        )}
        <FormError message={refusal} />
        <div class="dialog-actions">
          {/* « Fermer », not « Annuler »: the act itself may be « Annuler l'invitation ». */}
          <Button onClick={onClose} disabled={busy}>
            Fermer
          </Button>
          <Button type="submit" variant="danger" busy={busy}>
            {overridable && override ? override.label : confirmLabel}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
