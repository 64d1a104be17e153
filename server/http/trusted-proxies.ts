/**
 * `TRUST_PROXY`: the proxies whose `X-Forwarded-For` is believed, as
 * addresses or CIDR ranges, IPv4 and IPv6. Anything else in the list stops
 * the server at start: a typo must not silently trust nobody, or everybody.
 */
import { BlockList } from 'node:net';
import { parseIpAddress, type IpAddress } from './ip-address.js';

export interface TrustedProxies {
  /** The list as understood, for logs and tests (IPv4-mapped entries written as IPv4). */
  readonly entries: readonly string[];
  has(address: IpAddress): boolean;
}

export function parseTrustedProxies(value: string | undefined): TrustedProxies {
  const list = new BlockList();
  const entries: string[] = [];
  for (const item of (value ?? '').split(',')) {
    const text = item.trim();
    if (!text) continue;
    const [addressPart, prefixPart, extra] = text.split('/');
    const address = parseIpAddress(addressPart!);
    const maxPrefix = address?.family === 'ipv4' ? 32 : 128;
    const prefix = prefixPart === undefined ? null : Number(prefixPart);
    if (
      !address ||
      extra !== undefined ||
      (prefixPart !== undefined && !/^\d{1,3}$/.test(prefixPart)) ||
      (prefix !== null && prefix > maxPrefix)
    ) {
      throw new Error(
        `TRUST_PROXY: "${text}" is neither an IP address nor a CIDR range; expected a comma-separated list such as "127.0.0.1, 10.0.0.0/8, fd00::/8".`,
      );
    }
    if (prefix === null) {
      list.addAddress(address.text, address.family);
      entries.push(address.text);
    } else {
      list.addSubnet(address.text, prefix, address.family);
      entries.push(`${address.text}/${prefix}`);
    }
  }
  return {
    entries,
    has: (address) => entries.length > 0 && list.check(address.text, address.family),
  };
}
