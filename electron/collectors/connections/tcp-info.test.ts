// The tcp_info parser on real ss output: the live collector's `ss -tinHem` read, and captures (-tin, -O).
import { describe, expect, it } from 'vitest';
import { emptyDiagnostics, type Connection, type ConnectionTraffic, type Diagnostics } from '../../../shared/types.js';
import { fixture } from '../../../test/fixtures/captures/fixtures.js';
import { ratioOf } from '../../../test/growth.js';
import { parseCapture } from '../../capture/index.js';
import {
  parseSsTraffic,
  parseTcpInfoText,
  sharedMsValue,
  sharedTime,
  TRAFFIC_NOTES,
  withoutTraffic,
} from './tcp-info.js';

const MiB = 1024 * 1024;

/** Every socket's traffic by inode and by endpoints. */
function ssTrafficTable(
  text: string,
  diagnostics: Diagnostics,
  at: number | null,
): { byInode: Map<number, ConnectionTraffic>; byEndpoints: Map<string, ConnectionTraffic>; sockets: number } {
  const byInode = new Map<number, ConnectionTraffic>();
  const byEndpoints = new Map<string, ConnectionTraffic>();
  const fresh = <K>(map: Map<K, ConnectionTraffic>, key: K) => {
    const t: ConnectionTraffic = {};
    map.set(key, t);
    return t;
  };
  const sockets = parseSsTraffic(text, diagnostics, at, {
    byInode: (i) => fresh(byInode, i),
    byEndpoints: (k) => fresh(byEndpoints, k),
  });
  return { byInode, byEndpoints, sockets };
}

describe('parseSsTraffic (ss -tinHe[m])', () => {
  it('reads counters, health and socket memory by inode', () => {
    const d = emptyDiagnostics();
    const at = Date.UTC(2026, 10, 30, 10, 0, 0, 500);
    const t = ssTrafficTable(fixture('linux/ss-tinHem.netlens-dev-iproute2-6.1.txt'), d, at);
    expect(d.skipped).toBe(0);
    expect(t.sockets).toBe(4);
    const sender = t.byInode.get(56308)!;
    // bytes_sent 8388608, no bytes_retrans: all of it is data sent once.
    expect(sender).toMatchObject({
      bytesSent: 8 * MiB,
      bytesAcked: 8 * MiB + 1,
      bytesReceived: MiB,
      bytesRetrans: 0,
      rttMs: 5.414,
      rttVarMs: 10.703,
      minRttMs: 0.024,
      cwnd: 12,
      retrans: 0,
      segsOut: 170,
      segsIn: 126,
      trafficNote: null,
    });
    expect(sender.deliveryRate).toBe(12220960 / 8);
    expect(sender.skmem).toEqual({
      rmemAlloc: 0,
      rcvBuf: 420912,
      wmemAlloc: 0,
      sndBuf: 4194304,
      fwdAlloc: 0,
      wmemQueued: 0,
      optMem: 0,
      backlog: 0,
      drops: 0,
    });
    // lastsnd:912 ms before the reading, to the second.
    expect(sender.lastSendAt).toBe(Date.UTC(2026, 10, 30, 9, 59, 59));
    expect(t.byInode.get(56309)).toMatchObject({ bytesSent: MiB, bytesReceived: 8 * MiB });
    // An idle socket: ss leaves zero counters out; they are zeros, not unknowns.
    expect(t.byInode.get(56357)).toMatchObject({
      bytesSent: 0,
      bytesReceived: 0,
      bytesAcked: 0,
      retrans: 0,
      deliveryRate: null,
    });
  });

  it('takes retransmissions out of bytes_sent, reads retrans:<now>/<total>, and falls back to bytes_acked before 4.19', () => {
    expect(
      parseTcpInfoText('bytes_sent:8403468 bytes_retrans:14860 bytes_acked:8388609 retrans:0/1 rtt:0.197/0.143'),
    ).toMatchObject({ bytesSent: 8388608, bytesRetrans: 14860, retrans: 1 });
    expect(parseTcpInfoText('rtt:1/0.5 bytes_acked:1001 bytes_received:5')).toMatchObject({
      bytesSent: 1000,
      bytesReceived: 5,
    });
    expect(parseTcpInfoText('delivery_rate 2.5Mbps rtt:1/1')).toMatchObject({ deliveryRate: 312500 });
  });

  it("reads no counters from a cgroup's name, which ss prints raw on the socket line", () => {
    // As iproute2 6.1 printed a listener of a process in a cgroup made here (`mkdir '/sys/fs/cgroup/unified/rv1
    // sk:abc uid:4242'`), with counters in the name; a user may name the cgroups delegated to them.
    const text = [
      'ESTAB 0      0      127.0.0.1:36957 127.0.0.1:41000 ino:7526099 sk:1c90ff cgroup:/rv1 bytes_received:999 rtt:x <->',
      '\t bbr cwnd:10 rtt:1/1 bytes_sent:5 bytes_acked:6',
      'ESTAB 0 0 127.0.0.1:1 127.0.0.1:2 ino:8 sk:2 cgroup:/a <-> <- bytes_received:7 <->',
      '\t rtt:1/1',
      '',
    ].join('\n');
    const d = emptyDiagnostics();
    const t = ssTrafficTable(text, d, null);
    expect(d.skipped).toBe(0);
    expect(t.byInode.get(7526099)).toMatchObject({ bytesSent: 5, bytesReceived: 0, trafficNote: null });
    expect(t.byInode.get(8)).toMatchObject({ bytesReceived: 0 });
  });

  it('skips and counts malformed lines and unreadable values, and keeps reading', () => {
    const d = emptyDiagnostics();
    const text = [
      '\t orphan detail line',
      'ESTAB 0 0 10.0.0.1:22 10.0.0.2:5000 ino:11 sk:1 <->',
      '\t rtt:1/1 bytes_sent:100 bytes_received:200',
      'garbage',
      'SOMETHING 0 0 10.0.0.1:22 10.0.0.2:5009',
      'ESTAB x 0 10.0.0.1:22 10.0.0.2:5001 ino:12',
      'ESTAB 0 0 10.0.0.1:22 10.0.0.2:5002 ino:13',
      '\t rtt:1/1 bytes_sent:lots',
      'ESTAB 0 0 10.0.0.1:22 10.0.0.2:5003 ino:14 <-> skmem:(r0,rb1,zz) rtt:1/1',
      'FIN-WAIT-1 0 5 10.0.0.1:22 10.0.0.2:5004 ino:0 sk:2 <->',
      '\t rtt:2/1 bytes_sent:7',
      '',
    ].join('\n');
    const t = ssTrafficTable(text, d, null);
    expect(t.byInode.get(11)).toMatchObject({ bytesSent: 100, bytesReceived: 200, lastSendAt: null });
    expect(t.byEndpoints.get('10.0.0.1|22|10.0.0.2|5004')).toMatchObject({ bytesSent: 7 });
    expect(t.sockets).toBe(2);
    expect(d.skipped).toBe(6);
    expect(d.samples.map((s) => s.reason)).toEqual([
      'detail line without a socket line',
      'too few fields',
      'no socket state',
      'bad queues',
      'unreadable bytes_sent',
    ]);
  });

  it('costs about the same per socket at twice the sockets', () => {
    const one = fixture('linux/ss-tinHem.netlens-dev-iproute2-6.1.txt');
    const [small, large] = [one.repeat(2000), one.repeat(4000)];
    // CPU times, interleaved, measured again while above the limit (test/growth.ts): one CI run beside the whole
    // suite read 3.73 from the best of seven wall times of each size taken one size after the other.
    const ratio = ratioOf(
      () => ssTrafficTable(small, emptyDiagnostics(), 0),
      () => ssTrafficTable(large, emptyDiagnostics(), 0),
      3.5,
    );
    expect(ratio).toBeLessThan(3.5);
  });
});

describe('ss -ti captures', () => {
  it('show the same traffic columns as live rows', () => {
    const r = parseCapture('ss-tin.txt', fixture('linux/ss-tin.netlens-dev-iproute2-6.1.txt'));
    expect(r.diagnostics.skipped).toBe(0);
    const rows = r.rows as Connection[];
    const sender = rows.find((x) => x.localPort === 42162)!;
    expect(sender).toMatchObject({
      bytesSent: 8 * MiB,
      bytesReceived: MiB,
      rttMs: 5.414,
      cwnd: 12,
      trafficNote: null,
      lastSendAt: null,
    });
    expect(rows.find((x) => x.localPort === 47002)).toMatchObject({ bytesSent: MiB, bytesReceived: 8 * MiB });
  });

  it('read the public -H and one-line -O captures', () => {
    const docker = parseCapture(
      'ss-H.txt',
      fixture('linux/ss-H-tinp-state-established.iproute2-6.9-dockerdesktop-vm.txt'),
    ).rows[0] as Connection;
    expect(docker).toMatchObject({
      bytesSent: 1222,
      bytesAcked: 1223,
      bytesReceived: 2443531,
      rttMs: 590.719,
      cwnd: 10,
      segsOut: 1173,
    });
    const bbr = parseCapture('ss-O.txt', fixture('linux/ss-ito-nOH-state-established.bbr.dash_meas_aio.txt'))
      .rows[0] as Connection;
    expect(bbr).toMatchObject({
      bytesSent: 128872,
      bytesAcked: 66608,
      bytesReceived: 37,
      rttMs: 36.788,
      cwnd: 44,
      minRttMs: 30.236,
    });
    expect(bbr.deliveryRate).toBe(4762720 / 8);
  });

  it('give rows without counters the reason, and leave captures without -i alone', () => {
    const text = [
      'State Recv-Q Send-Q Local Address:Port Peer Address:Port',
      'LISTEN 0 128 0.0.0.0:22 0.0.0.0:*',
      '\t cubic rto:1000 mss:536 cwnd:10',
      'ESTAB 0 0 10.0.0.1:22 10.0.0.2:5000',
      '\t cubic rtt:1/1 bytes_acked:10',
    ].join('\n');
    const rows = parseCapture('ss-ti.txt', text).rows as Connection[];
    expect(rows[0]).toMatchObject({ bytesSent: null, trafficNote: TRAFFIC_NOTES.listen });
    expect(rows[1]).toMatchObject({ bytesSent: 9, bytesAcked: 10 });
    const plain = parseCapture('ss-a.txt', fixture('linux/ss-a.ubuntu-18.04.txt')).rows as Connection[];
    expect(plain.every((x) => x.bytesSent === undefined)).toBe(true);
  });
});

describe('withoutTraffic', () => {
  it('gives every row the reason while traffic is asked for, and nothing otherwise', async () => {
    const rows = () => parseCapture('ss-a.txt', fixture('linux/ss-a.ubuntu-18.04.txt')).rows as Connection[];
    const c = withoutTraffic(
      { read: async () => ({ rows: rows(), diagnostics: emptyDiagnostics() }) },
      'n/a: needs administrator rights',
    );
    expect((await c.read()).rows.every((r) => r.bytesSent === undefined)).toBe(true);
    c.setExtras?.(['traffic']);
    expect(
      (await c.read()).rows.every((r) => r.bytesSent === null && r.trafficNote === 'n/a: needs administrator rights'),
    ).toBe(true);
  });
});

describe('shared numbers (sharedMsValue, sharedTime)', () => {
  it('give back exactly the value asked for, whatever the cache held in its place', () => {
    // Values that fall in the same places of the caches (4,096 apart in µs or s), asked for in turn: a cache
    // that gave its boxed value without comparing would give the other one.
    const ms = [0.025, 4.121, 8.217, 0.025, 4.121, 1e-9, 123456.789, Number.MAX_VALUE, Number.POSITIVE_INFINITY];
    for (let round = 0; round < 3; round++)
      for (const x of ms) {
        expect(sharedMsValue(x)).toBe(x);
        expect(sharedTime(x * 1e6)).toBe(x * 1e6);
      }
    const t0 = Date.UTC(2026, 11, 1, 23, 0, 0);
    for (let i = 0; i <= 3 * 4096; i += 4096) {
      expect(sharedTime(t0 + i * 1000)).toBe(t0 + i * 1000);
      expect(sharedTime(t0)).toBe(t0);
    }
    expect(sharedMsValue(null)).toBeNull();
    expect(sharedTime(null)).toBeNull();
    expect(Object.is(sharedMsValue(-0), -0)).toBe(true);
    expect(Object.is(sharedMsValue(0), 0)).toBe(true);
    expect(Object.is(sharedTime(-0), -0)).toBe(true);
    expect(Number.isNaN(sharedMsValue(Number.NaN))).toBe(true);
    expect(sharedMsValue(-4.5)).toBe(-4.5);
  });
});
