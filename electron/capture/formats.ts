// Every capture format NetLens reads: how to recognise it and which parser turns it into rows. The
// parsers are the live collectors' own wherever the text is what a collector reads (macOS netstat,
// Windows netstat/route print, /proc files); the rest are in this folder. Detection runs in list order,
// most specific shape first, and names the variant (`linux-netstat-lnp` vs `-tanp`) where the text shows it.
import type { Dataset, DatasetResult, RowTypes } from '../../shared/types.js';
import { parseBsdNetstatConnections } from '../collectors/connections/darwin.js';
import { parseBsdNetstatRoutes } from '../collectors/routes/darwin.js';
import { parseBsdNetstatInterfaces } from '../collectors/interfaces/darwin.js';
import { parseNetstatSentences } from '../collectors/statistics/darwin.js';
import { parseNetstatGroups } from '../collectors/multicast/darwin.js';
import { parseWindowsNetstat } from '../collectors/connections/win32.js';
import { parseRoutePrint } from '../collectors/routes/win32.js';
import { parseWindowsNetstatStatistics } from '../collectors/statistics/win32.js';
import { parseProcNetInet, parseProcNetUnix } from '../collectors/connections/linux.js';
import { parseProcNetIpv6Route, parseProcNetRoute, parseIpJsonRoutes } from '../collectors/routes/linux.js';
import { parseProcNetDev } from '../collectors/interfaces/linux.js';
import { parseNetstat, parseSnmp, parseSnmp6, parseSockstat } from '../collectors/statistics/linux.js';
import { parseDevMcast, parseIgmp, parseIgmp6 } from '../collectors/multicast/linux.js';
import { parseLinuxNetstatConnections, parseLinuxNetstatInterfaces, parseLinuxRouteTable } from './linux-net-tools.js';
import { parseSs } from './ss.js';
import { parseNettopConnections, parseNettopProcesses } from '../collectors/connections/nettop.js';
import { parseIpLinkText, parseIpRouteText } from './iproute.js';
import { parseIfconfig, parseIfInet6Capture, parseIpconfig, parseLsof, parseNstat } from './other-tools.js';

export interface CaptureContext {
  /** The capture without its prompt line. */
  text: string;
  /** Non-empty lines, right-trimmed. */
  lines: string[];
  /** The command from the prompt line (`netstat -anv`, `cat raw`), or ''. */
  command: string;
  /** The file name, or ''. */
  name: string;
}

export interface CaptureFormat {
  name: string;
  /** Other names this parser answers to; detection picks one of them with `variant`. */
  variants?: string[];
  dataset: Dataset;
  description: string;
  detect(ctx: CaptureContext): boolean;
  variant?(ctx: CaptureContext): string;
  parse(ctx: CaptureContext, format: string): DatasetResult<RowTypes[Dataset]>;
}

/** Formats that are recognised but hold nothing NetLens shows: a clear message instead of "unknown". */
export interface ForeignFormat {
  name: string;
  description: string;
  detect(ctx: CaptureContext): boolean;
}

const has = (ctx: CaptureContext, re: RegExp): boolean => ctx.lines.some((l) => re.test(l));
const count = (ctx: CaptureContext, re: RegExp): number => ctx.lines.reduce((n, l) => n + (re.test(l) ? 1 : 0), 0);
const majority = (ctx: CaptureContext, re: RegExp): boolean =>
  ctx.lines.length > 0 && count(ctx, re) * 2 > ctx.lines.length;
// ss -i/-m/-e print details on indented continuation lines; only the rows proper count.
const rowLines = (ctx: CaptureContext): string[] => ctx.lines.filter((l) => /^\S/.test(l));

const WIN_ROW = /^\s*(TCP|UDP)\s+\S(?:[^\s:]*:)+[^\s:]+\s+\S/;
const LINUX_INET_ROW = /^(tcp|udp|udpl|raw)6?\s+\d+\s+\d+\s+\S*:(\d+|\*|[A-Za-z][\w-]*)\s/;
const LINUX_UNIX_ROW = /^unix\s+\d+\s+\[/;
const BSD_INET_ROW = /^(?:[0-9a-f]+\s+(?:[0-9a-f]+\s+)?)?(tcp|udp|icm)(4|6|46)\s/;
const SS_STATE = '(ESTAB|LISTEN|UNCONN|TIME-WAIT|SYN-SENT|SYN-RECV|FIN-WAIT-1|FIN-WAIT-2|CLOSE-WAIT|LAST-ACK|CLOSING)';
const SS_HEADER = /^(Netid\s+)?State\s+Recv-Q\s+Send-Q\s+Local Address:Port/;
const SS_ROW = new RegExp(
  `^((tcp|udp|raw|u_str|u_dgr|u_seq|nl|p_raw|p_dgr|icmp6|mptcp)\\s+)?${SS_STATE}\\s+\\d+\\s+\\d+\\s+\\S+`,
);
const SS_NOSTATE_ROW = /^\d+\s+\d+\s+(\[[0-9a-f:.]+\]|[0-9.]+(%\S+)?|\*):\d+\s+\S+:\S+/i;
const NETTOP_HEADER = /^(time)?,[^,]*,?(interface,state,)?bytes_in,bytes_out/;
const NETTOP_CONNECTION = /^(?:[^,]*,)?(tcp|udp)[46] [^\s<]+<->[^\s,]+,/;
const PROC_INET_HEADER = /^\s*sl\s+local_address\s+rem(ote)?_address\s+st\s/;
const LINK_HEAD = /^\d+:\s+[^:\s]+:\s+<[^>]*>/;
const IFCONFIG_HEAD = /^[^\s:]+:\s+flags=\d+<[^>]*>/;

function procInetKind(ctx: CaptureContext): { proto: 'tcp' | 'udp' | 'raw'; family: 'inet' | 'inet6' } {
  const hint = `${ctx.command} ${ctx.name}`;
  const m = /(tcp|udp|raw)(6)?/.exec(hint);
  const row = ctx.lines.find((l) => /^\s*\d+:\s/.test(l)) ?? '';
  const v6 = /^\s*\d+:\s+[0-9A-F]{32}:/i.test(row) || (!row && m?.[2] === '6');
  if (m) return { proto: m[1] as 'tcp' | 'udp' | 'raw', family: m[2] || v6 ? 'inet6' : 'inet' };
  // Without a name: udp/raw headers end with `ref pointer drops` (2.6.29+); TCP rows carry rto/ato/cwnd.
  const header = ctx.lines.find((l) => PROC_INET_HEADER.test(l)) ?? '';
  const fields = row.trim().split(/\s+/).length;
  return { proto: /drops/.test(header) || (row !== '' && fields <= 13) ? 'udp' : 'tcp', family: v6 ? 'inet6' : 'inet' };
}

function bsdConnectionsVariant(ctx: CaptureContext): string {
  const header = ctx.lines.find((l) => /\bProto\b/.test(l) && /Local Address/i.test(l)) ?? '';
  if (/\bpid\b|process/i.test(header)) return 'macos-netstat-anv';
  if (!header && ctx.lines.some((l) => BSD_INET_ROW.test(l) && l.trim().split(/\s+/).length > 7))
    return 'macos-netstat-anv';
  if (/^Socket\s+Flowhash/.test(header)) return 'macos-netstat-An';
  if (
    /^(Tcpcb|Proto\s+Rexmit)/.test(header) ||
    /R-MBUF/.test(header) ||
    has(ctx, /^Active UNIX domain sockets/) ||
    /Send-Q Local/.test(header)
  )
    return 'freebsd-netstat-an';
  return 'macos-netstat-an';
}

function linuxNetstatVariant(ctx: CaptureContext): string {
  if (has(ctx, /^Proto\s.*\bUser\s+Inode\b/)) return 'linux-netstat-aeep';
  if (has(ctx, /\(only servers\)/)) return 'linux-netstat-lnp';
  if (has(ctx, /\(w\/o servers\)/)) return has(ctx, /PID\/Program/) ? 'linux-netstat-p' : 'linux-netstat';
  const pid = has(ctx, /PID\/Program/) ? 'p' : '';
  const tcpOnly = !has(ctx, /^(udp|udpl|raw)6?\s/) && !has(ctx, LINUX_UNIX_ROW);
  return `linux-netstat-${tcpOnly ? 't' : ''}an${pid}`;
}

function ssVariant(ctx: CaptureContext): string {
  const header = ctx.lines.find((l) => SS_HEADER.test(l));
  if (!header) return 'ss-H';
  if (!/^Netid/.test(header)) return 'ss-tanp';
  return has(ctx, /^(nl|u_str|u_dgr|u_seq|p_raw|p_dgr)\s/) ? 'ss-a' : 'ss-tulpen';
}

function sockets<D extends Dataset>(r: DatasetResult<RowTypes[D]>): DatasetResult<RowTypes[Dataset]> {
  return r as DatasetResult<RowTypes[Dataset]>;
}

export const FORMATS: CaptureFormat[] = [
  {
    name: 'windows-netstat-ano',
    variants: ['windows-netstat-an', 'windows-netstat-anob', 'windows-netstat-b', 'windows-netstat'],
    dataset: 'connections',
    description: 'Windows netstat -ano / -an / -anob / -b / plain (any language)',
    detect: (ctx) =>
      majority(ctx, WIN_ROW) || (count(ctx, WIN_ROW) > 0 && has(ctx, /^\s*\[.+\]\s*$|Can not obtain ownership/)),
    variant: (ctx) => {
      const row = ctx.lines.find((l) => WIN_ROW.test(l)) ?? '';
      const t = row.trim().split(/\s+/);
      const withPid = t[0] === 'TCP' ? t.length >= 5 : t.length >= 4;
      if (has(ctx, /^\s*\[.+\]\s*$|Can not obtain ownership/))
        return withPid ? 'windows-netstat-anob' : 'windows-netstat-b';
      if (withPid) return 'windows-netstat-ano';
      // Without -n the foreign column holds host names (`api:1032`).
      const named = ctx.lines.some((l) => WIN_ROW.test(l) && /^[A-Za-z][\w.-]*:/.test(l.trim().split(/\s+/)[2] ?? ''));
      return named ? 'windows-netstat' : 'windows-netstat-an';
    },
    parse: (ctx) => sockets(parseWindowsNetstat(ctx.text, 'netstat -ano')),
  },
  {
    name: 'linux-netstat-tanp',
    variants: [
      'linux-netstat-anp',
      'linux-netstat-lnp',
      'linux-netstat-aeep',
      'linux-netstat',
      'linux-netstat-p',
      'linux-netstat-an',
      'linux-netstat-tan',
    ],
    dataset: 'connections',
    description: 'Linux netstat socket list (-tanp, -anp, -lnp, -aeep, -p, plain)',
    detect: (ctx) =>
      has(ctx, LINUX_INET_ROW) ||
      has(ctx, LINUX_UNIX_ROW) ||
      has(ctx, /^Active Internet connections \((servers and established|only servers|w\/o servers)\)/),
    variant: linuxNetstatVariant,
    parse: (ctx) => sockets(parseLinuxNetstatConnections(ctx.text)),
  },
  {
    name: 'nettop-m-tcp',
    dataset: 'connections',
    description: 'macOS nettop -L (-m tcp, -x): connections under their process, with bytes each way',
    detect: (ctx) => has(ctx, NETTOP_HEADER) && has(ctx, NETTOP_CONNECTION),
    parse: (ctx) => sockets(parseNettopConnections(ctx.text)),
  },
  {
    name: 'nettop-P',
    dataset: 'processes',
    description: 'macOS nettop -P -L (-x, -J bytes_in,bytes_out): bytes per process',
    detect: (ctx) => has(ctx, NETTOP_HEADER) && !has(ctx, NETTOP_CONNECTION),
    parse: (ctx) => sockets(parseNettopProcesses(ctx.text)),
  },
  {
    name: 'ss-tanp',
    variants: ['ss-tulpen', 'ss-a', 'ss-H'],
    dataset: 'connections',
    description: 'iproute2 ss (-tanp, -tulpen, -a, -H, -O; state filters)',
    detect: (ctx) =>
      has(ctx, SS_HEADER) ||
      rowLines(ctx).filter((l) => SS_ROW.test(l)).length * 2 > rowLines(ctx).length ||
      (count(ctx, SS_NOSTATE_ROW) > 0 && count(ctx, SS_NOSTATE_ROW) === count(ctx, /^\S/)),
    variant: ssVariant,
    parse: (ctx) =>
      sockets(
        parseSs(ctx.text, 'ss', /(^|\s)-\w*u/.test(ctx.command) && !/(^|\s)-\w*t/.test(ctx.command) ? 'udp' : 'tcp'),
      ),
  },
  {
    name: 'macos-netstat-anv',
    variants: ['macos-netstat-an', 'macos-netstat-An', 'freebsd-netstat-an'],
    dataset: 'connections',
    description: 'macOS netstat -anv / -an / -An and FreeBSD netstat -an / -Aan / -aT / -Aax',
    detect: (ctx) =>
      has(ctx, BSD_INET_ROW) ||
      has(ctx, /^Active (LOCAL \(UNIX\)|UNIX) domain sockets/) ||
      has(ctx, /^Proto\s+Recv-Q\s+Send-Q\s+Local Address\s+Foreign Address\s+\(state\)/i),
    variant: bsdConnectionsVariant,
    parse: (ctx, format) =>
      sockets(parseBsdNetstatConnections(ctx.text, format.startsWith('freebsd') ? 'netstat -an' : 'netstat -anv')),
  },
  {
    name: 'lsof-i',
    dataset: 'connections',
    description: 'lsof -i (macOS, Linux): TCP/UDP files with their processes',
    // Linux lsof 4.90+ puts TID and TASKCMD between PID and USER when it lists threads.
    detect: (ctx) =>
      has(ctx, /^COMMAND\s+PID\s+(?:TID\s+(?:TASKCMD\s+)?)?USER\s+FD\s+TYPE\s+DEVICE\s+SIZE\/OFF\s+NODE\s+NAME/),
    parse: (ctx) => sockets(parseLsof(ctx.text)),
  },
  {
    name: 'proc-net-tcp',
    variants: ['proc-net-tcp6', 'proc-net-udp', 'proc-net-udp6', 'proc-net-raw', 'proc-net-raw6'],
    dataset: 'connections',
    description: 'Linux /proc/net/tcp, tcp6, udp, udp6, raw, raw6 (the file name or prompt tells which)',
    detect: (ctx) => has(ctx, PROC_INET_HEADER),
    variant: (ctx) => {
      const k = procInetKind(ctx);
      return `proc-net-${k.proto}${k.family === 'inet6' ? '6' : ''}`;
    },
    parse: (ctx, format) => {
      const m = /^proc-net-(tcp|udp|raw)(6)?$/.exec(format);
      const k = m
        ? { proto: m[1] as 'tcp' | 'udp' | 'raw', family: m[2] ? ('inet6' as const) : ('inet' as const) }
        : procInetKind(ctx);
      return sockets(parseProcNetInet(ctx.text, k.proto, k.family));
    },
  },
  {
    name: 'proc-net-unix',
    dataset: 'connections',
    description: 'Linux /proc/net/unix',
    detect: (ctx) => has(ctx, /^Num\s+RefCount\s+Protocol\s+Flags\s+Type\s+St\s+Inode/),
    parse: (ctx) => sockets(parseProcNetUnix(ctx.text)),
  },
  {
    name: 'windows-route-print',
    dataset: 'routes',
    description: 'Windows route print / netstat -r',
    detect: (ctx) =>
      has(ctx, /Network Destination\s+Netmask\s+Gateway/) ||
      has(ctx, /^\s*If Metric Network Destination/) ||
      (has(ctx, /^={20,}$/) && has(ctx, /^\s*\d+\s*\.{3}/)),
    parse: (ctx) => sockets(parseRoutePrint(ctx.text)),
  },
  {
    name: 'linux-netstat-r',
    variants: ['linux-route-6'],
    dataset: 'routes',
    description: 'Linux netstat -r[n][ee] and route [-n][-v][-ee] (IPv4), route -6 (IPv6)',
    detect: (ctx) =>
      has(ctx, /^Kernel IP(v6)? routing table/) ||
      has(ctx, /^Destination\s+Gateway\s+Genmask/) ||
      has(ctx, /^Destination\s+Next Hop\s+Flag/),
    variant: (ctx) =>
      has(ctx, /^Kernel IPv6 routing table|^Destination\s+Next Hop/) ? 'linux-route-6' : 'linux-netstat-r',
    parse: (ctx) => sockets(parseLinuxRouteTable(ctx.text)),
  },
  {
    name: 'macos-netstat-rn',
    variants: ['freebsd-netstat-r'],
    dataset: 'routes',
    description: 'macOS netstat -r[n], FreeBSD netstat -r[n]',
    detect: (ctx) => has(ctx, /^Routing tables$/) || has(ctx, /^Destination\s+Gateway\s+Flags\s/),
    variant: (ctx) => {
      const rows = ctx.lines
        .filter((l) => !/^(Destination|Routing|Internet)/.test(l))
        .map((l) => l.trim().split(/\s+/));
      const macFlags = rows.some((t) => /[cIWi]/.test(t[2] ?? ''));
      const abbreviated = rows.some((t) => /^\d+(\.\d+){0,2}$/.test(t[0] ?? ''));
      return macFlags || abbreviated ? 'macos-netstat-rn' : 'freebsd-netstat-r';
    },
    parse: (ctx, format) =>
      sockets(parseBsdNetstatRoutes(ctx.text, format === 'freebsd-netstat-r' ? 'netstat -r' : 'netstat -rn')),
  },
  {
    name: 'ip-j-route',
    dataset: 'routes',
    description: 'ip -j route (JSON)',
    detect: (ctx) => /^\s*\[\s*\{/.test(ctx.text) && /"dst"\s*:/.test(ctx.text),
    parse: (ctx) => sockets(parseIpJsonRoutes(ctx.text)),
  },
  {
    name: 'ip-route',
    dataset: 'routes',
    description: 'ip route [show] (text)',
    detect: (ctx) =>
      majority(
        ctx,
        /^(?:(?:unicast|local|broadcast|multicast|throw|unreachable|prohibit|blackhole|anycast)\s+)?(default|[0-9a-f.:]+(\/\d+)?)\s+(via|dev|proto|table|metric|from)\s/i,
      ),
    parse: (ctx) => sockets(parseIpRouteText(ctx.text)),
  },
  {
    name: 'proc-net-route',
    dataset: 'routes',
    description: 'Linux /proc/net/route',
    detect: (ctx) => has(ctx, /^Iface\s+Destination\s+Gateway\s+Flags\s+RefCnt/),
    parse: (ctx) => sockets(parseProcNetRoute(ctx.text)),
  },
  {
    name: 'proc-net-ipv6_route',
    dataset: 'routes',
    description: 'Linux /proc/net/ipv6_route',
    detect: (ctx) => majority(ctx, /^[0-9a-f]{32} [0-9a-f]{2} [0-9a-f]{32} [0-9a-f]{2} [0-9a-f]{32} [0-9a-f]{8} /),
    parse: (ctx) => sockets(parseProcNetIpv6Route(ctx.text)),
  },
  {
    name: 'linux-netstat-i',
    dataset: 'interfaces',
    description: 'Linux netstat -i',
    detect: (ctx) => has(ctx, /^Kernel Interface table/) || has(ctx, /^Iface\s+MTU\s+(Met\s+)?RX-OK/),
    parse: (ctx) => sockets(parseLinuxNetstatInterfaces(ctx.text)),
  },
  {
    name: 'macos-netstat-ibn',
    variants: ['macos-netstat-i', 'freebsd-netstat-i', 'freebsd-netstat-ib'],
    dataset: 'interfaces',
    description: 'macOS netstat -i[b][d][n][W] / -I IF, FreeBSD netstat -i[b]',
    detect: (ctx) => has(ctx, /^Name\s+Mtu\s+Network\s+Address\s+Ipkts/),
    variant: (ctx) => {
      const os = has(ctx, /^Name\s.*\bIdrop\b/) ? 'freebsd' : 'macos';
      const bytes = has(ctx, /^Name\s.*\bIbytes\b/);
      return os === 'macos'
        ? bytes
          ? 'macos-netstat-ibn'
          : 'macos-netstat-i'
        : bytes
          ? 'freebsd-netstat-ib'
          : 'freebsd-netstat-i';
    },
    parse: (ctx) => sockets(parseBsdNetstatInterfaces(ctx.text, 'netstat -i')),
  },
  {
    name: 'ip-s-link',
    variants: ['ip-address-show', 'ip-link-show'],
    dataset: 'interfaces',
    description: 'ip -s link, ip address show, ip link show',
    detect: (ctx) => has(ctx, LINK_HEAD),
    variant: (ctx) =>
      has(ctx, /^\s+RX:\s+bytes/) ? 'ip-s-link' : has(ctx, /^\s+inet6?\s/) ? 'ip-address-show' : 'ip-link-show',
    parse: (ctx) => sockets(parseIpLinkText(ctx.text)),
  },
  {
    name: 'proc-net-dev',
    dataset: 'interfaces',
    description: 'Linux /proc/net/dev',
    detect: (ctx) => has(ctx, /^Inter-\|\s*Receive/) || has(ctx, /^\s*face\s*\|bytes/),
    parse: (ctx) => sockets(parseProcNetDev(ctx.text)),
  },
  {
    name: 'proc-net-if_inet6',
    dataset: 'interfaces',
    description: 'Linux /proc/net/if_inet6 (addresses only)',
    detect: (ctx) => majority(ctx, /^[0-9a-f]{32}\s+[0-9a-f]{2}\s+[0-9a-f]{2}\s+[0-9a-f]{2}\s+[0-9a-f]{2}\s+\S+$/),
    parse: (ctx) => sockets(parseIfInet6Capture(ctx.text)),
  },
  {
    name: 'linux-ifconfig',
    variants: ['macos-ifconfig', 'freebsd-ifconfig'],
    dataset: 'interfaces',
    description: 'ifconfig (Linux net-tools old and new style, macOS, FreeBSD)',
    detect: (ctx) => has(ctx, IFCONFIG_HEAD) || has(ctx, /^\S+\s+Link encap:/),
    variant: (ctx) => {
      if (has(ctx, /^\S+\s+Link encap:/) || has(ctx, /flags=\d+<[^<>]*>\s{2}mtu/)) return 'linux-ifconfig';
      return has(ctx, /flags=\d+<[^<>]*> +metric \d+ mtu/) ? 'freebsd-ifconfig' : 'macos-ifconfig';
    },
    parse: (ctx) => sockets(parseIfconfig(ctx.text)),
  },
  {
    name: 'windows-ipconfig',
    dataset: 'interfaces',
    description: 'Windows ipconfig [/all] (addresses, no counters)',
    detect: (ctx) => has(ctx, /^Windows IP Configuration/),
    parse: (ctx) => sockets(parseIpconfig(ctx.text)),
  },
  {
    name: 'windows-netstat-s',
    variants: ['windows-netstat-e', 'windows-netstat-es'],
    dataset: 'statistics',
    description: 'Windows netstat -s / -e / -es',
    detect: (ctx) =>
      has(ctx, /^\s*(IPv4|IPv6|ICMPv4|ICMPv6|Interface) Statistics\s*$/) ||
      has(ctx, /^\s*(TCP|UDP) Statistics for IPv[46]/) ||
      count(ctx, /^\s*[A-Z][\w ]* =\s+\d+$/) > 3,
    variant: (ctx) => {
      const e = has(ctx, /^\s*Interface Statistics/);
      const s = has(ctx, /\s=\s+\d+$/);
      return e && s ? 'windows-netstat-es' : e ? 'windows-netstat-e' : 'windows-netstat-s';
    },
    parse: (ctx) => sockets(parseWindowsNetstatStatistics(ctx.text)),
  },
  {
    name: 'linux-netstat-s',
    variants: ['macos-netstat-s'],
    dataset: 'statistics',
    description: 'netstat -s (Linux net-tools, macOS, BSD)',
    detect: (ctx) =>
      has(
        ctx,
        /^(Ip|Icmp|IcmpMsg|Tcp|Udp|UdpLite|TcpExt|IpExt|MPTcpExt|tcp|udp|ip|icmp|igmp|ipsec|ip6|icmp6|ipsec6|rip6|pfkey|arp|mptcp):\s*$/,
      ) && has(ctx, /^\s+\d+\s+\S/),
    variant: (ctx) => (has(ctx, /^(tcp|udp|ip|icmp|igmp|ip6|icmp6|arp):\s*$/) ? 'macos-netstat-s' : 'linux-netstat-s'),
    parse: (ctx, format) =>
      sockets(parseNetstatSentences(ctx.text, format === 'macos-netstat-s' ? 'netstat -s' : 'netstat -s (Linux)')),
  },
  {
    name: 'nstat',
    dataset: 'statistics',
    description: 'iproute2 nstat [-a] [-z]',
    detect: (ctx) => has(ctx, /^#kernel$/) || majority(ctx, /^[A-Z][A-Za-z0-9]+\s+\d+\s+\d+(\.\d+)?$/),
    parse: (ctx) => sockets(parseNstat(ctx.text)),
  },
  {
    name: 'proc-net-snmp',
    dataset: 'statistics',
    description: 'Linux /proc/net/snmp',
    detect: (ctx) => has(ctx, /^Ip: Forwarding DefaultTTL/),
    parse: (ctx) => sockets(parseSnmp(ctx.text)),
  },
  {
    name: 'proc-net-netstat',
    dataset: 'statistics',
    description: 'Linux /proc/net/netstat',
    detect: (ctx) => has(ctx, /^(TcpExt|IpExt|MPTcpExt): [A-Za-z]/) && !has(ctx, /^Ip: Forwarding/),
    parse: (ctx) => sockets(parseNetstat(ctx.text)),
  },
  {
    name: 'proc-net-snmp6',
    dataset: 'statistics',
    description: 'Linux /proc/net/snmp6',
    detect: (ctx) => majority(ctx, /^(Ip6|Icmp6|Udp6|UdpLite6)[A-Za-z0-9_]+\s+\d+$/),
    parse: (ctx) => sockets(parseSnmp6(ctx.text)),
  },
  {
    name: 'proc-net-sockstat',
    variants: ['proc-net-sockstat6'],
    dataset: 'statistics',
    description: 'Linux /proc/net/sockstat, sockstat6',
    detect: (ctx) => has(ctx, /^sockets: used \d+/) || majority(ctx, /^(TCP6|UDP6|UDPLITE6|RAW6|FRAG6): inuse \d+/),
    variant: (ctx) => (has(ctx, /^sockets: used/) ? 'proc-net-sockstat' : 'proc-net-sockstat6'),
    parse: (ctx, format) => sockets(parseSockstat(ctx.text, format === 'proc-net-sockstat6' ? 'inet6' : 'inet')),
  },
  {
    name: 'macos-netstat-g',
    dataset: 'multicast',
    description: 'macOS netstat -g',
    detect: (ctx) => has(ctx, /Multicast Group Memberships$/),
    parse: (ctx) => sockets(parseNetstatGroups(ctx.text)),
  },
  {
    name: 'proc-net-igmp',
    dataset: 'multicast',
    description: 'Linux /proc/net/igmp',
    detect: (ctx) => has(ctx, /^Idx\s+Device\s*:\s*Count\s+Querier/),
    parse: (ctx) => sockets(parseIgmp(ctx.text)),
  },
  {
    name: 'proc-net-igmp6',
    dataset: 'multicast',
    description: 'Linux /proc/net/igmp6',
    detect: (ctx) => majority(ctx, /^\d+\s+\S+\s+[0-9a-f]{32}\s+\d+\s+[0-9A-F]{8}\s+\d+$/),
    parse: (ctx) => sockets(parseIgmp6(ctx.text)),
  },
  {
    name: 'proc-net-dev_mcast',
    dataset: 'multicast',
    description: 'Linux /proc/net/dev_mcast',
    detect: (ctx) => majority(ctx, /^\d+\s+\S+\s+\d+\s+\d+\s+[0-9a-f]{12,}$/),
    parse: (ctx) => sockets(parseDevMcast(ctx.text)),
  },
];

export const FOREIGN_FORMATS: ForeignFormat[] = [
  {
    name: 'windows-arp',
    description: 'Windows arp -a (neighbour cache)',
    detect: (ctx) => has(ctx, /^Interface: \S+ --- 0x[0-9a-f]+/i),
  },
  {
    name: 'proc-net-arp',
    description: 'Linux /proc/net/arp (neighbour cache)',
    detect: (ctx) => has(ctx, /^IP address\s+HW type\s+Flags\s+HW address/),
  },
  {
    name: 'proc-net-packet',
    description: 'Linux /proc/net/packet (packet sockets)',
    detect: (ctx) => has(ctx, /^sk\s+RefCnt\s+Type\s+Proto\s+Iface/),
  },
  {
    name: 'proc-net-protocols',
    description: 'Linux /proc/net/protocols (protocol table)',
    detect: (ctx) => has(ctx, /^protocol\s+size\s+sockets\s+memory/),
  },
  { name: 'macos-netstat-m', description: 'macOS netstat -m (mbuf memory)', detect: (ctx) => has(ctx, /mbufs in use/) },
  {
    name: 'macos-netstat-w',
    description: 'macOS netstat -w (running totals)',
    detect: (ctx) => has(ctx, /^\s*input\s+\(Total\)\s+output/),
  },
  {
    name: 'macos-netstat-L',
    description: 'macOS netstat -L (listen queue sizes)',
    detect: (ctx) => has(ctx, /^Current listen queue sizes/),
  },
];
