// The TCP rows of `ss -tainHe` as the /proc reader would give them (linux-ss-rows.live.test.ts compares the
// two on live sockets; these are the cases a test machine rarely has).
import { describe, expect, it } from 'vitest';
import { emptyDiagnostics } from '../../../shared/types.js';
import { tcpRowsFromSs } from './linux-ss-rows.js';
import { TRAFFIC_NOTES } from './tcp-info.js';

const AT = Date.UTC(2026, 10, 30, 12, 0, 0);

describe('tcpRowsFromSs', () => {
  const text = [
    'LISTEN     0      4096         0.0.0.0:22          0.0.0.0:*     uid:105 ino:2001 sk:a1 cgroup:/ <->',
    '\t cubic cwnd:10',
    'SYN-RECV   0      0          10.0.0.1:22         10.0.0.9:50000 timer:(on,1.2sec,0) ino:0 sk:a2',
    'ESTAB      0      36     [fe80::1]%eth0:22   [fe80::2]%eth0:50001 uid:1000 ino:2002 sk:a3 cgroup:/ <->',
    '\t ts sack cubic rtt:0.5/0.25 bytes_sent:100 bytes_acked:101 bytes_received:50 segs_out:4 segs_in:3 data_segs_in:2 data_segs_out:2 lastsnd:1500 lastrcv:2500 minrtt:0.1                ',
    'TIME-WAIT  0      0          127.0.0.1:40000       127.0.0.1:8080  timer:(timewait,59sec,0) ino:0 sk:a4',
    'UNCONN     0      0               *:8443               *:*    ino:2003 sk:a5 v6only:0 <->',
    'CLOSE-WAIT 1      0    [::ffff:10.0.0.1]:443 [::ffff:10.0.0.7]:5000 ino:2004 sk:a6 <->',
    'LISTEN     0      5          *%eth0:53               *:*    ino:2005 sk:a9 v6only:0 <->',
    '\t rtt:1/1 bytes_received:1',
    'ESTAB      0      0          999.1.1.1:1          10.0.0.2:2 ino:9 sk:a7',
    'CLOSED     0      0          10.0.0.1:1          10.0.0.2:2 ino:10 sk:a8',
    '',
  ].join('\n');

  it('names states, addresses and queues as /proc/net/tcp does, with the traffic', () => {
    const d = emptyDiagnostics();
    const { rows, cookies } = tcpRowsFromSs(text, d, AT);
    expect(rows.map((r) => r.state)).toEqual([
      'LISTEN',
      'SYN_RECV',
      'ESTABLISHED',
      'TIME_WAIT',
      'CLOSE',
      'CLOSE_WAIT',
      'LISTEN',
    ]);
    const [listen, synRecv, estab, timeWait, unconn, mapped, bound] = rows;
    // ss's Send-Q of a listener is its backlog; /proc's is 0.
    expect(listen).toMatchObject({ family: 'inet', localAddress: '0.0.0.0', localPort: 22, remotePort: 0, uid: 105 });
    expect(listen).toMatchObject({ sendQ: 0, inode: 2001, bytesSent: null, trafficNote: TRAFFIC_NOTES.listen });
    expect(listen!.id).toBe('tcp|inet|0.0.0.0|22|0.0.0.0|0|2001');
    // A half-open connection has its listener's uid, as /proc/net/tcp prints it.
    expect(synRecv).toMatchObject({ uid: 105, inode: null, remoteAddress: '10.0.0.9', remotePort: 50000 });
    expect(synRecv!.id).toBe('tcp|inet|10.0.0.1|22|10.0.0.9|50000');
    // The zone is left to the collector (if_inet6), as for /proc rows.
    expect(estab).toMatchObject({ family: 'inet6', localAddress: 'fe80::1', remoteAddress: 'fe80::2', sendQ: 36 });
    expect(estab).toMatchObject({ uid: 1000, bytesSent: 100, bytesReceived: 50, rttMs: 0.5, minRttMs: 0.1 });
    expect(estab!.lastSendAt).toBe(AT - 2000);
    // A time-wait socket is no process's: the kernel gives uid 0 for it, which is not root's.
    expect(timeWait).toMatchObject({ uid: null, inode: null, bytesSent: null, trafficNote: TRAFFIC_NOTES.noInfo });
    expect(unconn).toMatchObject({ family: 'inet6', localAddress: '::', localPort: 8443, remoteAddress: '::' });
    expect(mapped).toMatchObject({ localAddress: '::ffff:10.0.0.1', remoteAddress: '::ffff:10.0.0.7', recvQ: 1 });
    // A dual-stack socket bound to a device: /proc shows ::, the device is no part of the address.
    expect(bound).toMatchObject({ family: 'inet6', localAddress: '::', localPort: 53, remoteAddress: '::' });
    expect(cookies[2]).toBe('a3');
    expect(cookies[3]).toBe('a4');
    expect(cookies).toHaveLength(rows.length);
    expect(d.samples.map((s) => s.reason)).toEqual(['unreadable address', 'no TCP state']);
    expect(d.skipped).toBe(2);
  });

  it('keeps only the families asked for', () => {
    const { rows } = tcpRowsFromSs(text, emptyDiagnostics(), AT, (f) => f === 'inet6');
    expect(rows.map((r) => r.family)).toEqual(['inet6', 'inet6', 'inet6', 'inet6']);
  });
});
