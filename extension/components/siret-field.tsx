import type { Ref } from 'preact';
import { checkSiret, INVALID_SIRET } from '../panel/validation.js';
import { TextField } from './text-field.js';

export interface SiretFieldProps {
  value: string;
  onInput: (value: string) => void;
  /** The form was submitted: an empty or incomplete SIRET is an error now. */
  submitted: boolean;
  inputRef?: Ref<HTMLInputElement>;
  disabled?: boolean;
}

/** A SIRET typed with or without spaces, checked as it is typed. */
export function SiretField({ value, onInput, submitted, inputRef, disabled }: SiretFieldProps) {
  const check = checkSiret(value);
  let error: string | null = null;
  let success: string | null = null;
  if (check.kind === 'invalid') error = check.message;
  else if (check.kind === 'valid') success = `SIRET valide : ${check.formatted}`;
  else if (submitted) error = check.kind === 'empty' ? 'Le SIRET est obligatoire.' : INVALID_SIRET;
  return (
    <TextField
      label="SIRET"
      value={value}
      onInput={onInput}
      hint={
        check.kind === 'typing'
          ? `14 chiffres, espaces acceptés (${check.digits}/14).`
          : '14 chiffres, espaces acceptés.'
      }
      error={error}
      success={success}
      inputMode="numeric"
      autocomplete="off"
      required
      inputRef={inputRef}
      disabled={disabled}
    />
  );
}
