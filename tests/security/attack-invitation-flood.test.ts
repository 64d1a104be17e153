/**
 * Accepting an invitation hashed the chosen password (argon2id, 19 MiB)
 * before it looked the link up, and nothing limited the route: a flood of
 * random links kept the cores hashing, and real logins waited behind it. The
 * link is now looked up first (an unknown one costs no hash), and failed
 * accepts count against the client's address, on the API and on the page.
 */
import { afterAll, expect, it } from 'vitest';
import { configFromEnv } from '../../server/config.js';
import { newToken } from '../../server/security/secrets.js';
import { median, sleep } from '../support/timing.js';
import {
  acceptUnknownInvitation,
  describeOnEachAttackServer,
  OWNER,
  type AttackServer,
} from './support/attack-server.js';
import { reportSecuritySummary } from './support/security-summary.js';

const FLOOD = 100;
const ROUNDS = 3;
const PASSWORD = 'un-mot-de-passe-solide';
const summary: Record<
  string,
  { quietMs: number; underPageFormsMs: number; underAcceptsMs: number }
> = {};

function submitPageForm(server: AttackServer, from: string) {
  return server.post(
    `/invitations/${newToken()}`,
    { password: PASSWORD, confirmation: PASSWORD },
    { from, form: true },
  );
}

describeOnEachAttackServer(
  'a flood of invitation accepts',
  { TRUST_PROXY: '127.0.0.1' },
  (getServer, kind) => {
    it('keeps a real login as fast under 100 simultaneous API accepts of random links as under 100 page forms of them', async () => {
      const server = getServer();
      const owner = '192.0.2.10';
      const login = async () => {
        const answer = await server.login(OWNER.email, OWNER.password, owner);
        expect(answer.status).toBe(200);
        return answer.ms;
      };
      await login();
      const quiet: number[] = [];
      for (let i = 0; i < 5; i++) quiet.push(await login());
      // The control: the invitation page's form with random links, which looks the
      // link up before anything else in every version, and costs what the API's
      // accept costs once it does the same.
      const times = { pageForms: [] as number[], accepts: [] as number[] };
      for (let round = 0; round < ROUNDS * 2; round++) {
        const kind = round % 2 ? 'accepts' : 'pageForms';
        // One address per request: no per-address limit hides what each request costs.
        const flood = Array.from({ length: FLOOD }, (_, i) => {
          const from = `198.51.${100 + round}.${i + 1}`;
          return kind === 'accepts'
            ? acceptUnknownInvitation(server, from)
            : submitPageForm(server, from);
        });
        await sleep(30);
        times[kind].push(await login());
        const answers = await Promise.all(flood);
        expect(answers.map((a) => a.status)).toEqual(Array<number>(FLOOD).fill(410));
      }
      const measured = {
        quietMs: median(quiet),
        underPageFormsMs: median(times.pageForms),
        underAcceptsMs: median(times.accepts),
      };
      summary[kind] = Object.fromEntries(
        Object.entries(measured).map(([k, v]) => [k, Number(v.toFixed(1))]),
      ) as typeof measured;
      // Hashing 100 passwords takes the cores for a second or more, which a
      // login waiting behind them pays; an accept that looks the link up first
      // costs what the page's form costs.
      expect(measured.underAcceptsMs).toBeLessThan(measured.underPageFormsMs * 2 + 100);
    });

    it('refuses failed accepts past the limit from one address, on the API and the page, and from that address only', async () => {
      const server = getServer();
      const { max } = configFromEnv({}).rateLimits.invitationFailuresPerAddress;
      expect(max).toBeGreaterThan(0);
      const attacker = '203.0.113.7';
      const other = '203.0.113.8';
      const statuses: number[] = [];
      for (let i = 0; i < max; i++)
        statuses.push((await acceptUnknownInvitation(server, attacker)).status);
      expect(statuses).toEqual(Array<number>(max).fill(410));

      const refused = await acceptUnknownInvitation(server, attacker);
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('RATE_LIMITED');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      const page = await submitPageForm(server, attacker);
      expect(page.status).toBe(429);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.text).toContain('Trop de tentatives');
      expect(Number(page.headers.get('retry-after'))).toBeGreaterThan(0);

      // Another client behind the same proxy is not refused.
      expect((await acceptUnknownInvitation(server, other)).status).toBe(410);
      expect((await submitPageForm(server, other)).status).toBe(410);
    });
  },
);

afterAll(() => {
  reportSecuritySummary({ file: 'attack-invitation-flood', loginMs: summary });
});
