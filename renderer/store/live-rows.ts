// A live table's rows, filtered and sorted, following the table's changes incrementally: on a tick that
// changes 1% of 50,000 rows the view drops the touched rows and merges their new versions back
// (shared/sorted-view.ts) instead of filtering and sorting everything again. A new filter, a new sort or
// a snapshot rebuilds once. followView and followAggregate do the work (tested without React); the hooks
// keep their state between renders.
import { useEffect, useMemo, useRef } from 'react';
import { SortedView, type RowList } from '../../shared/sorted-view.js';
import type { Dataset, RowTypes } from '../../shared/types.js';
import { sortSpecs, type GridColumn, type SortState } from './grid-model.js';
import type { DatasetState } from './tables.js';
import { rowShown, useHosts } from './hosts.js';

/** Rows put in order when a view is rebuilt (a sort, a filter): more than a grid at its top shows on a tall
 *  screen. The rest are ordered after the frame that shows these (useLiveRows), or at the first read past them. */
export const FIRST_ROWS = 256;

export interface ViewState<Row extends { id: string }> {
  view: SortedView<Row>;
  version: number;
  source: unknown;
  sort: SortState;
  predicate: (row: Row) => boolean;
}

/** The changes since `version`, when the table still holds every one of them (else the view rebuilds). */
export function missedChanges<Row>(ds: DatasetState<Row>, version: number) {
  const pending = ds.changes.filter((c) => c.version > version);
  return version >= 0 && pending.length === ds.version - version ? pending : null;
}

/** Brings a view up to the table's version: `prev` followed by the changes it missed, or a new view when the
 *  sort, the filter or the table itself (a snapshot, a capture) is another. */
export function followView<Row extends { id: string }>(
  prev: ViewState<Row> | null,
  ds: DatasetState<Row>,
  columns: GridColumn<Row>[],
  sort: SortState,
  predicate: (row: Row) => boolean,
): ViewState<Row> {
  const source = ds.rows;
  let st = prev;
  if (!st || st.sort !== sort || st.predicate !== predicate || st.source !== source) {
    // The view reads its rows from the table's Map (the same Map while the source is: a snapshot brings another),
    // and breaks ties by the rows' order of arrival (the table's ordinals, which a snapshot also brings anew).
    const lookup = (id: string) => source.get(id);
    const ordinals = ds.ordinals;
    const view = new SortedView<Row>(sortSpecs(columns, sort), predicate, undefined, lookup, (id) => ordinals.get(id));
    // Another sort of the rows the previous view holds (the same table at the same version, the same filter):
    // from those rows and their ordinals, without the filter's pass over the table.
    const resort = st !== null && st.source === source && st.predicate === predicate && st.version === ds.version;
    if (resort) view.resetFirstFrom(st!.view.held(), FIRST_ROWS);
    st = { view, version: resort ? ds.version : -1, source, sort, predicate };
  }
  if (st.version !== ds.version) {
    const pending = missedChanges(ds, st.version);
    const contiguous = pending?.every((c, i) => c.version === st.version + i + 1) ?? false;
    if (contiguous) for (const c of pending!) st.view.follow(c.change);
    else st.view.resetFirst(ds.rows.values(), FIRST_ROWS);
    st.version = ds.version;
  }
  return st;
}

export function useLiveRows<D extends Dataset>(
  ds: DatasetState<RowTypes[D]>,
  columns: GridColumn<RowTypes[D]>[],
  sort: SortState,
  predicate: (row: RowTypes[D]) => boolean,
): RowList<RowTypes[D]> {
  const ref = useRef<ViewState<RowTypes[D]> | null>(null);
  // Of the hosts selected (store/hosts.ts): one predicate, so the view still follows changes row by row.
  const selection = useHosts((s) => s.selection);
  const shown = useMemo(
    () => (selection.kind === 'all' ? predicate : (row: RowTypes[D]) => rowShown(selection, row) && predicate(row)),
    [selection, predicate],
  );
  ref.current = followView(ref.current, ds, columns, sort, shown);
  const view = ref.current.view;
  // The grid reads the rows it draws by position: no array of every row is made for a tick.
  const list = view.list;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a view rebuilt in place (changes it missed) gives a new list, and waits again
  useEffect(() => (view.unsettled ? settleAfterFrame(view) : undefined), [view, list]);
  return list;
}

/** Puts the rest of a rebuilt view's rows in order in a task after the next frame (so that the frame showing its
 *  first rows is not held by the rest), or at once in a hidden page (no frame comes). Returns the cancel. */
function settleAfterFrame(view: { settle(): void }): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (document.hidden) {
    timer = setTimeout(() => view.settle(), 0);
    return () => clearTimeout(timer);
  }
  const frame = requestAnimationFrame(() => {
    timer = setTimeout(() => view.settle(), 0);
  });
  return () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
}

/** A summary of a table kept up to date row by row (counts per process, rows needing privileges). */
export interface Aggregate<Row, Out> {
  add(row: Row): void;
  remove(row: Row): void;
  result(): Out;
  /** Whether two versions of a row count alike (the aggregate would take the old out and put the new in for
   *  nothing): a changed row for which this holds is skipped. */
  same?(old: Row, next: Row): boolean;
}

export interface AggregateState<Row, Out> {
  agg: Aggregate<Row, Out>;
  version: number;
  source: unknown;
  create: () => Aggregate<Row, Out>;
  out: Out;
}

/** Follows the table's changes like followView: the rows a change replaced leave, the new ones join. */
export function followAggregate<Row extends { id: string }, Out>(
  prev: AggregateState<Row, Out> | null,
  ds: DatasetState<Row>,
  create: () => Aggregate<Row, Out>,
): AggregateState<Row, Out> {
  const source = ds.rows;
  let st = prev;
  if (!st || st.create !== create || st.source !== source) {
    const agg = create();
    st = { agg, version: -1, source, create, out: agg.result() };
  }
  if (st.version !== ds.version || st.version === -1) {
    const pending = missedChanges(ds, st.version);
    if (pending?.every((c) => c.change.previous !== undefined)) {
      const agg = st.agg;
      for (const c of pending) {
        const before = c.change.previousById;
        if (agg.same && before) {
          // Most changes of a live table are queues and counters: the row counts as it did.
          for (const id of c.change.removed) {
            const old = before.get(id);
            if (old !== undefined) agg.remove(old);
          }
          for (const r of c.change.upserts) {
            const old = before.get(r.id);
            if (old !== undefined) {
              if (agg.same(old, r)) continue;
              agg.remove(old);
            }
            agg.add(r);
          }
        } else {
          for (const old of c.change.previous!) agg.remove(old);
          for (const r of c.change.upserts) agg.add(r);
        }
      }
    } else {
      st.agg = create();
      for (const r of ds.rows.values()) st.agg.add(r);
    }
    st.version = ds.version;
    st.out = st.agg.result();
  }
  return st;
}

export function useLiveAggregate<D extends Dataset, Out>(
  ds: DatasetState<RowTypes[D]>,
  create: () => Aggregate<RowTypes[D], Out>,
): Out {
  const ref = useRef<AggregateState<RowTypes[D], Out> | null>(null);
  ref.current = followAggregate(ref.current, ds, create);
  return ref.current.out;
}
