import type { Ref } from 'preact';
import { useId } from 'preact/hooks';

export interface TextFieldProps {
  label: string;
  value: string;
  onInput: (value: string) => void;
  type?: 'text' | 'email' | 'password' | 'search' | 'url';
  hint?: string;
  /** Shown under the field, linked to it and announced; marks the field invalid. */
  error?: string | null;
  /** A positive confirmation (e.g. "SIRET valide"). */
  success?: string | null;
  autocomplete?: string;
  required?: boolean;
  inputMode?: 'text' | 'numeric' | 'email' | 'url' | 'search';
  inputRef?: Ref<HTMLInputElement>;
  disabled?: boolean;
}

export function TextField({
  label,
  value,
  onInput,
  type = 'text',
  hint,
  error,
  success,
  autocomplete,
  required,
  inputMode,
  inputRef,
  disabled,
}: TextFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const messageId = `${id}-message`;
  const message = error ?? success ?? null;
  const describedBy = [hint ? hintId : null, message ? messageId : null].filter(Boolean).join(' ');
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {hint && (
        <p id={hintId} class="field-hint">
          {hint}
        </p>
      )}
      <input
        id={id}
        ref={inputRef}
        // Preact's typings tie `type` to allowed roles; the union of ours is fine at run time.
        type={type as 'text'}
        value={value}
        onInput={(event) => onInput(event.currentTarget.value)}
        autocomplete={autocomplete}
        required={required}
        inputMode={inputMode}
        disabled={disabled}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy || undefined}
      />
      {message && (
        // An error is announced as it shows (a refusal, a SIRET that cannot be one).
        <p
          id={messageId}
          class={error ? 'field-error' : 'field-success'}
          role={error ? 'alert' : undefined}
        >
          {message}
        </p>
      )}
    </div>
  );
}

export interface CheckboxFieldProps {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean;
}

export function CheckboxField({ label, checked, onChange, disabled }: CheckboxFieldProps) {
  const id = useId();
  return (
    <div class="checkbox">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        onChange={(event) => onChange(event.currentTarget.checked)}
      />
      <label for={id}>{label}</label>
    </div>
  );
}
