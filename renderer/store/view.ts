// What the active tab reports to the status bar: how many rows it shows out of how many. And which of its
// views the History tab shows, so that an alert clicked (a notification, the tray, a notice) opens Alerts.
import { createStore, useStore } from 'zustand';
import { updateSettings } from './settings.js';

export interface PanelStats {
  shown: number;
  total: number;
  /** What a row is ("connections", "routes"...). */
  noun: string;
  /** Connections whose owner this user may not see. */
  denied?: number;
}

export const HISTORY_VIEWS = ['timeline', 'changes', 'exposure', 'alerts'] as const;
export type HistoryView = (typeof HISTORY_VIEWS)[number];

export const viewStore = createStore<{ panel: PanelStats | null; historyView: HistoryView }>(() => ({
  panel: null,
  historyView: 'timeline',
}));

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
    prev.denied === stats.denied
  )
    return;
  viewStore.setState({ panel: stats });
}
