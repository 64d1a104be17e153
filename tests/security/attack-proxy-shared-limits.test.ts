/**
 * Behind the TLS proxy SECURITY.md assumes, every request came from the
 * proxy's address, so every user shared one counter: one client's failed
 * logins refused everybody's right password, and 20 sign-ups from anywhere
 * blocked every sign-up for an hour. With `TRUST_PROXY`, the limits key on the
 * client the trusted proxy names in `X-Forwarded-For`; that header from any
 * other peer is ignored.
 */
import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../../server/config.js';
import { clientAddressOf } from '../../server/http/client-address.js';
import { parseTrustedProxies } from '../../server/http/trusted-proxies.js';
import { uniqueEmail, validSiret } from '../support/fixtures.js';
import { startServerNode } from '../support/server-node.js';
import type { HttpAnswer } from '../support/http-client.js';
import {
  acceptUnknownInvitation,
  describeOnEachAttackServer,
  OWNER,
  type AttackServer,
} from './support/attack-server.js';

const WRONG_PASSWORD = 'pas-le-bon-mot-de-passe';
const limits = configFromEnv({}).rateLimits;

function signUp(server: AttackServer, from: string | undefined) {
  return server.post(
    '/api/v1/auth/signup',
    {
      email: uniqueEmail('inscription'),
      password: 'un-mot-de-passe-solide',
      siret: validSiret(),
      unlockCode: 'CODE-0000',
    },
    { from },
  );
}

/** Failed logins of `count` different e-mails, a few at a time (password spraying). */
async function sprayFailedLogins(server: AttackServer, count: number, from: string) {
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 4) {
    const batch = Array.from({ length: Math.min(4, count - i) }, () =>
      server.login(uniqueEmail('spray'), WRONG_PASSWORD, from),
    );
    statuses.push(...(await Promise.all(batch)).map((a) => a.status));
  }
  return statuses;
}

describeOnEachAttackServer(
  'rate limits behind a trusted proxy',
  { TRUST_PROXY: '127.0.0.1' },
  (getServer) => {
    it("keeps another client's right password accepted after one client's failed logins reach its limit", async () => {
      const server = getServer();
      const attacker = '203.0.113.20';
      const max = limits.loginFailuresPerAddress.max;
      const statuses = await sprayFailedLogins(server, max, attacker);
      expect(statuses).toEqual(Array<number>(max).fill(401));
      expect((await server.login(uniqueEmail('spray'), WRONG_PASSWORD, attacker)).status).toBe(429);
      // The owner signs in through the same proxy, from a client of their own.
      expect((await server.login(OWNER.email, OWNER.password, '198.51.100.20')).status).toBe(200);
    });

    it("keeps another client's sign-up open after one client's sign-ups reach their limit", async () => {
      const server = getServer();
      const client = '203.0.113.21';
      const max = limits.signupPerAddress.max;
      // A SIRET without a dossier: refused by the rule, after the limits.
      const refusedByTheRule = (answer: HttpAnswer) =>
        answer.status !== 429 && typeof answer.body.error?.code === 'string';
      for (let i = 0; i < max; i++)
        expect(refusedByTheRule(await signUp(server, client))).toBe(true);
      expect((await signUp(server, client)).status).toBe(429);
      // The other client's sign-up gets past the limits to the rule.
      expect(refusedByTheRule(await signUp(server, '198.51.100.21'))).toBe(true);
    });

    it('walks X-Forwarded-For from the right past the trusted proxies only, and reads IPv4-mapped IPv6 as IPv4', async () => {
      const server = getServer();
      const max = limits.invitationFailuresPerAddress.max;
      const accept = (from: string) => acceptUnknownInvitation(server, from);
      // A client forging the start of the header; the proxy appends what it saw.
      for (let i = 0; i < max; i++) {
        expect((await accept(`10.9.9.${i}, 203.0.113.22`)).status).toBe(410);
      }
      // The same client, written as IPv4-mapped IPv6: the same counter.
      expect((await accept('::ffff:203.0.113.22')).status).toBe(429);
      // A chain ending with the trusted proxy itself: the client is the hop before it.
      expect((await accept('203.0.113.22, 127.0.0.1')).status).toBe(429);
      expect((await accept('203.0.113.23, 127.0.0.1')).status).toBe(410);
    });

    it('counts an IPv6 client by its /64 network, the block one subscriber holds', async () => {
      const server = getServer();
      const max = limits.invitationFailuresPerAddress.max;
      const accept = (from: string) => acceptUnknownInvitation(server, from);
      for (let i = 0; i < max; i++) {
        expect((await accept(`2001:db8:1:2::${(i + 1).toString(16)}`)).status).toBe(410);
      }
      expect((await accept('2001:db8:1:2:ffff:ffff:ffff:fffe')).status).toBe(429);
      expect((await accept('2001:db8:1:3::1')).status).toBe(410);
    });
  },
);

describeOnEachAttackServer(
  'X-Forwarded-For from an untrusted peer',
  { TRUST_PROXY: '10.0.0.0/8, fd00::/8' },
  (getServer) => {
    it('is ignored: forged addresses all count against the real peer', async () => {
      const server = getServer();
      const max = limits.invitationFailuresPerAddress.max;
      const statuses: number[] = [];
      for (let i = 0; i <= max; i++) {
        const forged = `198.51.100.${100 + i}`;
        statuses.push((await acceptUnknownInvitation(server, forged)).status);
      }
      expect(statuses).toEqual([...Array<number>(max).fill(410), 429]);
    });
  },
);

describe('the client address of a request', () => {
  const trusted = parseTrustedProxies('127.0.0.1, 10.0.0.0/8, fd00::/8');
  it.each([
    [
      'no proxy trusted: the peer, whatever the header',
      '127.0.0.1',
      '1.2.3.4',
      undefined,
      '127.0.0.1',
    ],
    ['a trusted peer without the header: the peer', '127.0.0.1', undefined, trusted, '127.0.0.1'],
    ['an untrusted peer: the peer', '192.0.2.1', '1.2.3.4', trusted, '192.0.2.1'],
    ['a trusted peer: the last hop it names', '10.1.1.1', '9.9.9.9, 1.2.3.4', trusted, '1.2.3.4'],
    ['trusted hops are skipped', '10.1.1.1', '1.2.3.4, 10.2.2.2, 127.0.0.1', trusted, '1.2.3.4'],
    ['a peer written IPv4-mapped', '::ffff:127.0.0.1', '1.2.3.4', trusted, '1.2.3.4'],
    ['a hop written IPv4-mapped, in hex', '127.0.0.1', '::ffff:102:304', trusted, '1.2.3.4'],
    ['a hop with a port', '127.0.0.1', '1.2.3.4:5678', trusted, '1.2.3.4'],
    ['an IPv6 hop with a port', 'fd00::1', '[2001:DB8:0:1::7]:443', trusted, '2001:db8:0:1::/64'],
    [
      'garbage left of a trusted hop: that hop',
      '127.0.0.1',
      'garbage, 10.3.3.3',
      trusted,
      '10.3.3.3',
    ],
    ['an empty header: the peer', '127.0.0.1', '', trusted, '127.0.0.1'],
    ['no peer at all', undefined, '1.2.3.4', trusted, 'unknown'],
  ])('%s', (_, peer, header, proxies, expected) => {
    expect(clientAddressOf(peer, header, proxies)).toBe(expected);
  });
});

describe('TRUST_PROXY', () => {
  it.each([
    ['not-an-address'],
    ['127.0.0.1/33'],
    ['10.0.0.0/8, 300.1.1.1'],
    ['fd00::/129'],
    ['127.0.0.1/'],
    ['10.0.0.0/x'],
  ])('is refused with a message naming it when it holds "%s"', (value) => {
    expect(() => configFromEnv({ TRUST_PROXY: value })).toThrow(/^TRUST_PROXY: /);
  });

  it('accepts IPv4 and IPv6 addresses and ranges, spaces and empty items aside', () => {
    const { trustProxy } = configFromEnv({
      TRUST_PROXY: ' 127.0.0.1 , 10.0.0.0/8,,::1, fd00::/8 ,::ffff:192.168.0.1',
    });
    expect(trustProxy.entries).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      '::1',
      'fd00::/8',
      '192.168.0.1',
    ]);
    expect(configFromEnv({}).trustProxy.entries).toEqual([]);
  });

  it('keeps the server process from starting when it is wrong, with a clear message', async () => {
    const outcome = await startServerNode({ env: { TRUST_PROXY: '127.0.0.1, proxy.local' } }).then(
      async (node) => {
        await node.stop();
        return 'started';
      },
      (error: Error) => error.message,
    );
    expect(outcome).toContain('TRUST_PROXY: "proxy.local"');
  });
});
