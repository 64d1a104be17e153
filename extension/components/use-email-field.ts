import { useRef, useState } from 'preact/hooks';
import { emailError } from '../panel/validation.js';

/**
 * An e-mail address typed into a form and checked on submit: a problem is
 * shown under the field and focuses it; typing again clears it.
 */
export function useEmailField() {
  const [email, setEmail] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  return {
    /** The address as typed (trim it before sending). */
    email,
    /** Empties the field after a success. */
    clear: () => setEmail(''),
    /** Shows the server's refusal under the field. */
    setProblem,
    /** Checks the address; on a problem shows it, focuses the field and returns false. */
    validate(): boolean {
      const error = emailError(email);
      setProblem(error);
      if (error) inputRef.current?.focus();
      return error === null;
    },
    /** Spread on the `TextField`. */
    fieldProps: {
      type: 'email',
      value: email,
      onInput: (value: string) => {
        setEmail(value);
        setProblem(null);
      },
      error: problem,
      inputRef,
      autocomplete: 'off',
      required: true,
    } as const,
  };
}
