// sock_diag replies read from bytes laid out as the kernel lays them out: what fits is read, what does not
// is counted, never read past its end. And the netlink socket itself, live: errors, limits and recovery.
import net from 'node:net';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { emptyDiagnostics } from '../../../shared/types.js';
import { tcpRowsFromDiag } from '../connections/linux-diag-rows.js';
import { NETLINK_SOCK_DIAG, NetlinkDumper } from './netlink.js';
import {
  AF_INET,
  AF_INET6,
  extBit,
  forEachInetDiagSocket,
  INET_DIAG_INFO,
  inetDiagRequest,
  IPPROTO_TCP,
  SOCK_DIAG_BY_FAMILY,
  TCP_DUMP_STATES,
} from './sock-diag.js';

interface Sock {
  family?: number;
  state?: number;
  local?: number[];
  remote?: number[];
  ports?: [number, number];
  cookie?: [number, number];
  queues?: [number, number];
  uid?: number;
  inode?: number;
  /** tcp_info bytes (any length) as an INET_DIAG_INFO attribute. */
  info?: Buffer;
}

/** One inet_diag_msg in an nlmsghdr, as the kernel frames it. */
function message(s: Sock): Buffer {
  const attr = s.info ? Buffer.alloc(4 + ((s.info.length + 3) & ~3)) : Buffer.alloc(0);
  if (s.info) {
    attr.writeUInt16LE(4 + s.info.length, 0);
    attr.writeUInt16LE(INET_DIAG_INFO, 2);
    s.info.copy(attr, 4);
  }
  const b = Buffer.alloc(16 + 72 + attr.length);
  b.writeUInt32LE(b.length, 0);
  b.writeUInt16LE(SOCK_DIAG_BY_FAMILY, 4);
  const m = 16;
  b[m] = s.family ?? AF_INET;
  b[m + 1] = s.state ?? 1;
  b.writeUInt16BE(s.ports?.[0] ?? 80, m + 4);
  b.writeUInt16BE(s.ports?.[1] ?? 5000, m + 6);
  Buffer.from(s.local ?? [127, 0, 0, 1]).copy(b, m + 8);
  Buffer.from(s.remote ?? [127, 0, 0, 2]).copy(b, m + 24);
  b.writeUInt32LE(s.cookie?.[0] ?? 0x1234, m + 44);
  b.writeUInt32LE(s.cookie?.[1] ?? 0, m + 48);
  b.writeUInt32LE(s.queues?.[0] ?? 0, m + 56);
  b.writeUInt32LE(s.queues?.[1] ?? 0, m + 60);
  b.writeUInt32LE(s.uid ?? 1000, m + 64);
  b.writeUInt32LE(s.inode ?? 4242, m + 68);
  attr.copy(b, m + 72);
  return b;
}

/** A tcp_info of `length` bytes with rtt 1.5 ms, cwnd 10, bytes_acked 101, bytes_received 7, bytes_sent 100. */
function tcpInfo(length: number): Buffer {
  const t = Buffer.alloc(length);
  const put32 = (at: number, v: number) => at + 4 <= length && t.writeUInt32LE(v, at);
  const put64 = (at: number, v: number) => at + 8 <= length && t.writeBigUInt64LE(BigInt(v), at);
  put32(68, 1500);
  put32(72, 250);
  put32(80, 10);
  put64(120, 101);
  put64(128, 7);
  put32(148, 0xffffffff);
  put64(200, 100);
  return t;
}

describe('sock_diag replies', () => {
  it('reads addresses, ports, queues, uid, inode and the cookie as ss spells it', () => {
    const seen: unknown[] = [];
    const bad = forEachInetDiagSocket(
      [
        Buffer.concat([
          message({ cookie: [0xdeadbeef, 0x1], queues: [3, 4], ports: [443, 51000] }),
          message({
            family: AF_INET6,
            local: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1],
            remote: [0xfe, 0x80, ...Array(13).fill(0), 1],
          }),
        ]),
      ],
      (s) => seen.push({ ...s, buffer: undefined }),
    );
    expect(bad).toBe(0);
    expect(seen).toMatchObject([
      {
        family: AF_INET,
        localAddress: '127.0.0.1',
        localPort: 443,
        remoteAddress: '127.0.0.2',
        remotePort: 51000,
        cookie: '1deadbeef',
        rqueue: 3,
        wqueue: 4,
        uid: 1000,
        inode: 4242,
        infoStart: -1,
      },
      { family: AF_INET6, localAddress: '::ffff:10.0.0.1', remoteAddress: 'fe80::1', cookie: '1234' },
    ]);
  });

  it('counts a record shorter than its header, an attribute past its end, a foreign family and bad framing', () => {
    const short = message({});
    short.writeUInt32LE(16 + 40, 0);
    const attrPastEnd = message({ info: tcpInfo(200) });
    attrPastEnd.writeUInt16LE(4000, 16 + 72);
    const unix = message({ family: 1 });
    const framing = Buffer.alloc(20);
    framing.writeUInt32LE(4000, 0);
    const seen: number[] = [];
    const bad = forEachInetDiagSocket([short.subarray(0, 56), attrPastEnd, unix, framing, message({ inode: 9 })], (s) =>
      seen.push(s.inode),
    );
    expect(bad).toBe(4);
    expect(seen).toEqual([9]);
  });

  it('makes rows with ss semantics from tcp_info of any length (older kernels give a shorter struct)', () => {
    const d = emptyDiagnostics();
    const { rows, cookies } = tcpRowsFromDiag(
      [
        Buffer.concat([
          message({ inode: 1, info: tcpInfo(232) }),
          // Kernel 4.9's tcp_info ends before bytes_sent (at 160): the acknowledged bytes less the SYN stand in.
          message({ inode: 2, info: tcpInfo(160) }),
          // A time-wait socket: no tcp_info at all.
          message({ inode: 0, state: 6 }),
          message({ inode: 3, state: 10, queues: [0, 128] }),
          message({ inode: 4, state: 13 }),
          message({ inode: 5, state: 0x42 }),
        ]),
      ],
      d,
      10_000,
    );
    expect(d.skipped).toBe(0);
    expect(rows.map((r) => [r.state, r.bytesSent, r.bytesReceived, r.rttMs, r.rttVarMs, r.minRttMs, r.cwnd])).toEqual([
      ['ESTABLISHED', 100, 7, 1.5, 0.25, null, 10],
      ['ESTABLISHED', 100, 7, 1.5, 0.25, null, 10],
      ['TIME_WAIT', null, null, null, null, null, null],
      ['LISTEN', null, null, null, null, null, null],
      ['BOUND_INACTIVE', null, null, null, null, null, null],
      ['UNKNOWN(0x42)', null, null, null, null, null, null],
    ]);
    expect(rows[2]!.trafficNote).toMatch(/no tcp_info/);
    expect(rows[3]).toMatchObject({ sendQ: 0, trafficNote: 'n/a: a listening socket carries no data' });
    expect(rows[0]).toMatchObject({ lastSendAt: 10_000, retrans: 0, segsOut: 0 });
    expect(cookies.get(rows[0]!)).toBe('1234');
  });
});

describe.skipIf(process.platform !== 'linux')('the sock_diag socket (live)', () => {
  const request = (family: number) => inetDiagRequest(family, IPPROTO_TCP, extBit(INET_DIAG_INFO), TCP_DUMP_STATES);

  it('dumps this process’s listener, refuses what the kernel refuses, and recovers from a dump over its limit', async () => {
    expect(NetlinkDumper.unavailable()).toBeNull();
    const server = net.createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as net.AddressInfo).port;
    const dumper = new NetlinkDumper(NETLINK_SOCK_DIAG);
    try {
      const limits = { timeoutMs: 10_000, maxBytes: 64 * 1024 * 1024 };
      const ports = async () => {
        const r = await dumper.dump(SOCK_DIAG_BY_FAMILY, request(AF_INET), limits);
        if (!r.ok) throw new Error(r.error);
        const found: number[] = [];
        forEachInetDiagSocket(r.datagrams, (s) => found.push(s.localPort));
        return found;
      };
      expect(await ports()).toContain(port);
      // A family sock_diag has no handler for: the kernel answers with an error, which is given as one.
      const refused = await dumper.dump(SOCK_DIAG_BY_FAMILY, request(99), limits);
      expect(refused).toMatchObject({ ok: false, error: expect.stringMatching(/refused the dump \(errno \d+\)/) });
      // Over a limit of 1 byte: given up, the socket closed; the next dump opens a new one and succeeds.
      const big = await dumper.dump(SOCK_DIAG_BY_FAMILY, request(AF_INET), { ...limits, maxBytes: 1 });
      expect(big).toMatchObject({ ok: false, error: expect.stringMatching(/larger than/) });
      // Two at once are answered one after the other, each in full.
      const [a, b] = await Promise.all([ports(), ports()]);
      expect(a).toContain(port);
      expect(b).toContain(port);
    } finally {
      dumper.close();
      server.close();
    }
  });
});
