// A live table's rows, filtered and sorted, following the table's changes incrementally: on a tick that
// changes 1% of 50,000 rows the view drops the touched rows and merges their new versions back
// (shared/sorted-view.ts) instead of filtering and sorting everything again. A new filter, a new sort or
// a snapshot rebuilds once.
import { useRef } from 'react';
import { SortedView } from '../../shared/sorted-view.js';
import type { Dataset, RowTypes } from '../../shared/types.js';
import { sortSpecs, type GridColumn, type SortState } from '../components/DataGrid.js';
import type { DatasetState } from './data.js';

interface ViewState<Row extends { id: string }> {
  view: SortedView<Row>;
  version: number;
  source: unknown;
  sort: SortState;
  predicate: (row: Row) => boolean;
}

export function useLiveRows<D extends Dataset>(
  ds: DatasetState<RowTypes[D]>,
  columns: GridColumn<RowTypes[D]>[],
  sort: SortState,
  predicate: (row: RowTypes[D]) => boolean,
  /** Rows of an opened capture to show instead of the live table. */
  fixed: RowTypes[D][] | null = null,
): RowTypes[D][] {
  type Row = RowTypes[D];
  const ref = useRef<ViewState<Row> | null>(null);
  const source = fixed ?? ds.rows;
  let st = ref.current;
  if (!st || st.sort !== sort || st.predicate !== predicate || st.source !== source) {
    st = { view: new SortedView<Row>(sortSpecs(columns, sort), predicate), version: -1, source, sort, predicate };
    ref.current = st;
  }
  if (st.version !== ds.version || fixed) {
    const pending = fixed ? null : ds.changes.filter((c) => c.version > st.version);
    const contiguous =
      pending !== null && st.version >= 0 && pending.length === ds.version - st.version && pending.every((c, i) => c.version === st!.version + i + 1);
    if (contiguous) for (const c of pending) st.view.update(c.change);
    else if (st.version !== ds.version || st.view.rows.length === 0) st.view.reset(fixed ?? ds.rows.values());
    st.version = ds.version;
  }
  return st.view.rows;
}
