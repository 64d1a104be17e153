import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatSiret, parseSiret, SIRET_MESSAGES, siretProblem } from '../../shared/siret.js';
import { withLuhnDigit } from '../support/fixtures.js';

describe('parseSiret', () => {
  it('accepts the valid examples of the domain', () => {
    expect(parseSiret('73282932000074')).toBe('73282932000074');
    // La Poste (SIREN 356000000): the sum of the digits is a multiple of 5.
    expect(parseSiret('35600000000048')).toBe('35600000000048');
    expect(parseSiret('35600000009075')).toBe('35600000009075');
    expect(parseSiret('35600000049837')).toBe('35600000049837');
  });

  it('refuses the invalid examples of the domain', () => {
    expect(parseSiret('73282932000075')).toBeNull();
    expect(parseSiret('35600000049838')).toBeNull();
  });

  it('removes the spaces and dots people type', () => {
    expect(parseSiret('732 829 320 00074')).toBe('73282932000074');
    expect(parseSiret('732.829.320.00074')).toBe('73282932000074');
    expect(parseSiret('  73282932000074  ')).toBe('73282932000074');
    expect(parseSiret('732\t829 320\n00074')).toBe('73282932000074');
  });

  it('removes the non-breaking spaces of pasted text', () => {
    expect(parseSiret('732\u00a0829\u00a0320\u00a000074')).toBe('73282932000074');
    expect(parseSiret('732\u202f829\u202f320\u202f00074')).toBe('73282932000074');
  });

  it('refuses a wrong number of digits', () => {
    expect(parseSiret('')).toBeNull();
    expect(parseSiret('7328293200007')).toBeNull();
    expect(parseSiret('732829320000740')).toBeNull();
    expect(parseSiret('732829320')).toBeNull();
  });

  it('refuses letters and other characters', () => {
    expect(parseSiret('7328293200007A')).toBeNull();
    expect(parseSiret('FR73282932000074')).toBeNull();
    expect(parseSiret('73282932-000074')).toBeNull();
    expect(parseSiret('７３２８２９３２０００７４')).toBeNull();
  });

  it('accepts every 14-digit string completed with its Luhn digit', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{13}$/), (digits) => {
        const siret = withLuhnDigit(digits);
        expect(parseSiret(siret)).toBe(siret);
        expect(parseSiret(formatSiret(siret))).toBe(siret);
      }),
    );
  });

  it('refuses a valid SIRET with one digit changed (outside La Poste)', () => {
    const siret = fc
      .stringMatching(/^\d{13}$/)
      .filter((digits) => !digits.startsWith('356000000'))
      .map(withLuhnDigit);
    fc.assert(
      fc.property(
        siret,
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 1, max: 9 }),
        (valid, position, delta) => {
          const digit = (Number(valid[position]) + delta) % 10;
          const changed = `${valid.slice(0, position)}${digit}${valid.slice(position + 1)}`;
          // A change can only turn it into La Poste's SIREN, which has its own rule.
          fc.pre(!changed.startsWith('356000000'));
          expect(parseSiret(changed)).toBeNull();
        },
      ),
    );
  });
});

describe('formatSiret', () => {
  it('groups the SIREN by three and keeps the NIC whole', () => {
    expect(formatSiret('73282932000074')).toBe('732 829 320 00074');
    expect(formatSiret('35600000049837')).toBe('356 000 000 49837');
  });
});

describe('siretProblem', () => {
  it('names what is wrong: nothing typed, a letter, a digit too few or too many, the check digit', () => {
    expect(siretProblem('  ')).toBe(SIRET_MESSAGES.required);
    expect(siretProblem('732 829 32O 00074')).toBe(SIRET_MESSAGES.notDigits);
    expect(siretProblem('7328293200007')).toBe(SIRET_MESSAGES.length);
    expect(siretProblem('732829320000744')).toBe(SIRET_MESSAGES.length);
    expect(siretProblem('732 829 320 00075')).toBe(SIRET_MESSAGES.checkDigit);
    expect(siretProblem('35600000049838')).toBe(SIRET_MESSAGES.checkDigit);
    expect(siretProblem('732.829.320.00074')).toBeNull();
    expect(SIRET_MESSAGES.checkDigit).toContain('clé de contrôle');
  });
});
