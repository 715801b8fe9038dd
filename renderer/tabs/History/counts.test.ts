// What History's What changed, Exposure and Alerts views tell the status bar: how many things each lists, in its word.
import { describe, expect, it } from 'vitest';
import type { Exposed } from '../../../shared/exposure.js';
import { noChanges, type ChangesSummary, type RecordedConnection } from '../../../shared/record.js';
import type { Connection } from '../../../shared/types.js';
import { rowsText } from '../../components/StatusBar.js';
import { alertsStats, changesStats, exposureStats } from './counts.js';

const listener = (id: string) => ({ id }) as RecordedConnection;

const summary = (change: Partial<ChangesSummary>): ChangesSummary => ({ ...noChanges(0, 1), ...change });

describe("What changed's count", () => {
  it('is every item of its lists', () => {
    const s = summary({
      newListeners: [listener('a'), listener('b')],
      goneListeners: [listener('c')],
      briefListeners: [listener('d')],
      newRemoteHosts: [{ address: '192.0.2.9', network: '192.0.2.0/24', process: 'curl', firstSeen: 1 }],
      newNetworks: ['192.0.2.0/24'],
      newPlaces: [{ process: 'curl', place: 'country DE', firstSeen: 1 }],
      startedProcesses: [{ process: 'curl', firstSeen: 1 }],
      stoppedProcesses: [{ process: 'wget', lastSeen: 1 }],
    });
    expect(rowsText(changesStats(s))).toBe('9 changes');
    expect(rowsText(changesStats(summary({ stoppedProcesses: [{ process: 'wget', lastSeen: 1 }] })))).toBe('1 change');
    expect(rowsText(changesStats(summary({})))).toBe('0 changes');
  });

  it('says the listeners of the range it could not list', () => {
    expect(rowsText(changesStats(summary({ briefListeners: [listener('d')], briefListenersOmitted: 1_500 })))).toBe(
      '1 change (1,500 more listeners of the range not listed)',
    );
  });
});

describe("Exposure's count", () => {
  const exposed = (id: string, ownerStatus: Connection['ownerStatus']): Exposed => ({
    row: { id, ownerStatus } as Connection,
    group: 'loopback',
    iface: null,
  });

  it('is its listeners, with those whose owner this user may not see', () => {
    const stats = exposureStats([exposed('a', 'known'), exposed('b', 'denied'), exposed('c', 'none')]);
    expect(rowsText(stats)).toBe('3 listeners');
    expect(stats.denied).toBe(1);
    expect(rowsText(exposureStats([exposed('a', 'known')]))).toBe('1 listener');
  });
});

describe("Alerts' count", () => {
  it('is the alerts listed, and says when the list is as long as it goes', () => {
    expect(rowsText(alertsStats(1, 200))).toBe('1 alert');
    expect(rowsText(alertsStats(5, 200))).toBe('5 alerts');
    expect(rowsText(alertsStats(200, 200))).toBe('200 alerts (the newest: any older ones are not listed)');
  });
});
