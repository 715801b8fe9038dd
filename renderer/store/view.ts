// What the active tab reports to the status bar: how many rows it shows out of how many. And which of its
// views the History tab shows, so that an alert clicked (a notification, the tray, a notice) opens Alerts. And
// whether "Export this view" is open (Ctrl+E, the header's Export…, a selection's menu: its rows alone).
import { useEffect } from 'react';
import { createStore, useStore } from 'zustand';
import { updateSettings } from './settings.js';

export interface PanelStats {
  shown: number;
  /** The rows a filter chose from ("3 of 40 routes"); none for a view that lists all it has ("12 changes"). */
  total?: number;
  /** What the rows are ("connections", "routes"...). */
  noun: string;
  /** What one row is, for a count of one without a total ("1 change"); the noun when not given. */
  one?: string;
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
  if (prev === stats) return;
  if (
    prev &&
    stats &&
    prev.shown === stats.shown &&
    prev.total === stats.total &&
    prev.noun === stats.noun &&
    prev.one === stats.one &&
    prev.denied === stats.denied &&
    prev.selected === stats.selected &&
    prev.note === stats.note
  )
    return;
  viewStore.setState({ panel: stats });
}

/**
 * A tab's or view's count in the status bar while it is shown: `stats` after each render (the store keeps its state
 * when the figures are the same), none while it has nothing to count yet, and none once it is gone.
 */
export function usePanelReport(stats: PanelStats | null): void {
  useEffect(() => reportPanel(stats));
  useEffect(() => () => reportPanel(null), []);
}
