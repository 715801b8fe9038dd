import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstInOrder, SortedView, type SortSpec } from './sorted-view.js';

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

/** What the view must equal: every row the predicate keeps, sorted by a plain comparator (ties by ordinal when
 *  given, with no ordinal as -1, then by id). */
function fullSort(
  rows: Iterable<R>,
  specs: SortSpec[],
  pred: (r: R) => boolean,
  ordinal?: (id: string) => number | undefined,
): string[] {
  const compare = (a: R, b: R): number => {
    for (const s of specs) {
      let d: number;
      if (s.compare) d = (s.desc ? -1 : 1) * (s.compare as (x: R, y: R) => number)(a, b);
      else {
        const x = (s.key as (r: R) => number | string | null)(a);
        const y = (s.key as (r: R) => number | string | null)(b);
        if (x === y) d = 0;
        else if (x === null) d = 1;
        else if (y === null) d = -1;
        else d = (x < y ? -1 : 1) * (s.desc ? -1 : 1);
      }
      if (d !== 0) return d;
    }
    if (ordinal) {
      const d = (ordinal(a.id) ?? -1) - (ordinal(b.id) ?? -1);
      if (d !== 0) return d;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
  return [...rows]
    .filter(pred)
    .sort(compare)
    .map((r) => r.id);
}

const level = fc.record({
  by: fc.constantFrom('n', 's', 'compare-s'),
  desc: fc.boolean(),
});

function toSpec(l: { by: string; desc: boolean }): SortSpec {
  if (l.by === 'compare-s') return { compare: (a: R, b: R) => (a.s === b.s ? 0 : a.s < b.s ? 1 : -1), desc: l.desc };
  return { key: l.by === 'n' ? (r: R) => r.n : (r: R) => r.s, desc: l.desc };
}

describe('SortedView', () => {
  it('follows random changes exactly as a full sort of the table would', () => {
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
        fc.array(level, { minLength: 1, maxLength: 3 }),
        fc.constantFrom('previous', 'none', 'stale'),
        // Chunks of 2 and 3 rows split on most changes (they never join: a chunk joins below a quarter of the size,
        // see the test of runs taken out); 256 holds these tables in one.
        fc.constantFrom(2, 3, 256),
        // The view keeps its rows in a map of its own, or reads them from the table (as a live table's view does).
        fc.boolean(),
        // Ties by id; by order of arrival (a live table's ordinals: a number per id, kept for removed ones); or by
        // ordinals some ids share and some lack (the ids then decide).
        fc.constantFrom('id', 'arrival', 'coarse'),
        (initial, changes, levels, given, chunkSize, fromTable, ties) => {
          const specs = levels.map(toSpec);
          const pred = (r: R) => r.s !== 'c';
          const table = new Map<string, R>();
          const arrival = new Map<string, number>();
          const arrive = (id: string) => {
            if (!arrival.has(id)) arrival.set(id, arrival.size);
          };
          for (const r of initial) {
            table.set(r.id, r);
            arrive(r.id);
          }
          const ordinal =
            ties === 'id'
              ? undefined
              : ties === 'arrival'
                ? (id: string) => arrival.get(id)
                : (id: string) => {
                    const a = arrival.get(id);
                    return a === undefined || a % 3 === 0 ? undefined : a >> 2;
                  };
          const view = new SortedView<R>(
            specs,
            pred,
            chunkSize,
            fromTable ? (id) => table.get(id) : undefined,
            ordinal,
          );
          view.reset(table.values());
          expect(view.rows.map((r) => r.id)).toEqual(fullSort(table.values(), specs, pred, ordinal));
          for (const c of changes) {
            // A change never both upserts and removes the same id (as a diff never does).
            const upserts = [...new Map(c.upserts.map((r) => [r.id, { ...r }])).values()];
            const removed = c.removed.filter((id) => !upserts.some((u) => u.id === id) && table.has(id));
            const previous = [...removed, ...upserts.map((u) => u.id)]
              .map((id) => table.get(id))
              .filter((r): r is R => r !== undefined)
              // Copies: objects the view never held (a view built after the change), which it must notice.
              .map((r) => (given === 'stale' ? { ...r } : r));
            for (const id of removed) table.delete(id);
            for (const r of upserts) {
              table.set(r.id, r);
              arrive(r.id);
            }
            const before = view.list;
            view.follow(given === 'none' ? { upserts, removed } : { upserts, removed, previous });
            const list = view.list;
            // Read by position first, as a grid does (before anything makes the array).
            const expected = fullSort(table.values(), specs, pred, ordinal);
            expect(list.length).toBe(expected.length);
            expect(Array.from({ length: list.length }, (_, i) => list.at(i)?.id)).toEqual(expected);
            expect(expected.map((id) => list.indexOfId(id))).toEqual(expected.map((_, i) => i));
            for (const id of removed) if (!expected.includes(id)) expect(list.indexOfId(id)).toBe(-1);
            expect(list.at(expected.length)).toBeUndefined();
            if (upserts.length + removed.length > 0) expect(list).not.toBe(before);
            expect(view.rows.map((r) => r.id)).toEqual(expected);
            expect(list.all()).toBe(view.rows);
            // Each row's newest version, whether it moved or kept its place.
            expect(view.rows.every((r) => table.get(r.id) === r)).toBe(true);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('follows large random batches over thousands of rows', () => {
    // Many rows per key, so that most of the order comes from the ties (broken by id).
    let seed = 7;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const make = (id: string): R => ({ id, n: rand(7) === 0 ? null : rand(50), s: 'ab'[rand(2)]! });
    for (const levels of [
      [{ by: 'n', desc: false }],
      [
        { by: 's', desc: true },
        { by: 'n', desc: false },
      ],
    ]) {
      const specs = levels.map(toSpec);
      const pred = () => true;
      const table = new Map<string, R>();
      for (let i = 0; i < 3000; i++) {
        const id = `id${rand(1e6)}`;
        table.set(id, make(id));
      }
      const view = new SortedView<R>(specs, pred, 16, (id) => table.get(id));
      view.reset(table.values());
      for (let tick = 0; tick < 20; tick++) {
        const ids = [...table.keys()];
        const removed = [...new Set(Array.from({ length: 30 }, () => ids[rand(ids.length)]!))];
        const changedIds = Array.from({ length: 60 }, () => ids[rand(ids.length)]!).filter(
          (id) => !removed.includes(id),
        );
        const upserts = [...new Set(changedIds)].map((id) => make(id));
        for (let a = 0; a < 30; a++) upserts.push(make(`new${tick}-${a}`));
        const previous = [...removed, ...upserts.map((u) => u.id)]
          .map((id) => table.get(id))
          .filter((r): r is R => r !== undefined);
        for (const id of removed) table.delete(id);
        for (const r of upserts) table.set(r.id, r);
        view.update({ upserts, removed, previous });
        const expected = fullSort(table.values(), specs, pred);
        const list = view.list;
        expect(Array.from({ length: list.length }, (_, i) => list.at(i)?.id)).toEqual(expected);
        expect(view.rows.map((r) => r.id)).toEqual(expected);
        expect(view.rows.every((r) => table.get(r.id) === r)).toBe(true);
      }
      // A change of most of the table (sorted at once rather than row by row) ends in the same order.
      const ids = [...table.keys()];
      const removed = ids.filter((_, i) => i % 3 === 0);
      const upserts = ids.filter((_, i) => i % 3 === 1).map((id) => make(id));
      for (let a = 0; a < 500; a++) upserts.push(make(`bulk-${a}`));
      for (const id of removed) table.delete(id);
      for (const r of upserts) table.set(r.id, r);
      view.follow({ upserts, removed });
      const expected = fullSort(table.values(), specs, pred);
      expect(Array.from({ length: view.list.length }, (_, i) => view.list.at(i)?.id)).toEqual(expected);
      expect(view.rows.every((r) => table.get(r.id) === r)).toBe(true);
      // And the view follows small changes again from there.
      const small = [make(ids[2]!), make('after-bulk')];
      for (const r of small) table.set(r.id, r);
      view.follow({ upserts: small, removed: [] });
      expect(view.rows.map((r) => r.id)).toEqual(fullSort(table.values(), specs, pred));
    }
  });

  it('follows runs of rows taken out and put back, which empty chunks and join them to their neighbours', () => {
    // Chunks of 8: one down to a row joins its neighbour when the two fit in 8. Runs of neighbouring keys taken
    // out shrink chunks side by side, so that they join (to the right, or the last one to the left); rows put
    // back then land by the keys the joined chunk carries.
    let seed = 11;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    let next = 0;
    const make = (n: number): R => ({ id: `id${String(next++).padStart(5, '0')}`, n, s: 'a' });
    for (const fromTable of [false, true]) {
      const specs: SortSpec[] = [{ key: (r: R) => r.n, desc: rand(2) === 0 }];
      const table = new Map<string, R>();
      for (let i = 0; i < 200; i++) {
        const r = make(i);
        table.set(r.id, r);
      }
      const view = new SortedView<R>(specs, () => true, 8, fromTable ? (id) => table.get(id) : undefined);
      view.reset(table.values());
      for (let step = 0; step < 300; step++) {
        const from = rand(200);
        const to = from + 1 + rand(12);
        const previous = [...table.values()].filter((r) => r.n !== null && r.n >= from && r.n < to);
        const removed = previous.map((r) => r.id);
        for (const id of removed) table.delete(id);
        const upserts = Array.from({ length: rand(10) }, () => make(rand(200)));
        for (const r of upserts) table.set(r.id, r);
        view.follow({ upserts, removed, previous });
        const list = view.list;
        expect(Array.from({ length: list.length }, (_, i) => list.at(i)?.id)).toEqual(
          fullSort(table.values(), specs, () => true),
        );
      }
    }
  });

  it('takes out the right rows when their keys read something that changed since they joined (host names)', () => {
    // The key reads a lookup that changes under the view (as a host name arriving does): a row is then not where
    // its key now says, and removing or changing it must still take out that row, and no other.
    const names = new Map<string, number>();
    const key = (r: R) => names.get(r.id) ?? r.n;
    for (const [chunkSize, fromTable] of [
      [2, false],
      [256, false],
      [2, true],
    ] as const) {
      const rows: R[] = Array.from({ length: 30 }, (_, i) => ({ id: `r${String(i).padStart(2, '0')}`, n: i, s: 'a' }));
      const table = new Map(rows.map((r) => [r.id, r]));
      names.clear();
      const view = new SortedView<R>(
        [{ key, desc: false }],
        () => true,
        chunkSize,
        fromTable ? (id) => table.get(id) : undefined,
      );
      view.reset(rows);
      for (let i = 0; i < 30; i += 3) names.set(rows[i]!.id, 100 - i);
      const removed = rows.filter((_, i) => i % 6 === 0).map((r) => r.id);
      const changed = rows.filter((_, i) => i % 6 === 3).map((r) => ({ ...r, s: 'b' }));
      const previous = rows.filter((_, i) => i % 3 === 0);
      for (const id of removed) table.delete(id);
      for (const r of changed) table.set(r.id, r);
      view.follow({ upserts: changed, removed, previous });
      const ids = view.rows.map((r) => r.id);
      expect(ids.filter((id) => removed.includes(id))).toEqual([]);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(30 - removed.length);
      for (const r of changed) expect(view.list.at(view.list.indexOfId(r.id))).toBe(r);
    }
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

  it('firstInOrder gives the first k positions of the whole sort, in its order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6 })), fc.nat(30), (values, k) => {
        // A total order: ties between equal values by position.
        const compare = (x: number, y: number) => values[x]! - values[y]! || x - y;
        const whole = values.map((_, i) => i).sort(compare);
        expect(firstInOrder(values.length, k, compare)).toEqual(whole.slice(0, k));
      }),
    );
  });

  it('resetFirst puts only the first rows in order, and any read past them, a place, every row or a change puts the rest as reset would', () => {
    const table = fc.uniqueArray(row, { selector: (r) => r.id, maxLength: 40 });
    fc.assert(
      fc.property(
        table,
        fc.array(level, { minLength: 1, maxLength: 2 }),
        fc.integer({ min: 1, max: 12 }),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom('past', 'place', 'rows', 'change', 'settle'),
        (rows, levels, first, withOrdinals, onlyA, read) => {
          const specs = levels.map(toSpec);
          const pred = (r: R) => !onlyA || r.s !== 'c';
          const byId = new Map<string, R>(rows.map((r) => [r.id, r]));
          // Ordinals with ties (every third id shares its number), so that ties end at the ids.
          const ordinal = withOrdinals ? (id: string) => Math.floor(Number(id.slice(1)) / 3) : undefined;
          const keysOnly = specs.every((sp) => sp.key !== undefined);
          const view = new SortedView<R>(specs, pred, 4, keysOnly ? (id) => byId.get(id) : undefined, ordinal);
          view.resetFirst(byId.values(), first);
          const expected = fullSort(byId.values(), specs, pred, ordinal);
          expect(view.length).toBe(expected.length);
          expect(view.unsettled).toBe(first * 4 <= expected.length);
          const head = Math.min(first, expected.length);
          for (let i = 0; i < head; i++) expect(view.list.at(i)?.id).toBe(expected[i]);
          // Reading the first rows leaves the rest waiting.
          expect(view.unsettled).toBe(first * 4 <= expected.length);
          let now = expected;
          if (read === 'past') expect(view.at(head)?.id).toBe(expected[head]);
          else if (read === 'place' && expected.length > 0) {
            const id = expected[expected.length - 1]!;
            expect(view.list.indexOfId(id)).toBe(expected.length - 1);
          } else if (read === 'rows') expect(view.list.all().map((r) => r.id)).toEqual(expected);
          else if (read === 'change') {
            const gone = rows.slice(0, 2);
            const added: R = { id: 'r99', n: 3, s: 'a' };
            for (const r of gone) byId.delete(r.id);
            byId.set(added.id, added);
            view.follow({ upserts: [added], removed: gone.map((r) => r.id), previous: gone });
            now = fullSort(byId.values(), specs, pred, ordinal);
          } else view.settle();
          if (read !== 'place' || expected.length > 0) expect(view.unsettled).toBe(false);
          view.settle();
          expect(view.rows.map((r) => r.id)).toEqual(now);
          expect(Array.from({ length: view.length }, (_, i) => view.at(i)?.id)).toEqual(now);
        },
      ),
    );
  });

  it('a view of another sort from held rows (waiting, in order, or after changes) is the full sort of the same rows', () => {
    const table = fc.uniqueArray(row, { selector: (r) => r.id, maxLength: 40 });
    fc.assert(
      fc.property(
        table,
        fc.array(level, { minLength: 1, maxLength: 2 }),
        fc.array(level, { minLength: 1, maxLength: 2 }),
        fc.constantFrom('waiting', 'settled', 'changed'),
        fc.integer({ min: 1, max: 12 }),
        fc.boolean(),
        (rows, before, after, state, first, withOrdinals) => {
          const pred = (r: R) => r.s !== 'c';
          const byId = new Map<string, R>(rows.map((r) => [r.id, r]));
          const ordinal = withOrdinals ? (id: string) => Math.floor(Number(id.slice(1)) / 3) : undefined;
          const make = (specs: SortSpec[]) => {
            const keysOnly = specs.every((sp) => sp.key !== undefined);
            return new SortedView<R>(specs, pred, 4, keysOnly ? (id) => byId.get(id) : undefined, ordinal);
          };
          const old = make(before.map(toSpec));
          old.resetFirst(byId.values(), first);
          if (state === 'settled') old.settle();
          else if (state === 'changed') {
            const gone = rows.slice(0, 2);
            const added: R = { id: 'r99', n: 3, s: 'a' };
            for (const r of gone) byId.delete(r.id);
            byId.set(added.id, added);
            old.follow({ upserts: [added], removed: gone.map((r) => r.id), previous: gone });
          }
          const specs = after.map(toSpec);
          const view = make(specs);
          view.resetFirstFrom(old.held(), first);
          const expected = fullSort(byId.values(), specs, pred, ordinal);
          expect(view.length).toBe(expected.length);
          const head = Math.min(first, expected.length);
          for (let i = 0; i < head; i++) expect(view.list.at(i)?.id).toBe(expected[i]);
          expect(view.rows.map((r) => r.id)).toEqual(expected);
          // The view it came from is as it was.
          expect(old.rows.map((r) => r.id)).toEqual(fullSort(byId.values(), before.map(toSpec), pred, ordinal));
        },
      ),
    );
  });
});
