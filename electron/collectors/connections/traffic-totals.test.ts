import { describe, expect, it, vi } from 'vitest';
import { NO_PROCESS, OTHER_USERS, OWNER_NOT_LISTED, type Connection, type ProcessInfo } from '../../../shared/types.js';
import { unknownTraffic } from './tcp-info.js';
import type { DestroyedSocket } from './tcp-events.js';
import { cookieKey, MAX_PROCESSES, ownerCounts, TrafficTotals } from './traffic-totals.js';
import { inetConnectionKey } from './keys.js';

const proc = (pid: number, name: string): ProcessInfo => ({
  pid,
  name,
  cmdline: '',
  exe: null,
  user: 'alice',
  startTime: 5,
});

function row(
  id: string,
  localPort: number,
  state: Connection['state'],
  sent: number | null,
  received: number | null,
  owner: ProcessInfo | 'denied' | null,
  inode: number | null = 1,
): Connection {
  return {
    ...unknownTraffic('x'),
    id,
    proto: 'tcp',
    family: 'inet',
    localAddress: '127.0.0.1',
    localPort,
    remoteAddress: '127.0.0.1',
    remotePort: state === 'LISTEN' ? 0 : 9,
    state,
    recvQ: 0,
    sendQ: 0,
    uid: 1000,
    user: 'alice',
    inode,
    processes: owner && owner !== 'denied' ? [owner] : [],
    ownerStatus: owner === 'denied' ? 'denied' : owner ? 'known' : 'none',
    bytesSent: sent,
    bytesReceived: received,
    trafficNote: sent === null ? 'x' : null,
  };
}

function event(cookie: string, localPort: number, sent: number, received: number, uid = 1000): DestroyedSocket {
  const traffic = { ...unknownTraffic('x'), bytesSent: sent, bytesReceived: received, trafficNote: null };
  return {
    cookie,
    family: 'inet',
    localAddress: '127.0.0.1',
    localPort,
    remoteAddress: '127.0.0.1',
    remotePort: 40000,
    uid,
    traffic,
    at: 1,
  };
}

describe('TrafficTotals', () => {
  const web = proc(10, 'web');
  it('takes the cookies by position as well as by row, skipping rows without one', () => {
    const byRow = new TrafficTotals(1000);
    const byPosition = new TrafficTotals(1000);
    const a = row('a', 5000, 'ESTABLISHED', 100, 10, web);
    const b = row('b', 5001, 'ESTABLISHED', 7, 3, web);
    const udp = { ...row('u', 53, 'ESTABLISHED', 1, 1, web), proto: 'udp' } as Connection;
    byRow.update([a, b, udp], new Map([[a, 'c1']]), [], 1);
    byPosition.update([a, b, udp], ['c1', null], [], 1);
    const a2 = row('a', 5000, 'ESTABLISHED', 300, 30, web);
    const b2 = row('b', 5001, 'ESTABLISHED', 9, 4, web);
    byRow.update(
      [b2, a2],
      new Map([
        [a2, 'c1'],
        [b2, 'c2'],
      ]),
      [],
      2,
    );
    byPosition.update([b2, a2], ['c2', 'c1'], [], 2);
    expect(byPosition.rows(ownerCounts([a2, b2]))).toEqual(byRow.rows(ownerCounts([a2, b2])));
    // b counted from the reading that gave its cookie, with all it had moved by then.
    expect(byPosition.rows(ownerCounts([a2, b2]))[0]).toMatchObject({ bytesSent: 309, bytesReceived: 34 });
  });

  it('adds each socket’s growth to its process, keeps it after the socket closes, and counts it once across an inode change', () => {
    const t = new TrafficTotals(1000);
    const a = row('a', 5000, 'ESTABLISHED', 100, 10, web);
    t.update([a], new Map([[a, 'c1']]), [], 1);
    const a2 = row('a', 5000, 'ESTABLISHED', 300, 30, web);
    t.update([a2], new Map([[a2, 'c1']]), [], 2);
    // Closed by the process: the same socket (cookie) without an inode or an owner, still sending.
    const orphan = row('a-orphan', 5000, 'FIN_WAIT1', 400, 30, null, null);
    t.update([orphan], new Map([[orphan, 'c1']]), [], 3);
    const closed = t.update([], new Map(), [event('c1', 5000, 450, 31)], 4);
    expect(closed).toEqual([{ id: 'a-orphan', traffic: expect.objectContaining({ bytesSent: 450 }), row: null }]);
    expect(t.rows(ownerCounts([]))).toEqual([
      expect.objectContaining({
        id: '10@5',
        name: 'web',
        connections: 0,
        bytesSent: 450,
        bytesReceived: 31,
        closedConnections: 1,
      }),
    ]);
  });

  it('credits a socket no reading listed to the listener’s process, else to no process or other users', () => {
    const t = new TrafficTotals(1000);
    const listener = row('l', 8080, 'LISTEN', null, null, web);
    const closed = t.update(
      [listener],
      new Map(),
      [event('s1', 8080, 0, 1 << 20), event('s2', 41000, 1 << 20, 0), event('s3', 42000, 7, 0, 33)],
      1,
    );
    expect(closed.map((c) => c.row?.processes[0]?.name ?? null)).toEqual(['web', null, null]);
    expect(closed[2]!.row!.ownerStatus).toBe('denied');
    const rows = t.rows(ownerCounts([listener]));
    expect(rows.find((r) => r.name === 'web')).toMatchObject({
      bytesReceived: 1 << 20,
      connections: 1,
      closedConnections: 1,
    });
    expect(rows.find((r) => r.id === NO_PROCESS)).toMatchObject({ bytesSent: 1 << 20 });
    expect(rows.find((r) => r.id === OTHER_USERS)).toMatchObject({ bytesSent: 7 });
  });

  it('names the user of a socket no reading listed, as the live rows are named (not a bare uid)', () => {
    const names = new Map([
      [0, 'root'],
      [1000, 'me'],
    ]);
    const t = new TrafficTotals(0, (uid) => (uid === null ? null : (names.get(uid) ?? null)));
    const closed = t.update(
      [],
      new Map(),
      [event('s1', 41000, 5, 0, 0), event('s2', 42000, 5, 0, 1000), event('s3', 43000, 5, 0, 7)],
      1,
    );
    // On main: null, null, null (the User column then showed "0" and "1000").
    expect(closed.map((c) => [c.row?.uid, c.row?.user])).toEqual([
      [0, 'root'],
      [1000, 'me'],
      [7, null],
    ]);
  });

  it('gives processes with sockets but no TCP connection null totals with the reason', () => {
    const t = new TrafficTotals(1000);
    const udp = { ...row('u', 53, 'UNCONN', null, null, proc(11, 'dns')), proto: 'udp' as const };
    t.update([udp], new Map(), [], 1);
    expect(t.rows(ownerCounts([udp]))).toEqual([
      expect.objectContaining({
        name: 'dns',
        connections: 1,
        bytesSent: null,
        note: expect.stringMatching(/^n\/a: no TCP/),
      }),
    ]);
  });

  it('counts the sockets of each owner, whatever their order', () => {
    const dns = proc(11, 'dns');
    const web2 = proc(12, 'web');
    const denied = row('d', 9, 'ESTABLISHED', null, null, 'denied');
    const nobody = row('n', 10, 'ESTABLISHED', null, null, null);
    const open = [
      row('a', 1, 'ESTABLISHED', null, null, dns),
      row('b', 2, 'ESTABLISHED', null, null, dns),
      row('c', 3, 'ESTABLISHED', null, null, web2),
      denied,
      row('e', 4, 'ESTABLISHED', null, null, dns),
      nobody,
      denied,
      nobody,
    ];
    const counts = new Map([...ownerCounts(open)].map(([key, e]) => [key, e.n]));
    expect(counts).toEqual(
      new Map([
        ['11@5', 3],
        ['12@5', 1],
        [OTHER_USERS, 2],
        [NO_PROCESS, 2],
      ]),
    );
  });

  it("counts a remote host's sockets past its owners' cap apart from those no process holds", () => {
    // On main: under (no process), "sockets no process holds".
    const capped = { ...row('c', 5, 'ESTABLISHED', 100, 10, null), ownerStatus: 'capped' as const };
    const nobody = row('n', 6, 'ESTABLISHED', null, null, null);
    const t = new TrafficTotals(-1);
    t.update([capped, nobody], ['1', null], [], 1);
    const rows = t.rows(ownerCounts([capped, nobody]));
    expect(rows.find((r) => r.id === OWNER_NOT_LISTED)).toMatchObject({
      pid: null,
      connections: 1,
      bytesSent: 100,
      note: expect.stringMatching(/past the owners/),
    });
    expect(rows.find((r) => r.id === NO_PROCESS)).toMatchObject({ connections: 1, bytesSent: null });
  });

  it('keys a cookie by its number only when no other cookie text gives that number', () => {
    expect(cookieKey('0')).toBe(0);
    expect(cookieKey('1a2b')).toBe(0x1a2b);
    expect(cookieKey('fffffff')).toBe(0xfffffff);
    // Text another cookie would share a number with, or too long for a small integer: kept as text.
    for (const text of ['', '01a2b', '1A2B', '10000000', 'ffffffffffffffff', '12g', ' 1', '-1', '1.5'])
      expect(cookieKey(text)).toBe(text);
    // Over every short cookie of two hexadecimal digits and its variants, no two texts share a key.
    const texts = new Set<string>();
    for (let i = 0; i < 256; i++) {
      const hex = i.toString(16);
      for (const t of [hex, hex.toUpperCase(), `0${hex}`, `00${hex}`]) texts.add(t);
    }
    const keys = new Map<string | number, string>();
    for (const t of texts) {
      const k = cookieKey(t);
      expect(keys.get(k) ?? t).toBe(t);
      keys.set(k, t);
    }
  });

  it('gives a connection that opened and closed between readings, now in TIME_WAIT, its counts: no second row', () => {
    const t = new TrafficTotals(1000);
    const id = inetConnectionKey('tcp', 'inet', '127.0.0.1', 5000, '127.0.0.1', 40000, null, 'TIME_WAIT', false);
    // The TIME_WAIT row of the same endpoints, listed in the reading that brings the event (as the kernel keeps it).
    const waiting = { ...row(id, 5000, 'TIME_WAIT', null, null, null, null), remotePort: 40000 };
    const closed = t.update([waiting], [], [event('c9', 5000, 12, 34), event('c8', 5001, 1, 2)], 1);
    expect(closed).toEqual([
      { id, traffic: expect.objectContaining({ bytesSent: 12, bytesReceived: 34 }), row: null },
      // Another connection (no TIME_WAIT row: reset, or the passive side) is a closed row of its own.
      {
        id: expect.stringContaining('|sk:c8'),
        traffic: expect.objectContaining({ bytesSent: 1 }),
        row: expect.objectContaining({ state: 'CLOSE' }),
      },
    ]);
    expect(t.rows(ownerCounts([waiting]))[0]).toMatchObject({ bytesSent: 13, bytesReceived: 36, closedConnections: 2 });
  });

  it('follows a socket across readings and its destroy event by long cookies as by short ones', () => {
    for (const cookie of ['c1', '1234567', '12345678', 'ffffffffffffffff']) {
      const t = new TrafficTotals(1000);
      const a = row('a', 5000, 'ESTABLISHED', 100, 10, web);
      t.update([a], [cookie], [], 1);
      const a2 = row('a', 5000, 'ESTABLISHED', 300, 30, web);
      t.update([a2], [cookie], [], 2);
      const closed = t.update([], [], [event(cookie, 5000, 450, 31)], 3);
      expect(closed).toEqual([{ id: 'a', traffic: expect.objectContaining({ bytesSent: 450 }), row: null }]);
      expect(t.rows(ownerCounts([]))[0]).toMatchObject({ bytesSent: 450, bytesReceived: 31, closedConnections: 1 });
    }
  });
});

describe('TrafficTotals past MAX_PROCESSES', () => {
  /** `n` processes from `first`, one connection each, with cookies `c<pid>`. */
  const sockets = (first: number, n: number, sent: number) => {
    const rows = Array.from({ length: n }, (_, i) =>
      row(`r${first + i}`, 10_000 + ((first + i) % 50_000), 'ESTABLISHED', sent, 0, proc(first + i, `p${first + i}`)),
    );
    return { rows, cookies: rows.map((r) => `c${r.processes[0]!.pid}`) };
  };

  it('forgets the processes that hold no socket, idle longest first, and never one that holds a socket', () => {
    const t = new TrafficTotals(1000);
    // MAX_PROCESSES processes moved bytes at 1, then closed their sockets unseen.
    const old = sockets(1, MAX_PROCESSES, 10);
    t.update(old.rows, old.cookies, [], 1);
    // Half of them move again at 5 (still open), the rest go; two readings on, their sockets are forgotten.
    const kept = { rows: old.rows.slice(0, MAX_PROCESSES / 2), cookies: old.cookies.slice(0, MAX_PROCESSES / 2) };
    const moved = kept.rows.map((r) => ({ ...r, bytesSent: 20 }));
    t.update(moved, kept.cookies, [], 5);
    t.update(moved, kept.cookies, [], 6);
    // 300 new processes at 7: 300 of the idle ones are forgotten, none of those still holding a socket.
    const fresh = sockets(MAX_PROCESSES + 1, 300, 1);
    t.update([...moved, ...fresh.rows], [...kept.cookies, ...fresh.cookies], [], 7);
    const names = new Set(t.rows(ownerCounts([...moved, ...fresh.rows])).map((r) => r.name));
    expect(names.size).toBe(MAX_PROCESSES);
    for (const r of [...moved, ...fresh.rows]) expect(names.has(r.processes[0]!.name)).toBe(true);
  });

  it('reads the sockets and the totals once a reading however many new processes come (not once for each)', () => {
    const t = new TrafficTotals(1000);
    const first = sockets(1, MAX_PROCESSES, 1);
    t.update(first.rows, first.cookies, [], 1);
    t.update([], [], [], 2);
    t.update([], [], [], 3);
    const next = sockets(MAX_PROCESSES + 1, 1000, 1);
    const values = vi.spyOn(Map.prototype, 'values');
    try {
      t.update(next.rows, next.cookies, [], 4);
      // Evicting at each new owner read every socket and total 1,000 times over (quadratic at 20,000 owners).
      expect(values.mock.calls.length).toBeLessThan(10);
    } finally {
      values.mockRestore();
    }
    expect(t.rows(ownerCounts(next.rows)).length).toBe(MAX_PROCESSES);
  });
});
