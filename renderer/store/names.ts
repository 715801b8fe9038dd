// Names and places for the Connections tab: the live `names` dataset (entries by address and by
// `proto/port`), or the entries an opened capture came with. Rows are joined with them when drawn, sorted or
// filtered; the epoch moves only when an entry changed, so views that depend on names rebuild then and not
// on every tick.
import { useMemo, useRef } from 'react';
import type { NameLookup } from '../../shared/names.js';
import type { NameEntry } from '../../shared/types.js';
import { dataStore, useData } from './data.js';
import type { DatasetState } from './tables.js';
import type { OpenCapture } from './capture.js';

/** The live entries, read at call time: one object for the app's life, whatever snapshots replace. */
export const LIVE_NAMES: NameLookup = { get: (id) => dataStore.getState().datasets.names.rows.get(id) };

export interface NamesView {
  names: NameLookup;
  /** Changes when an entry was added, changed or removed (not on empty ticks). */
  epoch: number;
}

function changedSince(ds: DatasetState<NameEntry>, seen: number): boolean {
  const since = ds.changes.filter((c) => c.version > seen);
  // A snapshot (no change list) or versions the list no longer covers: assume everything changed.
  if (since.length !== ds.version - seen) return true;
  return since.some((c) => c.change.upserts.length > 0 || c.change.removed.length > 0);
}

export function useNames(capture: OpenCapture | null): NamesView {
  const ds = useData((s) => s.datasets.names);
  const state = useRef({ version: -1, epoch: 0 });
  const captured = useMemo<NameLookup | null>(
    () => (capture ? new Map((capture.names ?? []).map((e) => [e.id, e])) : null),
    [capture],
  );
  const st = state.current;
  if (ds.version !== st.version) {
    if (changedSince(ds, st.version)) st.epoch++;
    st.version = ds.version;
  }
  return { names: captured ?? LIVE_NAMES, epoch: captured ? -1 : st.epoch };
}
