// Which sockets of a reading are NetLens's own connections and their peers (linux-own-sockets.ts), and the reading with
// them read afresh.
import { describe, expect, it } from 'vitest';
import type { Connection, ProcessInfo } from '../../../shared/types.js';
import { MAX_GETS } from '../linux/netlink.js';
import { AF_INET, AF_INET6 } from '../linux/sock-diag.js';
import { tcpRow } from './linux-ss-rows.js';
import { countedAt, ownSockets, withFreshOwnRows } from './linux-own-sockets.js';

const ME = 4242;
const process = (pid: number) => ({ pid, name: `p${pid}` }) as ProcessInfo;

function row(
  local: string,
  lport: number,
  remote: string,
  rport: number,
  pid: number | null,
  segs: [number, number] | null = [10, 12],
  state: Connection['state'] = 'ESTABLISHED',
): Connection {
  const r = tcpRow(local.includes(':') ? 'inet6' : 'inet', local, lport, remote, rport, state, 0, 0, 0, lport * 7);
  if (segs) {
    r.segsIn = segs[0];
    r.segsOut = segs[1];
  }
  if (pid !== null) r.processes = [process(pid)];
  return r;
}

describe('own sockets', () => {
  it('are the connections the process holds and their peers, a v4-mapped end too; not its listeners', () => {
    const rows = [
      row('127.0.0.1', 8080, '0.0.0.0', 0, ME, null, 'LISTEN'),
      // The host's end of the page's WebSocket, accepted on a dual-stack listener: v4-mapped.
      row('::ffff:127.0.0.1', 8080, '::ffff:127.0.0.1', 50000, ME),
      // The page's end, Chromium's.
      row('127.0.0.1', 50000, '127.0.0.1', 8080, 77),
      // Another process's connection, and its peer.
      row('127.0.0.1', 9000, '127.0.0.1', 50001, 77),
      row('127.0.0.1', 50001, '127.0.0.1', 9000, 78),
    ];
    const cookies = ['a1', 'b2', 'c3', 'd4', 'e5'];
    const own = ownSockets(rows, cookies, ME, 0);
    expect(own.map((o) => [o.at, o.cookie, o.segsIn, o.segsOut])).toEqual([
      [1, 'b2', 10, 12],
      [2, 'c3', 10, 12],
    ]);
    // Each a get of its family, endpoints and cookie.
    expect(own[0]!.request[0]).toBe(AF_INET6);
    expect(own[1]!.request[0]).toBe(AF_INET);
    expect(own[1]!.request.readUInt16BE(8)).toBe(50000);
    expect(own[1]!.request.readUInt16BE(10)).toBe(8080);
    expect(own[1]!.request.readUInt32LE(48)).toBe(0xc3);
  });

  it('are none when the process holds none, one has no counters or cookie, or more than one get asks', () => {
    const pair = [row('127.0.0.1', 1, '127.0.0.1', 2, ME), row('127.0.0.1', 2, '127.0.0.1', 1, 9)];
    expect(ownSockets(pair, ['1', '2'], 1, 0)).toEqual([]);
    expect(ownSockets([pair[0]!, row('127.0.0.1', 2, '127.0.0.1', 1, 9, null)], ['1', '2'], ME, 0)).toEqual([]);
    expect(ownSockets(pair, ['1', null], ME, 0)).toEqual([]);
    // Rows past the cookies (unix, UDP: after the TCP rows) are not TCP's.
    expect(ownSockets(pair, ['1'], ME, 0).map((o) => o.at)).toEqual([0]);
    const many = Array.from({ length: MAX_GETS + 1 }, (_, i) => row('127.0.0.1', 1000 + i, '127.0.0.1', 80, ME));
    expect(
      ownSockets(
        many,
        many.map((_, i) => String(i + 1)),
        ME,
        0,
      ),
    ).toEqual([]);
    expect(
      ownSockets(
        many.slice(0, MAX_GETS),
        many.map((_, i) => String(i + 1)),
        ME,
        0,
      ),
    ).toHaveLength(MAX_GETS);
  });

  it('read afresh replace their rows, keeping key and owners, and say the segments they moved', () => {
    const rows = [row('127.0.0.1', 1, '127.0.0.1', 2, ME), row('127.0.0.1', 5, '127.0.0.1', 6, 9)];
    const own = ownSockets(rows, ['1', '2'], ME, 0);
    const now = row('127.0.0.1', 1, '127.0.0.1', 2, null, [13, 17]);
    now.bytesSent = 900;
    now.recvQ = 3;
    now.id = 'not the key';
    const fresh = withFreshOwnRows(rows, own, { rows: [now], cookies: ['1'] })!;
    expect(fresh.segsIn).toBe(3);
    expect(fresh.segsOut).toBe(5);
    expect(fresh.rows[1]).toBe(rows[1]);
    expect(fresh.rows[0]).not.toBe(rows[0]);
    expect(fresh.rows[0]).toMatchObject({ id: rows[0]!.id, processes: rows[0]!.processes, bytesSent: 900, recvQ: 3 });
    // The row given before is unchanged.
    expect(rows[0]!.segsIn).toBe(10);
    // Gone (not answered), or another socket's answer: a full read.
    expect(withFreshOwnRows(rows, own, { rows: [], cookies: [] })).toBeNull();
    expect(withFreshOwnRows(rows, own, { rows: [now], cookies: ['9'] })).toBeNull();
  });

  // The baseline of a quiet read: a get made with the segments' reading, where it answers for every own socket; one
  // reading for all of them, never some counts of the get and some of the dump.
  it("take their counts from a get made with the baseline where it has every one of them, else the dump's", () => {
    const rows = [row('127.0.0.1', 1, '127.0.0.1', 2, ME), row('127.0.0.1', 2, '127.0.0.1', 1, 9, [20, 22])];
    const own = ownSockets(rows, ['1', '2'], ME, 0);
    const got = {
      rows: [row('127.0.0.1', 2, '127.0.0.1', 1, null, [19, 21]), row('127.0.0.1', 1, '127.0.0.1', 2, null, [9, 11])],
      cookies: ['2', '1'],
    };
    expect(countedAt(own, got).map((o) => [o.cookie, o.segsIn, o.segsOut])).toEqual([
      ['1', 9, 11],
      ['2', 19, 21],
    ]);
    // Their growth since is then measured from the get's counts.
    expect(
      withFreshOwnRows(rows, countedAt(own, got), { rows: [rows[0]!, rows[1]!], cookies: ['1', '2'] }),
    ).toMatchObject({
      segsIn: 2,
      segsOut: 2,
    });
    // One missing from the get (a connection opened since the last full read), or without counters: the dump's.
    expect(countedAt(own, { rows: [got.rows[0]!], cookies: ['2'] })).toBe(own);
    const noCounters = row('127.0.0.1', 1, '127.0.0.1', 2, null, null);
    expect(countedAt(own, { rows: [got.rows[0]!, noCounters], cookies: ['2', '1'] })).toBe(own);
    expect(countedAt(own, null)).toBe(own);
  });
});
