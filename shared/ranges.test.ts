import { describe, expect, it } from 'vitest';
import { rangeLabel } from './ranges.js';

describe('rangeLabel', () => {
  it('labels special IPv4 ranges and leaves public addresses alone', () => {
    const cases: [string, string | null][] = [
      ['127.0.0.1', 'loopback'],
      ['127.255.0.9', 'loopback'],
      ['10.1.2.3', 'LAN'],
      ['172.16.0.1', 'LAN'],
      ['172.31.255.255', 'LAN'],
      ['172.32.0.1', null],
      ['192.168.1.10', 'LAN'],
      ['169.254.3.4', 'link-local'],
      ['100.64.0.1', 'CGNAT'],
      ['100.127.255.254', 'CGNAT'],
      ['100.128.0.1', null],
      ['224.0.0.251', 'multicast'],
      ['239.255.255.250', 'multicast'],
      ['192.0.2.7', 'documentation'],
      ['198.51.100.1', 'documentation'],
      ['203.0.113.200', 'documentation'],
      ['255.255.255.255', 'broadcast'],
      ['0.0.0.0', 'reserved'],
      ['198.18.0.1', 'reserved'],
      ['8.8.8.8', null],
      ['1.1.1.1', null],
    ];
    for (const [a, label] of cases) expect(rangeLabel(a), a).toBe(label);
  });

  it('labels special IPv6 ranges, and IPv4-mapped addresses as their IPv4 address', () => {
    const cases: [string, string | null][] = [
      ['::1', 'loopback'],
      ['::', 'reserved'],
      ['fe80::1%eth0', 'link-local'],
      ['fd12:3456::1', 'LAN'],
      ['ff02::fb', 'multicast'],
      ['2001:db8::1', 'documentation'],
      ['::ffff:127.0.0.1', 'loopback'],
      ['::ffff:192.168.0.1', 'LAN'],
      ['::ffff:8.8.8.8', null],
      ['2001:4860:4860::8888', null],
      ['not an address', null],
    ];
    for (const [a, label] of cases) expect(rangeLabel(a), a).toBe(label);
  });
});
