// macOS nettop on real captures (test/fixtures/captures/macos/SOURCES.md): per process and per connection.
import { describe, expect, it } from 'vitest';
import type { Connection, ProcessTraffic } from '../../../shared/types.js';
import { fixture } from '../../../test/fixtures/captures/fixtures.js';
import { parseCapture } from '../../capture/index.js';
import { parseNettopConnections, parseNettopProcesses } from './nettop.js';

describe('nettop', () => {
  it('reads bytes per process from nettop -P -L 1 -J bytes_in,bytes_out (macOS 12)', () => {
    const r = parseCapture('nettop.txt', fixture('macos/nettop-L1-P-J.macos-12.0.1.tao93-nettool-7.txt'));
    expect(r.format).toBe('nettop-P');
    expect(r.dataset).toBe('processes');
    expect(r.diagnostics.notes).toContain('command: nettop -L 1 -P -J bytes_in,bytes_out');
    const apsd = (r.rows as ProcessTraffic[]).find((p) => p.name === 'apsd');
    expect(apsd).toMatchObject({ pid: 533, bytesReceived: 11417, bytesSent: 23504 });
    expect((r.rows as ProcessTraffic[]).map((p) => p.pid)).toEqual([503, 504, 533, 541, 555]);
  });

  it('reads connections under their process from nettop -m tcp -L 1 (the same fields as Linux)', () => {
    const r = parseCapture('nettop.txt', fixture('macos/nettop-m-tcp-L1-n-t-loopback.macos.orbstack-comment.txt'));
    expect(r.format).toBe('nettop-m-tcp');
    const [c] = r.rows as Connection[];
    expect(c).toMatchObject({
      proto: 'tcp',
      family: 'inet',
      localAddress: '127.0.0.1',
      localPort: 57970,
      remoteAddress: '127.0.0.1',
      remotePort: 57969,
      state: 'ESTABLISHED',
      bytesReceived: 322736,
      bytesSent: 229260,
      bytesRetrans: 0,
      rttMs: 1.22,
      cwnd: null,
      trafficNote: null,
      processes: [expect.objectContaining({ pid: 0, name: 'kernel_task' })],
    });
  });

  it('reads the last of several samples, human byte counts, and IPv6 endpoints; skips and counts bad rows', () => {
    const text = [
      'time,,interface,state,bytes_in,bytes_out,re-tx,rtt_avg,',
      '10:00:00.1,curl.42,,,1,1,0,,',
      'time,,interface,state,bytes_in,bytes_out,re-tx,rtt_avg,',
      '10:00:01.1,curl.42,,,,,,,',
      '10:00:01.1,tcp6 fe80::1%en0.5000<->2001:db8::1.443,en0,Established,1.5 KiB,2 MiB,12,30.5 ms,',
      '10:00:01.1,tcp4 10.0.0.2:5001<->10.0.0.3,en0,SynSent,0,0,0,,',
      '10:00:01.1,garbage,,,,',
    ].join('\n');
    const r = parseNettopConnections(text);
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]).toMatchObject({
      family: 'inet6',
      localAddress: 'fe80::1%en0',
      localPort: 5000,
      remoteAddress: '2001:db8::1',
      remotePort: 443,
      bytesReceived: 1536,
      bytesSent: 2 * 1024 * 1024,
      bytesRetrans: 12,
      rttMs: 30.5,
    });
    expect(r.diagnostics.notes).toContain('2 samples: the last is shown');
    expect(r.diagnostics.samples.map((s) => s.reason)).toEqual([
      'unreadable address',
      'neither a process nor a connection',
    ]);
    expect(parseNettopProcesses('time,,bytes_in,bytes_out,\n1,a.1,x,2,\n').diagnostics.skipped).toBe(1);
    expect(parseNettopProcesses('nothing here').diagnostics.samples[0]?.reason).toMatch(/no nettop header/);
  });
});
