// Every real capture in test/fixtures/captures parses with the format auto-detection names, into the
// number of rows counted by reading the file (tables below, counted with grep/awk outside the parser),
// with spot-checked fields. Formats that hold no NetLens table and error texts are refused clearly.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Connection, Counter, MulticastGroup, NetInterface, Route } from '../../shared/types.js';
import { detectFormat, parseCapture } from './index.js';

const DIR = new URL('../../test/fixtures/captures/', import.meta.url);
export function fixture(path: string): string {
  return readFileSync(new URL(path, DIR), 'utf8');
}

// [file, detected format, dataset, rows]
const PARSED: [string, string, string, number][] = [
  ['macos/ifconfig.macos-10.11.6.txt', 'macos-ifconfig', 'interfaces', 7],
  ['macos/ifconfig.macos-10.14.6.txt', 'macos-ifconfig', 'interfaces', 20],
  ['macos/lsof-P-iTCP-sTCP-LISTEN.macos-12plus.nx-academy.txt', 'lsof-i', 'connections', 22],
  ['macos/netstat-Abn.macos-10.14.6.txt', 'macos-netstat-An', 'connections', 538],
  ['macos/netstat-An.macos-10.14.6.txt', 'macos-netstat-An', 'connections', 538],
  ['macos/netstat-I-en0.macos-13-applesilicon.solo1d.txt', 'macos-netstat-i', 'interfaces', 1],
  ['macos/netstat-anv-p-tcp-egrep.macos-orbstack.ddev-docs.txt', 'macos-netstat-anv', 'connections', 2],
  ['macos/netstat-anv-p-tcp-head2.macos-14-sonoma.pid-port-12.txt', 'macos-netstat-anv', 'connections', 0],
  ['macos/netstat-anv-p-tcp-head2.macos-15-sequoia.pid-port-12.txt', 'macos-netstat-anv', 'connections', 0],
  ['macos/netstat-anv.macos-13or14.landontclipp.txt', 'macos-netstat-anv', 'connections', 4],
  ['macos/netstat-anv.osx-10.11-era.find-process.txt', 'macos-netstat-anv', 'connections', 5],
  ['macos/netstat-g.macos-13-applesilicon.solo1d.txt', 'macos-netstat-g', 'multicast', 3],
  ['macos/netstat-i.macos-10.14.6.txt', 'macos-netstat-i', 'interfaces', 22],
  ['macos/netstat-ib.macos-applesilicon.shovans-mac.txt', 'macos-netstat-ibn', 'interfaces', 25],
  ['macos/netstat-ibdnW.gopsutil.txt', 'macos-netstat-ibn', 'interfaces', 4],
  ['macos/netstat-ibn.macos-2026-excerpt.txt', 'macos-netstat-ibn', 'interfaces', 6],
  ['macos/netstat-natvln-grep.macos-15.1.systeminformation-951.txt', 'macos-netstat-anv', 'connections', 4],
  ['macos/netstat-nr.macos-11plus-inet-only.vagrant-notes.txt', 'macos-netstat-rn', 'routes', 17],
  ['macos/netstat-r.macos-10.14.6.txt', 'macos-netstat-rn', 'routes', 86],
  ['macos/netstat-r.macos-13-applesilicon.solo1d.txt', 'macos-netstat-rn', 'routes', 2],
  ['macos/netstat-s-p-tcp.osx-10.9-era.stripchart.txt', 'macos-netstat-s', 'statistics', 84],
  ['macos/netstat-v.macos-13-applesilicon.solo1d.txt', 'macos-netstat-anv', 'connections', 2],
  ['macos/netstat-vn-p-tcp.macos-10.14-mojave.node-netstat-26.txt', 'macos-netstat-anv', 'connections', 7],
  ['macos/netstat.macos-10.14.6.txt', 'macos-netstat-an', 'connections', 583],
  ['windows/ipconfig.win10.txt', 'windows-ipconfig', 'interfaces', 3],
  ['windows/ipconfig.win11.txt', 'windows-ipconfig', 'interfaces', 10],
  ['windows/ipconfig.win2008.txt', 'windows-ipconfig', 'interfaces', 2],
  ['windows/ipconfig.win2016.txt', 'windows-ipconfig', 'interfaces', 2],
  ['windows/ipconfig.win7.txt', 'windows-ipconfig', 'interfaces', 2],
  ['windows/ipconfig.winxp.txt', 'windows-ipconfig', 'interfaces', 1],
  ['windows/netstat-a-p-udp.win10-netstat2rs-7-truncated.txt', 'windows-netstat-an', 'connections', 14],
  ['windows/netstat-an.win10.txt', 'windows-netstat-an', 'connections', 260],
  ['windows/netstat-ano.win10.txt', 'windows-netstat-ano', 'connections', 208],
  ['windows/netstat-ano.win10or11.net-process.txt', 'windows-netstat-ano', 'connections', 140],
  ['windows/netstat-ano.zh-CN-win7-parallels.find-process.txt', 'windows-netstat-ano', 'connections', 15],
  ['windows/netstat-anob.win-enterprise.txt', 'windows-netstat-anob', 'connections', 178],
  ['windows/netstat-anob.win10.txt', 'windows-netstat-anob', 'connections', 318],
  ['windows/netstat-b.win-enterprise.txt', 'windows-netstat-b', 'connections', 66],
  ['windows/netstat-es.win10or11.net-process.txt', 'windows-netstat-es', 'statistics', 133],
  ['windows/netstat-s.win7-lab.txt', 'windows-netstat-s', 'statistics', 122],
  ['windows/netstat.win10.txt', 'windows-netstat', 'connections', 32],
  ['windows/route-print.win10-wsl2-hyperv.wsl-5068-truncated.txt', 'windows-route-print', 'routes', 6],
  ['windows/route-print.win10.txt', 'windows-route-print', 'routes', 74],
  ['freebsd/ifconfig.freebsd-12.txt', 'freebsd-ifconfig', 'interfaces', 1],
  ['freebsd/netstat-AanP.freebsd-12.txt', 'freebsd-netstat-an', 'connections', 20],
  ['freebsd/netstat-Aax.freebsd-12.txt', 'freebsd-netstat-an', 'connections', 20],
  ['freebsd/netstat-aT.freebsd-12.txt', 'freebsd-netstat-an', 'connections', 20],
  ['freebsd/netstat-an.freebsd-12.txt', 'freebsd-netstat-an', 'connections', 20],
  ['freebsd/netstat-i.freebsd-12.txt', 'freebsd-netstat-i', 'interfaces', 2],
  ['freebsd/netstat-ib.freebsd-12.txt', 'freebsd-netstat-ib', 'interfaces', 2],
  ['freebsd/netstat-r.freebsd-12.txt', 'freebsd-netstat-r', 'routes', 13],
  ['linux/ifconfig.centos-7.7.txt', 'linux-ifconfig', 'interfaces', 3],
  ['linux/ifconfig.ubuntu-16.04.txt', 'linux-ifconfig', 'interfaces', 2],
  ['linux/ifconfig.ubuntu-18.04.txt', 'linux-ifconfig', 'interfaces', 2],
  ['linux/ip-address-show.busybox.txt', 'ip-address-show', 'interfaces', 2],
  ['linux/ip-address-show.ntc-1.txt', 'ip-address-show', 'interfaces', 6],
  ['linux/ip-address-show.ntc-2.txt', 'ip-address-show', 'interfaces', 5],
  ['linux/ip-j-route.ubuntu-vagrant-vbox.txt', 'ip-j-route', 'routes', 3],
  ['linux/ip-link-show.ntc.txt', 'ip-link-show', 'interfaces', 8],
  ['linux/ip-route-show.ntc-linkdown.txt', 'ip-route', 'routes', 4],
  ['linux/ip-route.centos-7.7.txt', 'ip-route', 'routes', 4],
  ['linux/ip-route.ubuntu-18.04.txt', 'ip-route', 'routes', 4],
  ['linux/ip-s-link.fedora-laptop-insights.txt', 'ip-s-link', 'interfaces', 8],
  ['linux/ip-s-link.openstack-insights.txt', 'ip-s-link', 'interfaces', 6],
  ['linux/netstat-aeep.centos-7.7.txt', 'linux-netstat-aeep', 'connections', 160],
  ['linux/netstat-aeep.ubuntu-18.04.txt', 'linux-netstat-aeep', 'connections', 122],
  ['linux/netstat-anp.generic-old.txt', 'linux-netstat-anp', 'connections', 10],
  ['linux/netstat-i.centos-7.7.txt', 'linux-netstat-i', 'interfaces', 3],
  ['linux/netstat-i.ubuntu-18.04.txt', 'linux-netstat-i', 'interfaces', 2],
  ['linux/netstat-lnp.centos-7.7.txt', 'linux-netstat-lnp', 'connections', 41],
  ['linux/netstat-lnp.generic-no-state.txt', 'linux-netstat-lnp', 'connections', 4],
  ['linux/netstat-lnp.ubuntu-18.04-space.txt', 'linux-netstat-lnp', 'connections', 47],
  ['linux/netstat-lnp.ubuntu-18.04.txt', 'linux-netstat-lnp', 'connections', 28],
  ['linux/netstat-p.centos-7.7.txt', 'linux-netstat-p', 'connections', 117],
  ['linux/netstat-p.ubuntu-18.04.txt', 'linux-netstat-p', 'connections', 93],
  ['linux/netstat-rnee.centos-7.7.txt', 'linux-netstat-r', 'routes', 3],
  ['linux/netstat-rnee.ubuntu-18.04.txt', 'linux-netstat-r', 'routes', 3],
  ['linux/netstat-s.rhel-insights.txt', 'linux-netstat-s', 'statistics', 78],
  ['linux/netstat.fedora-32.txt', 'linux-netstat', 'connections', 131],
  ['linux/nstat.el8.10-mptcp-501-truncated.txt', 'nstat', 'statistics', 20],
  ['linux/nstat.kernel-5.12-mptcp-196-truncated.txt', 'nstat', 'statistics', 24],
  ['linux/proc-net-dev.jc.txt', 'proc-net-dev', 'interfaces', 2],
  ['linux/proc-net-dev.procfs-docker.txt', 'proc-net-dev', 'interfaces', 4],
  ['linux/proc-net-dev.rhel-5.3.txt', 'proc-net-dev', 'interfaces', 4],
  ['linux/proc-net-dev_mcast.jc.txt', 'proc-net-dev_mcast', 'multicast', 6],
  ['linux/proc-net-dev_mcast.rhel-5.3.txt', 'proc-net-dev_mcast', 'multicast', 7],
  ['linux/proc-net-if_inet6.jc.txt', 'proc-net-if_inet6', 'interfaces', 2],
  ['linux/proc-net-if_inet6.rhel-5.3.txt', 'proc-net-if_inet6', 'interfaces', 2],
  ['linux/proc-net-igmp.jc.txt', 'proc-net-igmp', 'multicast', 2],
  ['linux/proc-net-igmp.rhel-5.3.txt', 'proc-net-igmp', 'multicast', 5],
  ['linux/proc-net-igmp6.jc.txt', 'proc-net-igmp6', 'multicast', 5],
  ['linux/proc-net-igmp6.rhel-5.3.txt', 'proc-net-igmp6', 'multicast', 4],
  ['linux/proc-net-ipv6_route.jc.txt', 'proc-net-ipv6_route', 'routes', 7],
  ['linux/proc-net-ipv6_route.rhel-5.3.txt', 'proc-net-ipv6_route', 'routes', 19],
  ['linux/proc-net-netstat.jc.txt', 'proc-net-netstat', 'statistics', 152],
  ['linux/proc-net-netstat.node_exporter.txt', 'proc-net-netstat', 'statistics', 96],
  ['linux/proc-net-netstat.rhel-5.3.txt', 'proc-net-netstat', 'statistics', 71],
  ['linux/proc-net-raw.arm-2.6.16-empty.txt', 'proc-net-raw', 'connections', 0],
  ['linux/proc-net-raw.ubuntu-kernel-4.x-vbox.weikang.txt', 'proc-net-raw', 'connections', 1],
  ['linux/proc-net-route.jc.txt', 'proc-net-route', 'routes', 3],
  ['linux/proc-net-route.rhel-5.3.txt', 'proc-net-route', 'routes', 4],
  ['linux/proc-net-snmp.arm-2.6.16.txt', 'proc-net-snmp', 'statistics', 63],
  ['linux/proc-net-snmp.node_exporter.txt', 'proc-net-snmp', 'statistics', 77],
  ['linux/proc-net-snmp.rhel-5.3.txt', 'proc-net-snmp', 'statistics', 70],
  ['linux/proc-net-snmp6.node_exporter.txt', 'proc-net-snmp6', 'statistics', 85],
  ['linux/proc-net-snmp6.procfs.txt', 'proc-net-snmp6', 'statistics', 91],
  ['linux/proc-net-snmp6.rhel-5.3.txt', 'proc-net-snmp6', 'statistics', 70],
  ['linux/proc-net-sockstat.node_exporter.txt', 'proc-net-sockstat', 'statistics', 12],
  ['linux/proc-net-sockstat.procfs.txt', 'proc-net-sockstat', 'statistics', 12],
  ['linux/proc-net-sockstat.rhel-5.3.txt', 'proc-net-sockstat', 'statistics', 11],
  ['linux/proc-net-sockstat6.node_exporter.txt', 'proc-net-sockstat6', 'statistics', 6],
  ['linux/proc-net-tcp.android-2.6.29.txt', 'proc-net-tcp', 'connections', 3],
  ['linux/proc-net-tcp.jc.txt', 'proc-net-tcp', 'connections', 27],
  ['linux/proc-net-tcp.rhel-5.3.txt', 'proc-net-tcp', 'connections', 60],
  ['linux/proc-net-tcp6.jc.txt', 'proc-net-tcp6', 'connections', 8],
  ['linux/proc-net-tcp6.rhel-5.3.txt', 'proc-net-tcp6', 'connections', 4],
  ['linux/proc-net-udp.android-2.6.29-empty.txt', 'proc-net-udp', 'connections', 0],
  ['linux/proc-net-udp.arm-2.6.16.txt', 'proc-net-udp', 'connections', 1],
  ['linux/proc-net-udp.rhel-5.3.txt', 'proc-net-udp', 'connections', 14],
  ['linux/proc-net-udp.ubuntu-18.04-kernel-5.4-aws.procfs-506.txt', 'proc-net-udp', 'connections', 5],
  ['linux/proc-net-udp.ubuntu-kernel-4.x-vbox.weikang.txt', 'proc-net-udp', 'connections', 5],
  ['linux/proc-net-udp6.android-2.6.29-empty.txt', 'proc-net-udp6', 'connections', 0],
  ['linux/proc-net-udp6.rhel-5.3.txt', 'proc-net-udp6', 'connections', 3],
  ['linux/proc-net-unix.jc.txt', 'proc-net-unix', 'connections', 130],
  ['linux/proc-net-unix.rhel-5.3.txt', 'proc-net-unix', 'connections', 90],
  ['linux/route-6n.centos-7.7.txt', 'linux-route-6', 'routes', 21],
  ['linux/route-ee.nixos.txt', 'linux-netstat-r', 'routes', 2],
  ['linux/route-vn.centos-7.7.txt', 'linux-netstat-r', 'routes', 3],
  ['linux/route-vn.ubuntu-18.04.txt', 'linux-netstat-r', 'routes', 3],
  ['linux/ss-H-tinp-state-established.iproute2-6.9-dockerdesktop-vm.txt', 'ss-H', 'connections', 1],
  ['linux/ss-a.centos-7.7.txt', 'ss-a', 'connections', 160],
  ['linux/ss-a.ubuntu-18.04.txt', 'ss-a', 'connections', 117],
  ['linux/ss-ito-nOH-state-established.bbr.dash_meas_aio.txt', 'ss-H', 'connections', 1],
  ['linux/ss-tulpen.ubuntu-18.04.txt', 'ss-tulpen', 'connections', 73],
  ['linux/ss-tupna.rhel-insights.txt', 'ss-tulpen', 'connections', 33],
];

// Recognised, but nothing NetLens shows: [file, format named in the message]
const FOREIGN: [string, string][] = [
  ['macos/netstat-La.macos-13-applesilicon.solo1d.txt', 'macos-netstat-L'],
  ['macos/netstat-m.macos-13-applesilicon.solo1d.txt', 'macos-netstat-m'],
  ['macos/netstat-w1.macos-13-applesilicon.solo1d.txt', 'macos-netstat-w'],
  ['windows/arp-a.win7-lab.txt', 'windows-arp'],
  ['linux/proc-net-arp.jc.txt', 'proc-net-arp'],
  ['linux/proc-net-arp.procfs.txt', 'proc-net-arp'],
  ['linux/proc-net-packet.jc.txt', 'proc-net-packet'],
  ['linux/proc-net-protocols.jc.txt', 'proc-net-protocols'],
];

export const ALL_FIXTURES = [...PARSED.map((p) => p[0]), ...FOREIGN.map((f) => f[0]), 'windows/netstat-vb.error-not-elevated.txt'];

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
    expect(() => parseCapture('notes.txt', 'hello\nthis is a shopping list\n')).toThrow(/not recognised. Supported formats:\n.*windows-netstat-ano.*\n.*linux-netstat-tanp/);
    expect(() => parseCapture('x.txt', fixture('linux/ip-route.centos-7.7.txt'), 'bogus')).toThrow(/Unknown format 'bogus'. Supported formats:[\s\S]*ss-tulpen/);
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
    expect(rows[0]).toMatchObject({ proto: 'tcp', family: 'inet', localAddress: '10.16.43.243', localPort: 55669, remoteAddress: '10.20.13.51', remotePort: 8000, state: 'ESTABLISHED' });
    expect(rows[0]?.processes[0]?.pid).toBe(422);
    expect(rows[3]).toMatchObject({ family: 'inet6', localAddress: '::', localPort: 443, state: 'LISTEN' });
    expect(rows[3]?.processes[0]?.pid).toBe(61044);
  });

  it('macOS 15 without a header: pid is field 11, not the rhiwat column (systeminformation #951)', () => {
    const rows = rowsOf<Connection>('macos/netstat-natvln-grep.macos-15.1.systeminformation-951.txt');
    expect(rows.map((r) => r.processes[0]?.pid)).toEqual([2903, 5767, 75236, 74164]);
    expect(rows[0]).toMatchObject({ localAddress: '192.168.1.233', localPort: 52137, remoteAddress: '34.117.41.85', remotePort: 443, sendQ: 126 });
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
    expect(en0?.counters).toMatchObject({ rxPackets: 99467531, rxBytes: 35450763500, txPackets: 147862344, txBytes: 143748137992 });
    expect(en0?.addresses.map((a) => a.address)).toContain('192.168.0.107');
    expect(rows.find((r) => r.name === 'gif0')?.operState).toBe('down');
    const drops = rowsOf<NetInterface>('macos/netstat-ibdnW.gopsutil.txt').find((r) => r.name === 'en0');
    expect(drops?.counters.txDropped).toBe(230);
  });

  it('macOS netstat -rn: abbreviated networks, link# gateways', () => {
    const rows = rowsOf<Route>('macos/netstat-nr.macos-11plus-inet-only.vagrant-notes.txt');
    expect(rows[0]).toMatchObject({ destination: '0.0.0.0', prefixLength: 0, gateway: '192.168.50.1', iface: 'en0', isDefault: true });
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
    expect(rows.map((r) => r.id)).toEqual(['anpi0|link|33:33:0:0:0:fb', 'anpi0|link|33:33:0:0:0:1', 'lo0|inet|224.0.0.251']);
  });

  it('Windows netstat -ano: UDP without state, bracketed IPv6 with zone, PID 0 owns nothing', () => {
    const rows = rowsOf<Connection>('windows/netstat-ano.win10.txt');
    expect(rows[0]).toMatchObject({ proto: 'tcp', localAddress: '0.0.0.0', localPort: 135, state: 'LISTEN', ownerStatus: 'known' });
    expect(rows[0]?.processes[0]?.pid).toBe(1712);
    const udp6 = rows.find((r) => r.proto === 'udp' && r.family === 'inet6' && r.localAddress.startsWith('fe80'));
    expect(udp6?.localAddress).not.toContain('%');
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
    expect(rows[0]).toMatchObject({ destination: '0.0.0.0', prefixLength: 0, gateway: '192.168.31.1', iface: '192.168.31.221', metric: 30 });
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
    expect(rows.find((r) => r.path === '/var/run/devd.pipe')).toMatchObject({ socketType: 'STREAM', state: 'LISTENING' });
    expect(rows[2]).toMatchObject({ localAddress: '0.0.0.0', localPort: 22, state: 'LISTEN' });
  });

  it('Linux netstat -lnp: program names with spaces, unix paths, raw numeric state', () => {
    const rows = rowsOf<Connection>('linux/netstat-lnp.ubuntu-18.04-space.txt');
    expect(rows.find((r) => r.localPort === 22 && r.family === 'inet')?.processes[0]).toMatchObject({ pid: 600, name: 'sshd: /usr/sbin' });
    const aeep = rowsOf<Connection>('linux/netstat-aeep.centos-7.7.txt');
    expect(aeep[0]).toMatchObject({ localAddress: 'localhost', localPort: 25, user: 'root', inode: 22606, state: 'LISTEN' });
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

  it('ip route, ip -s link, route -6n, netstat -i', () => {
    const routes = rowsOf<Route>('linux/ip-route-show.ntc-linkdown.txt');
    expect(routes[0]).toMatchObject({ destination: '0.0.0.0', gateway: '192.168.1.1', iface: 'enp0s25', protocol: 'dhcp', metric: 100, source: '192.168.1.19' });
    expect(routes[2]?.flags).not.toContain('U');
    const links = rowsOf<NetInterface>('linux/ip-s-link.openstack-insights.txt');
    expect(links.find((l) => l.name === 'eno1')?.counters).toMatchObject({ rxBytes: 108341661705196, rxPackets: 87334303936, rxDropped: 5632499, rxMulticast: 7110182 });
    const v6 = rowsOf<Route>('linux/route-6n.centos-7.7.txt');
    expect(v6.find((r) => r.gateway === 'fe80::feae:34ff:fea1:3a80')).toMatchObject({ destination: '2600:1700:bab0:d40::', prefixLength: 60, metric: 100 });
    const ni = rowsOf<NetInterface>('linux/netstat-i.centos-7.7.txt');
    expect(ni.find((i) => i.name === 'ens33')).toMatchObject({ mtu: 1500, flags: ['BROADCAST', 'MULTICAST', 'RUNNING', 'UP'] });
  });

  it('ifconfig and ipconfig: addresses, masks and MACs', () => {
    const old = rowsOf<NetInterface>('linux/ifconfig.ubuntu-16.04.txt')[0];
    expect(old).toMatchObject({ name: 'ens33', mac: '00:0c:29:c2:c8:63', mtu: 1500 });
    expect(old?.counters).toMatchObject({ rxPackets: 36, txPackets: 152, rxBytes: 5602, txBytes: 13935 });
    const mac = rowsOf<NetInterface>('macos/ifconfig.macos-10.11.6.txt').find((r) => r.name === 'lo0');
    expect(mac?.addresses).toContainEqual({ family: 'inet', address: '127.0.0.1', prefixLength: 8, scope: 'host' });
    const win = rowsOf<NetInterface>('windows/ipconfig.win2016.txt')[0];
    expect(win).toMatchObject({ name: 'Ethernet0', mac: '00:0c:29:d6:12:2e' });
    expect(win?.addresses).toContainEqual({ family: 'inet', address: '192.168.22.153', prefixLength: 24, scope: 'global' });
  });
});
