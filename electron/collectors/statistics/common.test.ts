// One classification of a counter, whichever parser read it: before, TcpExt.TCPLossProbes was an error counter
// when read from /proc/net/netstat and not when read from a `netstat -s` capture of the same machine.
import { describe, expect, it } from 'vitest';
import { parseNetstatSentences } from './darwin.js';
import { parseNetstat, parseSnmp } from './linux.js';
import { parseWindowsNetstatStatistics } from './win32.js';
import { classifyCounter } from './common.js';

describe('counter classification', () => {
  it('gives a counter the same kind and error flag from /proc and from netstat -s', () => {
    const proc = parseNetstat('TcpExt: TCPLossProbes TCPSpuriousRTOs PruneCalled\nTcpExt: 5 6 7\n').rows;
    const sentences = parseNetstatSentences(
      'TcpExt:\n    TCPLossProbes: 5\n    TCPSpuriousRTOs: 6\n    PruneCalled: 7\n',
    ).rows;
    const pick = (rows: typeof proc) => rows.map((r) => [r.id, r.kind, r.isError]);
    expect(pick(sentences)).toEqual(pick(proc));
    expect(proc.every((r) => r.isError)).toBe(true);
  });
  it('classifies the same trouble alike on Linux and Windows', () => {
    const linux = parseSnmp('Ip: Forwarding InUnknownProtos\nIp: 1 3\n').rows;
    const windows = parseWindowsNetstatStatistics('IPv4 Statistics\n\n  Unknown Protocols Received = 3\n').rows;
    expect(linux.find((r) => r.name === 'InUnknownProtos')?.isError).toBe(true);
    expect(windows[0]?.isError).toBe(true);
    expect(linux.find((r) => r.name === 'Forwarding')?.kind).toBe('gauge');
  });
  it('never calls a gauge an error, and sockets are gauges', () => {
    expect(classifyCounter('Tcp', 'CurrEstab')).toEqual({ kind: 'gauge', isError: false });
    expect(classifyCounter('tcp', 'connections currently dropped')).toEqual({ kind: 'gauge', isError: false });
    expect(classifyCounter('Sockets', 'TCP_inuse')).toEqual({ kind: 'gauge', isError: false });
    expect(classifyCounter('tcp', 'data packets retransmitted')).toEqual({ kind: 'counter', isError: true });
  });
});
