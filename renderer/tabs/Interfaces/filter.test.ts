import { describe, expect, it } from 'vitest';
import type { NetInterface } from '../../../shared/types.js';
import { captureInterfaceColumns, liveInterfaceColumns } from './columns.js';
import { interfaceFilter } from './filter.js';

const iface = (name: string, more: Partial<NetInterface> = {}): NetInterface =>
  ({
    id: name,
    name,
    operState: 'up',
    mtu: 1500,
    mac: '02:42:ac:11:00:02',
    speedMbps: 10000,
    duplex: 'full',
    type: 'ether',
    flags: ['UP', 'BROADCAST', 'RUNNING', 'MULTICAST'],
    addresses: [{ family: 'inet', address: '192.168.7.2', prefixLength: 24 }],
    counters: { rxBytes: 4242, txBytes: 17 },
    rates: { rxBytesPerSec: 375, txBytesPerSec: 375 },
    ...more,
  }) as unknown as NetInterface;

const rows = [
  iface('eth0'),
  iface('veth1a2b', { mac: '9e:1f:00:00:00:01', addresses: [] }),
  iface('wlan0', { operState: 'down', addresses: [] }),
  iface('lo', {
    operState: 'unknown',
    mac: '00:00:00:00:00:00',
    addresses: [{ family: 'inet', address: '127.0.0.1', prefixLength: 8 }],
  } as Partial<NetInterface>),
];
const shown = (query: string, hideDown = false, columns = liveInterfaceColumns) =>
  rows.filter(interfaceFilter(columns, query, hideDown)).map((r) => r.name);

describe("the Interfaces tab's filter", () => {
  it('matches the name, the state, an address, the MAC, any case', () => {
    expect(shown('')).toEqual(['eth0', 'veth1a2b', 'wlan0', 'lo']);
    expect(shown('VETH')).toEqual(['veth1a2b']);
    expect(shown('down')).toEqual(['wlan0']);
    expect(shown('192.168.')).toEqual(['eth0']);
    expect(shown('127.0')).toEqual(['lo']);
    expect(shown('9e:1f')).toEqual(['veth1a2b']);
    expect(shown('  eth0 ')).toEqual(['eth0']);
  });

  it('matches columns hidden by default (flags, type) but not the rates and counters, which move', () => {
    expect(shown('BROADCAST')).toHaveLength(4);
    expect(shown('ether')).toHaveLength(4);
    expect(shown('375')).toEqual([]);
    expect(shown('4242')).toEqual([]);
    expect(shown('4242', false, captureInterfaceColumns)).toEqual([]);
  });

  it('hides the interfaces that are down with Hide down, with or without text', () => {
    expect(shown('', true)).toEqual(['eth0', 'veth1a2b', 'lo']);
    expect(shown('0', true)).toEqual(['eth0', 'veth1a2b', 'lo']);
    expect(shown('wlan', true)).toEqual([]);
    const other = [
      iface('a', { operState: 'lowerlayerdown' }),
      iface('b', { operState: 'notpresent' }),
      iface('c', { operState: 'dormant' }),
    ];
    expect(other.filter(interfaceFilter(liveInterfaceColumns, '', true)).map((r) => r.name)).toEqual(['c']);
  });

  it('matches a name as the grid shows it, a control or bidi character as its escape', () => {
    const odd = iface('ev\u202eil0');
    const f = interfaceFilter(liveInterfaceColumns, '\\u202e', false);
    expect(f(odd)).toBe(true);
    expect(f(rows[0]!)).toBe(false);
    expect(interfaceFilter(liveInterfaceColumns, 'ev\u202eil', false)(odd)).toBe(true);
  });
});
