// File → Export… and Copy carry the data, not the screen's text (review newuser.md N6): an address stays an
// address (its name in a column of its own when names are resolved), bytes, rates, ports, PIDs and counts are
// numbers (JSON numbers, plain digits in CSV and copied rows) under headers that say the unit, times ISO 8601 with
// their offset; the HTML report shows the screen's text, with the address. A hostile text cell is still defused.
import { describe, expect, it } from 'vitest';
import { exportText, toTsv, type ExportFormat } from '../../shared/export.js';
import { formatBytes, isoTime } from '../../shared/format.js';
import {
  INTERFACE_COUNTER_NAMES,
  type Connection,
  type InterfaceCounters,
  type NameEntry,
  type NetInterface,
} from '../../shared/types.js';
import { connectionColumns } from '../tabs/Connections/columns.js';
import { liveInterfaceColumns } from '../tabs/Interfaces/columns.js';
import { rateRings } from '../tabs/Interfaces/rate-series.js';
import { registerGridView, tabView } from './exports.js';
import { exportRows, type GridColumn } from './grid-model.js';
import { conn } from './test-rows.js';

const FIRST_SEEN = Date.UTC(2026, 11, 2, 15, 36, 47, 120);
const HOSTILE = '=HYPERLINK("http://x")\u202egnp';

const names = new Map<string, NameEntry>([
  ['127.0.0.1', { id: '127.0.0.1', service: null, host: 'localhost', country: 'loopback', asn: null, asOrg: null }],
  [
    '192.0.2.7',
    { id: '192.0.2.7', service: null, host: 'peer.example.net', country: 'NL', asn: 64500, asOrg: 'Example' },
  ],
]);

const talker: Connection = conn('a', {
  localAddress: '127.0.0.1',
  localPort: 47310,
  remoteAddress: '127.0.0.1',
  remotePort: 5201,
  sendQ: 1234,
  processes: [{ pid: 4398, name: HOSTILE, cmdline: '', exe: null, user: 'me', startTime: 1 }],
  bytesSent: 38_535_168,
  bytesReceived: 1_234_567,
  sendRate: 100_000,
  recvRate: 0,
  firstSeen: FIRST_SEEN,
});
const shared: Connection = conn('b', {
  remoteAddress: '192.0.2.7',
  processes: [
    { pid: 10, name: 'nginx', cmdline: '', exe: null, user: 'www', startTime: 1 },
    { pid: 11, name: 'nginx', cmdline: '', exe: null, user: 'www', startTime: 1 },
  ],
  bytesSent: null,
  trafficNote: 'no counters',
});

/** What a tab's export writes for these columns and rows, in one format. */
function exported<Row>(format: ExportFormat, columns: GridColumn<Row>[], rows: Row[]): string {
  const withdraw = registerGridView('t', 'grid', {
    view: () => ({ label: 'grid', sort: '', ...exportRows(columns, rows) }),
    selected: () => 0,
  });
  const table = tabView('t', 'T', []);
  withdraw();
  return exportText(format, table!);
}

const resolved = connectionColumns(() => undefined, names, { resolve: true, fqdn: false });
const numeric = connectionColumns(() => undefined, names, { resolve: false, fqdn: false });

describe('Connections exports', () => {
  it('JSON: numbers as numbers, the address as an address with its name beside it, times in ISO 8601', () => {
    const [a, b] = JSON.parse(exported('json', resolved, [talker, shared])) as Record<string, unknown>[];
    expect(a).toMatchObject({
      'Local Address': '127.0.0.1',
      'Local Port': 47310,
      'Foreign Address': '127.0.0.1',
      'Foreign Host': 'localhost',
      'Foreign Port': 5201,
      PID: 4398,
      Process: HOSTILE,
      'Send-Q (bytes)': 1234,
      'Sent (bytes)': 38_535_168,
      'Received (bytes)': 1_234_567,
      'Send rate (B/s)': 100_000,
      'Receive rate (B/s)': 0,
    });
    const seen = a!['First seen'] as string;
    expect(seen).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.120[+-]\d\d:\d\d$/);
    expect(Date.parse(seen)).toBe(FIRST_SEEN);
    // Several processes: every PID; a counter the OS does not keep: null, not "n/a".
    expect(b).toMatchObject({ 'Foreign Address': '192.0.2.7', 'Foreign Host': 'peer', PID: [10, 11] });
    expect(b!['Sent (bytes)']).toBeNull();
  });

  it('CSV: plain digits under headers with the unit, the address, a formula-like text defused', () => {
    const [head, line] = exported('csv', resolved, [talker]).split('\r\n');
    const cells = head!.split(',');
    const at = (h: string) => line!.split(',')[cells.indexOf(h)];
    expect(cells).toEqual(expect.arrayContaining(['Sent (bytes)', 'Send rate (B/s)', 'Foreign Host']));
    expect(cells.indexOf('Foreign Host')).toBe(cells.indexOf('Foreign Address') + 1);
    expect(at('Foreign Address')).toBe('127.0.0.1');
    expect(at('Foreign Host')).toBe('localhost');
    expect(at('Sent (bytes)')).toBe('38535168');
    expect(at('PID')).toBe('4398');
    expect(at('Local Port')).toBe('47310');
    expect(line).toContain(`"'=HYPERLINK(""http://x"")\\u202egnp"`);
    expect(line).not.toMatch(/MiB|KiB|\u202e/);
  });

  it('with names off, the address alone; the HTML report shows the screen and the address', () => {
    const json = JSON.parse(exported('json', numeric, [talker])) as Record<string, unknown>[];
    expect(json[0]!['Foreign Address']).toBe('127.0.0.1');
    expect(Object.keys(json[0]!)).not.toContain('Foreign Host');
    const html = exported('html', resolved, [talker]);
    expect(html).toContain('<th>Foreign Address</th><th>Foreign Host</th>');
    expect(html).toContain('<td>127.0.0.1</td><td>localhost</td>');
    expect(html).toContain(`<td class="r">${formatBytes(38_535_168)}</td>`);
    expect(html).toContain('=HYPERLINK(&quot;http://x&quot;)\\u202egnp');
  });

  it('gives none (null) for a column with no text and no value of its own, not an empty text', () => {
    const columns: GridColumn<{ id: string; place: string }>[] = [
      { id: 'id', header: 'Id', width: 50, sortValue: (r) => r.id, text: (r) => r.id },
      { id: 'place', header: 'Country', width: 50, sortValue: (r) => r.place, text: (r) => r.place },
    ];
    expect(exportRows(columns, [{ id: 'a', place: '' }], 'values').values).toEqual([['a', null]]);
  });

  it('Copy writes what CSV writes, tab-separated', () => {
    const copied = exportRows(resolved, [talker]);
    const [head, line] = toTsv(copied.valueColumns, copied.values).split('\n');
    const at = (h: string) => line!.split('\t')[head!.split('\t').indexOf(h)];
    expect(at('Sent (bytes)')).toBe('38535168');
    expect(at('Foreign Address')).toBe('127.0.0.1');
    expect(at('Process')).toBe(`'=HYPERLINK("http://x")\\u202egnp`);
  });
});

describe('Interfaces exports', () => {
  const ZERO = Object.fromEntries(INTERFACE_COUNTER_NAMES.map((k) => [k, 0])) as Record<
    keyof InterfaceCounters,
    number
  >;
  const eth0 = {
    id: 'eth0',
    name: 'eth0',
    index: 2,
    operState: 'up',
    carrier: true,
    mtu: 1500,
    mac: null,
    speedMbps: 10_000,
    duplex: null,
    type: 'ether',
    flags: ['UP'],
    addresses: [],
    counters: { ...ZERO, rxBytes: 123_456_789, rxPackets: 85_531, txBytes: 2, txPackets: 1 },
    rates: { rxBytesPerSec: 1342.5, txBytesPerSec: 0, rxPacketsPerSec: 1, txPacketsPerSec: 0 },
  } satisfies NetInterface;

  it('packets without separators, bytes and rates as numbers, the speed in Mb/s', () => {
    const [head, line] = exported('csv', liveInterfaceColumns, [eth0]).split('\r\n');
    const at = (h: string) => line!.split(',')[head!.split(',').indexOf(h)];
    expect(at('RX packets')).toBe('85531');
    expect(at('RX bytes')).toBe('123456789');
    expect(at('RX rate (B/s)')).toBe('1343'); // whole B/s
    expect(at('Speed (Mb/s)')).toBe('10000');
    const json = JSON.parse(exported('json', liveInterfaceColumns, [eth0])) as Record<string, unknown>[];
    expect(json[0]).toMatchObject({ 'RX packets': 85_531, MTU: 1500, 'Speed (Mb/s)': 10_000 });
    // The sparkline is written as its peaks, none before two samples.
    expect(Object.keys(json[0]!)).not.toContain('Activity');
    expect(json[0]!['RX peak (B/s)']).toBeNull();
    rateRings.feed(1000, [eth0]);
    rateRings.feed(2000, [eth0]);
    const fed = JSON.parse(exported('json', liveInterfaceColumns, [eth0])) as Record<string, unknown>[];
    expect(fed[0]).toMatchObject({ 'RX peak (B/s)': 1343, 'TX peak (B/s)': 0 });
  });
});

describe('joined grids', () => {
  it('sections with the same columns export as one table, their values too', () => {
    const undo = [
      registerGridView('s', 'Tcp', {
        view: () => ({ label: 'Tcp', sort: '', ...exportRows(numeric, [talker]) }),
        selected: () => 0,
      }),
      registerGridView('s', 'Udp', {
        view: () => ({ label: 'Udp', sort: '', ...exportRows(numeric, [shared]) }),
        selected: () => 0,
      }),
    ];
    const t = tabView('s', 'S', [])!;
    for (const u of undo) u();
    expect(t.data?.columns[0]).toBe('Section');
    expect(t.data?.rows.map((r) => [r[0], r[t.data!.columns.indexOf('PID')]])).toEqual([
      ['Tcp', 4398],
      ['Udp', [10, 11]],
    ]);
    expect(t.rows.map((r) => r[t.columns.indexOf('PID')])).toEqual(['4398', '10, 11']);
  });

  it('names the column saying which grid a row came from apart from the grids’ own (Routes has a Table)', () => {
    const withTable = [...numeric, { ...numeric[0]!, id: 'table', header: 'Table' }];
    const undo = ['IPv4 routes', 'IPv6 routes'].map((label) =>
      registerGridView('r', label, {
        view: () => ({ label, sort: '', ...exportRows(withTable, [talker]) }),
        selected: () => 0,
      }),
    );
    const t = tabView('r', 'Routes', [])!;
    for (const u of undo) u();
    expect(t.columns[0]).toBe('Section');
    expect(t.columns.filter((c) => c === 'Table')).toHaveLength(1);
    expect(new Set(t.data!.columns).size).toBe(t.data!.columns.length);
    expect(t.rows.map((r) => r[0])).toEqual(['IPv4 routes', 'IPv6 routes']);
  });
});

describe('isoTime', () => {
  it('writes a moment with its offset, and nothing for none', () => {
    expect(Date.parse(isoTime(FIRST_SEEN)!)).toBe(FIRST_SEEN);
    expect(isoTime(null)).toBeNull();
    expect(isoTime(0)).toBeNull();
  });
});
