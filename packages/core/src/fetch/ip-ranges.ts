import { isIP } from 'node:net';

/** Where an address points, as far as the guarded fetcher is concerned. */
export type AddressClass = 'public' | 'loopback' | 'blocked';

// IPv4 special-purpose ranges (IANA IPv4 Special-Purpose Address Registry, RFC 6890 and successors)
// that a server-side fetch must never reach. Loopback is listed apart so tests can allow it alone.
const IPV4_BLOCKED: readonly (readonly [string, number])[] = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private (RFC 1918)
  ['100.64.0.0', 10], // carrier-grade NAT (RFC 6598)
  ['169.254.0.0', 16], // link-local, incl. cloud metadata 169.254.169.254
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, incl. broadcast
];

function ipv4ToInt(address: string): number {
  const parts = address.split('.');
  let value = 0;
  for (const part of parts) value = value * 256 + Number(part);
  return value >>> 0;
}

const IPV4_BLOCKED_INT = IPV4_BLOCKED.map(([base, bits]) => {
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  // `&` yields a signed int32; without `>>> 0` every base at or above 128.0.0.0 (169.254/16, 172.16/12,
  // 192.168/16, multicast…) is negative and never equals the unsigned value it is compared with.
  return { base: (ipv4ToInt(base) & mask) >>> 0, mask };
});

function classifyIpv4(value: number): AddressClass {
  if (value >>> 24 === 127) return 'loopback';
  for (const { base, mask } of IPV4_BLOCKED_INT) {
    if ((value & mask) >>> 0 === base) return 'blocked';
  }
  return 'public';
}

/** Parses a textual IPv6 address (with optional embedded IPv4 tail) into 16 bytes; null if malformed. */
function parseIpv6(address: string): Uint8Array | null {
  let text = address;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const bytes = new Uint8Array(16);
  let tailV4: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    const v4 = text.slice(lastColon + 1);
    if (isIP(v4) !== 4) return null;
    tailV4 = v4.split('.').map(Number);
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const groups =
    halves.length === 2 ? [...head, ...new Array(8 - head.length - tail.length).fill('0'), ...tail] : head;
  if (groups.length !== 8) return null;
  for (const [i, group] of groups.entries()) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return null;
    const v = Number.parseInt(group, 16);
    bytes[i * 2] = v >> 8;
    bytes[i * 2 + 1] = v & 0xff;
  }
  if (tailV4.length === 4) bytes.set(tailV4, 12);
  return bytes;
}

function classifyIpv6(bytes: Uint8Array): AddressClass {
  const isZero = (from: number, to: number) => bytes.subarray(from, to).every((b) => b === 0);
  // ::ffff:a.b.c.d (IPv4-mapped, RFC 4291 §2.5.5.2): judge the IPv4 address it carries.
  if (isZero(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return classifyIpv4(
      (((bytes[12] as number) << 24) |
        ((bytes[13] as number) << 16) |
        ((bytes[14] as number) << 8) |
        (bytes[15] as number)) >>>
        0,
    );
  }
  if (isZero(0, 15) && bytes[15] === 1) return 'loopback';
  const b0 = bytes[0] as number;
  const b1 = bytes[1] as number;
  // Only global unicast 2000::/3 is reachable; that excludes ::, ::/96 IPv4-compatible, 64:ff9b::/96
  // NAT64, 100::/64 discard, fc00::/7 unique-local, fe80::/10 link-local, fec0::/10 site-local, ff00::/8.
  if ((b0 & 0xe0) !== 0x20) return 'blocked';
  // Inside 2000::/3: 2001::/23 IETF special purpose (Teredo, ORCHID…), 2001:db8::/32 documentation,
  // 2002::/16 6to4 (embeds an arbitrary IPv4 address), 3fff::/20 documentation.
  if (b0 === 0x20 && b1 === 0x01 && ((bytes[2] as number) & 0xfe) === 0) return 'blocked';
  if (b0 === 0x20 && b1 === 0x01 && bytes[2] === 0x0d && bytes[3] === 0xb8) return 'blocked';
  if (b0 === 0x20 && b1 === 0x02) return 'blocked';
  if (b0 === 0x3f && b1 === 0xff && ((bytes[2] as number) & 0xf0) === 0) return 'blocked';
  return 'public';
}

/**
 * Classifies an IP address literal as `public`, `loopback` or `blocked` (private, link-local, CGNAT,
 * multicast, documentation, reserved, and IPv6 forms that embed or translate IPv4). Anything that is not
 * a valid address is `blocked`.
 *
 * @example
 * ```ts
 * classifyAddress('169.254.169.254') // 'blocked'
 * classifyAddress('::ffff:127.0.0.1') // 'loopback'
 * ```
 */
export function classifyAddress(address: string): AddressClass {
  const family = isIP(address);
  if (family === 4) return classifyIpv4(ipv4ToInt(address));
  if (family === 6) {
    const bytes = parseIpv6(address);
    return bytes ? classifyIpv6(bytes) : 'blocked';
  }
  return 'blocked';
}
