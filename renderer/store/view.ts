// What the active tab reports to the status bar: how many rows it shows out of how many. And which of its
// views the History tab shows, so that an alert clicked (a notification, the tray, a notice) opens Alerts. And
// whether "Export this view" is open (Ctrl+E, the header's Export…, a selection's menu: its rows alone).
import { createStore, useStore } from 'zustand';
import { updateSettings } from './settings.js';

export interface PanelStats {
  shown: number;
  total: number;
  /** What a row is ("connections", "routes"...). */
  noun: string;
  /** Connections whose owner this user may not see. */
  denied?: number;
  /** Rows of the view selected (a grid with several selectable rows). */
  selected?: number;
  /** What the count leaves unsaid, after it ("13 in the local table, hidden"). */
  note?: string;
}

export const HISTORY_VIEWS = ['timeline', 'changes', 'exposure', 'alerts'] as const;
export type HistoryView = (typeof HISTORY_VIEWS)[number];

export const viewStore = createStore<{
  panel: PanelStats | null;
  historyView: HistoryView;
  /** The Export dialog, open; with `selectedOnly`, set to write the selected rows alone. */
  exporting: { selectedOnly: boolean } | null;
}>(() => ({
  panel: null,
  historyView: 'timeline',
  exporting: null,
}));

/** Opens "Export this view", set to write the tab's selected rows alone or every row. */
export function openExport(selectedOnly = false): void {
  viewStore.setState({ exporting: { selectedOnly } });
}

export function closeExport(): void {
  viewStore.setState({ exporting: null });
}

export function setHistoryView(historyView: HistoryView): void {
  viewStore.setState({ historyView });
}

/** The History tab's Alerts. */
export function showAlerts(): void {
  updateSettings({ activeTab: 'history' });
  setHistoryView('alerts');
}

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
    prev.denied === stats.denied &&
    prev.selected === stats.selected &&
    prev.note === stats.note
  )
    return;
  viewStore.setState({ panel: stats });
}
