import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { linuxFixture as fixture } from '../../../test/fixtures/captures/fixtures.js';
import type { Counter } from '../../../shared/types.js';
import { LinuxStatisticsCollector, parseNetstat, parseSnmp, parseSnmp6, parseSockstat } from './linux.js';
import { describeCounter } from './descriptions.js';

const byId = (rows: Counter[]) => new Map(rows.map((r) => [r.id, r]));

describe('statistics parsers on real captures', () => {
  it('zips snmp header and value lines by name, values past 2^32 intact', () => {
    const { rows, diagnostics } = parseSnmp(fixture('proc-net-snmp.rhel-5.3.txt'));
    expect(diagnostics.skipped).toBe(0);
    const m = byId(rows);
    expect(m.get('Ip.InReceives')).toMatchObject({
      value: 10027332782,
      group: 'Ip',
      kind: 'counter',
      description: 'total packets received',
    });
    expect(m.get('Ip.Forwarding')?.kind).toBe('gauge');
    expect(m.get('Tcp.RetransSegs')).toMatchObject({ isError: true, description: 'segments retransmitted' });
    expect(m.get('Tcp.MaxConn')?.value).toBe(-1);
  });

  it('takes fields that newer kernels added (InCsumErrors, IgnoredMulti) by name', () => {
    const older = byId(parseSnmp(fixture('proc-net-snmp.arm-2.6.16.txt')).rows);
    const newer = byId(parseSnmp(fixture('proc-net-snmp.node_exporter.txt')).rows);
    expect(older.has('Tcp.InCsumErrors')).toBe(false);
    expect(newer.has('Tcp.InCsumErrors')).toBe(true);
    // Udp's NoPorts stays NoPorts whatever came before it.
    const header =
      fixture('proc-net-snmp.node_exporter.txt')
        .split('\n')
        .find((l) => l.startsWith('Udp: In'))
        ?.split(/\s+/) ?? [];
    const values =
      fixture('proc-net-snmp.node_exporter.txt')
        .split('\n')
        .filter((l) => l.startsWith('Udp: '))[1]
        ?.split(/\s+/) ?? [];
    expect(newer.get('Udp.NoPorts')?.value).toBe(Number(values[header.indexOf('NoPorts')]));
  });

  it('reads TcpExt, IpExt and MPTcpExt sections of /proc/net/netstat', () => {
    const { rows, diagnostics } = parseNetstat(fixture('proc-net-netstat.jc.txt'));
    expect(diagnostics.skipped).toBe(0);
    const groups = new Set(rows.map((r) => r.group));
    expect([...groups]).toEqual(expect.arrayContaining(['TcpExt', 'IpExt', 'MPTcpExt']));
    expect(byId(rows).get('TcpExt.ListenOverflows')).toMatchObject({
      isError: true,
      description: 'times the listen queue of a socket overflowed',
    });
    const old = parseNetstat(fixture('proc-net-netstat.rhel-5.3.txt'));
    expect(old.rows.some((r) => r.value > 2 ** 32)).toBe(true);
  });

  it("describes every counter of a 6.18 kernel's /proc/net/netstat, MPTcpExt's among them", () => {
    const { rows, diagnostics } = parseNetstat(fixture('proc-net-netstat.netlens-dev-kernel-6.18.txt'));
    expect(diagnostics.skipped).toBe(0);
    expect(rows.length).toBe(229);
    expect(rows.filter((r) => !r.description).map((r) => r.id)).toEqual([]);
    const m = byId(rows);
    expect(m.get('TcpExt.TCPTimeWaitOverflow')).toMatchObject({ isError: true });
    expect(m.get('MPTcpExt.MPJoinSynRx')?.description).toMatch(/MP_JOIN/);
    // The MPTCP connections established now: a gauge, as Tcp.CurrEstab, so no rate is made of it.
    expect(m.get('MPTcpExt.MPCurrEstab')).toMatchObject({ kind: 'gauge', isError: false });
  });

  it('groups snmp6 names by their section prefix', () => {
    for (const name of [
      'proc-net-snmp6.rhel-5.3.txt',
      'proc-net-snmp6.node_exporter.txt',
      'proc-net-snmp6.procfs.txt',
    ]) {
      const { rows, diagnostics } = parseSnmp6(fixture(name));
      expect(diagnostics.skipped).toBe(0);
      expect(rows.length).toBeGreaterThan(50);
    }
    const m = byId(parseSnmp6(fixture('proc-net-snmp6.rhel-5.3.txt')).rows);
    expect(m.get('Ip6.InReceives')).toMatchObject({ value: 574060, description: 'total packets received' });
    expect(m.get('Icmp6.InEchos')?.group).toBe('Icmp6');
    expect([...m.keys()].some((k) => k.startsWith('Udp6.'))).toBe(true);
  });

  it('reads sockstat and sockstat6 as gauges', () => {
    const { rows } = parseSockstat(fixture('proc-net-sockstat.procfs.txt'), 'inet');
    const m = byId(rows);
    expect(m.get('Sockets.sockets_used')?.value).toBe(1602);
    expect(m.get('Sockets.TCP_tw')).toMatchObject({ value: 4, kind: 'gauge', description: 'TCP sockets in TIME_WAIT' });
    const six = byId(parseSockstat(fixture('proc-net-sockstat6.node_exporter.txt'), 'inet6').rows);
    expect(six.get('Sockets6.TCP6_inuse')?.value).toBe(17);
  });

  it('skips a value line whose count does not match its header', () => {
    const text = 'Tcp: RtoAlgorithm RtoMin\nTcp: 1 200 7\nUdp: InDatagrams\nUdp: 5\n';
    const r = parseSnmp(text);
    expect(r.rows.map((x) => x.id)).toEqual(['Udp.InDatagrams']);
    expect(r.diagnostics.skipped).toBe(1);
  });
});

describe.skipIf(process.platform !== 'linux')('LinuxStatisticsCollector against nstat', () => {
  it('has every counter nstat -az prints, with a value between two readings', async () => {
    const collector = new LinuxStatisticsCollector();
    let problems: string[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const before = byId((await collector.read()).rows);
      // -s: do not touch nstat's history file; -a: absolute values; -z: zeros too.
      const out = execFileSync('nstat', ['-asz'], { encoding: 'utf8' });
      const after = byId((await collector.read()).rows);
      problems = [];
      let compared = 0;
      for (const line of out.split('\n')) {
        const [name, value] = line.trim().split(/\s+/);
        if (!name || name.startsWith('#') || value === undefined) continue;
        const id = [...before.keys()].find((k) => k.replace('.', '') === name);
        const v = Number(value);
        const a = id ? before.get(id)?.value : undefined;
        const b = id ? after.get(id)?.value : undefined;
        compared++;
        if (a === undefined || b === undefined) problems.push(`${name} missing`);
        else if (v < Math.min(a, b) || v > Math.max(a, b)) problems.push(`${name}: nstat ${v}, ours ${a}..${b}`);
      }
      expect(compared).toBeGreaterThan(100);
      if (problems.length === 0) return;
    }
    expect(problems).toEqual([]);
  });
});

describe('counters past 2^53', () => {
  it('keeps the value and says it is rounded', () => {
    const r = parseNetstat('TcpExt: TCPHugeCounter\nTcpExt: 18446744073709551615\n');
    expect(r.rows[0]?.value).toBe(Number('18446744073709551615'));
    expect(r.diagnostics.notes.join(' ')).toMatch(/TcpExt\.TCPHugeCounter exceeds 2\^53/);
  });
});

describe('each counter described as describeCounter says, from the cache too', () => {
  const described = (rows: Counter[]) =>
    rows.map((r) => ({ id: r.id, description: r.description, kind: r.kind, isError: r.isError }));
  const expected = (rows: Counter[]) => rows.map((r) => ({ id: r.id, ...describeCounter(r.group, r.name) }));

  it('gives the same description, kind and error flag on every read', () => {
    const text = fixture('proc-net-netstat.rhel-5.3.txt');
    const first = parseNetstat(text).rows;
    const again = parseNetstat(text).rows;
    expect(first.length).toBeGreaterThan(50);
    expect(described(again)).toEqual(expected(first));
    expect(described(first)).toEqual(described(again));
  });

  it('keys on the section and the name: the same name in two sections keeps each its own', () => {
    const rows = parseSnmp('Icmp: InErrors\nIcmp: 1\nUdp: InErrors\nUdp: 2\nTcp: InErrs MaxConn\nTcp: 3 -1\n').rows;
    expect(described(rows)).toEqual(expected(rows));
    expect(rows[0]!.description).not.toBe(rows[1]!.description);
    expect(byId(rows).get('Tcp.MaxConn')?.kind).toBe('gauge');
  });

  it('stays right past its bound (more counters than any kernel names)', () => {
    const names = Array.from({ length: 5000 }, (_, i) => `Made${i}Errors`);
    const rows = parseNetstat(`TcpExt: ${names.join(' ')}\nTcpExt: ${names.map(() => '1').join(' ')}\n`).rows;
    expect(rows).toHaveLength(5000);
    expect(rows.every((r) => r.isError && r.kind === 'counter')).toBe(true);
    const known = parseSnmp('Tcp: CurrEstab InErrs\nTcp: 4 5\n').rows;
    expect(described(known)).toEqual(expected(known));
    expect(known.map((r) => r.kind)).toEqual(['gauge', 'counter']);
  });
});

describe('LinuxStatisticsCollector on a given /proc', () => {
  it('reads the five files, and names the missing ones', async () => {
    const root = mkdtempSync(join(tmpdir(), 'rest-stats-'));
    try {
      mkdirSync(join(root, 'net'));
      writeFileSync(join(root, 'net/snmp'), 'Tcp: ActiveOpens CurrEstab\nTcp: 7 2\n');
      writeFileSync(join(root, 'net/sockstat'), 'TCP: inuse 3 orphan 0\n');
      const { rows, diagnostics } = await new LinuxStatisticsCollector(root).read();
      expect(rows.map((r) => `${r.id}=${r.value}`)).toEqual([
        'Tcp.ActiveOpens=7',
        'Tcp.CurrEstab=2',
        'Sockets.TCP_inuse=3',
        'Sockets.TCP_orphan=0',
      ]);
      expect(diagnostics.missing.map((m) => m.source).sort()).toEqual([
        '/proc/net/netstat',
        '/proc/net/snmp6',
        '/proc/net/sockstat6',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
