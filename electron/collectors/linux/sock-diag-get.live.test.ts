// Live: a sock_diag get (NetlinkDumper.get, inetDiagGetRequest) finds TCP sockets by their endpoints and cookie,
// in both families and v4-mapped, with the tcp_info a dump gives, says nothing of one gone or of another socket on
// the same endpoints (ENOENT, ESTALE), and takes many in one question.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIp } from '../../../shared/address.js';
import { tcpRowsFromDiag } from '../connections/linux-diag-rows.js';
import { emptyDiagnostics } from '../../../shared/types.js';
import { NetlinkDumper } from './netlink.js';
import { closeHeld, type Held, loopbackPair } from '../../../test/loopback-pair.js';
import {
  AF_INET,
  AF_INET6,
  extBit,
  INET_DIAG_INFO,
  inetDiagGetRequest,
  inetDiagRequest,
  IPPROTO_TCP,
  SOCK_DIAG_BY_FAMILY,
  TCP_DUMP_STATES,
} from './sock-diag.js';

const LIMITS = { timeoutMs: 5000, maxBytes: 64 * 1024 * 1024 };
const dumper = new NetlinkDumper(4);

interface Found {
  family: number;
  local: string;
  localPort: number;
  remote: string;
  remotePort: number;
  cookie: string;
  segsOut: number | null;
  bytesSent: number | null;
}

/** The rows of datagrams, with their cookies. */
function rowsOf(datagrams: readonly Buffer[]): Found[] {
  const r = tcpRowsFromDiag(datagrams, emptyDiagnostics(), Date.now());
  return r.rows.map((row, i) => ({
    family: row.family === 'inet' ? AF_INET : AF_INET6,
    local: row.localAddress,
    localPort: row.localPort!,
    remote: row.remoteAddress,
    remotePort: row.remotePort!,
    cookie: r.cookies[i]!,
    segsOut: row.segsOut ?? null,
    bytesSent: row.bytesSent ?? null,
  }));
}

async function dumpAll(): Promise<Found[]> {
  const out: Found[] = [];
  for (const af of [AF_INET, AF_INET6]) {
    const r = await dumper.dump(
      SOCK_DIAG_BY_FAMILY,
      inetDiagRequest(af, IPPROTO_TCP, extBit(INET_DIAG_INFO), TCP_DUMP_STATES),
      LIMITS,
    );
    if (!r.ok) throw new Error(r.error);
    out.push(...rowsOf(r.datagrams));
  }
  return out;
}

const request = (f: Found, cookie = f.cookie) =>
  inetDiagGetRequest(
    f.family,
    IPPROTO_TCP,
    extBit(INET_DIAG_INFO),
    parseIp(f.local)!.bytes,
    f.localPort,
    parseIp(f.remote)!.bytes,
    f.remotePort,
    cookie,
  )!;

async function get(requests: Buffer[]): Promise<Found[]> {
  const r = await dumper.get(SOCK_DIAG_BY_FAMILY, requests, LIMITS);
  if (!r.ok) throw new Error(r.error);
  return rowsOf(r.datagrams);
}

describe.skipIf(process.platform !== 'linux' || NetlinkDumper.unavailable() !== null)('a sock_diag get', () => {
  const held: Held = { servers: [], sockets: [] };
  const pairs: { host: string; ports: [number, number] }[] = [];

  beforeAll(async () => {
    // 127.0.0.1 over AF_INET; ::1 over AF_INET6; 127.0.0.1 accepted on a dual-stack listener (v4-mapped).
    for (const [listenOn, connectTo] of [
      ['127.0.0.1', '127.0.0.1'],
      ['::1', '::1'],
      ['::', '127.0.0.1'],
    ] as const) {
      const { port, client } = await loopbackPair(held, listenOn, connectTo);
      client.write('x'.repeat(100));
      pairs.push({ host: connectTo, ports: [port, client.localPort!] });
    }
    await new Promise((r) => setTimeout(r, 100));
  });

  afterAll(() => {
    closeHeld(held);
    dumper.close();
  });

  it('finds each end of each connection as the dump gives it, many in one question', async () => {
    const all = await dumpAll();
    const ends = all.filter((f) => pairs.some((p) => p.ports.includes(f.localPort) && p.ports.includes(f.remotePort)));
    // Two ends of three connections (the v4-mapped accepted end is AF_INET6, its client AF_INET).
    expect(ends).toHaveLength(6);
    expect(ends.some((f) => f.family === AF_INET6 && f.local.startsWith('::ffff:'))).toBe(true);
    const got = await get(ends.map((f) => request(f)));
    expect(got.map((f) => f.cookie).sort()).toEqual(ends.map((f) => f.cookie).sort());
    for (const f of got) {
      const d = ends.find((e) => e.cookie === f.cookie)!;
      expect(f).toMatchObject({ local: d.local, localPort: d.localPort, remote: d.remote, remotePort: d.remotePort });
      // With tcp_info: the sender's 100 bytes.
      expect(f.segsOut).toBeGreaterThan(0);
      expect(typeof f.bytesSent).toBe('number');
    }
    expect(got.filter((f) => f.bytesSent === 100)).toHaveLength(3);
  });

  it('answers nothing for a socket gone or another cookie on its endpoints, and finds the rest', async () => {
    const all = await dumpAll();
    const end = all.find((f) => f.localPort === pairs[0]!.ports[1] && f.remotePort === pairs[0]!.ports[0])!;
    const other = all.find((f) => f.localPort === pairs[1]!.ports[1] && f.remotePort === pairs[1]!.ports[0])!;
    // A cookie one more than its own: the kernel says ESTALE.
    const wrong = (BigInt(`0x${end.cookie}`) + 1n).toString(16);
    const gone = { ...end, remotePort: end.remotePort === 1 ? 2 : 1 };
    const got = await get([request(end, wrong), request(gone), request(other)]);
    expect(got.map((f) => f.cookie)).toEqual([other.cookie]);
    expect((await get([request(end)])).map((f) => f.cookie)).toEqual([end.cookie]);
  });

  it('refuses a question it cannot ask', async () => {
    const r = await dumper.get(SOCK_DIAG_BY_FAMILY, [], LIMITS);
    expect(r.ok).toBe(false);
    const unequal = await dumper.get(SOCK_DIAG_BY_FAMILY, [Buffer.alloc(56), Buffer.alloc(60)], LIMITS);
    expect(unequal.ok).toBe(false);
    // Requests that are not whole 4-byte words: the kernel would step between them by their aligned length, and
    // one answer would never come.
    const unaligned = await dumper.get(SOCK_DIAG_BY_FAMILY, [Buffer.alloc(58), Buffer.alloc(58)], LIMITS);
    expect(unaligned).toEqual({ ok: false, error: 'netlink: a get of 2 requests in 116 bytes' });
    expect(inetDiagGetRequest(AF_INET, IPPROTO_TCP, 0, new Uint8Array(16), 1, new Uint8Array(4), 2, '1')).toBeNull();
    expect(inetDiagGetRequest(AF_INET, IPPROTO_TCP, 0, new Uint8Array(4), 1, new Uint8Array(4), 2, 'zz')).toBeNull();
  });
});
