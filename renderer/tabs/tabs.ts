// The four tabs of Network Utility's Netstat tab, then History (the connection record), and the datasets each
// shows (History compares the record with the live connections and interfaces).
import type { Dataset } from '../../shared/types.js';

export type TabId = 'connections' | 'routes' | 'interfaces' | 'statistics' | 'history';

export const TABS: { id: TabId; label: string; datasets: Dataset[] }[] = [
  // Connections are drawn with their names and places (the names dataset follows the connections read);
  // processes: the side list's rates and totals, read only while the list shows (App's visibility report).
  { id: 'connections', label: 'Connections', datasets: ['connections', 'names', 'processes'] },
  { id: 'routes', label: 'Routes', datasets: ['routes'] },
  { id: 'interfaces', label: 'Interfaces', datasets: ['interfaces', 'multicast'] },
  { id: 'statistics', label: 'Statistics', datasets: ['statistics'] },
  { id: 'history', label: 'History', datasets: ['connections', 'interfaces'] },
];
