import { describe, expect, it } from 'vitest';
import { addressSortKey, compareAddresses, inCidr, isLoopback, isUnspecified, parseCidr, parseIp } from './address.js';

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
