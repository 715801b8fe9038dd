// Per-process traffic series: the top names by bytes get a counter each, the rest one "others" counter; every
// counter only grows, however processes come, go and change places, and the series stay bounded.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProcessTraffic } from '../../shared/types.js';
import { ProcessTrafficMetrics, type ProcessTrafficView } from './processes.js';

function proc(pid: number, name: string, sent: number | null, received: number | null): ProcessTraffic {
  return {
    id: `${pid}@1`,
    pid,
    name,
    user: 'u',
    connections: 1,
    bytesSent: sent,
    bytesReceived: received,
    closedConnections: 0,
    note: null,
  };
}

const byName = (v: ProcessTrafficView) => Object.fromEntries(v.top.map((p) => [p.name, [p.sent, p.received]]));

describe('ProcessTrafficMetrics', () => {
  it('gives the top names a series, summing their processes, and the rest one others counter', () => {
    const m = new ProcessTrafficMetrics(2);
    const v = m.update([
      proc(1, 'nginx', 100, 1000),
      proc(2, 'nginx', 50, 500),
      proc(3, 'curl', 10, 2000),
      proc(4, 'ssh', 5, 5),
      proc(5, 'dnsmasq', null, null), // no TCP: no bytes to count
    ]);
    expect(byName(v)).toEqual({ curl: [10, 2000], nginx: [150, 1500] });
    expect(v.top.map((p) => p.name)).toEqual(['curl', 'nginx']);
    expect(v.others).toEqual({ sent: 5, received: 5 });
    expect(v.otherNames).toBe(1);
    expect(v.limit).toBe(2);
  });

  it('keeps counting a name after its processes end and new ones start, and only what grew', () => {
    const m = new ProcessTrafficMetrics(2);
    m.update([proc(1, 'cron', 10, 10)]);
    m.update([proc(1, 'cron', 15, 10)]);
    // pid 1's totals stay in the dataset after it ends; pid 2 is a new run of the same job.
    const v = m.update([proc(1, 'cron', 15, 10), proc(2, 'cron', 7, 3)]);
    expect(byName(v)).toEqual({ cron: [22, 13] });
    // Its totals forgotten by the dataset: nothing goes back.
    expect(byName(m.update([proc(2, 'cron', 8, 3)]))).toEqual({ cron: [23, 13] });
  });

  it('never makes a counter go back as names join and leave the top; the others get what grew outside it', () => {
    const step = fc.array(
      fc.record({ pid: fc.integer({ min: 1, max: 40 }), grow: fc.nat(5000), name: fc.integer({ min: 0, max: 30 }) }),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 25 }), (steps) => {
        const m = new ProcessTrafficMetrics(3);
        const totals = new Map<number, { name: string; bytes: number }>();
        const nameTotals = new Map<string, number>();
        const seen = new Map<string, number>();
        let others = 0;
        for (const s of steps) {
          const grew = new Map<string, number>();
          for (const { pid, grow, name } of s) {
            const t = totals.get(pid) ?? { name: `p${name % 7}-${pid % 3}`, bytes: 0 };
            t.bytes += grow;
            totals.set(pid, t);
            grew.set(t.name, (grew.get(t.name) ?? 0) + grow);
            nameTotals.set(t.name, (nameTotals.get(t.name) ?? 0) + grow);
          }
          const v = m.update([...totals].map(([pid, t]) => proc(pid, t.name, t.bytes, 0)));
          expect(v.top.length).toBeLessThanOrEqual(3);
          const top = new Set(v.top.map((p) => p.name));
          const outside = [...grew].filter(([name]) => !top.has(name)).reduce((a, [, g]) => a + g, 0);
          expect(v.others.sent).toBe(others + outside);
          others = v.others.sent;
          for (const p of v.top) {
            expect(p.sent).toBe(nameTotals.get(p.name));
            expect(p.sent).toBeGreaterThanOrEqual(seen.get(p.name) ?? 0);
            seen.set(p.name, p.sent);
          }
          // The top is the names with the most bytes.
          const least = Math.min(...v.top.map((p) => p.sent));
          for (const [name, t] of nameTotals) if (!top.has(name) && t > 0) expect(t).toBeLessThanOrEqual(least);
        }
      }),
    );
  });

  it('remembers a bounded number of names', () => {
    const m = new ProcessTrafficMetrics(5, 50);
    let v: ProcessTrafficView | null = null;
    for (let round = 0; round < 20; round++) {
      const rows = Array.from({ length: 100 }, (_, i) => proc(round * 100 + i, `job${round * 100 + i}`, i + 1, 0));
      v = m.update(rows);
    }
    expect(v!.top).toHaveLength(5);
    expect(v!.otherNames).toBe(45);
    expect(m.names).toBe(50);
  });
});
