// Numeric IP addresses as bytes: parsing, ordering (address order, not string order), CIDR membership and
// the loopback/unspecified tests netstat's conventions need. No DNS, no node: imports.

export interface ParsedIp {
  family: 4 | 6;
  /** 4 or 16 bytes, network order. */
  bytes: Uint8Array;
}

/** Dotted IPv4, four decimal parts of one to three digits each, at most 255. A scanner of char codes, no
 *  split or regex: a first sort by an address column parses every distinct address of 50,000 rows. */
export function parseIpv4(s: string): Uint8Array | null {
  const out = new Uint8Array(4);
  let part = 0;
  let n = 0;
  let digits = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (digits === 0 || n > 255 || part === 4) return null;
      out[part++] = n;
      n = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39 && digits < 3) {
      n = n * 10 + c - 0x30;
      digits++;
    } else return null;
  }
  return part === 4 ? out : null;
}

/** An address without its `%zone` (`fe80::1%eth0` -> `fe80::1`); an indexOf, never a backtracking regex. */
export function withoutZone(address: string): string {
  const zone = address.indexOf('%');
  return zone < 0 ? address : address.slice(0, zone);
}

/** The value of the hex digits in s[from, to), one to four of them, or -1. */
function hexGroup(s: string, from: number, to: number): number {
  if (to <= from || to - from > 4) return -1;
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    const d =
      c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
    if (d < 0) return -1;
    n = n * 16 + d;
  }
  return n;
}

/** The colon-separated groups of s[from, to) (none when empty), or null if one is not 1-4 hex digits. */
function hexGroups(s: string, from: number, to: number): number[] | null {
  const out: number[] = [];
  if (from === to) return out;
  let start = from;
  for (let i = from; i <= to; i++) {
    if (i < to && s.charCodeAt(i) !== 0x3a) continue;
    const g = hexGroup(s, start, i);
    if (g < 0) return null;
    out.push(g);
    start = i + 1;
  }
  return out;
}

/** IPv6 text: eight groups, or fewer around one `::`, an IPv4 tail allowed, a zone and brackets ignored. A
 *  scanner of char codes like parseIpv4. */
export function parseIpv6(input: string): Uint8Array | null {
  let s = withoutZone(input);
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  if (!s.includes(':')) return null;
  const out = new Uint8Array(16);
  // An embedded IPv4 tail (::ffff:10.0.2.15) counts as two groups.
  let tail: Uint8Array | null = null;
  const lastColon = s.lastIndexOf(':');
  if (s.indexOf('.', lastColon + 1) >= 0) {
    tail = parseIpv4(s.slice(lastColon + 1));
    if (!tail) return null;
    s = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const gap = s.indexOf('::');
  if (gap >= 0 && s.indexOf('::', gap + 2) >= 0) return null;
  const head = hexGroups(s, 0, gap < 0 ? s.length : gap);
  const rest = gap < 0 ? [] : hexGroups(s, gap + 2, s.length);
  if (!head || !rest) return null;
  if (gap < 0 ? head.length !== 8 : head.length + rest.length > 7) return null;
  // The head from the first group, the rest up to the last; the groups :: stands for stay 0.
  const put = (g: number, i: number) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  };
  head.forEach(put);
  rest.forEach((g, i) => {
    put(g, 8 - rest.length + i);
  });
  if (tail) out.set(tail, 12);
  return out;
}

export function parseIp(s: string): ParsedIp | null {
  const v4 = parseIpv4(s);
  if (v4) return { family: 4, bytes: v4 };
  const v6 = parseIpv6(s);
  return v6 ? { family: 6, bytes: v6 } : null;
}

/** Address order: IPv4 before IPv6, then byte by byte; unparseable strings last, in string order. */
export function compareAddresses(a: string, b: string): number {
  if (a === b) return 0;
  const pa = parseIp(a);
  const pb = parseIp(b);
  if (!pa || !pb) {
    if (pa) return -1;
    if (pb) return 1;
    return a < b ? -1 : 1;
  }
  if (pa.family !== pb.family) return pa.family - pb.family;
  for (let i = 0; i < pa.bytes.length; i++) {
    const d = pa.bytes[i]! - pb.bytes[i]!;
    if (d !== 0) return d;
  }
  return 0;
}

export interface Cidr {
  family: 4 | 6;
  bytes: Uint8Array;
  prefix: number;
}

export function parseCidr(s: string): Cidr | null {
  const slash = s.indexOf('/');
  const ip = parseIp(slash >= 0 ? s.slice(0, slash) : s);
  if (!ip) return null;
  const max = ip.family === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const p = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return null;
    prefix = Number(p);
    if (prefix > max) return null;
  }
  return { family: ip.family, bytes: ip.bytes, prefix };
}

function prefixMatches(bytes: Uint8Array, net: Uint8Array, prefix: number): boolean {
  let bits = prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i]! & mask) !== (net[i]! & mask)) return false;
  }
  return true;
}

/** Whether an address (parsed: parseIp) is in a network; a filter testing one address against a list of networks
 *  parses it once. */
export function ipInCidr(ip: ParsedIp, cidr: Cidr): boolean {
  if (ip.family === cidr.family) return prefixMatches(ip.bytes, cidr.bytes, cidr.prefix);
  // An IPv4-mapped IPv6 address belongs to the IPv4 network it maps.
  if (ip.family === 6 && cidr.family === 4 && isV4Mapped(ip.bytes))
    return prefixMatches(ip.bytes.subarray(12), cidr.bytes, cidr.prefix);
  return false;
}

/** Whether 16 address bytes are an IPv4-mapped IPv6 address (::ffff:10.0.2.15). */
export function isV4Mapped(b: Uint8Array): boolean {
  if (b.length !== 16) return false;
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** Four address bytes from `at` as an unsigned 32-bit number. */
export function ipv4Number(b: Uint8Array, at = 0): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

/** An IPv4-mapped IPv6 address as written (::ffff:127.0.0.1) as the IPv4 address it maps; any other as it is. */
export function unmappedV4(address: string): string {
  return address.length > 7 && address.slice(0, 7).toLowerCase() === '::ffff:' && address.includes('.')
    ? address.slice(7)
    : address;
}

export function isLoopback(address: string): boolean {
  const ip = parseIp(address);
  if (!ip) return false;
  if (ip.family === 4) return ip.bytes[0] === 127;
  if (isV4Mapped(ip.bytes)) return ip.bytes[12] === 127;
  return ip.bytes.every((b, i) => (i === 15 ? b === 1 : b === 0));
}

/** 0.0.0.0, ::, any other spelling of them (0:0::0, [::], ::ffff:0.0.0.0), and the `*` or empty text that tools
 *  print instead: what a listening or unconnected socket shows, and a wildcard bind. The one definition that
 *  collectors, actions, hosts, filters and the UI use. */
export function isUnspecified(address: string): boolean {
  if (address === '' || address === '*' || address === '0.0.0.0' || address === '::') return true;
  // Any other spelling of an unspecified address starts with 0, a colon or a bracket: skip the parse for the
  // rest (this runs once per connection per tick in the names collector).
  const c = address.charCodeAt(0);
  if (c !== 0x30 && c !== 0x3a && c !== 0x5b) return false;
  const ip = parseIp(address);
  if (!ip) return false;
  const from = ip.family === 6 && isV4Mapped(ip.bytes) ? 12 : 0;
  return ip.bytes.every((b, i) => i < from || b === 0);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Sort keys of addresses seen lately: tables repeat a few addresses over and over (a sort of 50,000
 *  connections parses each distinct address once). Cleared when it grows past its cap. */
const sortKeys = new Map<string, string>();
const SORT_KEY_CACHE_MAX = 65_536;

/** A string that sorts in address order (IPv4 before IPv6, then numerically), for precomputed sort keys;
 *  strings that are not addresses sort after all addresses, in string order. */
export function addressSortKey(address: string): string {
  let key = sortKeys.get(address);
  if (key !== undefined) return key;
  const ip = parseIp(address);
  if (!ip) key = `9${address}`;
  else {
    key = ip.family === 4 ? '4' : '6';
    for (const b of ip.bytes) key += HEX[b];
  }
  if (sortKeys.size >= SORT_KEY_CACHE_MAX) sortKeys.clear();
  sortKeys.set(address, key);
  return key;
}

/** An address and port as one text, an IPv6 address in brackets (`[::1]:443`, `10.0.0.2:443`), as ss prints them
 *  and URLs write them. */
export function hostPort(address: string, port: number | string): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}
