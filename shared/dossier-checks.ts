/**
 * The limits and French messages of a dossier's reference, as a plain check:
 * the server's `addDossierBody` (schemas.ts) is built on them, and the support
 * panel's « Ouvrir un dossier » checks its field with them, without zod.
 */

export const MAX_DOSSIER_REFERENCE_LENGTH = 64;

export const DOSSIER_REFERENCE_MESSAGES = {
  required: 'La référence est obligatoire.',
  tooLong: `La référence ne doit pas dépasser ${MAX_DOSSIER_REFERENCE_LENGTH} caractères.`,
} as const;

/** What is wrong with a dossier's reference as typed (surrounding spaces ignored), or null. */
export function dossierReferenceProblem(value: string): string | null {
  const reference = value.trim();
  if (reference === '') return DOSSIER_REFERENCE_MESSAGES.required;
  return reference.length > MAX_DOSSIER_REFERENCE_LENGTH
    ? DOSSIER_REFERENCE_MESSAGES.tooLong
    : null;
}
