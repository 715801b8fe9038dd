// Rates in exports and copied rows are whole bytes per second (a counter's events per second to two decimals), not
// the tick's float noise: a new user's review of 12-03 found `218413.09620048504` in a CSV's Send rate (B/s).
import { describe, expect, it } from 'vitest';
import type { NetInterface } from '../../shared/types.js';
import { connectionColumns } from '../tabs/Connections/columns.js';
import { processListColumns, type ProcessEntry } from '../tabs/Connections/ProcessList.js';
import { liveInterfaceColumns } from '../tabs/Interfaces/columns.js';
import { rateColumn } from '../tabs/Statistics/StatisticsTab.js';
import type { StatRow } from '../tabs/Statistics/counter-groups.js';
import { exportRows, exportValues, type GridColumn } from './grid-model.js';
import { conn } from './test-rows.js';

const NOISY = 218413.09620048504;
const connColumns = connectionColumns(() => undefined, new Map());

/** The exported value of each column whose data header says B/s or is a per-second rate, for one row. */
function rates<Row>(columns: readonly GridColumn<Row>[], row: Row, pick: (header: string) => boolean) {
  const out = exportRows(columns, [row]);
  const copied = exportValues(columns, [row]);
  expect(copied.values).toEqual(out.values);
  return out.valueColumns.flatMap((h, i) => (pick(h) ? [[h, out.values[0]?.[i]] as const] : []));
}

describe('exported rates', () => {
  it('Connections: Send and Receive rate in whole B/s, none stays null', () => {
    const row = conn('a', { sendRate: NOISY, recvRate: 0.4, bytesSent: 1, bytesReceived: 1 });
    expect(rates(connColumns, row, (h) => h.includes('B/s'))).toEqual([
      ['Send rate (B/s)', 218413],
      ['Receive rate (B/s)', 0],
    ]);
    const none = conn('b', { sendRate: null, recvRate: null });
    expect(rates(connColumns, none, (h) => h.includes('B/s')).map(([, v]) => v)).toEqual([null, null]);
  });

  it('Interfaces: RX and TX rate in whole B/s', () => {
    const row = {
      id: 'eth0',
      name: 'eth0',
      rates: { rxBytesPerSec: NOISY, txBytesPerSec: 12.5 },
    } as unknown as NetInterface;
    const columns = liveInterfaceColumns.filter((c) => c.id === 'rxRate' || c.id === 'txRate');
    const got = rates(columns, row, (h) => h.includes('rate (B/s)'));
    expect(got).toEqual([
      ['RX rate (B/s)', 218413],
      ['TX rate (B/s)', 13],
    ]);
  });

  it('process list: Recv/s and Send/s in whole B/s', () => {
    const row: ProcessEntry = {
      id: 'socat',
      name: 'socat',
      pids: [1],
      connections: 1,
      listening: 0,
      traffic: { sendRate: NOISY, recvRate: 99.5, bytesSent: 5, bytesReceived: 6, note: null },
    };
    expect(rates(processListColumns, row, (h) => h.endsWith('/s (B/s)'))).toEqual([
      ['Recv/s (B/s)', 100],
      ['Send/s (B/s)', 218413],
    ]);
  });

  it("Statistics: a counter's per second to two decimals", () => {
    const row = { id: 'Tcp.InSegs', kind: 'counter', rate: 0.333333333 } as unknown as StatRow;
    expect(exportValues([rateColumn], [row]).values).toEqual([[0.33]]);
  });
});
