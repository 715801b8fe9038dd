// The counters' text the connections collector compares between reads (socket-counters.ts): what moves it and
// what does not, on files laid out as the kernel writes them.
import { mkdtempSync, mkdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readSocketCounters, readTcpSegments } from './socket-counters.js';

const socketCountersText = (procRoot: string) => readSocketCounters(procRoot)?.text ?? null;

const SNMP = (tcp: string, ip = '427', currEstab = '0') =>
  [
    'Ip: Forwarding DefaultTTL InReceives InHdrErrors',
    `Ip: 2 64 ${ip} 0`,
    'Icmp: InMsgs InErrors',
    `Icmp: ${ip} 0`,
    'Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs',
    `Tcp: 1 200 120000 -1 10 2 0 0 ${currEstab} ${tcp}`,
    'Udp: InDatagrams NoPorts InErrors OutDatagrams',
    'Udp: 17 0 0 18',
    'UdpLite: InDatagrams NoPorts InErrors OutDatagrams',
    'UdpLite: 0 0 0 0',
    '',
  ].join('\n');
const SNMP6 = (udp6: string, ip6 = '3') =>
  `Ip6InReceives                   \t${ip6}\nUdp6InDatagrams                 \t${udp6}\nUdpLite6InDatagrams             \t0\n`;
const SOCKSTAT = (used: string) =>
  `sockets: used ${used}\nTCP: inuse 1 orphan 0 tw 0 alloc 1 mem 0\nUDP: inuse 0 mem 0\nUDPLITE: inuse 0\nRAW: inuse 0\nFRAG: inuse 0 memory 0\n`;
const SOCKSTAT6 = 'TCP6: inuse 0\nUDP6: inuse 0\nUDPLITE6: inuse 0\nRAW6: inuse 0\nFRAG6: inuse 0 memory 0\n';
const LOADAVG = (load: string, lastPid: string) => `${load} 0.03 0.01 1/70 ${lastPid}\n`;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function proc(files: Partial<Record<'snmp' | 'snmp6' | 'sockstat' | 'sockstat6' | 'loadavg', string>> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'netlens-counters-'));
  dirs.push(root);
  mkdirSync(join(root, 'net'));
  const all = {
    snmp: SNMP('409 350'),
    snmp6: SNMP6('0'),
    sockstat: SOCKSTAT('9'),
    sockstat6: SOCKSTAT6,
    loadavg: LOADAVG('0.00', '2260'),
    ...files,
  };
  for (const [name, text] of Object.entries(all)) {
    writeFileSync(name === 'loadavg' ? join(root, name) : join(root, 'net', name), text);
  }
  return root;
}

describe('socketCountersText', () => {
  it('moves with the sockets counters and the last pid, and not with IP, ICMP or the load', () => {
    const base = socketCountersText(proc());
    expect(base).not.toBeNull();
    expect(socketCountersText(proc())).toBe(base);
    // Not what the socket tables show.
    expect(socketCountersText(proc({ snmp: SNMP('409 350', '999') }))).toBe(base);
    expect(socketCountersText(proc({ snmp6: SNMP6('0', '77') }))).toBe(base);
    expect(socketCountersText(proc({ loadavg: LOADAVG('1.50', '2260') }))).toBe(base);
    // What can change them.
    for (const moved of [
      proc({ snmp: SNMP('409 350', '427', '1') }),
      proc({ snmp6: SNMP6('1') }),
      proc({ sockstat: SOCKSTAT('10') }),
      proc({ sockstat6: SOCKSTAT6.replace('TCP6: inuse 0', 'TCP6: inuse 1') }),
      proc({ loadavg: LOADAVG('0.00', '2261') }),
    ]) {
      expect(socketCountersText(moved)).not.toBe(base);
    }
  });

  it("does not move with sockstat's fields counted for every namespace at once: TCP's allocated, the buffers' memory", () => {
    const base = socketCountersText(proc());
    const elsewhere = SOCKSTAT('9')
      .replace('alloc 1 mem 0', 'alloc 7 mem 113')
      .replace('UDP: inuse 0 mem 0', 'UDP: inuse 0 mem 4');
    expect(socketCountersText(proc({ sockstat: elsewhere }))).toBe(base);
    // This namespace's counts still move it: TCP's in use, the fragments' memory.
    expect(socketCountersText(proc({ sockstat: SOCKSTAT('9').replace('TCP: inuse 1', 'TCP: inuse 2') }))).not.toBe(
      base,
    );
    expect(socketCountersText(proc({ sockstat: SOCKSTAT('9').replace('memory 0', 'memory 512') }))).not.toBe(base);
    // The whole file is still given as read (which tables are empty).
    expect(readSocketCounters(proc({ sockstat: elsewhere }))?.whole.get('sockstat')).toBe(elsewhere);
  });

  it("gives TCP's segments in and out apart from the text, which they do not move", () => {
    const base = readSocketCounters(proc());
    expect(base?.segs).toEqual({ in: 409, out: 350 });
    const moved = readSocketCounters(proc({ snmp: SNMP('415 352') }));
    expect(moved?.segs).toEqual({ in: 415, out: 352 });
    expect(moved?.text).toBe(base?.text);
    // Where snmp does not name them, they are in the text as before: it moves with them.
    const unnamed = (tcp: string) => SNMP(tcp).replace('InSegs OutSegs', 'InSegz OutSegz');
    const a = readSocketCounters(proc({ snmp: unnamed('409 350') }));
    expect(a?.segs).toBeNull();
    expect(readSocketCounters(proc({ snmp: unnamed('410 350') }))?.text).not.toBe(a?.text);
    // Values that are not numbers, or fewer values than names: the same.
    expect(readSocketCounters(proc({ snmp: SNMP('x 350') }))?.segs).toBeNull();
    expect(readSocketCounters(proc({ snmp: SNMP('409') }))?.segs).toBeNull();
    // The second look after a get reads snmp alone.
    const root = proc({ snmp: SNMP('415 352') });
    unlinkSync(join(root, 'net', 'sockstat'));
    expect(readTcpSegments(root)).toEqual({ in: 415, out: 352 });
    unlinkSync(join(root, 'net', 'snmp'));
    expect(readTcpSegments(root)).toBeNull();
  });

  it('knows nothing when a file is missing or larger than the kernel writes it', () => {
    const root = proc();
    unlinkSync(join(root, 'net', 'snmp6'));
    expect(socketCountersText(root)).toBeNull();
    expect(socketCountersText(proc({ sockstat: SOCKSTAT('9') + 'x'.repeat(70_000) }))).toBeNull();
    expect(socketCountersText(proc({ loadavg: 'x'.repeat(70_000) }))).toBeNull();
  });
});
