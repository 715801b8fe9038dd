// What the active tab reports to the status bar: how many rows it shows out of how many.
import { createStore, useStore } from 'zustand';

export interface PanelStats {
  shown: number;
  total: number;
  /** What a row is ("connections", "routes"...). */
  noun: string;
  /** Connections whose owner this user may not see. */
  denied?: number;
}

export const viewStore = createStore<{ panel: PanelStats | null }>(() => ({ panel: null }));

export function useView() {
  return useStore(viewStore);
}

export function reportPanel(stats: PanelStats | null): void {
  const prev = viewStore.getState().panel;
  if (
    prev &&
    stats &&
    prev.shown === stats.shown &&
    prev.total === stats.total &&
    prev.noun === stats.noun &&
    prev.denied === stats.denied
  )
    return;
  viewStore.setState({ panel: stats });
}
