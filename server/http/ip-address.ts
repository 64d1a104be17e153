/**
 * IP addresses as a peer, an `X-Forwarded-For` header or `TRUST_PROXY` write
 * them, read into one form: an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`,
 * what a dual-stack socket reports) is the IPv4 address it carries, so one
 * client never counts as two.
 */
import { isIPv4, isIPv6 } from 'node:net';

export type IpAddress =
  { family: 'ipv4'; text: string } | { family: 'ipv6'; text: string; groups: number[] };

/** The address, or null when `value` is not one (a host name, garbage, an empty string). */
export function parseIpAddress(value: string): IpAddress | null {
  const text = value.trim();
  if (isIPv4(text)) return { family: 'ipv4', text };
  // A zone (`fe80::1%eth0`) names a local interface, nothing about the client.
  const unzoned = text.split('%')[0]!;
  if (!isIPv6(unzoned)) return null;
  const groups = ipv6Groups(unzoned);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [high, low] = [groups[6]!, groups[7]!];
    return { family: 'ipv4', text: `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}` };
  }
  // The URL parser writes IPv6 the one canonical way (lower case, longest zero run as `::`).
  return { family: 'ipv6', text: new URL(`http://[${unzoned}]/`).hostname.slice(1, -1), groups };
}

/**
 * One entry of `X-Forwarded-For`: an address, possibly with a port
 * (`1.2.3.4:5678`, `[2001:db8::1]:443`) as some proxies write it.
 */
export function parseForwardedAddress(entry: string): IpAddress | null {
  const text = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) return parseIpAddress(bracketed[1]!);
  const withPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(text);
  return parseIpAddress(withPort ? withPort[1]! : text);
}

/** The eight 16-bit groups of a valid IPv6 address (an IPv4 tail gives the last two). */
function ipv6Groups(text: string): number[] {
  let hex = text;
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(hex);
  if (tail) {
    const [a, b, c, d] = tail.slice(1).map(Number) as [number, number, number, number];
    hex = `${hex.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = hex.split('::') as [string, string | undefined];
  const parse = (part: string) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const left = parse(head);
  if (rest === undefined) return left;
  const right = parse(rest);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}
