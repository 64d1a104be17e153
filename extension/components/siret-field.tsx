import type { Ref } from 'preact';
import { siretProblem } from '../../shared/siret.js';
import { checkSiret } from '../panel/validation.js';
import { TextField } from './text-field.js';

export interface SiretFieldProps {
  value: string;
  onInput: (value: string) => void;
  /** The form was submitted: an empty or incomplete SIRET is an error now. */
  submitted: boolean;
  /** The server's refusal of this SIRET, until it is changed. */
  refusal?: string | null;
  inputRef?: Ref<HTMLInputElement>;
  disabled?: boolean;
}

/** A SIRET typed with or without spaces, checked as it is typed. */
export function SiretField({
  value,
  onInput,
  submitted,
  refusal,
  inputRef,
  disabled,
}: SiretFieldProps) {
  const check = checkSiret(value);
  let error: string | null = null;
  let success: string | null = null;
  if (check.kind === 'invalid') error = check.message;
  else if (check.kind === 'valid') success = `SIRET valide : ${check.formatted}`;
  else if (submitted) error = siretProblem(value);
  if (refusal) [error, success] = [refusal, null];
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
