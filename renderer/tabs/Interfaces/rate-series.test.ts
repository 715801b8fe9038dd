import { describe, expect, it } from 'vitest';
import type { InterfaceCounters, NetInterface } from '../../../shared/types.js';
import { busiestInterface, RateRings } from './rate-series.js';

function iface(name: string, fields: Partial<NetInterface> = {}, bytes = 0): NetInterface {
  const counters = { rxBytes: bytes, txBytes: 0 } as InterfaceCounters;
  return {
    id: name,
    name,
    index: 1,
    operState: 'up',
    carrier: true,
    mtu: 1500,
    mac: null,
    speedMbps: null,
    duplex: null,
    type: 'ether',
    flags: ['UP'],
    addresses: [],
    counters,
    rates: null,
    ...fields,
  };
}
const rates = (rx: number) => ({ rxBytesPerSec: rx, txBytesPerSec: 0, rxPacketsPerSec: 0, txPacketsPerSec: 0 });

describe('RateRings', () => {
  it('feeds once per tick, keeps the last samples, forgets interfaces that went away', () => {
    const rings = new RateRings(3);
    for (let t = 1; t <= 4; t++) rings.feed(t, [iface('eth0', { rates: rates(t * 10) }), iface('wl0')]);
    rings.feed(4, [iface('eth0', { rates: rates(999) })]);
    expect(rings.get('eth0')).toEqual({ t: [2, 3, 4], rx: [20, 30, 40], tx: [0, 0, 0] });
    // No rates yet: no ring, but still present.
    expect(rings.get('wl0').t).toEqual([]);
    rings.feed(5, [iface('wl0')]);
    expect(rings.get('eth0').t).toEqual([]);
  });
  it('is seeded from history, keeping live samples newer than it, and knows when it is stale', () => {
    const rings = new RateRings(4);
    rings.feed(50, [iface('eth0', { rates: rates(5) })]);
    rings.seed('eth0', [
      { t: 10, rx: 1, tx: 1 },
      { t: 20, rx: 2, tx: 2 },
    ]);
    expect(rings.get('eth0').t).toEqual([10, 20, 50]);
    expect(rings.staleAfter('eth0', 60, 15)).toBe(false);
    expect(rings.staleAfter('eth0', 70, 15)).toBe(true);
    expect(rings.staleAfter('none', 0, 15)).toBe(true);
  });
});

describe('busiestInterface', () => {
  it('prefers traffic now, then bytes so far, never loopback unless alone', () => {
    const lo = iface('lo', { type: 'loopback', flags: ['UP', 'LOOPBACK'], rates: rates(1e9) });
    const idle = iface('eth1', {}, 5e9);
    const busy = iface('eth0', { rates: rates(10) });
    expect(busiestInterface([lo, idle, busy])?.id).toBe('eth0');
    expect(busiestInterface([lo, idle])?.id).toBe('eth1');
    expect(busiestInterface([lo])?.id).toBe('lo');
    expect(busiestInterface([])).toBeNull();
  });
});
