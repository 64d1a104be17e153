/**
 * SIRET = SIREN (9 digits) + NIC (5 digits). The checksum only says a SIRET can
 * exist; the unlock code of a dossier proves the employer handles it.
 */

/** Separators people type or paste: spaces, dots, non-breaking and narrow no-break spaces. */
const SEPARATORS = /[\s.\u00a0\u202f]/g;

/** La Poste's establishments share one SIREN and follow their own checksum (INSEE rule). */
const LA_POSTE_SIREN = '356000000';

/** What is said of a SIRET that cannot be one, on the server and in the panel alike. */
export const SIRET_MESSAGES = {
  required: 'Le SIRET est obligatoire.',
  notDigits: 'Le SIRET ne contient que des chiffres (espaces acceptés).',
  length: "Le SIRET n'est pas valide : il compte 14 chiffres.",
  checkDigit:
    "Ce SIRET n'existe pas : ses 14 chiffres ne respectent pas la clé de contrôle. Un chiffre est sans doute mal saisi.",
} as const;

/** Returns the 14 digits of a valid SIRET, or `null` when `input` is not one. */
export function parseSiret(input: string): string | null {
  const digits = compactSiret(input);
  if (!/^\d{14}$/.test(digits)) return null;
  return hasValidChecksum(digits) ? digits : null;
}

/** The input without the separators people type or paste. */
export function compactSiret(input: string): string {
  return input.replace(SEPARATORS, '');
}

/** Why `input` is not a SIRET (its French message), or `null` when it is one. */
export function siretProblem(input: string): string | null {
  const digits = compactSiret(input);
  if (digits === '') return SIRET_MESSAGES.required;
  if (!/^\d+$/.test(digits)) return SIRET_MESSAGES.notDigits;
  if (digits.length !== 14) return SIRET_MESSAGES.length;
  return hasValidChecksum(digits) ? null : SIRET_MESSAGES.checkDigit;
}

/** `73282932000074` → `732 829 320 00074` (SIREN in groups of three, then the NIC). */
export function formatSiret(siret: string): string {
  return `${siret.slice(0, 3)} ${siret.slice(3, 6)} ${siret.slice(6, 9)} ${siret.slice(9)}`;
}

function hasValidChecksum(digits: string): boolean {
  if (luhnSum(digits) % 10 === 0) return true;
  return digits.startsWith(LA_POSTE_SIREN) && digitSum(digits) % 5 === 0;
}

/** The Luhn sum of a string of digits (valid when a multiple of 10). */
export function luhnSum(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum;
}

function digitSum(digits: string): number {
  let sum = 0;
  for (const char of digits) sum += Number(char);
  return sum;
}
