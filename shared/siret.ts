/**
 * SIRET = SIREN (9 digits) + NIC (5 digits). The checksum only says a SIRET can
 * exist; the unlock code of a dossier proves the employer handles it.
 */

/** Separators people type or paste: spaces, dots, non-breaking and narrow no-break spaces. */
const SEPARATORS = /[\s.\u00a0\u202f]/g;

/** La Poste's establishments share one SIREN and follow their own checksum (INSEE rule). */
const LA_POSTE_SIREN = '356000000';

/** Returns the 14 digits of a valid SIRET, or `null` when `input` is not one. */
export function parseSiret(input: string): string | null {
  const digits = input.replace(SEPARATORS, '');
  if (!/^\d{14}$/.test(digits)) return null;
  return hasValidChecksum(digits) ? digits : null;
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
