// Every real capture in test/fixtures/captures parses with the format auto-detection names, into the
// number of rows counted by reading the file (tables below, counted with grep/awk outside the parser),
// with spot-checked fields. Formats that hold no NetLens table and error texts are refused clearly.
import { describe, expect, it } from 'vitest';
import type { Connection, Counter, MulticastGroup, NetInterface, Route } from '../../shared/types.js';
import { detectFormat, parseCapture } from './index.js';
import { FOREIGN, PARSED, fixture } from '../../test/fixtures/captures/fixtures.js';

describe('every capture fixture', () => {
  it.each(PARSED)('%s is %s with %s rows', (file, format, dataset, rows) => {
    const text = fixture(file);
    const name = file.split('/')[1] ?? file;
    expect(detectFormat(text, name)).toBe(format);
    const r = parseCapture(name, text);
    expect(r.format).toBe(format);
    expect(r.dataset).toBe(dataset);
    expect(r.rows.length).toBe(rows);
    expect(r.diagnostics.skipped).toBe(0);
    expect(new Set(r.rows.map((x) => x.id)).size).toBe(r.rows.length);
    expect(r.label).toBe(`${name} (${format})`);
  });

  it.each(FOREIGN)('%s is refused as %s, which holds no NetLens table', (file, format) => {
    expect(() => parseCapture(file, fixture(file))).toThrow(new RegExp(`\\(${format}\\), which holds no`));
  });

  it('reports an error text in place of a table as such', () => {
    expect(() => parseCapture('netstat-vb.txt', fixture('windows/netstat-vb.error-not-elevated.txt'))).toThrow(
      /holds an error message, not a table: "The requested operation requires elevation\."/,
    );
  });

  it('lists the supported formats for unknown text and for an unknown --format', () => {
    expect(() => parseCapture('notes.txt', 'hello\nthis is a shopping list\n')).toThrow(
      /not recognised. Supported formats:\n.*windows-netstat-ano.*\n.*linux-netstat-tanp/,
    );
    expect(() => parseCapture('x.txt', fixture('linux/ip-route.centos-7.7.txt'), 'bogus')).toThrow(
      /Unknown format 'bogus'. Supported formats:[\s\S]*ss-tulpen/,
    );
  });

  it('parses with a forced format as with detection', () => {
    const text = fixture('linux/netstat-lnp.ubuntu-18.04.txt');
    expect(parseCapture('a', text, 'linux-netstat-tanp').rows).toEqual(parseCapture('a', text).rows);
  });
});

function rowsOf<T>(file: string, format = 'auto'): T[] {
  return parseCapture(file, fixture(file), format).rows as T[];
}

describe('spot checks', () => {
  it('macOS netstat -anv: pid column from the header, tcp46 as inet6', () => {
    const rows = rowsOf<Connection>('macos/netstat-anv.osx-10.11-era.find-process.txt');
    expect(rows[0]).toMatchObject({
      proto: 'tcp',
      family: 'inet',
      localAddress: '10.16.43.243',
      localPort: 55669,
      remoteAddress: '10.20.13.51',
      remotePort: 8000,
      state: 'ESTABLISHED',
    });
    expect(rows[0]?.processes[0]?.pid).toBe(422);
    expect(rows[3]).toMatchObject({ family: 'inet6', localAddress: '::', localPort: 443, state: 'LISTEN' });
    expect(rows[3]?.processes[0]?.pid).toBe(61044);
  });

  it('macOS 15 without a header: pid is field 11, not the rhiwat column (systeminformation #951)', () => {
    const rows = rowsOf<Connection>('macos/netstat-natvln-grep.macos-15.1.systeminformation-951.txt');
    expect(rows.map((r) => r.processes[0]?.pid)).toEqual([2903, 5767, 75236, 74164]);
    expect(rows[0]).toMatchObject({
      localAddress: '192.168.1.233',
      localPort: 52137,
      remoteAddress: '34.117.41.85',
      remotePort: 443,
      sendQ: 126,
    });
  });

  it('macOS netstat -anv with epid: the pid, not the epid', () => {
    const rows = rowsOf<Connection>('macos/netstat-anv.macos-13or14.landontclipp.txt');
    expect(rows[1]?.processes[0]?.pid).toBe(24807);
  });

  it('macOS netstat -a: unix sockets, icm4 as raw, kernel control sockets noted', () => {
    const r = parseCapture('n', fixture('macos/netstat.macos-10.14.6.txt'));
    const rows = r.rows as Connection[];
    expect(rows.filter((x) => x.proto === 'unix').length).toBe(425);
    expect(rows.filter((x) => x.proto === 'raw').length).toBe(1);
    expect(r.diagnostics.notes.join('\n')).toMatch(/Registered kernel control modules/);
  });

  it('macOS netstat -ibn: counters from the Link row, addresses from the others, * means down', () => {
    const rows = rowsOf<NetInterface>('macos/netstat-ibn.macos-2026-excerpt.txt');
    const en0 = rows.find((r) => r.name === 'en0');
    expect(en0).toMatchObject({ index: 14, mac: 'a2:ed:bf:52:e6:9a', mtu: 1500, operState: 'up' });
    expect(en0?.counters).toMatchObject({
      rxPackets: 99467531,
      rxBytes: 35450763500,
      txPackets: 147862344,
      txBytes: 143748137992,
    });
    expect(en0?.addresses.map((a) => a.address)).toContain('192.168.0.107');
    expect(rows.find((r) => r.name === 'gif0')?.operState).toBe('down');
    const drops = rowsOf<NetInterface>('macos/netstat-ibdnW.gopsutil.txt').find((r) => r.name === 'en0');
    expect(drops?.counters.txDropped).toBe(230);
  });

  it('macOS netstat -rn: abbreviated networks, link# gateways', () => {
    const rows = rowsOf<Route>('macos/netstat-nr.macos-11plus-inet-only.vagrant-notes.txt');
    expect(rows[0]).toMatchObject({
      destination: '0.0.0.0',
      prefixLength: 0,
      gateway: '192.168.50.1',
      iface: 'en0',
      isDefault: true,
    });
    expect(rows[1]).toMatchObject({ destination: '127.0.0.0', prefixLength: 8 });
    expect(rows.find((r) => r.destination === '169.254.0.0')).toMatchObject({ prefixLength: 16, gateway: null });
    expect(rows.find((r) => r.destination === '224.0.0.0')).toMatchObject({ prefixLength: 4, type: 'multicast' });
  });

  it('macOS netstat -s: nested sentences and parenthesised counts', () => {
    const rows = rowsOf<Counter>('macos/netstat-s-p-tcp.osx-10.9-era.stripchart.txt');
    const byId = new Map(rows.map((r) => [r.id, r.value]));
    expect(byId.get('tcp.packets sent')).toBe(6878757);
    expect(byId.get('tcp.packets sent: data packets (bytes)')).toBe(741004496);
    expect(byId.get('tcp.connections closed (including drops)')).toBe(35378);
    expect(byId.get('tcp.packets received: acks (for bytes)')).toBe(730507423);
    expect(rows.find((r) => r.id === 'tcp.packets received: bad resets')?.isError).toBe(true);
  });

  it('macOS netstat -g: families from the section titles', () => {
    const rows = rowsOf<MulticastGroup>('macos/netstat-g.macos-13-applesilicon.solo1d.txt');
    expect(rows.map((r) => r.id)).toEqual([
      'anpi0|link|33:33:0:0:0:fb',
      'anpi0|link|33:33:0:0:0:1',
      'lo0|inet|224.0.0.251',
    ]);
  });

  it('Windows netstat -ano: UDP without state, bracketed IPv6 with zone, PID 0 owns nothing', () => {
    const rows = rowsOf<Connection>('windows/netstat-ano.win10.txt');
    expect(rows[0]).toMatchObject({
      proto: 'tcp',
      localAddress: '0.0.0.0',
      localPort: 135,
      state: 'LISTEN',
      ownerStatus: 'known',
    });
    expect(rows[0]?.processes[0]?.pid).toBe(1712);
    const udp6 = rows.find((r) => r.proto === 'udp' && r.family === 'inet6' && r.localAddress.startsWith('fe80'));
    expect(udp6?.localAddress).toMatch(/^fe80:[0-9a-f:]+%\d+$/);
    expect(udp6?.state).toBe('UNCONN');
    const zh = rowsOf<Connection>('windows/netstat-ano.zh-CN-win7-parallels.find-process.txt');
    expect(zh.find((r) => r.state === 'TIME_WAIT')).toMatchObject({ ownerStatus: 'none', processes: [] });
  });

  it('Windows netstat -anob: the image name after each row, "Can not obtain" as denied', () => {
    const rows = rowsOf<Connection>('windows/netstat-anob.win10.txt');
    expect(rows[0]?.processes[0]).toMatchObject({ pid: 1712, name: 'svchost.exe' });
    expect(rows[1]?.processes[0]).toMatchObject({ pid: 9396, name: 'vmware-hostd.exe' });
  });

  it('Windows route print: persistent routes, wrapped IPv6 rows, On-link', () => {
    const rows = rowsOf<Route>('windows/route-print.win10.txt');
    expect(rows.filter((r) => r.table === 'persistent')).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      destination: '0.0.0.0',
      prefixLength: 0,
      gateway: '192.168.31.1',
      iface: '192.168.31.221',
      metric: 30,
    });
    const wrapped = rows.find((r) => r.destination === 'fe80::244e:2f1e:2096:62b2');
    expect(wrapped).toMatchObject({ family: 'inet6', prefixLength: 128, gateway: null, metric: 286, iface: '9' });
    expect(rows.filter((r) => r.family === 'inet6')).toHaveLength(26);
  });

  it('Windows netstat -es: interface totals and Name = value rows', () => {
    const byId = new Map(rowsOf<Counter>('windows/netstat-es.win10or11.net-process.txt').map((r) => [r.id, r.value]));
    expect(byId.get('Interface.Bytes (received)')).toBe(1279913096);
    expect(byId.get('Interface.Bytes (sent)')).toBe(89768387);
    expect(byId.get('Ip.Received Packets Discarded')).toBe(25269);
    expect(byId.get('Tcp6.Segments Retransmitted')).toBe(4152);
  });

  it('FreeBSD netstat -an: unix section and the IPv4 wildcard', () => {
    const rows = rowsOf<Connection>('freebsd/netstat-an.freebsd-12.txt');
    expect(rows.filter((r) => r.proto === 'unix')).toHaveLength(14);
    expect(rows.find((r) => r.path === '/var/run/devd.pipe')).toMatchObject({
      socketType: 'STREAM',
      state: 'LISTENING',
    });
    expect(rows[2]).toMatchObject({ localAddress: '0.0.0.0', localPort: 22, state: 'LISTEN' });
  });

  it('Linux netstat -lnp: program names with spaces, unix paths, raw numeric state', () => {
    const rows = rowsOf<Connection>('linux/netstat-lnp.ubuntu-18.04-space.txt');
    expect(rows.find((r) => r.localPort === 22 && r.family === 'inet')?.processes[0]).toMatchObject({
      pid: 600,
      name: 'sshd: /usr/sbin',
    });
    const aeep = rowsOf<Connection>('linux/netstat-aeep.centos-7.7.txt');
    expect(aeep[0]).toMatchObject({
      localAddress: 'localhost',
      localPort: 25,
      user: 'root',
      inode: 22606,
      state: 'LISTEN',
    });
    expect(aeep.find((r) => r.proto === 'raw')?.state).toBe('UNCONN');
    const sshdUnix = aeep.find((r) => r.proto === 'unix' && r.inode === 63240);
    expect(sshdUnix?.processes[0]).toMatchObject({ pid: 6492, name: 'sshd: kbrazil' });
    expect(sshdUnix?.path).toBe('');
  });

  it('ss -tulpen: users, uid, inode, scoped addresses', () => {
    const rows = rowsOf<Connection>('linux/ss-tulpen.ubuntu-18.04.txt');
    const avahi = rows.find((r) => r.localPort === 5353 && r.family === 'inet');
    expect(avahi).toMatchObject({ proto: 'udp', uid: 112, inode: 25147, state: 'UNCONN' });
    expect(avahi?.processes[0]).toMatchObject({ pid: 1510, name: 'avahi-daemon' });
    expect(rows.find((r) => r.localPort === 67)?.localAddress).toBe('0.0.0.0');
    const a = parseCapture('ss-a', fixture('linux/ss-a.ubuntu-18.04.txt'));
    expect(a.diagnostics.notes.join('\n')).toMatch(/nl sockets/);
  });

  it("a listener's Send-Q is 0, as the live collector shows it: ss prints the backlog there (LISTEN 0 4096)", () => {
    for (const file of ['linux/ss-tulpen.ubuntu-18.04.txt', 'linux/ss-a.ubuntu-18.04.txt']) {
      const listeners = rowsOf<Connection>(file).filter((r) => r.state === 'LISTEN');
      expect(listeners.length).toBeGreaterThan(0);
      expect(listeners.filter((r) => r.sendQ !== 0)).toEqual([]);
    }
    // Other rows keep theirs.
    const estab = parseCapture(
      'ss.txt',
      'State Recv-Q Send-Q Local Address:Port Peer Address:Port\nLISTEN 0 511 0.0.0.0:80 0.0.0.0:*\nESTAB 0 36 10.0.0.1:22 10.0.0.2:50000\n',
    ).rows as Connection[];
    expect(estab.map((r) => [r.state, r.sendQ])).toEqual([
      ['LISTEN', 0],
      ['ESTABLISHED', 36],
    ]);
  });

  it('ip route, ip -s link, route -6n, netstat -i', () => {
    const routes = rowsOf<Route>('linux/ip-route-show.ntc-linkdown.txt');
    expect(routes[0]).toMatchObject({
      destination: '0.0.0.0',
      gateway: '192.168.1.1',
      iface: 'enp0s25',
      protocol: 'dhcp',
      metric: 100,
      source: '192.168.1.19',
    });
    expect(routes[2]?.flags).not.toContain('U');
    const links = rowsOf<NetInterface>('linux/ip-s-link.openstack-insights.txt');
    expect(links.find((l) => l.name === 'eno1')?.counters).toMatchObject({
      rxBytes: 108341661705196,
      rxPackets: 87334303936,
      rxDropped: 5632499,
      rxMulticast: 7110182,
    });
    const v6 = rowsOf<Route>('linux/route-6n.centos-7.7.txt');
    expect(v6.find((r) => r.gateway === 'fe80::feae:34ff:fea1:3a80')).toMatchObject({
      destination: '2600:1700:bab0:d40::',
      prefixLength: 60,
      metric: 100,
    });
    const ni = rowsOf<NetInterface>('linux/netstat-i.centos-7.7.txt');
    expect(ni.find((i) => i.name === 'ens33')).toMatchObject({
      mtu: 1500,
      flags: ['BROADCAST', 'MULTICAST', 'RUNNING', 'UP'],
    });
  });

  it('ifconfig and ipconfig: addresses, masks and MACs', () => {
    const old = rowsOf<NetInterface>('linux/ifconfig.ubuntu-16.04.txt')[0];
    expect(old).toMatchObject({ name: 'ens33', mac: '00:0c:29:c2:c8:63', mtu: 1500 });
    expect(old?.counters).toMatchObject({ rxPackets: 36, txPackets: 152, rxBytes: 5602, txBytes: 13935 });
    const mac = rowsOf<NetInterface>('macos/ifconfig.macos-10.11.6.txt').find((r) => r.name === 'lo0');
    expect(mac?.addresses).toContainEqual({ family: 'inet', address: '127.0.0.1', prefixLength: 8, scope: 'host' });
    const win = rowsOf<NetInterface>('windows/ipconfig.win2016.txt')[0];
    expect(win).toMatchObject({ name: 'Ethernet0', mac: '00:0c:29:d6:12:2e' });
    expect(win?.addresses).toContainEqual({
      family: 'inet',
      address: '192.168.22.153',
      prefixLength: 24,
      scope: 'global',
    });
  });
});
