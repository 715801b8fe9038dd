// Addresses that belong to no country: loopback, private (LAN), link-local, carrier-grade NAT, multicast,
// documentation and reserved ranges (RFC 6890 and the IANA special-purpose registries). They are labelled
// as such instead of being looked up in the places database. Pure: no DNS, no node: imports.
import { ipv4Number, isV4Mapped, parseIp } from './address.js';

export type RangeLabel =
  | 'loopback'
  | 'LAN'
  | 'link-local'
  | 'CGNAT'
  | 'multicast'
  | 'documentation'
  | 'reserved'
  | 'broadcast';

export const RANGE_LABELS: readonly RangeLabel[] = [
  'loopback',
  'LAN',
  'link-local',
  'CGNAT',
  'multicast',
  'documentation',
  'reserved',
  'broadcast',
];

type V4Range = [first: number, prefix: number, label: RangeLabel];

// Most specific first where ranges nest (none do today, but the order keeps it obvious).
const V4: V4Range[] = [
  [0x7f000000, 8, 'loopback'], // 127.0.0.0/8
  [0x0a000000, 8, 'LAN'], // 10.0.0.0/8
  [0xac100000, 12, 'LAN'], // 172.16.0.0/12
  [0xc0a80000, 16, 'LAN'], // 192.168.0.0/16
  [0xa9fe0000, 16, 'link-local'], // 169.254.0.0/16
  [0x64400000, 10, 'CGNAT'], // 100.64.0.0/10
  [0xe0000000, 4, 'multicast'], // 224.0.0.0/4
  [0xc0000200, 24, 'documentation'], // 192.0.2.0/24 TEST-NET-1
  [0xc6336400, 24, 'documentation'], // 198.51.100.0/24 TEST-NET-2
  [0xcb007100, 24, 'documentation'], // 203.0.113.0/24 TEST-NET-3
  [0xffffffff, 32, 'broadcast'], // 255.255.255.255
  [0x00000000, 8, 'reserved'], // 0.0.0.0/8 "this network"
  [0xc0000000, 24, 'reserved'], // 192.0.0.0/24 IETF protocol assignments
  [0xc6120000, 15, 'reserved'], // 198.18.0.0/15 benchmarking
  [0xf0000000, 4, 'reserved'], // 240.0.0.0/4
];

function v4Label(n: number): RangeLabel | null {
  for (const [first, prefix, label] of V4) {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    if ((n & mask) >>> 0 === first) return label;
  }
  return null;
}

function v6Label(b: Uint8Array): RangeLabel | null {
  const zeroUpTo = (n: number) => b.subarray(0, n).every((x) => x === 0);
  if (zeroUpTo(15)) return b[15] === 1 ? 'loopback' : 'reserved'; // ::1, and :: (unspecified)
  if (b[0] === 0xff) return 'multicast'; // ff00::/8
  if (b[0] === 0xfe && (b[1]! & 0xc0) === 0x80) return 'link-local'; // fe80::/10
  if ((b[0]! & 0xfe) === 0xfc) return 'LAN'; // fc00::/7 unique local
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0x0d && b[3] === 0xb8) return 'documentation'; // 2001:db8::/32
  if (b[0] === 0x3f && b[1] === 0xff && (b[2]! & 0xf0) === 0) return 'documentation'; // 3fff::/20
  if ((b[0]! & 0xe0) !== 0x20) return 'reserved'; // outside 2000::/3, the global unicast space
  return null;
}

/** The special range an address belongs to, or null for a public address (or a string that is no address). */
export function rangeLabel(address: string): RangeLabel | null {
  const ip = parseIp(address);
  if (!ip) return null;
  const b = ip.bytes;
  if (ip.family === 4) return v4Label(ipv4Number(b));
  // An IPv4-mapped address (::ffff:10.0.2.15) is the IPv4 address it maps.
  if (isV4Mapped(b)) return v4Label(ipv4Number(b, 12));
  return v6Label(b);
}
