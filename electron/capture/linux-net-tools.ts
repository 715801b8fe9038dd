// Saved output of the Linux net-tools commands, which have no live collector (NetLens reads /proc):
// `netstat -tanp/-anp/-lnp/-aeep/-p` socket lists, `netstat -r`/`route -n` routing tables (IPv4 and
// `route -6`), and `netstat -i`. Columns are found from each table's header.
import { lookup } from '../collectors/lookup.js';
import type { Connection, DatasetResult, Diagnostics, NetInterface, Route } from '../../shared/types.js';
import { emptyDiagnostics, recordSkip } from '../../shared/types.js';
import { makeConnection, normalizeTcpState, splitColonEndpoint } from '../collectors/connections/endpoints.js';
import { textLines, toCount, uniqueIds } from '../collectors/common.js';
import { routeId } from '../collectors/routes/common.js';
import { maskToPrefix } from '../collectors/routes/win32.js';
import { emptyInterface } from '../collectors/interfaces/common.js';

interface InetColumns {
  userInode: boolean;
  pid: boolean;
}

function inetColumns(header: string): InetColumns {
  return { userInode: /\bUser\b/.test(header) && /\bInode\b/.test(header), pid: /PID\/Program/.test(header) };
}

/** `1234/sshd: kbrazil` or `-` -> pid and name; ownerStatus for `-` is left to the caller. */
function pidProgram(text: string): { pid: number | null; name: string } {
  const m = /^(\d+)\/(.*)$/.exec(text.trim());
  return m ? { pid: Number(m[1]), name: (m[2] ?? '').trim() } : { pid: null, name: '' };
}

/** net-tools prints the v4-mapped address of an IPv6 socket (a dual-stack listener's accepted end) as plain
 *  IPv4 on a tcp6/udp6 row; /proc/net/tcp6 and ss say `::ffff:127.0.0.1`, and so does NetLens. */
function v4Mapped<E extends { address: string }>(family: 'inet' | 'inet6', endpoint: E | null): E | null {
  if (family !== 'inet6' || endpoint === null || !/^\d{1,3}(?:\.\d{1,3}){3}$/.test(endpoint.address)) return endpoint;
  return { ...endpoint, address: `::ffff:${endpoint.address}` };
}

function parseInetRow(line: string, cols: InetColumns, rows: Connection[], d: Diagnostics, source: string): void {
  const t = line.trim().split(/\s+/);
  const m = /^(tcp|udp|udpl|raw)(6)?$/.exec(t[0] ?? '');
  if (!m || t.length < 5) {
    recordSkip(d, source, line, 'not a socket row');
    return;
  }
  const proto = m[1] === 'udpl' ? 'udplite' : (m[1] as 'tcp' | 'udp' | 'raw');
  const family = m[2] ? 'inet6' : 'inet';
  const wildcard = family === 'inet6' ? '::' : '0.0.0.0';
  const local = v4Mapped(family, splitColonEndpoint(t[3] ?? '', wildcard));
  const remote = v4Mapped(family, splitColonEndpoint(t[4] ?? '', wildcard));
  if (!local || !remote) {
    recordSkip(d, source, line, 'unreadable address');
    return;
  }
  const rest = t.slice(5);
  let state: string;
  const word = rest[0];
  const tcpState = word === undefined ? null : normalizeTcpState(word);
  if (proto === 'tcp') {
    if (tcpState === null) {
      recordSkip(d, source, line, 'TCP row without a state');
      return;
    }
    state = tcpState;
    rest.shift();
  } else if (
    proto === 'raw' &&
    word !== undefined &&
    /^\d+$/.test(word) &&
    rest.length > (cols.userInode ? 2 : 0) + (cols.pid ? 1 : 0) - 1
  ) {
    // net-tools prints the raw socket's kernel state as a number; 7 is TCP_CLOSE, i.e. unconnected.
    state = word === '7' ? 'UNCONN' : word === '1' ? 'ESTABLISHED' : `UNKNOWN(${word})`;
    rest.shift();
  } else {
    state = tcpState === 'ESTABLISHED' ? 'ESTABLISHED' : 'UNCONN';
    if (tcpState !== null) rest.shift();
  }
  let user: string | null = null;
  let inode: number | null = null;
  if (cols.userInode) {
    user = rest.shift() ?? null;
    inode = toCount(rest.shift());
  }
  let pid: number | null = null;
  let processName = '';
  let ownerStatus: Connection['ownerStatus'] | undefined;
  if (cols.pid) {
    const owner = pidProgram(rest.join(' '));
    pid = owner.pid;
    processName = owner.name;
    if (pid === null) ownerStatus = state === 'TIME_WAIT' ? 'none' : 'denied';
  }
  rows.push(
    makeConnection({
      proto,
      family,
      local,
      remote,
      state,
      recvQ: toCount(t[1]) ?? 0,
      sendQ: toCount(t[2]) ?? 0,
      user,
      inode,
      pid,
      processName,
      ...(ownerStatus ? { ownerStatus } : {}),
    }),
  );
}

const UNIX_ROW =
  /^unix\s+(\d+)\s+\[([^\]]*)\]\s+(\S+)\s+(?:(LISTENING|CONNECTED|CONNECTING|DISCONNECTING|FREE|UNKNOWN)\s+)?(\d+)\s*(.*)$/;

/** `PID/Program` (or `-`) and the rest of a unix row: the program ends at the first run of spaces that is
 *  followed by `/` or `@`, is two or more long, or ends the line. One pass over the runs of spaces (a lazy
 *  `.*?` regex with competing `\s` quantifiers was quadratic on a long line). */
function splitOwnerColumn(rest: string): [owner: string, path: string] | null {
  const lead = /^(?:-|\d+\/)/.exec(rest);
  if (!lead) return null;
  const spaces = /\s+|$/g;
  spaces.lastIndex = lead[0].length;
  for (let m = spaces.exec(rest); m; m = spaces.exec(rest)) {
    const end = m.index + m[0].length;
    if (m[0].length >= 2 || end === rest.length || rest[end] === '/' || rest[end] === '@')
      return [rest.slice(0, m.index), rest.slice(end)];
    if (lead[0] === '-') return null;
  }
  return null;
}

function parseUnixRow(line: string, cols: InetColumns, rows: Connection[], d: Diagnostics, source: string): void {
  const m = UNIX_ROW.exec(line.trim());
  if (!m) {
    recordSkip(d, source, line, 'not a unix socket row');
    return;
  }
  let rest = m[6] ?? '';
  let pid: number | null = null;
  let processName = '';
  let ownerStatus: Connection['ownerStatus'] | undefined;
  if (cols.pid) {
    // The program column is at most 20 characters and may hold spaces (`sshd: kbrazil`); the path starts
    // at the next `/` or `@`, or after a run of spaces.
    const owner = splitOwnerColumn(rest);
    if (owner) {
      const po = pidProgram(owner[0]);
      pid = po.pid;
      processName = po.name;
      if (pid === null) ownerStatus = 'denied';
      rest = owner[1];
    }
  }
  const flags = m[2] ?? '';
  const typeText = (m[3] ?? '').toUpperCase();
  const stateText = m[4];
  rows.push(
    makeConnection({
      proto: 'unix',
      family: 'unix',
      local: { address: '', port: 0 },
      remote: { address: '', port: 0 },
      state: stateText ?? (flags.includes('ACC') ? 'LISTENING' : 'UNCONNECTED'),
      inode: Number(m[5]),
      pid,
      processName,
      ...(ownerStatus ? { ownerStatus } : {}),
      path: rest.trim(),
      socketType: typeText,
    }),
  );
}

/** Parses Linux `netstat` socket listings (any of -t -u -w -x -a -l -n -p -e). */
export function parseLinuxNetstatConnections(text: string, source = 'netstat'): DatasetResult<Connection> {
  const d = emptyDiagnostics();
  const rows: Connection[] = [];
  let inetCols: InetColumns = { userInode: false, pid: false };
  let unixCols: InetColumns = { userInode: false, pid: false };
  let skippedOther = 0;
  let section: 'inet' | 'unix' | 'other' = 'inet';
  for (const raw of textLines(text)) {
    const line = raw.trimEnd();
    if (line.trim() === '') continue;
    if (/^Active Internet connections/i.test(line)) {
      section = 'inet';
      continue;
    }
    if (/^Active UNIX domain sockets/i.test(line)) {
      section = 'unix';
      continue;
    }
    if (/^Active (Bluetooth|IPX|AX\.25|NET\/ROM|X\.25)/i.test(line)) {
      section = 'other';
      continue;
    }
    if (/^Proto\s/.test(line)) {
      if (section === 'unix') unixCols = inetColumns(line);
      else inetCols = inetColumns(line);
      continue;
    }
    if (section === 'other') {
      skippedOther++;
      continue;
    }
    if (line.startsWith('unix')) parseUnixRow(line, unixCols, rows, d, source);
    else parseInetRow(line, inetCols, rows, d, source);
  }
  if (skippedOther > 0)
    d.notes.push(`also held ${skippedOther} rows of Bluetooth/IPX/AX.25 sockets, which are not shown`);
  return { rows: uniqueIds(rows), diagnostics: d };
}

function routeType(flags: string, family: 'inet' | 'inet6', destination: string): string {
  if (flags.includes('!')) return 'unreachable';
  if (family === 'inet6' && /^ff/i.test(destination)) return 'multicast';
  return 'unicast';
}

/** `netstat -r[n][ee]`, `route [-n][-v][-ee]` (Kernel IP routing table) and `route -6` (Kernel IPv6). */
const unbracket = (s: string): string => (s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1) : s);

export function parseLinuxRouteTable(text: string, source = 'route -n'): DatasetResult<Route> {
  const d = emptyDiagnostics();
  const rows: Route[] = [];
  let family: 'inet' | 'inet6' = 'inet';
  let cols: string[] | null = null;
  for (const raw of textLines(text)) {
    const line = raw.trim();
    if (line === '') continue;
    if (/^Kernel IPv6 routing table/i.test(line)) {
      family = 'inet6';
      cols = null;
      continue;
    }
    if (/^Kernel IP routing table/i.test(line)) {
      family = 'inet';
      cols = null;
      continue;
    }
    if (/^Destination\s/.test(line)) {
      cols = line
        .replace('Next Hop', 'NextHop')
        .split(/\s+/)
        .map((c) => c.toLowerCase());
      continue;
    }
    const t = line.split(/\s+/);
    if (!cols || t.length !== cols.length) {
      recordSkip(d, source, raw, cols ? 'unexpected number of columns' : 'line before the header');
      continue;
    }
    const col = (name: string): string | undefined => {
      const i = cols?.indexOf(name) ?? -1;
      return i < 0 ? undefined : t[i];
    };
    const destText = col('destination') ?? '';
    const flags = col('flags') ?? col('flag') ?? '';
    const iface = col('iface') ?? col('if') ?? null;
    const metricText = col('metric') ?? col('met');
    // The kernel's metric is unsigned 32-bit; route prints it signed, so /proc's and ip's 4294967295 (the
    // reject routes' metric) shows as -1. Rows carry the kernel's value, whichever tool printed it.
    const metric =
      metricText !== undefined && /^-?\d+$/.test(metricText)
        ? Number(metricText) + (metricText.startsWith('-') ? 2 ** 32 : 0)
        : null;
    let destination: string;
    let prefixLength: number | null;
    let gateway: string | null;
    if (family === 'inet') {
      destination = destText === 'default' ? '0.0.0.0' : destText;
      prefixLength = maskToPrefix(col('genmask') ?? '');
      const gw = col('gateway') ?? '';
      gateway = gw === '0.0.0.0' || gw === '*' ? null : gw;
    } else {
      // Without -n, route writes the unspecified address bracketed: `[::]/96`, next hop `[::]`.
      const [addr = '', len = '128'] = destText.split('/');
      destination = unbracket(addr);
      prefixLength = /^\d+$/.test(len) ? Number(len) : null;
      const hop = unbracket(col('nexthop') ?? '');
      gateway = hop === '::' ? null : hop;
    }
    if (prefixLength === null) {
      recordSkip(d, source, raw, 'unreadable netmask or prefix');
      continue;
    }
    const r: Omit<Route, 'id'> = {
      family,
      destination,
      prefixLength,
      gateway,
      flags,
      metric,
      iface,
      table: 'main',
      protocol: null,
      scope: null,
      source: null,
      type: routeType(flags, family, destination),
      isDefault: prefixLength === 0,
    };
    rows.push({ id: routeId(r), ...r });
  }
  return { rows: uniqueIds(rows), diagnostics: d };
}

const FLG: Record<string, string> = {
  B: 'BROADCAST',
  L: 'LOOPBACK',
  M: 'MULTICAST',
  R: 'RUNNING',
  U: 'UP',
  O: 'NOARP',
  P: 'POINTOPOINT',
  N: 'NOTRAILERS',
  A: 'ALLMULTI',
};
const NETSTAT_I: Record<string, keyof NetInterface['counters']> = {
  'rx-ok': 'rxPackets',
  'rx-err': 'rxErrors',
  'rx-drp': 'rxDropped',
  'rx-ovr': 'rxFifo',
  'tx-ok': 'txPackets',
  'tx-err': 'txErrors',
  'tx-drp': 'txDropped',
  'tx-ovr': 'txFifo',
};

/** Linux `netstat -i` (Kernel Interface table). */
export function parseLinuxNetstatInterfaces(text: string, source = 'netstat -i'): DatasetResult<NetInterface> {
  const d = emptyDiagnostics();
  const rows: NetInterface[] = [];
  let cols: string[] | null = null;
  for (const raw of textLines(text)) {
    const line = raw.trim();
    if (line === '' || /^Kernel Interface table/i.test(line)) continue;
    const t = line.split(/\s+/);
    if (t[0] === 'Iface') {
      cols = t.map((c) => c.toLowerCase());
      continue;
    }
    if (!cols || t.length < cols.length - 1 || t.length > cols.length) {
      recordSkip(d, source, raw, cols ? 'unexpected number of columns' : 'line before the header');
      continue;
    }
    const name = t[0] ?? '';
    const row = emptyInterface(name);
    const flagText = t.length === cols.length ? (t[t.length - 1] ?? '') : '';
    row.flags = [...flagText].map((c) => lookup(FLG, c)).filter((f): f is string => f !== undefined);
    row.operState = row.flags.includes('UP') ? 'up' : 'down';
    if (row.flags.includes('LOOPBACK')) row.type = 'loopback';
    let ok = true;
    cols.forEach((c, i) => {
      const v = t[i];
      if (c === 'mtu' && v !== undefined) row.mtu = /^\d+$/.test(v) ? Number(v) : null;
      const field = lookup(NETSTAT_I, c);
      if (field && v !== undefined) {
        if (/^\d+$/.test(v)) row.counters[field] = Number(v);
        else ok = false;
      }
    });
    if (!ok) {
      recordSkip(d, source, raw, 'counter column is not a number');
      continue;
    }
    rows.push(row);
  }
  return { rows, diagnostics: d };
}
