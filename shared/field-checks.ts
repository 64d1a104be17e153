/**
 * The limits and French messages of the form fields, as plain checks. The
 * server's request schemas (schemas.ts, zod) are built on them, and the side
 * panel checks its fields with them directly, so that zod stays out of the
 * panel's bundle.
 */

export const MAX_EMAIL_LENGTH = 254;
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;
export const MAX_UNLOCK_CODE_LENGTH = 64;
/** A support agent's reason, kept in the history with their act. */
export const MAX_REASON_LENGTH = 500;

/** The e-mail pattern of zod's `z.email()`, written out so that both sides share it. */
export const EMAIL_PATTERN =
  /^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

export const FIELD_MESSAGES = {
  emailRequired: "L'adresse e-mail est obligatoire.",
  emailTooLong: "L'adresse e-mail est trop longue.",
  emailInvalid: "L'adresse e-mail n'est pas valide.",
  passwordRequired: 'Le mot de passe est obligatoire.',
  passwordTooShort: `Le mot de passe doit contenir au moins ${MIN_PASSWORD_LENGTH} caractères.`,
  passwordTooLong: 'Le mot de passe est trop long.',
  unlockCodeRequired: 'Le code de déblocage est obligatoire.',
  unlockCodeInvalid: "Le code de déblocage n'est pas valide.",
  reasonRequired: 'Le motif est obligatoire.',
  reasonTooLong: `Le motif ne doit pas dépasser ${MAX_REASON_LENGTH} caractères.`,
} as const;

/** What is wrong with a support agent's required reason as typed, or null. */
export function reasonProblem(value: string): string | null {
  const reason = value.trim();
  if (reason === '') return FIELD_MESSAGES.reasonRequired;
  return reason.length > MAX_REASON_LENGTH ? FIELD_MESSAGES.reasonTooLong : null;
}

/** What is wrong with an e-mail as typed (surrounding spaces ignored), or null. */
export function emailProblem(value: string): string | null {
  const email = value.trim();
  if (email.length > MAX_EMAIL_LENGTH) return FIELD_MESSAGES.emailTooLong;
  return EMAIL_PATTERN.test(email) ? null : FIELD_MESSAGES.emailInvalid;
}

export function passwordProblem(value: string): string | null {
  if (value.length < MIN_PASSWORD_LENGTH) return FIELD_MESSAGES.passwordTooShort;
  if (value.length > MAX_PASSWORD_LENGTH) return FIELD_MESSAGES.passwordTooLong;
  return null;
}

export function unlockCodeProblem(value: string): string | null {
  const code = value.trim();
  if (code.length < 1) return FIELD_MESSAGES.unlockCodeRequired;
  if (code.length > MAX_UNLOCK_CODE_LENGTH) return FIELD_MESSAGES.unlockCodeInvalid;
  return null;
}
