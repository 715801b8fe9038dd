import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { linuxFixture as fixture } from '../../../test/fixtures/captures/fixtures.js';
import { LinuxMulticastCollector, parseDevMcast, parseIgmp, parseIgmp6 } from './linux.js';

describe('multicast parsers on real captures', () => {
  it('reads IGMP groups under their device line, host-order hex', () => {
    const { rows, diagnostics } = parseIgmp(fixture('proc-net-igmp.rhel-5.3.txt'), true);
    expect(diagnostics.skipped).toBe(0);
    expect(rows[0]).toEqual({
      id: 'lo|inet|224.0.0.1',
      iface: 'lo',
      ifindex: 1,
      family: 'inet',
      group: '224.0.0.1',
      users: 1,
    });
    expect(rows.find((r) => r.group === '224.0.0.251')).toMatchObject({ iface: 'eth0', ifindex: 2 });
    expect(parseIgmp(fixture('proc-net-igmp.jc.txt'), true).diagnostics.skipped).toBe(0);
  });

  it('reads MLD groups in network order', () => {
    const { rows } = parseIgmp6(fixture('proc-net-igmp6.jc.txt'));
    expect(rows.map((r) => `${r.iface} ${r.group} ${r.users}`)).toEqual([
      'lo ff02::1 1',
      'lo ff01::1 1',
      'ens33 ff02::1:ffa4:e315 1',
      'ens33 ff02::1 2',
      'ens33 ff01::1 1',
    ]);
    expect(parseIgmp6(fixture('proc-net-igmp6.rhel-5.3.txt')).diagnostics.skipped).toBe(0);
  });

  it('reads link-layer groups as MAC addresses', () => {
    const { rows } = parseDevMcast(fixture('proc-net-dev_mcast.jc.txt'));
    expect(rows[1]).toEqual({
      id: 'ens33|link|01:00:5e:00:00:01',
      iface: 'ens33',
      ifindex: 2,
      family: 'link',
      group: '01:00:5e:00:00:01',
      users: 1,
    });
    expect(parseDevMcast(fixture('proc-net-dev_mcast.rhel-5.3.txt')).diagnostics.skipped).toBe(0);
  });

  it('keeps an interface name\'s Unicode spaces: "\\u2003eth9" is not eth9', () => {
    // Read from a namespace holding "eth9" (index 2) and "\u2003eth9" (EM SPACE first, index 3). On main the second
    // one's groups were shown on eth9 (index 3 beside it, the only trace).
    const igmp = parseIgmp(
      [
        'Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter',
        '2\teth9      :     1      V3',
        '\t\t\t\t010000E0     1 0:00000000\t\t0',
        '3\t\u2003eth9   :     1      V3',
        '\t\t\t\t010000E0     1 0:00000000\t\t0',
        '',
      ].join('\n'),
      true,
    );
    const igmp6 = parseIgmp6(
      [
        '2    eth9            ff010000000000000000000000000001     1 00000008 0',
        '3    \u2003eth9         ff020000000000000000000000000001     1 0000000C 0',
        '',
      ].join('\n'),
    );
    const devMcast = parseDevMcast(
      ['2    eth9            1     0     3333ff000002', '3    \u2003eth9         1     0     01005e000001', ''].join(
        '\n',
      ),
    );
    for (const r of [igmp, igmp6, devMcast]) {
      expect(r.diagnostics.skipped).toBe(0);
      expect(r.rows.map((g) => [g.iface, g.ifindex])).toEqual([
        ['eth9', 2],
        ['\u2003eth9', 3],
      ]);
    }
  });

  it('counts a group line that comes before any device', () => {
    const r = parseIgmp('\t\t\t\t010000E0     1 0:00000000\t\t0\n', true);
    expect(r.rows).toEqual([]);
    expect(r.diagnostics.samples[0]?.reason).toBe('group line before any device');
  });
});

describe.skipIf(process.platform !== 'linux')('LinuxMulticastCollector on this machine', () => {
  it('lists the IP groups netstat -g lists', async () => {
    const { rows } = await new LinuxMulticastCollector().read();
    const ours = rows
      .filter((r) => r.family !== 'link')
      .map((r) => `${r.iface} ${r.group}`)
      .sort();
    const netstat = execFileSync('netstat', ['-gn'], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f.length === 3 && /^\d+$/.test(f[1] ?? ''))
      .map((f) => `${f[0]} ${f[2]}`)
      .sort();
    expect(ours).toEqual(netstat);
  });
});

describe('LinuxMulticastCollector on a given /proc', () => {
  it('reads its files there, an interface named in UTF-8 intact, and names the missing one', async () => {
    const root = mkdtempSync(join(tmpdir(), 'rest-mcast-'));
    try {
      mkdirSync(join(root, 'net'));
      writeFileSync(join(root, 'net/igmp6'), fixture('proc-net-igmp6.jc.txt').replaceAll('ens33', 'eth\u00e9'));
      writeFileSync(join(root, 'net/dev_mcast'), fixture('proc-net-dev_mcast.jc.txt'));
      const { rows, diagnostics } = await new LinuxMulticastCollector(root).read();
      expect(rows.filter((r) => r.family === 'inet6').map((r) => `${r.iface} ${r.group}`)).toEqual(
        parseIgmp6(fixture('proc-net-igmp6.jc.txt')).rows.map(
          (r) => `${r.iface.replace('ens33', 'eth\u00e9')} ${r.group}`,
        ),
      );
      expect(rows.some((r) => r.family === 'inet6' && r.iface === 'eth\u00e9')).toBe(true);
      expect(rows.filter((r) => r.family === 'link')).toEqual(parseDevMcast(fixture('proc-net-dev_mcast.jc.txt')).rows);
      expect(diagnostics.missing.map((m) => m.source)).toEqual(['/proc/net/igmp']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
