// The app's tabs, in order: the four of Network Utility's Netstat tab, then History (the connection record).
// The one list: the tab bar, Ctrl+1..N, the View menu and its commands, the saved active tab and the tab a
// capture opens in all follow it. Each tab names the datasets it shows.
import type { Dataset } from './types.js';

export const TABS = [
  // Connections are drawn with their names and places (the names dataset follows the connections read);
  // processes: the side list's rates and totals, read only while the list shows (App's visibility report).
  { id: 'connections', label: 'Connections', datasets: ['connections', 'names', 'processes'] },
  { id: 'routes', label: 'Routes', datasets: ['routes'] },
  { id: 'interfaces', label: 'Interfaces', datasets: ['interfaces', 'multicast'] },
  { id: 'statistics', label: 'Statistics', datasets: ['statistics'] },
  // History compares the record with the live connections and interfaces (its Exposure view; App's visibility report).
  { id: 'history', label: 'History', datasets: ['connections', 'interfaces'] },
] as const satisfies readonly { id: string; label: string; datasets: readonly Dataset[] }[];

export type TabId = (typeof TABS)[number]['id'];

export const TAB_IDS: readonly TabId[] = TABS.map((t) => t.id);

export function isTabId(x: unknown): x is TabId {
  return (TAB_IDS as readonly unknown[]).includes(x);
}

/** The tab of an id (the first tab for one no tab has, as a setting from another version may hold). */
export function tabById(id: string): (typeof TABS)[number] {
  return TABS.find((t) => t.id === id) ?? TABS[0];
}

/** The tab that shows a dataset: the first that lists it (a capture of it opens there). */
export function tabOf(dataset: Dataset): TabId {
  return (TABS.find((t) => (t.datasets as readonly Dataset[]).includes(dataset)) ?? TABS[0]).id;
}

/** The View menu's command for a tab. */
export function showTabCommand(id: TabId): `showTab:${TabId}` {
  return `showTab:${id}`;
}
