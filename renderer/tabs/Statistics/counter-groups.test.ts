import { describe, expect, it } from 'vitest';
import type { Counter } from '../../../shared/types.js';
import {
  ALARM_MS,
  compareGroups,
  CounterWatch,
  counterMatches,
  extendBaseline,
  RowDeriver,
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
    const rows = new RowDeriver().derive(
      [counter('Tcp', 'InSegs', 15), counter('TcpExt', 'New', 9), counter('Sockets', 'inuse', 3, { kind: 'gauge' })],
      null,
      base,
      0,
    );
    expect(rows.map((r) => r.delta)).toEqual([5, 2, null]);
    // A capture: no baseline, no deltas.
    expect(new RowDeriver().derive([counter('Tcp', 'InSegs', 15)], null, null, 0)[0]!.delta).toBeNull();
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
  it('keeps the row objects, and the list, of counters that did not change from one tick to the next', () => {
    const deriver = new RowDeriver();
    const watch = new CounterWatch();
    const base = takeBaseline([counter('Tcp', 'InSegs', 10), counter('Udp', 'InDatagrams', 3)], 0);
    const t1 = [counter('Tcp', 'InSegs', 10), counter('Udp', 'InDatagrams', 3), counter('Ip', 'Forwarding', 1)];
    watch.observe(1000, t1);
    const first = deriver.derive(t1, watch, base, 1000);
    // The same counter objects: the same list.
    watch.observe(2000, t1);
    expect(deriver.derive(t1, watch, base, 2000)).toBe(first);
    // One counter moved (the table gives it a new object): it alone gets a new row, with its delta.
    const t3 = [counter('Tcp', 'InSegs', 14), t1[1]!, t1[2]!];
    watch.observe(3000, t3);
    const third = deriver.derive(t3, watch, base, 3000);
    expect(third).not.toBe(first);
    expect(third[0]).not.toBe(first[0]);
    expect(third[0]).toMatchObject({ value: 14, delta: 4, moved: true });
    expect(third.slice(1)).toEqual(first.slice(1));
    expect(third[1]).toBe(first[1]);
    expect(third[2]).toBe(first[2]);
    // The next tick it did not move: a new row that says so; a new object saying the same keeps its row.
    const t4 = [t3[0]!, counter('Udp', 'InDatagrams', 3), t1[2]!];
    watch.observe(4000, t4);
    const fourth = deriver.derive(t4, watch, base, 4000);
    expect(fourth[0]).toMatchObject({ value: 14, moved: false });
    expect(fourth[1]).toBe(first[1]);
    // A counter that went away is forgotten: coming back, it is a new row.
    const t5 = [t4[0]!, t4[1]!];
    expect(deriver.derive(t5, watch, base, 5000)).toEqual([fourth[0], fourth[1]]);
    expect(deriver.derive([...t5, counter('Ip', 'Forwarding', 1)], watch, base, 6000)[2]).not.toBe(first[2]);
  });
});
