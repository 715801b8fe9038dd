import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SortedView, type SortSpec } from './sorted-view.js';

interface R {
  id: string;
  n: number | null;
  s: string;
}

const row = fc.record({
  id: fc.constantFrom(...Array.from({ length: 40 }, (_, i) => `r${i}`)),
  n: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }),
  s: fc.constantFrom('a', 'b', 'c'),
});

describe('SortedView', () => {
  it('follows random changes exactly as a full rebuild would', () => {
    fc.assert(
      fc.property(
        fc.array(row, { maxLength: 40 }),
        fc.array(
          fc.record({
            upserts: fc.array(row, { maxLength: 8 }),
            removed: fc.array(fc.constantFrom(...Array.from({ length: 40 }, (_, i) => `r${i}`)), { maxLength: 5 }),
          }),
          { maxLength: 12 },
        ),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        (initial, changes, desc, bySecond, withPrevious) => {
          const specs: SortSpec[] = [
            { key: (r: R) => r.n, desc },
            ...(bySecond ? [{ key: (r: R) => r.s, desc: !desc }] : []),
          ];
          const pred = (r: R) => r.s !== 'c';
          const table = new Map<string, R>();
          for (const r of initial) table.set(r.id, r);
          const view = new SortedView<R>(specs, pred);
          view.reset(table.values());
          for (const c of changes) {
            // A change never both upserts and removes the same id (as a diff never does).
            const upserts = [...new Map(c.upserts.map((r) => [r.id, { ...r }])).values()];
            const removed = c.removed.filter((id) => !upserts.some((u) => u.id === id) && table.has(id));
            const previous = [...removed, ...upserts.map((u) => u.id)]
              .map((id) => table.get(id))
              .filter((r): r is R => r !== undefined);
            for (const id of removed) table.delete(id);
            for (const r of upserts) table.set(r.id, r);
            view.update(withPrevious ? { upserts, removed, previous } : { upserts, removed });
            const full = new SortedView<R>(specs, pred).reset(table.values());
            expect(view.rows.map((r) => r.id)).toEqual(full.map((r) => r.id));
            // Keys leave with their rows (a row that was never compared has none yet).
            expect(view.keyedRows).toBeLessThanOrEqual(view.rows.length);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('sorts empty values last in both directions and breaks ties by id', () => {
    const rows: R[] = [
      { id: 'b', n: null, s: 'a' },
      { id: 'a', n: 2, s: 'a' },
      { id: 'c', n: 1, s: 'a' },
      { id: 'd', n: 2, s: 'a' },
    ];
    expect(new SortedView<R>([{ key: (r: R) => r.n, desc: false }], () => true).reset(rows).map((r) => r.id)).toEqual([
      'c',
      'a',
      'd',
      'b',
    ]);
    expect(new SortedView<R>([{ key: (r: R) => r.n, desc: true }], () => true).reset(rows).map((r) => r.id)).toEqual([
      'a',
      'd',
      'c',
      'b',
    ]);
  });
});
