import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { emailProblem, passwordProblem, unlockCodeProblem } from '../../shared/field-checks.js';
import { emailSchema, passwordSchema, unlockCodeSchema } from '../../shared/schemas.js';

/** The message the server's schema gives first, or null when it accepts the value. */
function schemaProblem(schema: z.ZodType, value: string): string | null {
  const result = schema.safeParse(value);
  return result.success ? null : (result.error.issues[0]?.message ?? 'invalid');
}

const emailLike = fc.oneof(
  fc.emailAddress(),
  fc.string(),
  fc.tuple(fc.string(), fc.string()).map(([a, b]) => `${a}@${b}`),
  fc.emailAddress().map((e) => ` ${e.toUpperCase()} `),
  fc.string({ minLength: 250, maxLength: 270 }).map((s) => `${s}@example.fr`),
);

describe('the panel field checks (without zod)', () => {
  it('give the same answer as the server schemas for e-mails', () => {
    for (const value of ['', 'a@b.fr', 'a..b@c.fr', '.a@b.fr', 'x@y', ' marie@exemple.fr '])
      expect(emailProblem(value)).toBe(schemaProblem(emailSchema, value));
    fc.assert(
      fc.property(emailLike, (value) => {
        expect(emailProblem(value)).toBe(schemaProblem(emailSchema, value));
      }),
      { numRuns: 500 },
    );
  });

  it('give the same answer as the server schemas for passwords and unlock codes', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 260 }), (value) => {
        expect(passwordProblem(value)).toBe(schemaProblem(passwordSchema, value));
        expect(unlockCodeProblem(value)).toBe(schemaProblem(unlockCodeSchema, value));
      }),
      { numRuns: 500 },
    );
    expect(unlockCodeProblem('   ')).toBe(schemaProblem(unlockCodeSchema, '   '));
    expect(unlockCodeProblem('x'.repeat(65))).toBe(schemaProblem(unlockCodeSchema, 'x'.repeat(65)));
  });
});
