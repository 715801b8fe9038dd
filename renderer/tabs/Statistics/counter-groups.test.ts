import { describe, expect, it } from 'vitest';
import type { Counter } from '../../../shared/types.js';
import {
  ALARM_MS,
  compareGroups,
  CounterWatch,
  counterMatches,
  deriveRows,
  extendBaseline,
  takeBaseline,
} from './counter-groups.js';

function counter(group: string, name: string, value: number, fields: Partial<Counter> = {}): Counter {
  return { id: `${group}.${name}`, group, name, value, description: null, kind: 'counter', isError: false, ...fields };
}

describe('counter groups', () => {
  it('orders sections as netstat does, unknown ones after them by name', () => {
    expect(['Zeta', 'Udp', 'Alpha', 'Ip', 'Tcp'].sort(compareGroups)).toEqual(['Ip', 'Tcp', 'Udp', 'Alpha', 'Zeta']);
  });
  it('matches the name, the section, its title or the description, in any case', () => {
    const c = counter('Tcp', 'RetransSegs', 1, { description: 'segments retransmitted' });
    expect(counterMatches(c, 'retrans')).toBe(true);
    expect(counterMatches(c, 'tcp')).toBe(true);
    expect(counterMatches(c, 'SEGMENTS RE')).toBe(true);
    expect(counterMatches(c, 'udp')).toBe(false);
    expect(counterMatches(c, '')).toBe(true);
  });
  it('deltas count from the baseline, counters that appeared later from where they appeared, gauges have none', () => {
    const base = takeBaseline([counter('Tcp', 'InSegs', 10)], 0);
    extendBaseline(base, [counter('Tcp', 'InSegs', 50), counter('TcpExt', 'New', 7)]);
    const rows = deriveRows(
      [counter('Tcp', 'InSegs', 15), counter('TcpExt', 'New', 9), counter('Sockets', 'inuse', 3, { kind: 'gauge' })],
      null,
      base,
      0,
    );
    expect(rows.map((r) => r.delta)).toEqual([5, 2, null]);
    // A capture: no baseline, no deltas.
    expect(deriveRows([counter('Tcp', 'InSegs', 15)], null, null, 0)[0]!.delta).toBeNull();
  });
  it('marks what moved since the last tick, and an error counter that rose, for a while', () => {
    const watch = new CounterWatch();
    const errs = (v: number) => counter('Udp', 'NoPorts', v, { isError: true });
    watch.observe(1000, [errs(1), counter('Tcp', 'InSegs', 5)]);
    expect(watch.moved('Udp.NoPorts')).toBe(false);
    watch.observe(2000, [errs(2), counter('Tcp', 'InSegs', 5)]);
    watch.observe(2000, [errs(9), counter('Tcp', 'InSegs', 6)]);
    expect(watch.moved('Udp.NoPorts')).toBe(true);
    expect(watch.moved('Tcp.InSegs')).toBe(false);
    expect(watch.alarm('Udp.NoPorts', 2000 + ALARM_MS)).toBe(true);
    expect(watch.alarm('Udp.NoPorts', 2001 + ALARM_MS)).toBe(false);
  });
});
