/** Field checks of the panel's forms, with the server's own limits and French messages. */
import { emailProblem, passwordProblem, unlockCodeProblem } from '../../shared/field-checks.js';
import { formatSiret, parseSiret } from '../../shared/siret.js';

export const emailError = emailProblem;
export const passwordError = passwordProblem;
export const unlockCodeError = unlockCodeProblem;

export const INVALID_SIRET = "Le SIRET n'est pas valide : vérifiez ses 14 chiffres.";

export type SiretCheck =
  | { kind: 'empty' }
  | { kind: 'typing'; digits: number }
  | { kind: 'invalid'; message: string }
  | { kind: 'valid'; siret: string; formatted: string };

/** What the SIRET typed so far is: incomplete, wrong, or valid (spaces and dots allowed). */
export function checkSiret(input: string): SiretCheck {
  const compact = input.replace(/[\s.\u00a0\u202f]/g, '');
  if (compact === '') return { kind: 'empty' };
  if (!/^\d+$/.test(compact)) {
    return {
      kind: 'invalid',
      message: 'Le SIRET ne contient que des chiffres (espaces acceptés).',
    };
  }
  if (compact.length < 14) return { kind: 'typing', digits: compact.length };
  const siret = parseSiret(compact);
  if (!siret) return { kind: 'invalid', message: INVALID_SIRET };
  return { kind: 'valid', siret, formatted: formatSiret(siret) };
}
