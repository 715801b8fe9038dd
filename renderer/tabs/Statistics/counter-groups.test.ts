import { describe, expect, it } from 'vitest';
import type { Counter } from '../../../shared/types.js';
import {
  ALARM_MS,
  compareGroups,
  CounterFigures,
  CounterWatch,
  counterMatches,
  extendBaseline,
  FactRows,
  RowDeriver,
  takeBaseline,
  type StatRow,
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
  it("compares no readings further apart than 3 refresh intervals: a page's first, a pause", () => {
    const watch = new CounterWatch();
    const errs = (v: number) => counter('Tcp', 'OutRsts', v, { isError: true });
    // The host's last reading, made 10 minutes before this page showed the counters, then a fresh one.
    watch.observe(1000, [errs(5)], 1000);
    watch.observe(601_000, [errs(40)], 1000);
    // On main: highlighted as rising, while the figures (from the baseline the fresh reading makes) said 0.
    expect(watch.alarm('Tcp.OutRsts', 601_000)).toBe(false);
    expect(watch.moved('Tcp.OutRsts')).toBe(false);
    // The next reading, one interval on, is compared; one late tick skipped (2 intervals) too.
    watch.observe(602_000, [errs(41)], 1000);
    expect(watch.alarm('Tcp.OutRsts', 602_000)).toBe(true);
    watch.observe(604_000, [errs(41)], 1000);
    expect(watch.moved('Tcp.OutRsts')).toBe(false);
    watch.observe(606_000, [errs(42)], 1000);
    expect(watch.moved('Tcp.OutRsts')).toBe(true);
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
  it("keeps a grid's row while only its figures change, not when their shape or a fact changes", () => {
    const row = (value: number, fields: Partial<StatRow> = {}): StatRow => ({
      ...counter('Tcp', 'InSegs', value),
      delta: value - 10,
      moved: true,
      alarm: false,
      ...fields,
    });
    const other = { ...counter('Udp', 'NoPorts', 0, { isError: true }), delta: 0, moved: false, alarm: false };
    const keeper = new FactRows();
    const shape = (r: StatRow) => String(String(r.value).length);
    const first = keeper.facts([row(10), other], shape);
    expect(first[0]).toEqual({ ...counter('Tcp', 'InSegs', 0), value: undefined, alarm: false, shape: '2' });
    expect(Object.keys(first[0]!)).not.toContain('value');
    // Moved on, the same length: the same rows and list.
    expect(keeper.facts([row(12, { moved: false }), other], shape)).toBe(first);
    // Another shape (here a figure one digit longer), an alarm: a new row for that counter alone.
    const longer = keeper.facts([row(100), other], shape);
    expect(longer[0]).not.toBe(first[0]);
    // The new row says so: its fields differ from the one it replaces (which read the same, all but the figures).
    expect(longer[0]).not.toEqual(first[0]);
    expect(longer[0]!.shape).toBe('3');
    expect(longer[1]).toBe(first[1]);
    const alarmed = keeper.facts([row(100), { ...other, value: 1, alarm: true }], shape);
    expect(alarmed[0]).toBe(longer[0]);
    expect(alarmed[1]).toMatchObject({ id: 'Udp.NoPorts', alarm: true });
    // Gone, then back: a new row.
    keeper.facts([row(100)], shape);
    expect(keeper.facts([row(100), other], shape)[1]).not.toBe(alarmed[1]);
  });
  it("tells each counter's listeners once its row changed, after the rows were taken", () => {
    const figures = new CounterFigures();
    const a = { ...counter('Tcp', 'InSegs', 1), delta: null, moved: false, alarm: false };
    const b = { ...counter('Tcp', 'OutSegs', 1), delta: null, moved: false, alarm: false };
    figures.take([a, b]);
    const heard: string[] = [];
    const stop = figures.subscribe('Tcp.InSegs', () => heard.push('in'));
    figures.subscribe('Tcp.OutSegs', () => heard.push('out'));
    figures.notify();
    heard.length = 0;
    const a2 = { ...a, value: 2 };
    figures.take([a2, b]);
    // Taken, not yet told: the cells read the new row when they render with their grid.
    expect(figures.get('Tcp.InSegs')).toBe(a2);
    expect(heard).toEqual([]);
    figures.notify();
    expect(heard).toEqual(['in']);
    // Taken twice before a notify (a render not committed): told once.
    figures.take([{ ...a2, value: 3 }, b]);
    figures.take([{ ...a2, value: 4 }, b]);
    heard.length = 0;
    figures.notify();
    expect(heard).toEqual(['in']);
    // A listener gone hears nothing; a counter gone is forgotten.
    stop();
    figures.take([{ ...a2, value: 5 }]);
    heard.length = 0;
    figures.notify();
    expect(heard).toEqual([]);
    expect(figures.get('Tcp.OutSegs')).toBeUndefined();
  });
});
