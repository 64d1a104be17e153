/** Field checks of the panel's forms, with the server's own limits and French messages. */
import { emailProblem, passwordProblem, unlockCodeProblem } from '../../shared/field-checks.js';
import { compactSiret, formatSiret, siretProblem } from '../../shared/siret.js';

export const emailError = emailProblem;
export const passwordError = passwordProblem;
export const unlockCodeError = unlockCodeProblem;

export type SiretCheck =
  | { kind: 'empty' }
  | { kind: 'typing'; digits: number }
  | { kind: 'invalid'; message: string }
  | { kind: 'valid'; siret: string; formatted: string };

/** What the SIRET typed so far is: incomplete, wrong, or valid (spaces and dots allowed). */
export function checkSiret(input: string): SiretCheck {
  const compact = compactSiret(input);
  if (compact === '') return { kind: 'empty' };
  if (/^\d{0,13}$/.test(compact)) return { kind: 'typing', digits: compact.length };
  const problem = siretProblem(compact);
  if (problem) return { kind: 'invalid', message: problem };
  return { kind: 'valid', siret: compact, formatted: formatSiret(compact) };
}
