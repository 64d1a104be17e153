/**
 * Ten wrong passwords for an e-mail, from anywhere, refused its owner for 15
 * minutes, right password included: the per-e-mail limit counted every
 * attempt before checking any. Failures now count per e-mail and client
 * address, and refuse that address only; failures from everywhere only slow
 * down, by seconds, addresses the account never signed in from.
 */
import { expect, it } from 'vitest';
import { configFromEnv } from '../../server/config.js';
import { uniqueEmail } from '../support/fixtures.js';
import { describeOnEachAttackServer, OWNER } from './support/attack-server.js';

const WRONG_PASSWORD = 'pas-le-bon-mot-de-passe';
const limits = configFromEnv({}).rateLimits;

describeOnEachAttackServer(
  'locking an owner out of login',
  { TRUST_PROXY: '127.0.0.1' },
  (getServer) => {
    it('counts failures, not sign-ins: many right passwords from one address never refuse it', async () => {
      const server = getServer();
      const office = '198.51.100.32';
      const times = limits.loginFailuresPerEmailAndAddress.max + 2;
      for (let i = 0; i < times; i++) {
        expect((await server.login(OWNER.email, OWNER.password, office)).status).toBe(200);
      }
    });

    it('refuses the failing address only, for that e-mail only, with Retry-After, right password included', async () => {
      const server = getServer();
      const attacker = '203.0.113.31';
      const max = limits.loginFailuresPerEmailAndAddress.max;
      const target = uniqueEmail('cible');
      for (let i = 0; i < max; i++) {
        expect((await server.login(target, WRONG_PASSWORD, attacker)).status).toBe(401);
      }
      const refused = await server.login(target, WRONG_PASSWORD, attacker);
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('RATE_LIMITED');
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(
        limits.loginFailuresPerEmailAndAddress.windowMs / 1000,
      );
      // The same address may still sign in to another account.
      expect((await server.login(OWNER.email, OWNER.password, attacker)).status).toBe(200);
    });

    it('lets the owner in at once, from an address they signed in from, after 12 wrong passwords from another address', async () => {
      const server = getServer();
      const home = '198.51.100.30';
      const attacker = '203.0.113.30';
      const before = await server.login(OWNER.email, OWNER.password, home);
      expect(before.status).toBe(200);

      const attempts = limits.loginFailuresPerEmailAndAddress.max + 2;
      const statuses: number[] = [];
      for (let i = 0; i < attempts; i++) {
        statuses.push((await server.login(OWNER.email, WRONG_PASSWORD, attacker)).status);
      }
      expect(statuses.filter((s) => s === 401)).toHaveLength(
        limits.loginFailuresPerEmailAndAddress.max,
      );
      expect(statuses.slice(-2)).toEqual([429, 429]);

      const owner = await server.login(OWNER.email, OWNER.password, home);
      expect(owner.status).toBe(200);
      expect(owner.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      // At once: no slowdown for an address the account signed in from.
      expect(owner.ms).toBeLessThan(limits.loginFailuresPerEmail.delayMs / 2);
    });

    it('lets the right password in from a new address after a delay of seconds, not a refusal', async () => {
      const server = getServer();
      const { delayMs } = limits.loginFailuresPerEmail;
      expect(delayMs).toBeGreaterThan(0);
      expect(delayMs).toBeLessThanOrEqual(5_000);
      // Failures for the owner's e-mail from several addresses, past the slowdown
      // threshold; sent at once, since past it each of them waits too.
      const failures = limits.loginFailuresPerEmail.max + 1;
      const answers = await Promise.all(
        Array.from({ length: failures }, (_, i) =>
          server.login(OWNER.email, WRONG_PASSWORD, `203.0.113.${40 + (i % 3)}`),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(Array<number>(failures).fill(401));
      const fromNewAddress = await server.login(OWNER.email, OWNER.password, '198.51.100.31');
      expect(fromNewAddress.status).toBe(200);
      expect(fromNewAddress.ms).toBeGreaterThanOrEqual(delayMs - 50);
      expect(fromNewAddress.ms).toBeLessThan(delayMs + 3_000);
      // Once signed in from there, that address goes at full speed.
      const again = await server.login(OWNER.email, OWNER.password, '198.51.100.31');
      expect(again.status).toBe(200);
      expect(again.ms).toBeLessThan(delayMs / 2);
    });
  },
);
