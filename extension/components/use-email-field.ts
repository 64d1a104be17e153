import { emailError } from '../panel/validation.js';
import { useCheckedField } from './use-checked-field.js';

/** An e-mail address typed into a form and checked on submit (use-checked-field.ts). */
export function useEmailField() {
  const field = useCheckedField(emailError, { type: 'email' } as const);
  return { ...field, email: field.value };
}
