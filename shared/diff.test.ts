import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyDiff, diffRows, mergeDiffs, PendingDiff, rowPatch, sameTrafficFields, valueEqual } from './diff.js';
import { TRAFFIC_FIELDS, assignTraffic, type ConnectionTraffic } from './types.js';
import type { Diff } from './protocol.js';

interface TestRow {
  id: string;
  n: number;
  s: string;
  tags: number[];
  nested: { x: number; y?: string };
  opt?: string | null;
}

// A small id pool so that tables overlap and ids come back after being removed.
const idArb = fc.integer({ min: 0, max: 30 }).map((i) => `r${i}`);
const rowArb: fc.Arbitrary<TestRow> = fc.record(
  {
    id: idArb,
    n: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ noNaN: false })),
    s: fc.constantFrom('', 'a', 'b', 'ESTABLISHED'),
    tags: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }),
    nested: fc.record({ x: fc.integer({ min: 0, max: 2 }), y: fc.constantFrom('p', 'q') }, { requiredKeys: ['x'] }),
    opt: fc.constantFrom('u', 'v', null),
  },
  { requiredKeys: ['id', 'n', 's', 'tags', 'nested'] },
);
const tableArb = fc.uniqueArray(rowArb, { selector: (r) => r.id, maxLength: 25 });

type Op = { op: 'add'; row: TestRow } | { op: 'remove'; pick: number } | { op: 'change'; pick: number; row: TestRow };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('add' as const), row: rowArb }),
  fc.record({ op: fc.constant('remove' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('change' as const), pick: fc.nat(), row: rowArb }),
);
/** A table evolving by random single-row changes: each element is the list of ops of one tick. */
const historyArb = fc.tuple(tableArb, fc.array(fc.array(opArb, { maxLength: 6 }), { minLength: 1, maxLength: 8 }));

function evolve(start: TestRow[], ticks: Op[][]): TestRow[][] {
  const states = [start];
  let cur = new Map(start.map((r) => [r.id, r]));
  for (const ops of ticks) {
    cur = new Map(cur);
    for (const o of ops) {
      const ids = [...cur.keys()];
      if (o.op === 'add') cur.set(o.row.id, o.row);
      else if (ids.length > 0) {
        const id = ids[o.pick % ids.length]!;
        if (o.op === 'remove') cur.delete(id);
        else cur.set(id, { ...o.row, id });
      }
    }
    states.push([...cur.values()]);
  }
  return states;
}

function sameTable(a: Map<string, TestRow> | TestRow[], b: TestRow[]): boolean {
  const am = a instanceof Map ? a : new Map(a.map((r) => [r.id, r]));
  if (am.size !== b.length) return false;
  return b.every((row) => am.has(row.id) && valueEqual(am.get(row.id), row));
}

describe('diffRows / applyDiff', () => {
  it('applying diff(a, b) to a gives b, for a Map and for an array', () => {
    fc.assert(
      fc.property(tableArb, tableArb, (a, b) => {
        const d = diffRows(a, b);
        expect(sameTable(applyDiff(new Map(a.map((r) => [r.id, r])), d), b)).toBe(true);
        expect(sameTable(applyDiff(a, d), b)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('applying each diff of a random sequence of changes in turn gives the last table', () => {
    fc.assert(
      fc.property(historyArb, ([start, ticks]) => {
        const states = evolve(start, ticks);
        const table = new Map(start.map((r) => [r.id, r]));
        for (let i = 1; i < states.length; i++) applyDiff(table, diffRows(states[i - 1]!, states[i]!));
        expect(sameTable(table, states.at(-1)!)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('changed rows carry only the fields that changed, compared structurally', () => {
    fc.assert(
      fc.property(tableArb, tableArb, (a, b) => {
        const before = new Map(a.map((r) => [r.id, r]));
        const d = diffRows(a, b);
        for (const patch of d.changed) {
          const old = before.get(patch.id) as unknown as Record<string, unknown>;
          const keys = Object.keys(patch).filter((k) => k !== 'id');
          expect(keys.length).toBeGreaterThan(0);
          for (const k of keys) expect(valueEqual(old[k], (patch as Record<string, unknown>)[k])).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('does not report equal nested values built as new objects', () => {
    const a = [{ id: 'x', tags: [1, 2], nested: { x: 1, y: 'p' } }];
    const b = [{ id: 'x', tags: [1, 2], nested: { y: 'p', x: 1 } }];
    expect(diffRows(a, b)).toEqual({ added: [], removed: [], changed: [] });
    expect(rowPatch(a[0]!, { id: 'x', tags: [1, 3], nested: { x: 1, y: 'p' } })).toEqual({ id: 'x', tags: [1, 3] });
  });
});

describe('mergeDiffs / PendingDiff', () => {
  it('applying merged diffs equals applying them in turn, however they are grouped', () => {
    fc.assert(
      fc.property(historyArb, fc.nat(), ([start, ticks], split) => {
        const states = evolve(start, ticks);
        const diffs = states.slice(1).map((s, i) => diffRows(states[i]!, s));
        const folded = diffs.reduce((acc, d) => mergeDiffs(acc, d));
        expect(sameTable(applyDiff(start, folded), states.at(-1)!)).toBe(true);
        // A different grouping: (d1..dk) merged with (dk+1..dn) merged.
        const k = split % diffs.length;
        const left = diffs.slice(0, k + 1).reduce((acc, d) => mergeDiffs(acc, d));
        const rightParts = diffs.slice(k + 1);
        const regrouped = rightParts.length
          ? mergeDiffs(
              left,
              rightParts.reduce((acc, d) => mergeDiffs(acc, d)),
            )
          : left;
        expect(sameTable(applyDiff(start, regrouped), states.at(-1)!)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps one entry per row, bounded by the rows before and after', () => {
    fc.assert(
      fc.property(historyArb, ([start, ticks]) => {
        const states = evolve(start, ticks);
        const pending = new PendingDiff<TestRow>();
        for (let i = 1; i < states.length; i++) pending.push(diffRows(states[i - 1]!, states[i]!));
        const union = new Set([...start, ...states.at(-1)!].map((r) => r.id));
        expect(pending.size).toBeLessThanOrEqual(union.size);
      }),
      { numRuns: 300 },
    );
  });

  it('never mutates the diffs it merges', () => {
    fc.assert(
      fc.property(historyArb, ([start, ticks]) => {
        const states = evolve(start, ticks);
        const diffs = states.slice(1).map((s, i) => diffRows(states[i]!, s));
        const copies = structuredClone(diffs);
        const pending = new PendingDiff<TestRow>();
        for (const d of diffs) pending.push(d);
        pending.take();
        expect(diffs).toEqual(copies);
      }),
      { numRuns: 100 },
    );
  });

  const row = (id: string, n: number): TestRow => ({ id, n, s: 'a', tags: [], nested: { x: 0 } });
  const diff = (d: Partial<Diff<TestRow>>): Diff<TestRow> => ({ added: [], removed: [], changed: [], ...d });

  it('an add followed by a remove cancels out', () => {
    expect(mergeDiffs(diff({ added: [row('a', 1)] }), diff({ removed: ['a'] }))).toEqual(diff({}));
  });

  it('a remove followed by an add replaces the row whole', () => {
    const merged = mergeDiffs(diff({ removed: ['a'] }), diff({ added: [row('a', 2)] }));
    expect(merged).toEqual(diff({ removed: ['a'], added: [row('a', 2)] }));
    // ...and a later remove still removes it from the base.
    expect(mergeDiffs(merged, diff({ removed: ['a'] }))).toEqual(diff({ removed: ['a'] }));
  });

  it('a change followed by a change merges the fields, the last value winning', () => {
    const merged = mergeDiffs(diff({ changed: [{ id: 'a', n: 1, s: 'b' }] }), diff({ changed: [{ id: 'a', n: 2 }] }));
    expect(merged).toEqual(diff({ changed: [{ id: 'a', n: 2, s: 'b' }] }));
  });

  it('an add followed by a change stays an add of the changed row', () => {
    const merged = mergeDiffs(diff({ added: [row('a', 1)] }), diff({ changed: [{ id: 'a', n: 5 }] }));
    expect(merged).toEqual(diff({ added: [row('a', 5)] }));
  });
});

describe('sameTrafficFields', () => {
  // It names the fields one by one (the hot path of a large table's tick): every field of TRAFFIC_FIELDS must be
  // among them, or a change to the one left out would leave a kept row showing stale traffic.
  const traffic = (): ConnectionTraffic => {
    const t: Record<string, unknown> = {};
    for (const k of TRAFFIC_FIELDS) t[k] = k === 'trafficNote' ? null : k === 'skmem' ? { rmemAlloc: 1 } : 1;
    return t as unknown as ConnectionTraffic;
  };

  it('says the same for equal traffic, and differs when any one field of TRAFFIC_FIELDS does', () => {
    expect(sameTrafficFields(traffic(), traffic())).toBe(true);
    for (const k of TRAFFIC_FIELDS) {
      const other = traffic() as unknown as Record<string, unknown>;
      other[k] = k === 'trafficNote' ? 'n/a' : k === 'skmem' ? { rmemAlloc: 2 } : 2;
      expect(sameTrafficFields(traffic(), other as unknown as ConnectionTraffic), k).toBe(false);
    }
  });

  // assignTraffic names the fields one by one too: one it left out would keep a row's traffic from another socket.
  it('assignTraffic copies every field of TRAFFIC_FIELDS and starts the rates null', () => {
    for (const k of TRAFFIC_FIELDS) {
      const row = { ...traffic(), sendRate: 5, recvRate: 5 } as ConnectionTraffic;
      const from = traffic() as unknown as Record<string, unknown>;
      from[k] = k === 'trafficNote' ? 'n/a' : k === 'skmem' ? { rmemAlloc: 2 } : 2;
      assignTraffic(row, from as unknown as ConnectionTraffic);
      expect((row as unknown as Record<string, unknown>)[k], k).toEqual(from[k]);
      expect([row.sendRate, row.recvRate]).toEqual([null, null]);
    }
  });
});
