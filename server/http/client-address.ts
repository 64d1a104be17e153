/**
 * The address a request comes from, as every rate limit and attempt counter
 * keys on it. Computed once per request by `create-app.ts` and read with
 * `c.get('clientAddress')`.
 *
 * Behind a proxy every peer is the proxy: the client is then read from
 * `X-Forwarded-For`, but only when the peer is a proxy of `TRUST_PROXY`
 * (anyone else could write any address there and change counters at will).
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { parseForwardedAddress, parseIpAddress, type IpAddress } from './ip-address.js';
import type { TrustedProxies } from './trusted-proxies.js';

export function resolveClientAddress(c: Context, trusted?: TrustedProxies): string {
  let peer: string | undefined;
  try {
    peer = getConnInfo(c).remote.address;
  } catch {
    peer = undefined;
  }
  return clientAddressOf(peer, c.req.header('x-forwarded-for'), trusted);
}

/**
 * Walks `X-Forwarded-For` from the right (the hop nearest to us, the only one
 * a trusted proxy wrote) and stops at the first address that is not a
 * trusted proxy: everything left of it may have been written by the client.
 */
export function clientAddressOf(
  peer: string | undefined,
  forwardedFor: string | undefined,
  trusted: TrustedProxies | undefined,
): string {
  let client = peer === undefined ? null : parseIpAddress(peer);
  if (!client) return 'unknown';
  if (trusted && forwardedFor) {
    const hops = forwardedFor.split(',');
    for (let i = hops.length - 1; i >= 0 && trusted.has(client); i--) {
      const hop = parseForwardedAddress(hops[i]!);
      // Garbage can only come from the client's side: the last good hop is the nearest we know.
      if (!hop) break;
      client = hop;
    }
  }
  return counterKeyOf(client);
}

/**
 * An IPv6 client is counted by its /64 network: one subscriber usually holds
 * a whole /64 and could otherwise take a fresh address for every attempt.
 */
function counterKeyOf(address: IpAddress): string {
  if (address.family === 'ipv4') return address.text;
  const network = address.groups.slice(0, 4).map((g) => g.toString(16));
  return `${network.join(':')}::/64`;
}
