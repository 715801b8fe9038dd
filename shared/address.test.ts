import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addressSortKey,
  compareAddresses,
  ipInCidr,
  isLoopback,
  isUnspecified,
  parseCidr,
  parseIp,
  type Cidr,
} from './address.js';

const inCidr = (address: string, cidr: Cidr) => ipInCidr(parseIp(address)!, cidr);

describe('parseIp', () => {
  it('reads IPv4, IPv6, compressed forms, zones and IPv4-mapped tails', () => {
    expect(Array.from(parseIp('10.0.2.15')!.bytes)).toEqual([10, 0, 2, 15]);
    expect(parseIp('::1')!.bytes[15]).toBe(1);
    expect(parseIp('fe80::1%eth0')!.family).toBe(6);
    expect(Array.from(parseIp('::ffff:10.0.2.15')!.bytes.subarray(10))).toEqual([0xff, 0xff, 10, 0, 2, 15]);
    expect(parseIp('2001:db8:0:0:0:0:0:1')).toEqual(parseIp('2001:db8::1'));
  });
  it('rejects what is not an address', () => {
    for (const bad of [
      '',
      '1.2.3',
      '1.2.3.256',
      'a.b.c.d',
      '1::2::3',
      '12345::',
      ':::',
      '1:2:3:4:5:6:7:8:9',
      'localhost',
    ]) {
      expect(parseIp(bad), bad).toBeNull();
    }
  });
});

describe('compareAddresses', () => {
  it('orders numerically, IPv4 before IPv6', () => {
    const sorted = ['10.0.0.10', '::1', '10.0.0.9', '9.255.255.255', 'fe80::1', '127.0.0.1'].sort(compareAddresses);
    expect(sorted).toEqual(['9.255.255.255', '10.0.0.9', '10.0.0.10', '127.0.0.1', '::1', 'fe80::1']);
  });
});

describe('CIDR and classes', () => {
  it('matches networks, including IPv4-mapped IPv6 in an IPv4 network', () => {
    const net = parseCidr('10.0.0.0/8')!;
    expect(inCidr('10.200.3.4', net)).toBe(true);
    expect(inCidr('11.0.0.1', net)).toBe(false);
    expect(inCidr('::ffff:10.1.2.3', net)).toBe(true);
    expect(inCidr('fe80::abcd', parseCidr('fe80::/10')!)).toBe(true);
    expect(inCidr('fec0::1', parseCidr('fe80::/10')!)).toBe(false);
    expect(parseCidr('10.0.0.0/33')).toBeNull();
  });
  it('knows loopback and unspecified addresses', () => {
    expect(isLoopback('127.1.2.3')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopback('10.0.0.1')).toBe(false);
    expect(isUnspecified('0.0.0.0')).toBe(true);
    expect(isUnspecified('::')).toBe(true);
    expect(isUnspecified('::1')).toBe(false);
  });
  it('is the one definition: every spelling of the unspecified address, and what tools print for it', () => {
    for (const a of ['', '*', '0:0:0:0:0:0:0:0', '[::]', '::ffff:0.0.0.0', '::0', '0::0'])
      expect(isUnspecified(a), a).toBe(true);
    for (const a of ['0.0.0.1', '::ffff:0.0.0.1', '::ffff:10.0.0.1', '0a::', 'fe80::', 'localhost', '0'])
      expect(isUnspecified(a), a).toBe(false);
  });
});

describe('addressSortKey', () => {
  it('sorts as compareAddresses does', () => {
    const xs = [
      '10.0.0.10',
      '::1',
      '10.0.0.9',
      '9.255.255.255',
      'fe80::1',
      '127.0.0.1',
      '/run/x.sock',
      '::ffff:1.2.3.4',
    ];
    const byKey = [...xs].sort((a, b) => (addressSortKey(a) < addressSortKey(b) ? -1 : 1));
    expect(byKey).toEqual([...xs].sort(compareAddresses));
  });
});

/** The parsers as they were written first (split and regexes): the scanners must agree with them. */
function referenceIpv4(s: string): number[] | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    out.push(Number(p));
  }
  return out;
}

function referenceIp(input: string): number[] | null {
  const v4 = referenceIpv4(input);
  if (v4) return v4;
  let s = input.includes('%') ? input.slice(0, input.indexOf('%')) : input;
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  if (!s.includes(':')) return null;
  let tail: number[] | null = null;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    tail = referenceIpv4(s.slice(lastColon + 1));
    if (!tail) return null;
    s = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  if (![...head, ...rest].every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return null;
  if (halves.length === 1 && head.length !== 8) return null;
  if (halves.length === 2 && head.length + rest.length > 7) return null;
  const all = [...head, ...new Array<string>(8 - head.length - rest.length).fill('0'), ...rest].map((g) =>
    Number.parseInt(g, 16),
  );
  const out = all.flatMap((g) => [g >> 8, g & 0xff]);
  if (tail) out.splice(12, 4, ...tail);
  return out;
}

describe('parseIp against the first parsers', () => {
  it('agrees on random text made of address characters', () => {
    const chars = fc.constantFrom(...'0123456789abcdefABCDEFg.:%[]'.split(''));
    const text = fc.oneof(
      fc.array(chars, { maxLength: 45 }).map((c) => c.join('')),
      // Near-addresses: real ones with a character changed, dropped or doubled.
      fc
        .tuple(fc.oneof(fc.ipV4(), fc.ipV6()), fc.nat(), chars, fc.constantFrom('replace', 'drop', 'double', 'keep'))
        .map(([a, at, c, how]) => {
          const i = at % (a.length + 1);
          if (how === 'replace') return a.slice(0, i) + c + a.slice(i + 1);
          if (how === 'drop') return a.slice(0, i) + a.slice(i + 1);
          if (how === 'double') return a.slice(0, i) + a.slice(i, i + 1) + a.slice(i);
          return a;
        }),
    );
    fc.assert(
      fc.property(text, (s) => {
        const got = parseIp(s);
        expect(got ? Array.from(got.bytes) : null, s).toEqual(referenceIp(s));
      }),
      { numRuns: 20_000 },
    );
    for (const s of [
      '010.0.0.1',
      '0010.0.0.1',
      '1.2.3.256',
      '1.2.3.4.',
      '::00001',
      '1::2::3',
      ':::',
      '::1.2.3.4',
      '1:2:3:4:5:6:7::',
    ])
      expect(parseIp(s) ? Array.from(parseIp(s)!.bytes) : null, s).toEqual(referenceIp(s));
  });
});
