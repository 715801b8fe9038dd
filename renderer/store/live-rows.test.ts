// The live views against a full rebuild: whatever batches arrive, a view that follows the changes shows the
// same rows in the same order as one sorted from scratch.
import { describe, expect, it } from 'vitest';
import type { Route } from '../../shared/types.js';
import type { GridColumn, SortState } from './grid-model.js';
import { followAggregate, followView, type Aggregate, type AggregateState, type ViewState } from './live-rows.js';
import { applyBatch, emptyTables, MAX_CHANGES, type StreamData, type Tables } from './tables.js';
import { diff, route, snapshot } from './test-rows.js';

const columns: GridColumn<Route>[] = [
  { id: 'metric', header: 'Metric', width: 60, sortValue: (r) => r.metric, text: (r) => String(r.metric) },
  { id: 'dest', header: 'Destination', width: 60, sortValue: (r) => r.destination, text: (r) => r.destination },
];
const SORT: SortState = [
  { id: 'metric', desc: true },
  { id: 'dest', desc: false },
];
const even = (r: Route) => (r.metric ?? 0) % 2 === 0;

function rebuilt(tables: Tables): string[] {
  return followView(null, tables.routes, columns, SORT, even).view.rows.map((r) => r.id);
}

/** A pseudo-random batch of diffs (a fixed seed: the same batches every run). */
function* batches(seed: number, count: number): Generator<StreamData[]> {
  let x = seed;
  const rand = (n: number) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % n;
  };
  let seq = 1;
  const alive = new Set<string>();
  yield [snapshot('routes', seq, [])];
  for (let b = 0; b < count; b++) {
    const batch: StreamData[] = [];
    for (let m = 0; m <= rand(3); m++) {
      const added: Route[] = [];
      const removed: string[] = [];
      const changed: { id: string; metric: number }[] = [];
      for (let k = 0; k < 4; k++) {
        const id = `r${rand(30)}`;
        if (!alive.has(id) && !added.some((r) => r.id === id)) {
          added.push(route(id, rand(10)));
        } else if (alive.has(id) && !removed.includes(id) && !changed.some((c) => c.id === id)) {
          if (rand(2)) removed.push(id);
          else changed.push({ id, metric: rand(10) });
        }
      }
      for (const id of removed) alive.delete(id);
      for (const r of added) alive.add(r.id);
      batch.push(diff('routes', ++seq, { added, removed, changed }));
    }
    yield batch;
  }
}

describe('followView', () => {
  it('following every batch gives the rows and order of a rebuild', () => {
    let tables = emptyTables();
    let st: ViewState<Route> | null = null;
    let followed = 0;
    for (const batch of batches(7, 200)) {
      tables = applyBatch(tables, batch, 0).tables;
      const prevView = st?.view;
      st = followView(st, tables.routes, columns, SORT, even);
      if (prevView && st.view === prevView) followed++;
      expect(st.view.rows.map((r) => r.id)).toEqual(rebuilt(tables));
    }
    // It did follow (the same view object), not rebuild every time.
    expect(followed).toBeGreaterThan(150);
  });

  it('a view further behind than the change list rebuilds, and still matches', () => {
    let tables = emptyTables();
    const gen = batches(11, MAX_CHANGES + 10);
    tables = applyBatch(tables, gen.next().value as StreamData[], 0).tables;
    const st = followView(null, tables.routes, columns, SORT, even);
    for (const batch of gen) tables = applyBatch(tables, batch, 0).tables;
    const later = followView(st, tables.routes, columns, SORT, even);
    expect(later.view.rows.map((r) => r.id)).toEqual(rebuilt(tables));
  });

  it('a view behind by several changes follows them, a change of most rows and then a removal', () => {
    // The view reads its rows from the table, which is at the last of the changes while it follows the first.
    const all = () => true;
    const rows = Array.from({ length: 1000 }, (_, i) => route(`r${String(i).padStart(4, '0')}`, i * 2));
    let tables = applyBatch(emptyTables(), [snapshot('routes', 1, rows)], 0).tables;
    const st = followView(null, tables.routes, columns, SORT, all);
    const changed = rows.slice(0, 400).map((r, i) => ({ id: r.id, metric: 5000 - i }));
    tables = applyBatch(tables, [diff('routes', 2, { changed })], 0).tables;
    const removed = [rows[999]!.id, rows[0]!.id];
    tables = applyBatch(
      tables,
      [diff('routes', 3, { removed, changed: [{ id: rows[998]!.id, metric: 1 }] })],
      0,
    ).tables;
    const later = followView(st, tables.routes, columns, SORT, all);
    expect(later.view).toBe(st.view);
    const fresh = followView(null, tables.routes, columns, SORT, all).view.rows;
    expect(later.view.rows.map((r) => r.id)).toEqual(fresh.map((r) => r.id));
    expect(later.view.rows.every((r, i) => r === fresh[i])).toBe(true);
  });

  it('a new sort, filter or table makes a new view', () => {
    const tables = applyBatch(emptyTables(), [snapshot('routes', 1, [route('a', 2), route('b', 4)])], 0).tables;
    const st = followView(null, tables.routes, columns, SORT, even);
    expect(followView(st, tables.routes, columns, SORT, even)).toBe(st);
    expect(
      followView(st, tables.routes, columns, [{ id: 'dest', desc: true }], even).view.rows.map((r) => r.id),
    ).toEqual(['b', 'a']);
    expect(followView(st, tables.routes, columns, SORT, () => true)).not.toBe(st);
    const other = applyBatch(tables, [snapshot('routes', 2, [route('x', 8)])], 0).tables;
    expect(followView(st, other.routes, columns, SORT, even).view.rows.map((r) => r.id)).toEqual(['x']);
  });

  it('another sort of the same rows takes them from the view before it, without the filter; behind, it filters', () => {
    const rows = Array.from({ length: 3000 }, (_, i) => route(`r${String(i).padStart(4, '0')}`, (i * 7) % 13));
    let tables = applyBatch(emptyTables(), [snapshot('routes', 1, rows)], 0).tables;
    let calls = 0;
    const counted = (r: Route) => {
      calls++;
      return even(r);
    };
    const byDest: SortState = [{ id: 'dest', desc: true }];
    const fresh = (t: Tables, sort: SortState) =>
      followView(null, t.routes, columns, sort, even).view.rows.map((r) => r.id);
    const st = followView(null, tables.routes, columns, SORT, counted);
    expect(calls).toBe(3000);
    // Waiting (only its first rows in order), then in order: neither filters again.
    const waiting = followView(st, tables.routes, columns, byDest, counted);
    expect(st.view.unsettled && waiting.view.unsettled).toBe(true);
    const back = followView(waiting, tables.routes, columns, SORT, counted);
    back.view.settle();
    const again = followView(back, tables.routes, columns, byDest, counted);
    expect(calls).toBe(3000);
    expect(waiting.view.rows.map((r) => r.id)).toEqual(fresh(tables, byDest));
    expect(back.view.rows.map((r) => r.id)).toEqual(fresh(tables, SORT));
    expect(again.view.rows.map((r) => r.id)).toEqual(fresh(tables, byDest));
    // A view behind the table is not what the new sort would show: the table is filtered again.
    tables = applyBatch(
      tables,
      [diff('routes', 2, { removed: ['r0000', 'r0002'], changed: [{ id: 'r0001', metric: 4 }] })],
      0,
    ).tables;
    const behind = followView(again, tables.routes, columns, SORT, counted);
    expect(calls).toBe(3000 + 2998);
    expect(behind.view.rows.map((r) => r.id)).toEqual(fresh(tables, SORT));
  });
});

describe('followAggregate', () => {
  const sumMetrics = (): Aggregate<Route, number> => {
    let n = 0;
    return { add: (r) => void (n += r.metric ?? 0), remove: (r) => void (n -= r.metric ?? 0), result: () => n };
  };

  it('following the changes gives the total of a recount', () => {
    let tables = emptyTables();
    let st: AggregateState<Route, number> | null = null;
    for (const batch of batches(3, 200)) {
      tables = applyBatch(tables, batch, 0).tables;
      st = followAggregate(st, tables.routes, sumMetrics);
      let total = 0;
      for (const r of tables.routes.rows.values()) total += r.metric ?? 0;
      expect(st.out).toBe(total);
    }
  });

  it('skips a changed row that counts as it did, with the same total (rows removed and back in one batch too)', () => {
    let skipped = 0;
    const sumSkipping = (): Aggregate<Route, number> => ({
      ...sumMetrics(),
      same: (a, b) => {
        const same = a.metric === b.metric;
        if (same) skipped++;
        return same;
      },
    });
    let tables = emptyTables();
    let st: AggregateState<Route, number> | null = null;
    for (const batch of batches(5, 300)) {
      tables = applyBatch(tables, batch, 0).tables;
      st = followAggregate(st, tables.routes, sumSkipping);
      let total = 0;
      for (const r of tables.routes.rows.values()) total += r.metric ?? 0;
      expect(st.out).toBe(total);
    }
    expect(skipped).toBeGreaterThan(10);
  });
});
