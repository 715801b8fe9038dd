import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyDiff, valueEqual } from '../../shared/diff.js';
import type { Connection } from '../../shared/types.js';
import { CLOSED_LINGER_MS, ConnectionTable } from './connections.js';

function conn(id: number, state: Connection['state'], sendQ: number, pids: number[], unix: boolean): Connection {
  return {
    id: `c${id}`,
    proto: unix ? 'unix' : 'tcp',
    family: unix ? 'unix' : 'inet',
    localAddress: unix ? '' : '127.0.0.1',
    localPort: unix ? 0 : 1000 + id,
    remoteAddress: unix ? '' : '127.0.0.1',
    remotePort: unix ? 0 : 80,
    state,
    recvQ: 0,
    sendQ,
    uid: 0,
    user: 'root',
    inode: 100 + id,
    processes: pids.map((pid) => ({ pid, name: `p${pid}`, cmdline: '', exe: null, user: 'root', startTime: pid })),
    ownerStatus: pids.length ? 'known' : 'none',
    ...(unix ? { path: `/run/s${id}`, socketType: 'STREAM' } : {}),
  };
}

const readArb = fc
  .array(
    fc.record({
      id: fc.integer({ min: 0, max: 12 }),
      state: fc.constantFrom('ESTABLISHED', 'CLOSE_WAIT'),
      sendQ: fc.integer({ min: 0, max: 2 }),
      pids: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
    }),
    { maxLength: 12 },
  )
  .map((specs) => specs.map((s) => conn(s.id, s.state, s.sendQ, s.pids, s.id % 4 === 0)));

const sequenceArb = fc.array(fc.tuple(readArb, fc.integer({ min: 0, max: 4000 })), { minLength: 1, maxLength: 12 });

describe('ConnectionTable', () => {
  // Sorted reads keep their order from one read to the next, as a kernel mostly does (the table's fast path);
  // unsorted ones shuffle it (the lookup path).
  it.each([
    ['in random order', false],
    ['in a stable order', true],
  ])('yields diffs that keep a client equal to the table, with lifecycle fields that hold (reads %s)', (_, sorted) => {
    fc.assert(
      fc.property(
        sequenceArb.map((reads) =>
          sorted
            ? reads.map(([rows, step]) => [[...rows].sort((a, b) => a.id.localeCompare(b.id)), step] as const)
            : reads,
        ),
        (reads) => {
          const table = new ConnectionTable();
          const client = new Map<string, Connection>();
          let now = 1_000_000;
          for (const [rows, step] of reads) {
            now += step;
            applyDiff(client, table.update(rows, now));
            const published = table.rows();
            expect(client.size).toBe(published.length);
            for (const row of published) expect(valueEqual(client.get(row.id), row)).toBe(true);
            const inRead = new Set(rows.map((r) => r.id));
            for (const row of published) {
              expect(row.firstSeen).toBeLessThanOrEqual(row.lastChanged!);
              if (inRead.has(row.id)) expect(row.closedAt).toBeNull();
              else {
                expect(row.closedAt).not.toBeNull();
                expect(now - row.closedAt!).toBeLessThan(CLOSED_LINGER_MS);
              }
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('moves lastChanged only when a collected field changed, and keeps firstSeen', () => {
    const table = new ConnectionTable();
    table.update([conn(1, 'ESTABLISHED', 0, [5], false)], 1000);
    // The same socket, read again as new objects with equal nested values: nothing to send.
    expect(table.update([conn(1, 'ESTABLISHED', 0, [5], false)], 2000)).toEqual({
      added: [],
      removed: [],
      changed: [],
    });
    const diff = table.update([conn(1, 'CLOSE_WAIT', 0, [5], false)], 3000);
    expect(diff.changed).toEqual([{ id: 'c1', state: 'CLOSE_WAIT', lastChanged: 3000 }]);
    expect(table.get('c1')).toMatchObject({ firstSeen: 1000, lastChanged: 3000, closedAt: null });
  });

  it('counts a connection that comes back after closing as new', () => {
    const table = new ConnectionTable();
    table.update([conn(1, 'ESTABLISHED', 0, [], false)], 1000);
    expect(table.update([], 2000).changed).toEqual([{ id: 'c1', closedAt: 2000 }]);
    const back = table.update([conn(1, 'ESTABLISHED', 0, [], false)], 3000);
    expect(back.changed).toEqual([{ id: 'c1', firstSeen: 3000, lastChanged: 3000, closedAt: null }]);
  });
});

describe('ConnectionTable traffic', () => {
  const withBytes = (sent: number, received: number, extra: Partial<Connection> = {}): Connection => ({
    ...conn(1, 'ESTABLISHED', 0, [], false),
    bytesSent: sent,
    bytesAcked: sent,
    bytesReceived: received,
    bytesRetrans: 0,
    sendRate: null,
    recvRate: null,
    rttMs: 1,
    rttVarMs: 0.5,
    minRttMs: 0.1,
    retrans: 0,
    cwnd: 10,
    lastSendAt: 0,
    lastRecvAt: 0,
    segsOut: 1,
    segsIn: 1,
    deliveryRate: null,
    skmem: null,
    trafficNote: null,
    ...extra,
  });

  it('derives send and receive rates from the change between reads, without touching lastChanged', () => {
    const table = new ConnectionTable();
    table.update([withBytes(1000, 0)], 1000);
    expect(table.get('c1')).toMatchObject({ sendRate: null, recvRate: null });
    const d = table.update([withBytes(3000, 500)], 2000);
    expect(d.changed).toEqual([
      { id: 'c1', bytesSent: 3000, bytesAcked: 3000, bytesReceived: 500, sendRate: 2000, recvRate: 500 },
    ]);
    expect(table.get('c1')!.lastChanged).toBe(1000);
    // Half a second later, 1000 more bytes: 2000 B/s.
    table.update([withBytes(4000, 500)], 2500);
    expect(table.get('c1')).toMatchObject({ sendRate: 2000, recvRate: 0 });
    // Nothing moved: the rates fall to zero once, then the row stays as it is.
    expect(table.update([withBytes(4000, 500)], 3500).changed).toEqual([{ id: 'c1', sendRate: 0 }]);
    expect(table.update([withBytes(4000, 500)], 4500).changed).toEqual([]);
  });

  it('gives no rate when a counter goes back, or while traffic is not collected', () => {
    const table = new ConnectionTable();
    table.update([withBytes(5000, 5000)], 1000);
    table.update([withBytes(100, 6000)], 2000);
    expect(table.get('c1')).toMatchObject({ sendRate: null, recvRate: 1000 });
    table.update([conn(1, 'ESTABLISHED', 0, [], false)], 3000);
    expect(table.get('c1')!.bytesSent).toBeUndefined();
    table.update([withBytes(200, 6000)], 4000);
    expect(table.get('c1')).toMatchObject({ bytesSent: 200, sendRate: null, recvRate: null });
  });

  it('keeps the last counters on a closed row', () => {
    const table = new ConnectionTable();
    table.update([withBytes(1000, 2000)], 1000);
    table.update([], 2000);
    expect(table.get('c1')).toMatchObject({ bytesSent: 1000, bytesReceived: 2000, closedAt: 2000 });
  });
});

describe('ConnectionTable closed sockets', () => {
  const traffic = (sent: number) => ({
    bytesSent: sent,
    bytesAcked: sent,
    bytesReceived: 7,
    bytesRetrans: 0,
    sendRate: null,
    recvRate: null,
    rttMs: 1,
    rttVarMs: 1,
    minRttMs: 1,
    retrans: 0,
    cwnd: 10,
    lastSendAt: null,
    lastRecvAt: null,
    segsOut: 1,
    segsIn: 1,
    deliveryRate: null,
    skmem: null,
    trafficNote: null,
  });

  it('puts final counters on the closed row, and adds a closed row for a socket no read listed', () => {
    const table = new ConnectionTable();
    table.update([{ ...conn(1, 'ESTABLISHED', 0, [], false), ...traffic(100) }], 1000);
    table.update([], 2000);
    const d = table.update([], 3000, [
      { id: 'c1', traffic: traffic(5000), row: null },
      { id: 'x', traffic: traffic(9), row: { ...conn(9, 'CLOSE', 0, [7], false), id: 'short', ...traffic(9) } },
    ]);
    expect(d.changed).toContainEqual({ id: 'c1', bytesSent: 5000, bytesAcked: 5000 });
    expect(table.get('c1')).toMatchObject({ bytesSent: 5000, closedAt: 2000 });
    expect(d.added).toHaveLength(1);
    expect(d.added[0]).toMatchObject({ id: 'short', firstSeen: 3000, closedAt: 3000, bytesSent: 9 });
    // It lingers like any closed row, then goes.
    expect(table.update([], 3000 + CLOSED_LINGER_MS).removed).toEqual(expect.arrayContaining(['short', 'c1']));
  });
});
