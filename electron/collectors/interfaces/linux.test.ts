import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DumpResult, setNetlinkTransport } from '../linux/netlink.js';
import { newAddressMessage } from '../linux/testing/rtnl-messages.js';
import { linuxFixture as fixture } from '../../../test/fixtures/captures/fixtures.js';
import type { NetInterface } from '../../../shared/types.js';
import {
  LinuxInterfacesCollector,
  interfaceFlagNames,
  parseIfInet6,
  parseIpJsonAddresses,
  parseProcNetDev,
} from './linux.js';

describe('interface parsers on real captures', () => {
  it('splits names glued to the first number (old kernels) and keeps 64-bit counters', () => {
    const { rows, diagnostics } = parseProcNetDev(fixture('proc-net-dev.rhel-5.3.txt'));
    expect(diagnostics.skipped).toBe(0);
    expect(rows.map((r) => r.name)).toEqual(['lo', 'eth0', 'eth1', 'sit0']);
    expect(rows[0]?.counters).toMatchObject({ rxBytes: 38547981, rxPackets: 5779, txBytes: 38547981 });
    expect(rows[1]?.counters).toMatchObject({
      rxBytes: 8144002186412,
      rxPackets: 10129721832,
      rxMulticast: 4632261,
      txBytes: 14148537267133,
      txPackets: 11634529610,
    });
    expect(rows[1]?.counters.rxBytes).toBeGreaterThan(2 ** 32);
    expect(rows[1]).toMatchObject({ id: 'eth0', operState: 'unknown', mtu: null, flags: [], addresses: [] });
  });

  it('reads a long name touching the colon (docker veth)', () => {
    const { rows } = parseProcNetDev(fixture('proc-net-dev.procfs-docker.txt'));
    expect(rows[0]).toMatchObject({
      name: 'vethf345468',
      counters: expect.objectContaining({ rxBytes: 648, txPackets: 5 }),
    });
    expect(rows.map((r) => r.name)).toEqual(['vethf345468', 'lo', 'docker0', 'eth0']);
    expect(parseProcNetDev(fixture('proc-net-dev.jc.txt')).rows.find((r) => r.name === 'ens33')?.counters.rxBytes).toBe(
      60600053,
    );
  });

  it('skips a truncated line and counts it', () => {
    const lines = fixture('proc-net-dev.jc.txt').split('\n');
    const r = parseProcNetDev([lines[0], lines[1], (lines[2] ?? '').slice(0, 30), lines[3]].join('\n'));
    expect(r.rows).toHaveLength(1);
    expect(r.diagnostics.skipped).toBe(1);
  });

  it('reads if_inet6 addresses in network order with their scope', () => {
    const { rows } = parseIfInet6(fixture('proc-net-if_inet6.jc.txt'));
    expect(rows).toEqual([
      { iface: 'ens33', family: 'inet6', address: 'fe80::20c:29ff:fea4:e315', prefixLength: 64, scope: 'link' },
      { iface: 'lo', family: 'inet6', address: '::1', prefixLength: 128, scope: 'host' },
    ]);
  });

  it("reads names as the kernel writes them: a Unicode space and a '|' are a name's own, not separators", () => {
    // Read from a namespace holding interfaces named "eth9", "\u2003eth9" (EM SPACE first) and "a|bytes|b", then
    // "after1": names dev_valid_name accepts (it refuses only '/', ':' and the kernel's blanks).
    /** Eight counters (receive's or transmit's): bytes `n`, the others 0. */
    const counts = (n: number) => ` ${String(n).padStart(7)}${'    0'.repeat(7)}`;
    const dev = [
      'Inter-|   Receive                                                |  Transmit',
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
      `  eth9:${counts(896)}${counts(896)}`,
      ` \u2003eth9:${counts(826)}${counts(826)}`,
      `a|bytes|b:${counts(0)}${counts(0)}`,
      `after1:${counts(0)}${counts(0)}`,
      '',
    ].join('\n');
    const { rows, diagnostics } = parseProcNetDev(dev);
    // On main: "\u2003eth9" was read as a second "eth9" (its row given eth9's link facts, by name), and "a|bytes|b"
    // as a header that could not be read, every interface after it skipped.
    expect(diagnostics.skipped).toBe(0);
    expect(rows.map((r) => r.name)).toEqual(['eth9', '\u2003eth9', 'a|bytes|b', 'after1']);
    expect(rows.map((r) => r.counters.rxBytes)).toEqual([896, 826, 0, 0]);
    const inet6 = parseIfInet6(
      [
        'fd000000000000000000000000000002 02 40 00 82     eth9',
        'fd000000000000000000000000000001 03 40 00 82  \u2003eth9',
        '',
      ].join('\n'),
    );
    expect(inet6.diagnostics.skipped).toBe(0);
    expect(inet6.rows.map((r) => [r.iface, r.address])).toEqual([
      ['eth9', 'fd00::2'],
      ['\u2003eth9', 'fd00::1'],
    ]);
  });

  it('names IFF flags', () => {
    expect(interfaceFlagNames(0x1003)).toEqual(['UP', 'BROADCAST', 'MULTICAST']);
  });
});

type IpLink = {
  ifname: string;
  mtu: number;
  address?: string;
  operstate: string;
  stats64: { rx: Record<string, number>; tx: Record<string, number> };
};

describe.skipIf(process.platform !== 'linux')('LinuxInterfacesCollector against ip -j -s link', () => {
  it('agrees on names, MTU, MAC and every counter within the traffic between the reads', async () => {
    const collector = new LinuxInterfacesCollector();
    const before = new Map((await collector.read()).rows.map((r) => [r.name, r]));
    const links = JSON.parse(execFileSync('ip', ['-j', '-s', 'link'], { encoding: 'utf8' })) as IpLink[];
    const after = new Map((await collector.read()).rows.map((r) => [r.name, r]));
    expect([...before.keys()].sort()).toEqual(links.map((l) => l.ifname).sort());
    const pairs: [string, keyof NetInterface['counters']][] = [
      ['rx.bytes', 'rxBytes'],
      ['rx.packets', 'rxPackets'],
      ['rx.errors', 'rxErrors'],
      ['rx.dropped', 'rxDropped'],
      ['rx.multicast', 'rxMulticast'],
      ['tx.bytes', 'txBytes'],
      ['tx.packets', 'txPackets'],
      ['tx.errors', 'txErrors'],
      ['tx.dropped', 'txDropped'],
      ['tx.carrier_errors', 'txCarrier'],
      ['tx.collisions', 'txCollisions'],
    ];
    for (const link of links) {
      const a = before.get(link.ifname);
      const b = after.get(link.ifname);
      expect(a?.mtu).toBe(link.mtu);
      expect(a?.mac).toBe(link.address ?? null);
      expect(a?.operState.toUpperCase()).toBe(link.operstate);
      for (const [path, ours] of pairs) {
        const [dir, name] = path.split('.') as ['rx' | 'tx', string];
        const v = link.stats64[dir][name];
        if (v === undefined) continue;
        expect(v, `${link.ifname} ${path}`).toBeGreaterThanOrEqual(a?.counters[ours] ?? NaN);
        expect(v, `${link.ifname} ${path}`).toBeLessThanOrEqual(b?.counters[ours] ?? NaN);
      }
    }
    const lo = before.get('lo');
    expect(lo).toMatchObject({ type: 'loopback', flags: expect.arrayContaining(['UP', 'LOOPBACK', 'RUNNING']) });
    expect(lo?.addresses).toContainEqual({ family: 'inet', address: '127.0.0.1', prefixLength: 8, scope: 'host' });
  });

  it('reads, for the history, the same interfaces and byte counters as a whole read, without the rest', async () => {
    const collector = new LinuxInterfacesCollector();
    const before = (await collector.read()).rows;
    const light = (await collector.readCounters()).rows;
    const after = new Map((await collector.read()).rows.map((r) => [r.id, r]));
    expect(light.map((r) => r.id)).toEqual(before.map((r) => r.id));
    for (const [i, r] of light.entries()) {
      for (const c of ['rxBytes', 'txBytes'] as const) {
        expect(r.counters[c]).toBeGreaterThanOrEqual(before[i]!.counters[c]);
        expect(r.counters[c]).toBeLessThanOrEqual(after.get(r.id)!.counters[c]);
      }
      expect(r.addresses).toEqual([]);
    }
  });
});

describe('parseIpJsonAddresses', () => {
  it('reads this machine’s `ip -j -4 addr show`: lo holds 127.0.0.1/8, scope host', () => {
    const { byName, error } = parseIpJsonAddresses(
      execFileSync('ip', ['-j', '-4', 'addr', 'show'], { encoding: 'utf8' }),
    );
    expect(error).toBeNull();
    expect(byName.get('lo')).toContainEqual({ family: 'inet', address: '127.0.0.1', prefixLength: 8, scope: 'host' });
  });
  it('gives nothing, not an exception, for what is not its JSON, and says why where it could not be read', () => {
    for (const bad of ['', 'not json', '{}', '[{"ifname":1}]', '[null]'])
      expect(parseIpJsonAddresses(bad).byName.size).toBe(0);
    expect(parseIpJsonAddresses('not json').error).toMatch(/JSON/);
    expect(parseIpJsonAddresses('{}').error).toBe('not a list of interfaces');
    expect(parseIpJsonAddresses('[{"ifname":1}]').error).toBeNull();
  });
});

describe.skipIf(process.platform !== 'linux')('addresses of interfaces that are down', () => {
  /** The kernel's netlink as these tests fake it: an answer to RTM_GETADDR, or a refusal. */
  let kernel: DumpResult = { ok: false, error: 'refused' };
  const asked: number[] = [];
  beforeEach(() => {
    asked.length = 0;
    kernel = { ok: false, error: 'refused' };
    setNetlinkTransport({
      dump: async (protocol, type) => {
        asked.push(protocol, type);
        return kernel;
      },
    });
  });
  afterEach(() => setNetlinkTransport(null));

  /** How many times the last readWithIp ran ip. */
  let ipRuns = 0;

  /** A /proc and /sys with core0 (index 7) down and lo up (index 1 where `loIndex`, else unreadable); and an `ip` on
   *  PATH running `script` (no ip at all where null); `reads` reads with one collector. */
  async function readWithIp(
    script: string | null,
    ifInet6: 'missing' | 'unreadable' = 'missing',
    reads = 1,
    loIndex = false,
  ) {
    const root = mkdtempSync(join(tmpdir(), 'ipaddr-ifaces-'));
    const savedPath = process.env.PATH;
    try {
      mkdirSync(join(root, 'proc', 'net'), { recursive: true });
      mkdirSync(join(root, 'sys', 'core0'), { recursive: true });
      mkdirSync(join(root, 'bin'));
      writeFileSync(
        join(root, 'proc', 'net', 'dev'),
        'Inter-|   Receive                                                |  Transmit\n' +
          ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n' +
          ' core0:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0\n' +
          ' lo:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0\n',
      );
      // A directory where the file should be: reading it fails (EISDIR), as an unreadable file would.
      if (ifInet6 === 'unreadable') mkdirSync(join(root, 'proc', 'net', 'if_inet6'));
      writeFileSync(join(root, 'sys', 'core0', 'flags'), '0x1002\n');
      writeFileSync(join(root, 'sys', 'core0', 'operstate'), 'down\n');
      writeFileSync(join(root, 'sys', 'core0', 'ifindex'), '7\n');
      mkdirSync(join(root, 'sys', 'lo'));
      writeFileSync(join(root, 'sys', 'lo', 'flags'), '0x9\n');
      writeFileSync(join(root, 'sys', 'lo', 'operstate'), 'unknown\n');
      if (loIndex) writeFileSync(join(root, 'sys', 'lo', 'ifindex'), '1\n');
      if (script !== null)
        writeFileSync(join(root, 'bin', 'ip'), `#!/bin/sh\necho >> "${join(root, 'runs')}"\n${script}\n`, {
          mode: 0o755,
        });
      process.env.PATH = script === null ? join(root, 'empty') : `${join(root, 'bin')}:${savedPath}`;
      const collector = new LinuxInterfacesCollector(join(root, 'proc'), join(root, 'sys'));
      let r = await collector.read();
      for (let i = 1; i < reads; i++) r = await collector.read();
      ipRuns = existsSync(join(root, 'runs')) ? readFileSync(join(root, 'runs'), 'utf8').length : 0;
      return r;
    } finally {
      process.env.PATH = savedPath;
      rmSync(root, { recursive: true, force: true });
    }
  }

  it('reads them from the kernel over netlink at every read, and never runs ip for them', async () => {
    kernel = { ok: true, datagrams: [newAddressMessage(7, [192, 0, 2, 5], 24, 0)], bytes: 40 };
    const r = await readWithIp(`printf '[]'`, 'missing', 3);
    expect(asked).toEqual([0, 22, 0, 22, 0, 22]);
    // On main ip ran first, and again every 30 s.
    expect(ipRuns).toBe(0);
    expect(r.rows.map((row) => row.name)).toEqual(['core0', 'lo']);
    expect(r.rows[0]?.addresses).toEqual([{ family: 'inet', address: '192.0.2.5', prefixLength: 24, scope: 'global' }]);
    expect(r.diagnostics.missing).toEqual([]);
  });

  it("gives a running interface's IPv4 addresses from the kernel too, its scope as the kernel says, not getifaddrs'", async () => {
    kernel = {
      ok: true,
      datagrams: [newAddressMessage(7, [192, 0, 2, 5], 24, 0), newAddressMessage(1, [10, 1, 2, 3], 8, 253)],
      bytes: 80,
    };
    const r = await readWithIp(`printf '[]'`, 'missing', 1, true);
    // On main lo's came from getifaddrs (this machine's 127.0.0.1/8), as lo is running.
    expect(r.rows.find((row) => row.name === 'lo')?.addresses).toEqual([
      { family: 'inet', address: '10.1.2.3', prefixLength: 8, scope: 'link' },
    ]);
    expect(r.rows[0]?.addresses).toEqual([{ family: 'inet', address: '192.0.2.5', prefixLength: 24, scope: 'global' }]);
    expect(ipRuns).toBe(0);
  });

  it('reads them with ip where the kernel refuses netlink, once while the same interfaces are down, and says why', async () => {
    const r = await readWithIp(
      `printf '[{"ifname":"core0","addr_info":[{"family":"inet","local":"192.0.2.9","prefixlen":25,"scope":"global"}]}]'`,
      'missing',
      3,
    );
    expect(ipRuns).toBe(1);
    expect(r.rows[0]?.addresses).toEqual([{ family: 'inet', address: '192.0.2.9', prefixLength: 25, scope: 'global' }]);
    expect(r.diagnostics.missing).toEqual([
      {
        source: 'netlink RTM_GETADDR',
        reason:
          'refused; IPv4 addresses of core0 (not running) from `ip -j -4 addr show` instead, asked again every 30 s',
      },
    ]);
  });

  it('says why where netlink is refused and ip is not installed, instead of dropping them silently', async () => {
    const r = await readWithIp(null);
    expect(r.diagnostics.missing).toEqual([
      {
        source: 'netlink RTM_GETADDR',
        reason: 'refused; IPv4 addresses unknown for core0 (not running; ip: ip (iproute2) is not installed)',
      },
    ]);
    expect(r.rows[0]?.addresses).toEqual([]);
  });

  it("names ip's parse error where netlink is refused and ip prints garbage", async () => {
    // A name with an ESC and a bidi override in what ip printed: the note carries the parser's words, and the UI
    // shows every note escaped (StatusBar's diagnosticsTitles).
    const r = await readWithIp(`printf '[{"ifname": "core0", "addr_info": [oops \\033\\342\\200\\256'`);
    expect(r.diagnostics.missing).toHaveLength(1);
    expect(r.diagnostics.missing[0]!.reason).toMatch(
      /^refused; IPv4 addresses unknown for core0 \(not running; ip: ip's answer could not be read \(.*JSON.*\)\)$/s,
    );
  });

  it("counts the kernel answer's messages that cannot be read, as skipped, in every read that uses the answer", async () => {
    const whole = newAddressMessage(7, [192, 0, 2, 5], 24, 0);
    const past = Buffer.from(whole);
    past.writeUInt16LE(200, 24);
    kernel = { ok: true, datagrams: [past, whole], bytes: 2 * whole.length };
    const r = await readWithIp('exit 1');
    expect(r.rows[0]?.addresses).toEqual([{ family: 'inet', address: '192.0.2.5', prefixLength: 24, scope: 'global' }]);
    // On main the unreadable message was dropped without a count.
    expect(r.diagnostics.skipped).toBe(1);
    expect(r.diagnostics.samples[0]).toMatchObject({ source: 'netlink RTM_GETADDR' });
  });

  it('says why when ip fails and netlink too, and still shows the running interfaces’ addresses', async () => {
    const r = await readWithIp(`echo 'RTNETLINK answers: Operation not permitted' >&2; exit 1`);
    expect(r.diagnostics.missing).toEqual([
      {
        source: 'netlink RTM_GETADDR',
        reason:
          'refused; IPv4 addresses unknown for core0 (not running; ip: RTNETLINK answers: Operation not permitted)',
      },
    ]);
    expect(r.rows[0]?.addresses).toEqual([]);
    // lo here is this machine's (getifaddrs), up and running: its address needs neither.
    expect(r.rows.find((row) => row.name === 'lo')?.addresses).toContainEqual({
      family: 'inet',
      address: '127.0.0.1',
      prefixLength: 8,
      scope: 'host',
    });
  });

  it('takes IPv6 addresses from getifaddrs when /proc/net/if_inet6 cannot be read, and says so', async () => {
    const r = await readWithIp('exit 1', 'unreadable');
    expect(r.diagnostics.missing.map((m) => m.source)).toEqual(['/proc/net/if_inet6', 'netlink RTM_GETADDR']);
    expect(r.diagnostics.missing[0]!.reason).toMatch(/; IPv6 addresses from getifaddrs, of running interfaces only$/);
    const lo6 = Object.values(networkInterfaces())
      .flat()
      .some((a) => a?.internal && a.family === 'IPv6');
    if (lo6)
      expect(r.rows.find((row) => row.name === 'lo')?.addresses).toContainEqual({
        family: 'inet6',
        address: '::1',
        prefixLength: 128,
        scope: 'host',
      });
  });
});

describe.skipIf(process.platform !== 'linux')('interface names that are UTF-8', () => {
  it('reads /proc/net/dev by the name the creator gave, so its sysfs folder is found', async () => {
    const name = 'r\u202eevil';
    const root = mkdtempSync(join(tmpdir(), 'lead-ifaces-'));
    try {
      mkdirSync(join(root, 'proc', 'net'), { recursive: true });
      mkdirSync(join(root, 'sys', name), { recursive: true });
      writeFileSync(
        join(root, 'proc', 'net', 'dev'),
        Buffer.from(
          'Inter-|   Receive                                                |  Transmit\n' +
            ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n' +
            ` ${name}:       7       1    0    0    0     0          0         0        9       1    0    0    0     0       0          0\n`,
          'utf8',
        ),
      );
      writeFileSync(join(root, 'proc', 'net', 'if_inet6'), '');
      writeFileSync(join(root, 'sys', name, 'address'), '02:00:00:00:00:01\n');
      writeFileSync(join(root, 'sys', name, 'mtu'), '1400\n');
      const r = await new LinuxInterfacesCollector(join(root, 'proc'), join(root, 'sys')).read();
      const row = r.rows.find((x) => x.name === name);
      expect(row?.mac).toBe('02:00:00:00:00:01');
      expect(row?.mtu).toBe(1400);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
