// The TCP rows of sock_diag replies kept from one read to the next (KeptRows): a socket whose record did not
// change is given as the same row object, and one whose record changed in any field the row is made from is
// given a new row, even when it looks the same (same cookie, addresses, state).
import { describe, expect, it } from 'vitest';
import { type Connection, emptyDiagnostics } from '../../../shared/types.js';
import { AF_INET6 } from '../linux/sock-diag.js';
import { message, type Sock, tcpInfo } from '../linux/testing/inet-diag-messages.js';
import { KeptRows } from './kept-rows.js';
import { rememberedKeys } from './keys.js';
import { tcpRowsFromDiag } from './linux-diag-rows.js';

const A: Sock = { cookie: [1, 0], inode: 11, ports: [80, 5001], info: tcpInfo(232) };
const B: Sock = { cookie: [2, 0], inode: 12, ports: [80, 5002], queues: [0, 3], info: tcpInfo(232) };
const LISTENER: Sock = { cookie: [3, 0], inode: 13, ports: [80, 0], state: 10, remote: [0, 0, 0, 0] };
const TIME_WAIT: Sock = { cookie: [4, 0], inode: 0, ports: [80, 5004], state: 6 };

function read(socks: Sock[], kept: KeptRows | undefined, traffic = true, at = 10_000): Connection[] {
  kept?.begin();
  return tcpRowsFromDiag([Buffer.concat(socks.map(message))], emptyDiagnostics(), at, () => true, traffic, 'test', kept)
    .rows;
}

describe('TCP rows from sock_diag, kept from read to read', () => {
  it('gives the same row object for a socket whose record did not change, with or without traffic', () => {
    for (const traffic of [true, false]) {
      const kept = new KeptRows();
      const first = read([A, B, LISTENER, TIME_WAIT], kept, traffic);
      const second = read([A, B, LISTENER, TIME_WAIT], kept, traffic);
      expect(second).toEqual(first);
      for (let i = 0; i < 3; i++) expect(second[i]).toBe(first[i]);
      // A socket without an inode (time-wait) is known by its endpoints, and has no owner (uid 0 from the kernel).
      expect(second[3]).toBe(first[3]);
      expect(first[3]).toMatchObject({ state: 'TIME_WAIT', uid: null });
      // Kept across reads, with sockets opened and closed around them.
      const C: Sock = { ...A, cookie: [5, 0], inode: 15, ports: [80, 5005] };
      const third = read([C, A, LISTENER, C, TIME_WAIT], kept, traffic);
      expect(third[1]).toBe(first[0]);
      expect(third[2]).toBe(first[2]);
      expect(third[0]).toEqual(third[3]);
      expect(third[4]).toBe(first[3]);
      // Far from where the last read had it (past more sockets than KeptRows looks ahead), a socket is still
      // found; one listed again is built afresh (a row is given once a read).
      const fourth = read([LISTENER, TIME_WAIT, C, C, C, C, C, C, C, C, A], kept, traffic);
      expect(fourth[0]).toBe(first[2]);
      expect(fourth[10]).toBe(first[0]);
      expect(fourth[1]).toBe(first[3]);
      expect(fourth[2]).toBe(third[3]);
      expect(fourth[3]).toEqual(third[3]);
      expect(fourth[3]).not.toBe(third[3]);
    }
  });

  it('gives a time-wait socket its row again by its endpoints, and a new row to another socket on them', () => {
    for (const traffic of [true, false]) {
      const kept = new KeptRows();
      const waits = Array.from({ length: 30 }, (_, i): Sock => ({ ...TIME_WAIT, ports: [80, 6000 + i] }));
      const first = read([A, ...waits], kept, traffic);
      // The waits listed in another order, past more of them than KeptRows looks ahead, some gone, one new.
      const other: Sock = { ...TIME_WAIT, ports: [80, 7000] };
      const second = read([...waits.slice(20).reverse(), A, other, ...waits.slice(0, 10)], kept, traffic);
      for (let i = 0; i < 10; i++) expect(second[i]).toBe(first[30 - i]);
      expect(second[10]).toBe(first[0]);
      expect(second[11]!.remotePort).toBe(7000);
      for (let i = 0; i < 10; i++) expect(second[12 + i]).toBe(first[1 + i]);
      // The same ports at another address, or the same endpoints in another family, state or with an inode
      // (the socket that replaced it) are other sockets: new rows.
      const [, elsewhere, v6, closing, reopened] = read(
        [
          waits[0]!,
          { ...waits[1]!, remote: [127, 0, 0, 9] },
          { ...waits[2]!, family: AF_INET6, local: Array(16).fill(0), remote: [...Array(15).fill(0), 1] },
          { ...waits[3]!, state: 7 },
          { ...waits[4]!, state: 1, inode: 77 },
        ],
        kept,
        traffic,
      );
      for (const r of [elsewhere, v6, closing, reopened]) expect(first.includes(r!)).toBe(false);
      expect(closing!.state).toBe('CLOSE');
      expect(reopened!.inode).toBe(77);
      // A time-wait socket listed twice: the second built afresh.
      const [w1, w2] = read([waits[0]!, waits[0]!], kept, traffic);
      expect(w1).toBe(first[1]);
      expect(w2).not.toBe(w1);
      expect(w2).toEqual(w1);
    }
  });

  it('builds every row afresh without KeptRows, and after a read that did not keep them', () => {
    const first = read([A, B], undefined);
    expect(read([A, B], undefined)[0]).not.toBe(first[0]);
    const kept = new KeptRows();
    const a = read([A, B], kept);
    // A read whose TCP rows came from elsewhere (ss, /proc) begins and gives nothing.
    kept.begin();
    expect(read([A, B], kept)[0]).not.toBe(a[0]);
  });

  // Each field of the record a row is made from, changed alone: the socket looks the same (same cookie, most
  // of its fields), and a new row must show the change.
  it.each<[string, Sock, (r: Connection) => unknown]>([
    ['state', { ...B, state: 8 }, (r) => r.state],
    ['receive queue', { ...B, queues: [5, 3] }, (r) => r.recvQ],
    ['send queue', { ...B, queues: [0, 4] }, (r) => r.sendQ],
    ['local port', { ...B, ports: [81, 5002] }, (r) => r.localPort],
    ['remote port', { ...B, ports: [80, 5003] }, (r) => r.remotePort],
    ['local address', { ...B, local: [127, 0, 0, 9] }, (r) => r.localAddress],
    ['remote address', { ...B, remote: [127, 0, 0, 9] }, (r) => r.remoteAddress],
    ['uid', { ...B, uid: 0 }, (r) => r.uid],
    ['inode', { ...B, inode: 99 }, (r) => r.inode],
    [
      'family',
      { ...B, family: AF_INET6, local: [...Array(15).fill(0), 1], remote: [...Array(15).fill(0), 1] },
      (r) => r.family,
    ],
    ['traffic (tcp_info)', { ...B, info: tcpInfo(232, 8) }, (r) => r.bytesReceived],
    ['traffic (tcp_info gone)', { ...B, info: undefined }, (r) => r.trafficNote],
  ])('gives a new row when the %s changed', (_, changed, field) => {
    const kept = new KeptRows();
    const [a, b] = read([A, B], kept);
    const [a2, b2] = read([A, changed], kept);
    expect(a2).toBe(a);
    expect(b2).not.toBe(b);
    expect(field(b2!)).not.toEqual(field(b!));
    expect(b2).toEqual(read([changed], undefined)[0]);
    // The changed row is the one kept from then on.
    expect(read([A, changed], kept)[1]).toBe(b2);
  });

  it('leaves the keys cache alone with KeptRows: a changed row keeps its key, a new socket gets its own', () => {
    // Inodes no other test uses (the cache is the module's).
    const X: Sock = { ...B, cookie: [31, 0], inode: 31, ports: [80, 5031] };
    const Y: Sock = { ...B, cookie: [32, 0], inode: 32, ports: [80, 5032] };
    const Z: Sock = { ...B, cookie: [35, 0], inode: 35, ports: [80, 5005] };
    const kept = new KeptRows();
    const before = rememberedKeys();
    const [a, b] = read([X, Y], kept);
    const [a2, b2, c] = read([X, { ...Y, queues: [0, 9] }, Z], kept);
    expect(a2).toBe(a);
    expect(b2).not.toBe(b);
    expect(b2!.id).toBe(b!.id);
    // A connection is keyed by its endpoints (keys.ts keyedByEndpoints).
    expect(c!.id).toBe('tcp|inet|127.0.0.1|80|127.0.0.2|5005');
    // Found by inode with other endpoints (the key is made of them): its own key, not the row's.
    const [, , c2] = read([X, Y, { ...Z, ports: [81, 5005] }], kept);
    expect(c2!.id).toBe('tcp|inet|127.0.0.1|81|127.0.0.2|5005');
    // The keys of the rows it holds are not remembered a second time.
    expect(rememberedKeys()).toBe(before);
    // Without KeptRows the cache is used as before.
    read([{ ...X, inode: 36 }], undefined);
    expect(rememberedKeys()).toBe(before + 1);
  });

  it('gives a new row when traffic starts or stops being collected', () => {
    const kept = new KeptRows();
    const [a] = read([A], kept, false);
    const [b] = read([A], kept, true);
    expect(b).not.toBe(a);
    expect(b!.bytesSent).toBe(100);
    const [c] = read([A], kept, false);
    expect(c).not.toBe(b);
    expect(c!.bytesSent).toBeUndefined();
  });

  it('gives a new row when the time of the last send, read at another moment, is another second', () => {
    const kept = new KeptRows();
    const [a] = read([A], kept, true, 10_000);
    expect(read([A], kept, true, 10_400)[0]).toBe(a);
    const [b] = read([A], kept, true, 11_000);
    expect(b).not.toBe(a);
    expect(b!.lastSendAt).toBe(11_000);
  });
});
