// Where a tab's rows come from: the live table, or an opened capture (read-only, one reading: no ticks, no
// rates, no highlights). Tabs ask useDatasetSource(dataset) and draw `table` the same way in both cases; they
// look at `capture` only for what a capture changes (its banner, read-only actions, capture columns).
import { useMemo, useRef } from 'react';
import { useStore } from 'zustand';
import { type TabId, tabOf } from '../../shared/tabs.js';
import type { Dataset, RowTypes } from '../../shared/types.js';
import { captureStore, type OpenCapture } from './capture.js';
import { useData } from './data.js';
import { emptyDataset, ordinalsOf, type DatasetState } from './tables.js';
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

/** Whether a tab shows the open capture: the tab it opens in, its dataset's (the others show live data: Pause,
 *  Refresh and the tick's figures are theirs; History too, whose Exposure reads the live connections a capture of
 *  them would otherwise have been taken for). */
export function showsCapture(capture: OpenCapture | null, tab: TabId): boolean {
  return capture !== null && tabOf(capture.dataset) === tab;
}

/** A capture as a dataset's table: its rows when it is of that dataset, else none. */
export function capturedTable<D extends Dataset>(capture: OpenCapture, dataset: D): DatasetState<RowTypes[D]> {
  const rows = capture.dataset === dataset ? (capture.rows as RowTypes[D][]) : [];
  const ordinals = ordinalsOf(rows);
  return {
    ...emptyDataset<RowTypes[D]>(),
    rows: new Map(rows.map((r) => [r.id, r])),
    ordinals,
    nextOrdinal: ordinals.size,
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

/** The table's rows as an array (a capture's once), of the hosts selected: a new one for a version that
 *  changed, added or removed a row, the same one for a version that did not (a tick at rest: the grids and
 *  sections fed from it then skip their render, issue 15). */
export function useRowArray<Row>(table: DatasetState<Row>): Row[] {
  const selection = useHosts((s) => s.selection);
  const last = useRef<Row[] | null>(null);
  const rows = useMemo(() => {
    const all = Array.from(table.rows.values());
    return sameRows(last.current, selection.kind === 'all' ? all : all.filter((r) => rowShown(selection, r)));
  }, [table, selection]);
  last.current = rows;
  return rows;
}

/** `previous` when `next` holds the same row objects in the same order (a diff replaces a row it changes),
 *  else `next`. */
export function sameRows<Row>(previous: Row[] | null, next: Row[]): Row[] {
  if (previous === null || previous.length !== next.length) return next;
  for (let i = 0; i < next.length; i++) if (previous[i] !== next[i]) return next;
  return previous;
}
