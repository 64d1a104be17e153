import { useRef, useState } from 'preact/hooks';

/**
 * A text typed into a form and checked on submit: a problem is shown under the
 * field and focuses it; typing again clears it. `check` says what is wrong
 * (null: nothing); `props` are the field's own (`type`, `label`, `hint`…).
 */
export function useCheckedField<P extends object>(
  check: (value: string) => string | null,
  props: P,
) {
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  return {
    /** The text as typed (trim it before sending). */
    value,
    /** Empties the field after a success. */
    clear: () => setValue(''),
    /** Shows the server's refusal under the field. */
    setProblem,
    /** Checks the text; on a problem shows it, focuses the field and returns false. */
    validate(): boolean {
      const found = check(value);
      setProblem(found);
      if (found) inputRef.current?.focus();
      return found === null;
    },
    /** Spread on the `TextField`. */
    fieldProps: {
      ...props,
      value,
      onInput: (typed: string) => {
        setValue(typed);
        setProblem(null);
      },
      error: problem,
      inputRef,
      autocomplete: 'off',
      required: true,
    } as const,
  };
}
