// Decoding of the hex addresses in /proc/net files. Two byte orders meet here: tcp/udp/raw, route and igmp
// print each 32-bit word in host order, while ipv6_route, if_inet6 and igmp6 print plain network order.
import os from 'node:os';

export const HOST_LITTLE_ENDIAN = os.endianness() === 'LE';

/** Value of one hex digit, or -1. */
export function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** Parses text[start, end) as unsigned hex; -1 when empty, too long for a safe integer or not hex. */
export function parseHexRange(text: string, start: number, end: number): number {
  if (end <= start || end - start > 13) return -1;
  let v = 0;
  for (let i = start; i < end; i++) {
    const d = hexDigit(text.charCodeAt(i));
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

/** Parses text[start, end) as an unsigned decimal; -1 when empty or not a number. */
export function parseDecRange(text: string, start: number, end: number): number {
  if (end <= start || end - start > 15) return -1;
  let v = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

function swap32(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
}

function ipv4FromNetworkWord(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}.${v & 0xff}`;
}

// Many sockets share a handful of local addresses; caching the strings keeps a 20k-socket tick from
// formatting the same address 20k times. Bounded so a scan of many remote peers cannot grow it forever.
const CACHE_LIMIT = 8192;
const v4Cache = new Map<number, string>();
const v6Cache = new Map<string, string>();

/** An IPv4 address printed as one %08X word in host byte order (tcp, udp, raw, route, igmp). */
export function decodeHostOrderIPv4(text: string, start: number, littleEndian = HOST_LITTLE_ENDIAN): string | null {
  const word = parseHexRange(text, start, start + 8);
  if (word < 0) return null;
  const network = littleEndian ? swap32(word) : word;
  let s = v4Cache.get(network);
  if (s === undefined) {
    if (v4Cache.size >= CACHE_LIMIT) v4Cache.clear();
    s = ipv4FromNetworkWord(network);
    v4Cache.set(network, s);
  }
  return s;
}

/** IPv6 as four 32-bit words, each in host order (tcp6, udp6, raw6). */
export function decodeHostWordsIPv6(text: string, start: number, littleEndian = HOST_LITTLE_ENDIAN): string | null {
  const key = text.slice(start, start + 32);
  const cacheKey = littleEndian ? key : `B${key}`;
  const hit = v6Cache.get(cacheKey);
  if (hit !== undefined) return hit;
  const groups: number[] = [];
  for (let w = 0; w < 4; w++) {
    const word = parseHexRange(text, start + w * 8, start + w * 8 + 8);
    if (word < 0) return null;
    const net = littleEndian ? swap32(word) : word;
    groups.push(net >>> 16, net & 0xffff);
  }
  const s = formatIPv6(groups);
  if (v6Cache.size >= CACHE_LIMIT) v6Cache.clear();
  v6Cache.set(cacheKey, s);
  return s;
}

/** IPv6 as 32 hex digits in network order (ipv6_route, if_inet6, igmp6). */
export function decodeNetworkIPv6(hex: string): string | null {
  if (hex.length !== 32) return null;
  const groups: number[] = [];
  for (let g = 0; g < 8; g++) {
    const v = parseHexRange(hex, g * 4, g * 4 + 4);
    if (v < 0) return null;
    groups.push(v);
  }
  return formatIPv6(groups);
}

/** RFC 5952 text: lowercase, longest run of two or more zero groups as '::', IPv4-mapped as ::ffff:a.b.c.d. */
export function formatIPv6(groups: readonly number[]): string {
  const g = (i: number) => groups[i] ?? 0;
  if (g(0) === 0 && g(1) === 0 && g(2) === 0 && g(3) === 0 && g(4) === 0 && g(5) === 0xffff) {
    return `::ffff:${g(6) >>> 8}.${g(6) & 0xff}.${g(7) >>> 8}.${g(7) & 0xff}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g(i) !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g(j) === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (i: number) => g(i).toString(16);
  if (bestStart < 0) return Array.from({ length: 8 }, (_, i) => hex(i)).join(':');
  const head = Array.from({ length: bestStart }, (_, i) => hex(i)).join(':');
  const tail = Array.from({ length: 8 - bestStart - bestLen }, (_, i) => hex(bestStart + bestLen + i)).join(':');
  return `${head}::${tail}`;
}

/** Number of leading one bits of a netmask in network order, or null when the mask is not contiguous. */
export function prefixFromMask(networkOrderMask: number): number | null {
  let bits = 0;
  let m = networkOrderMask >>> 0;
  while (m & 0x80000000) {
    bits++;
    m = (m << 1) >>> 0;
  }
  return m === 0 ? bits : null;
}

export function hostOrderWordToIPv4(word: number, littleEndian = HOST_LITTLE_ENDIAN): string {
  return ipv4FromNetworkWord(littleEndian ? swap32(word) : word);
}

export function hostOrderWordToNetwork(word: number, littleEndian = HOST_LITTLE_ENDIAN): number {
  return littleEndian ? swap32(word) : word;
}
