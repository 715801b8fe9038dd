// History's As it was grid shows what the record keeps of a connection, each column once.
import { describe, expect, it } from 'vitest';
import { TRAFFIC_COLUMNS } from '../Connections/columns.js';
import type { RecordedConnection } from '../../../shared/record.js';
import { asRange, CLOSED_MEANING, historyColumns, RANGE_MS } from './AsItWas.js';
import { toHistoryRow } from './rows.js';

/** A recorded connection's fields, as the record keeps them. */
const CONN: RecordedConnection = {
  id: '1',
  proto: 'tcp',
  family: 'inet',
  localAddress: '127.0.0.1',
  localPort: 5000,
  remoteAddress: '127.0.0.1',
  remotePort: 443,
  states: ['ESTABLISHED'],
  listener: false,
  pid: 7,
  process: 'app',
  user: null,
  exe: null,
  path: null,
  firstSeen: 0,
  lastSeen: 0,
  closedAt: null,
  bytesSent: null,
  bytesReceived: null,
  inode: null,
  others: [],
};

describe("History's columns", () => {
  const columns = historyColumns(() => undefined, new Map());
  const ids = columns.map((c) => c.id);

  it('are each listed once', () => {
    // On main Sent and Received were listed twice: the live grid's (always empty here) and the record's.
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it("leave out the live grid's traffic columns, which the record does not keep", () => {
    for (const live of TRAFFIC_COLUMNS.filter((c) => c.id !== 'bytesSent' && c.id !== 'bytesReceived'))
      expect(ids, live.id).not.toContain(live.id);
  });

  it('say the last state the record saw a connection in, not CLOSED for one that closed after the moment', () => {
    const state = columns.find((c) => c.id === 'state')!;
    const row = { state: 'ESTABLISHED', closedAt: 1_700_000_000_000, recorded: {} } as never;
    expect(state.header).toBe('Last state');
    expect(state.text(row)).toBe('ESTABLISHED');
    expect(state.sortValue!(row)).toBe('ESTABLISHED');
    // The kernel's CLOSE in the live tab's word.
    expect(state.text({ ...(row as object), state: 'CLOSE' } as never)).toBe('CLOSED');
  });

  it('open with First seen, the column their rows are sorted by, where it is on screen, with its day', () => {
    expect(ids[0]).toBe('firstSeen');
    expect(columns[0]!.hiddenByDefault ?? false).toBe(false);
    const at = new Date(2026, 11, 3, 14, 7, 32).getTime();
    expect(columns[0]!.text({ firstSeen: at, recorded: {} } as never)).toBe('2026-12-03 14:07:32');
    // Today's, its time alone.
    const today = new Date();
    today.setHours(9, 5, 1, 0);
    expect(columns[0]!.text({ firstSeen: today.getTime(), recorded: {} } as never)).toBe('09:05:01');
  });

  it('say a connection never closed in the record is still open: now, while its recording runs; at its last write, where that recording stopped', () => {
    const closed = columns.find((c) => c.id === 'closed')!;
    const t = new Date(2026, 11, 7, 10, 30, 8).getTime();
    const recorded = { closedAt: null, lastSeen: t };
    // On main both read "open at 2026-12-07 10:30:08", as if it opened then, and the tooltip said recording stopped.
    expect(closed.text({ recorded, openNow: true } as never)).toBe('still open');
    expect(closed.text({ recorded, openNow: false } as never)).toBe('still open at 2026-12-07 10:30:08');
    expect(closed.text({ recorded: { closedAt: t, lastSeen: t }, openNow: false } as never)).toBe(
      '2026-12-07 10:30:08',
    );
    expect(closed.description).toBe(CLOSED_MEANING);
    expect(closed.description).toContain('"still open" where it is open now (recording runs)');
    // Open now where the answer's running recording last wrote it (RecordedRows recordingAt).
    const row = (lastSeen: number, closedAt: number | null) => ({ ...CONN, lastSeen, closedAt });
    expect(toHistoryRow(row(t, null), t).openNow).toBe(true);
    expect(toHistoryRow(row(t - 1000, null), t).openNow).toBe(false);
    expect(toHistoryRow(row(t, t), t).openNow).toBe(false);
    expect(toHistoryRow(row(t, null), null).openNow).toBe(false);
  });

  it("show a shared socket's other owners as the live grid does: the first name and how many more", () => {
    const process = columns.find((c) => c.id === 'process')!;
    const pid = columns.find((c) => c.id === 'pid')!;
    const shared = toHistoryRow({
      ...CONN,
      process: 'nginx',
      others: [
        { pid: 8, name: 'nginx' },
        { pid: 9, name: 'php-fpm' },
      ],
    });
    // On main the record kept the first owner alone: "nginx", "7".
    expect(shared.processes.map((p) => p.pid)).toEqual([7, 8, 9]);
    expect(process.text(shared)).toBe('nginx, php-fpm');
    expect(process.fitText!(shared)).toBe('nginx +1');
    expect(pid.value!(shared)).toEqual([7, 8, 9]);
    expect(process.fitText!(toHistoryRow(CONN))).toBe('app');
  });

  it("show the record's byte totals by default, read from what it recorded", () => {
    for (const id of ['bytesSent', 'bytesReceived']) {
      const column = columns.find((c) => c.id === id)!;
      expect(column.hiddenByDefault ?? false, id).toBe(false);
      const recorded = { bytesSent: 2048, bytesReceived: 10 };
      expect(column.text({ recorded } as never)).toBe(id === 'bytesSent' ? '2.00 KiB' : '10 B');
      // Totals, not bytes up to the moment shown: the header says so (on main it said nothing).
      expect(column.description).toMatch(/^Bytes (sent|received) over the whole connection: its total at its close/);
    }
  });
});

describe('a range made of a moment ("Over a range")', () => {
  const now = Date.UTC(2026, 11, 5, 9, 12, 25);
  const min = 60_000;

  it('runs RANGE_MS from a moment long enough ago', () => {
    expect(asRange({ from: now - 60 * min, to: now - 60 * min }, now)).toEqual({
      from: now - 60 * min,
      to: now - 45 * min,
    });
  });

  it('is the last RANGE_MS for a moment less than that ago, the moment inside it', () => {
    // On main a moment 2 s ago made a range of 2 s.
    expect(asRange({ from: now - 2000, to: now - 2000 }, now)).toEqual({ from: now - RANGE_MS, to: now });
    expect(asRange({ from: now - 10 * min, to: now - 10 * min }, now)).toEqual({ from: now - RANGE_MS, to: now });
  });

  it('leaves a range as it is', () => {
    const range = { from: now - 3 * min, to: now - 2 * min };
    expect(asRange(range, now)).toBe(range);
  });
});
