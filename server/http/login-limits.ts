/**
 * What a login attempt goes through before its password is checked.
 *
 * Failures count, sign-ins give their place back:
 * - per client address, whatever the e-mail (password spraying): that address is refused;
 * - per e-mail and client address: that address is refused for that e-mail;
 * - per e-mail from everywhere: past the threshold, addresses the e-mail never
 *   signed in from wait a few seconds, never refused.
 *
 * So a stranger's guesses never refuse the owner's right password from where
 * they usually sign in, at most slow them down elsewhere. Known and unknown
 * e-mails go through the same counters and look-ups: no answer or timing
 * tells them apart.
 */
import type { Context } from 'hono';
import { isKnownSignInAddress, rememberSignInAddress } from '../db/queries/sign-in-addresses.js';
import type { AppEnv, AppServices } from './context.js';
import { clearRateLimit, countAttempt, limitAttempt } from './rate-limit.js';

export interface LoginAttempt {
  /** The password was right: the attempt is no failure, and this address is remembered. */
  succeeded(): Promise<void>;
}

export async function beginLoginAttempt(
  c: Context<AppEnv>,
  services: Pick<AppServices, 'db' | 'config'>,
  email: string,
): Promise<LoginAttempt> {
  const { db } = services;
  const limits = services.config.rateLimits;
  const address = c.get('clientAddress');
  const fromAddress = await limitAttempt(
    c,
    db,
    `login:addr:${address}`,
    limits.loginFailuresPerAddress,
  );
  const emailHereKey = `login:addr-email:${address} ${email}`;
  await limitAttempt(c, db, emailHereKey, limits.loginFailuresPerEmailAndAddress);
  const slowdown = limits.loginFailuresPerEmail;
  const forEmail = await countAttempt(db, `login:email:${email}`, slowdown);
  if (forEmail.hits > slowdown.max && !(await isKnownSignInAddress(db, email, address))) {
    await new Promise((resolve) => setTimeout(resolve, slowdown.delayMs));
  }
  return {
    async succeeded() {
      await Promise.all([
        fromAddress.release(),
        // The owner got in from here: their earlier typos from here are forgiven.
        clearRateLimit(db, emailHereKey),
        forEmail.release(),
        rememberSignInAddress(db, email, address),
      ]);
    },
  };
}
