/** Field checks of the panel's forms, with the shared schemas' French messages. */
import type { z } from 'zod';
import { emailSchema, passwordSchema, unlockCodeSchema } from '../../shared/schemas.js';
import { formatSiret, parseSiret } from '../../shared/siret.js';

function firstIssue(schema: z.ZodType, value: string): string | null {
  const result = schema.safeParse(value);
  return result.success ? null : (result.error.issues[0]?.message ?? 'Valeur invalide.');
}

export const emailError = (value: string) => firstIssue(emailSchema, value);
export const passwordError = (value: string) => firstIssue(passwordSchema, value);
export const unlockCodeError = (value: string) => firstIssue(unlockCodeSchema, value);

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
