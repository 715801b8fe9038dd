// Where a tab's rows come from: the live table, or an opened capture (read-only, one reading: no ticks, no
// rates, no highlights). Tabs ask useDatasetSource(dataset) and draw `table` the same way in both cases; they
// look at `capture` only for what a capture changes (its banner, read-only actions, capture columns).
import { useMemo } from 'react';
import { useStore } from 'zustand';
import type { Dataset, RowTypes } from '../../shared/types.js';
import { captureStore, type OpenCapture } from './capture.js';
import { useData } from './data.js';
import { emptyDataset, type DatasetState } from './tables.js';
import { rowShown, useHosts } from './hosts.js';

export interface DatasetSource<Row> {
  /** The rows to show: the live table, or the capture's as a table that never changes. */
  table: DatasetState<Row>;
  /** The open capture when it takes this dataset's place (with its rows, or none: see EMPTIED_BY); else null. */
  capture: OpenCapture | null;
}

/** A capture of the dataset named here leaves this one empty rather than live, as both show in one place: a
 *  capture of per-process totals has no sockets, one of sockets no totals, one of interfaces no multicast
 *  groups. */
const EMPTIED_BY: Partial<Record<Dataset, Dataset>> = {
  connections: 'processes',
  processes: 'connections',
  multicast: 'interfaces',
};

/** The capture that takes `dataset`'s place, if the open one does. */
export function captureFor(capture: OpenCapture | null, dataset: Dataset): OpenCapture | null {
  return capture && (capture.dataset === dataset || EMPTIED_BY[dataset] === capture.dataset) ? capture : null;
}

/** A capture as a dataset's table: its rows when it is of that dataset, else none. */
export function capturedTable<D extends Dataset>(capture: OpenCapture, dataset: D): DatasetState<RowTypes[D]> {
  const rows = capture.dataset === dataset ? (capture.rows as RowTypes[D][]) : [];
  return {
    ...emptyDataset<RowTypes[D]>(),
    rows: new Map(rows.map((r) => [r.id, r])),
    received: true,
    diagnostics: capture.diagnostics,
  };
}

export function useDatasetSource<D extends Dataset>(dataset: D): DatasetSource<RowTypes[D]> {
  const live = useData((s) => s.datasets[dataset]) as DatasetState<RowTypes[D]>;
  const capture = useStore(captureStore, (s) => captureFor(s.capture, dataset));
  const captured = useMemo(() => (capture ? capturedTable(capture, dataset) : null), [capture, dataset]);
  return { table: captured ?? live, capture };
}

/** The table's rows as an array, a new one for each version (a capture's once), of the hosts selected. */
export function useRowArray<Row>(table: DatasetState<Row>): Row[] {
  const selection = useHosts((s) => s.selection);
  return useMemo(() => {
    const rows = Array.from(table.rows.values());
    return selection.kind === 'all' ? rows : rows.filter((r) => rowShown(selection, r));
  }, [table, selection]);
}
