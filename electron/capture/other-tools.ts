// Saved output of tools NetLens never runs live but users paste: lsof -i, nstat, ifconfig (Linux old and
// new style, macOS, FreeBSD), Windows ipconfig, and /proc/net/if_inet6 grouped per interface.
import { withoutZone } from '../../shared/address.js';
import { lookup } from '../collectors/lookup.js';
import type { Connection, Counter, DatasetResult, InterfaceCounters, NetInterface } from '../../shared/types.js';
import { emptyDiagnostics, recordSkip } from '../../shared/types.js';
import { makeConnection, normalizeTcpState, splitColonEndpoint } from '../collectors/connections/endpoints.js';
import { textLines, uniqueIds } from '../collectors/common.js';
import { emptyInterface } from '../collectors/interfaces/common.js';
import { parseIfInet6 } from '../collectors/interfaces/linux.js';
import { maskToPrefix } from '../collectors/routes/win32.js';
import { makeCounter } from '../collectors/statistics/common.js';

/** `lsof -i [-nP]`: one row per open file; NAME is `local[->remote] [(STATE)]`. Linux lsof 4.90 and later
 *  adds TID and TASKCMD columns when it lists threads (by default, or with -K): the process's row has them
 *  empty, and each thread repeats the process's files with them filled in. The columns are found from the
 *  TYPE column (IPv4/IPv6) back: USER and FD are the two before it, whatever stands between PID and USER. */
export function parseLsof(text: string, source = 'lsof -i'): DatasetResult<Connection> {
  const d = emptyDiagnostics();
  const rows: Connection[] = [];
  // pid|fd|device of every file listed, so a thread's repeat of its process's file is folded into it.
  const files = new Set<string>();
  let threadRows = 0;
  for (const raw of textLines(text)) {
    const line = raw.trim();
    if (line === '' || /^COMMAND\s/.test(line)) continue;
    const t = line.split(/\s+/);
    const typeAt = t.findIndex((x) => /^IPv[46]$/.test(x));
    // COMMAND PID [TID [TASKCMD]] USER FD TYPE: more than four tokens before TYPE make a thread's row.
    const file = `${t[1]}|${t[typeAt - 1]}|${t[typeAt + 1]}`;
    if (typeAt > 4 && files.has(file)) {
      threadRows++;
      continue;
    }
    files.add(file);
    const pid = Number(t[1]);
    const protoText = (t[typeAt + 3] ?? '').toUpperCase();
    const nameParts = t.slice(typeAt + 4);
    if (
      typeAt < 4 ||
      !Number.isInteger(pid) ||
      (protoText !== 'TCP' && protoText !== 'UDP') ||
      nameParts.length === 0
    ) {
      recordSkip(d, source, raw, 'not an IPv4/IPv6 TCP or UDP file');
      continue;
    }
    const family = t[typeAt] === 'IPv6' ? 'inet6' : 'inet';
    const wildcard = family === 'inet6' ? '::' : '0.0.0.0';
    const [localText = '', remoteText] = (nameParts[0] ?? '').split('->');
    const local = splitColonEndpoint(localText, wildcard);
    const remote = remoteText === undefined ? { address: wildcard, port: 0 } : splitColonEndpoint(remoteText, wildcard);
    if (!local || !remote) {
      recordSkip(d, source, raw, 'unreadable address');
      continue;
    }
    const stateText = /^\((.+)\)$/.exec(nameParts[1] ?? '')?.[1];
    const proto = protoText === 'TCP' ? 'tcp' : 'udp';
    const state =
      proto === 'tcp'
        ? (normalizeTcpState(stateText ?? '') ?? stateText ?? 'UNKNOWN')
        : remoteText === undefined
          ? 'UNCONN'
          : 'ESTABLISHED';
    rows.push(
      makeConnection({
        proto,
        family,
        local,
        remote,
        state,
        pid,
        processName: (t[0] ?? '').replace(/\\x20/g, ' '),
        user: t[typeAt - 2] ?? null,
      }),
    );
  }
  if (threadRows > 0)
    d.notes.push(`${threadRows} thread rows (lsof lists a process's files again for each of its threads) folded`);
  return { rows: uniqueIds(rows), diagnostics: d };
}

// nstat names are the /proc/net/snmp and netstat group glued to the field name (`TcpExtTCPHPHits`).
const NSTAT_GROUPS = [
  'MPTcpExt',
  'TcpExt',
  'IpExt',
  'IcmpMsg',
  'UdpLite6',
  'UdpLite',
  'Icmp6',
  'Udp6',
  'Ip6',
  'Icmp',
  'Tcp',
  'Udp',
  'Ip',
  'Sctp',
];

/** `nstat [-a] [-z]`: `Name value rate` lines after a `#kernel` line. */
export function parseNstat(text: string, source = 'nstat'): DatasetResult<Counter> {
  const d = emptyDiagnostics();
  const rows: Counter[] = [];
  for (const raw of textLines(text)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z][A-Za-z0-9_]*)\s+(\d+)(?:\s+[\d.]+)?$/.exec(line);
    if (!m) {
      recordSkip(d, source, raw, 'not a "Name value rate" line');
      continue;
    }
    const full = m[1] ?? '';
    const group = NSTAT_GROUPS.find((g) => full.startsWith(g) && full.length > g.length) ?? 'Other';
    rows.push(makeCounter(group, group === 'Other' ? full : full.slice(group.length), Number(m[2]), null));
  }
  return { rows: uniqueIds(rows), diagnostics: d };
}

const IFCONFIG_COUNTERS: Record<string, Record<string, keyof InterfaceCounters>> = {
  RX: {
    packets: 'rxPackets',
    bytes: 'rxBytes',
    errors: 'rxErrors',
    dropped: 'rxDropped',
    overruns: 'rxFifo',
    frame: 'rxFrame',
  },
  TX: {
    packets: 'txPackets',
    bytes: 'txBytes',
    errors: 'txErrors',
    dropped: 'txDropped',
    overruns: 'txFifo',
    carrier: 'txCarrier',
    collisions: 'txCollisions',
  },
};

function hexMaskPrefix(mask: string): number | null {
  if (/^0x[0-9a-f]{8}$/i.test(mask)) {
    const n = parseInt(mask.slice(2), 16);
    return maskToPrefix([24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.'));
  }
  return maskToPrefix(mask);
}

/** ifconfig from Linux net-tools (both layouts), macOS and FreeBSD. */
export function parseIfconfig(text: string, source = 'ifconfig'): DatasetResult<NetInterface> {
  const d = emptyDiagnostics();
  const rows: NetInterface[] = [];
  let row: NetInterface | null = null;
  for (const raw of textLines(text)) {
    if (raw.trim() === '') continue;
    if (!/^\s/.test(raw)) {
      const modern = /^([^\s:]+(?::\d+)?):\s+flags=\d+<([^>]*)>(?:.*?\bmtu\s+(\d+))?/.exec(raw);
      const old = oldIfconfigHeader(raw);
      if (!modern && !old) {
        recordSkip(d, source, raw, 'not an interface header');
        row = null;
        continue;
      }
      row = emptyInterface((modern ? modern[1] : old?.name) ?? '');
      if (modern) {
        row.flags = (modern[2] ?? '').split(',').filter((f) => f !== '');
        row.mtu = modern[3] !== undefined ? Number(modern[3]) : null;
      } else if (old) {
        row.type = /Loopback/i.test(old.encap) ? 'loopback' : 'ether';
        row.mac = old.mac?.toLowerCase() ?? null;
      }
      row.operState = row.flags.includes('UP') ? 'up' : row.flags.length > 0 ? 'down' : 'unknown';
      if (row.flags.includes('LOOPBACK')) row.type = 'loopback';
      rows.push(row);
      continue;
    }
    if (!row) continue;
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^inet (?:addr:)?([\d.]+)(?:.*?(?:netmask|Mask:)\s*(\S+))?/.exec(line))) {
      row.addresses.push({
        family: 'inet',
        address: m[1] ?? '',
        prefixLength: m[2] ? hexMaskPrefix(m[2]) : null,
        scope: (m[1] ?? '').startsWith('127.') ? 'host' : 'global',
      });
    } else if (
      (m =
        /^inet6 (?:addr:\s*)?([0-9a-f:]+)(?:%\S+)?(?:\/(\d+))?(?:.*?prefixlen (\d+))?(?:.*?(?:Scope:|scopeid 0x[0-9a-f]+<)(\w+))?/i.exec(
          line,
        ))
    ) {
      const address = m[1] ?? '';
      const len = m[2] ?? m[3];
      const scope = (m[4] ?? (/^fe80/i.test(address) ? 'link' : address === '::1' ? 'host' : 'global')).toLowerCase();
      row.addresses.push({ family: 'inet6', address, prefixLength: len !== undefined ? Number(len) : null, scope });
    } else if ((m = /^ether ([0-9a-f:]{11,17})/i.exec(line))) {
      row.mac = m[1]?.toLowerCase() ?? null;
      row.type = 'ether';
    } else if (/^loop\b/.test(line)) {
      row.type = 'loopback';
    } else if ((m = /^status: (\w+)/.exec(line))) {
      row.operState = m[1] === 'active' ? 'up' : 'down';
      row.carrier = m[1] === 'active';
    } else if (/^[A-Z]+( [A-Z]+)*\s+MTU:\d+/.test(line)) {
      // Old net-tools: `UP BROADCAST RUNNING MULTICAST  MTU:1500  Metric:1`.
      row.flags = line.slice(0, line.indexOf('MTU:')).trim().split(/\s+/);
      row.mtu = Number(/MTU:(\d+)/.exec(line)?.[1]);
      row.operState = row.flags.includes('UP') ? 'up' : 'down';
    } else if (/^(RX|TX|collisions)/.test(line)) {
      for (const seg of line.split(/(?=\b[RT]X )/)) {
        const dir = seg.startsWith('TX') ? 'TX' : seg.startsWith('RX') ? 'RX' : 'TX';
        for (const kv of seg.matchAll(/(?<![a-z])([a-z]+)[: ](\d+)/g)) {
          const counters = lookup(IFCONFIG_COUNTERS, dir);
          const field = counters ? lookup(counters, kv[1] ?? '') : undefined;
          if (field) row.counters[field] = Number(kv[2]);
        }
      }
    }
    // options, nd6, media, txqueuelen and module lines carry nothing a row holds.
  }
  return { rows, diagnostics: d };
}

/** Old net-tools `eth0      Link encap:Ethernet  HWaddr 00:0c:29:..`: name, encapsulation and MAC, read by
 *  tokens (a regex with a lazy middle and optional HWaddr tail was quadratic on a long line). */
function oldIfconfigHeader(raw: string): { name: string; encap: string; mac: string | null } | null {
  const m = /^(\S+)\s+Link encap:/.exec(raw);
  if (!m) return null;
  const words = raw.slice(m[0].length).trim().split(/\s+/);
  const hw = words.lastIndexOf('HWaddr');
  const mac = hw >= 0 && hw === words.length - 2 ? (words[hw + 1] ?? null) : null;
  return { name: m[1] ?? '', encap: (mac !== null ? words.slice(0, hw) : words).join(' '), mac };
}

/** `Ethernet adapter Local Area Connection:` -> the kind (up to `adapter`) and the name. */
function adapterTitle(line: string): { kind: string; name: string } | null {
  if (!line.endsWith(':')) return null;
  const m = /\badapter\s/i.exec(line);
  if (!m) return null;
  const name = line.slice(m.index + m[0].length, -1).trim();
  return name === '' ? null : { kind: line.slice(0, m.index + 'adapter'.length), name };
}

/** `   IPv4 Address. . . . . : 192.168.1.5`: the key (dots and spaces dropped) and the value after the first
 *  colon. By index, not by regex: `/^\s*(.+?)[\s.]*:\s*(.*)$/` took a minute on 6 KB of spaces (issue 10). */
function ipconfigKeyValue(raw: string): { key: string; value: string } | null {
  const colon = raw.indexOf(':');
  if (colon < 0) return null;
  let end = colon;
  while (end > 0 && (raw[end - 1] === '.' || /\s/.test(raw[end - 1] ?? ''))) end--;
  const key = raw.slice(0, end).trim();
  return key === '' ? null : { key, value: raw.slice(colon + 1).trim() };
}

/** Windows ipconfig [/all]: one block per adapter, `Key . . . : value` lines, continuation values indented. */
export function parseIpconfig(text: string, source = 'ipconfig'): DatasetResult<NetInterface> {
  const d = emptyDiagnostics();
  const rows: NetInterface[] = [];
  let row: NetInterface | null = null;
  for (const raw of textLines(text)) {
    if (raw.trim() === '') continue;
    if (!/^\s/.test(raw)) {
      const m = adapterTitle(raw.trim());
      if (m) {
        row = emptyInterface(m.name);
        row.operState = 'up';
        row.type = /Wireless|Wi-Fi/i.test(m.kind) ? 'wlan' : /Tunnel/i.test(m.kind) ? 'tunnel' : 'ether';
        rows.push(row);
      } else if (!/^Windows IP Configuration/i.test(raw.trim())) {
        recordSkip(d, source, raw, 'not an adapter title');
        row = null;
      } else row = null;
      continue;
    }
    const kv = ipconfigKeyValue(raw);
    if (!row || !kv) continue;
    const key = kv.key.toLowerCase();
    const value = kv.value.replace(/\((Preferred|Deprecated|Tentative|Duplicate)\)$/i, '').trim();
    if (key === 'media state' && /disconnected/i.test(value)) {
      row.operState = 'down';
      row.carrier = false;
    } else if (
      key === 'physical address' &&
      /^(?:[0-9A-F]{2}-){5}(?:[0-9A-F]{2}-[0-9A-F]{2}-)?[0-9A-F]{2}$/i.test(value)
    ) {
      // 6 bytes, or 8 for the tunnel adapters (ISATAP, 6to4, Teredo: 00-00-00-00-00-00-00-E0).
      row.mac = value.replace(/-/g, ':').toLowerCase();
    } else if (
      (key === 'ipv4 address' || key === 'ip address' || key === 'autoconfiguration ipv4 address') &&
      /^[\d.]+$/.test(value)
    ) {
      row.addresses.push({
        family: 'inet',
        address: value,
        prefixLength: null,
        scope: value.startsWith('169.254.') ? 'link' : 'global',
      });
    } else if (key === 'subnet mask') {
      const last = [...row.addresses].reverse().find((a) => a.family === 'inet');
      if (last && last.prefixLength === null) last.prefixLength = maskToPrefix(value);
    } else if (/ipv6 address$/.test(key) && value.includes(':')) {
      const address = withoutZone(value);
      row.addresses.push({
        family: 'inet6',
        address,
        prefixLength: null,
        scope: /^fe80/i.test(address) ? 'link' : 'global',
      });
    }
  }
  return { rows, diagnostics: d };
}

/** /proc/net/if_inet6 as interface rows holding only their IPv6 addresses. */
export function parseIfInet6Capture(text: string): DatasetResult<NetInterface> {
  const parsed = parseIfInet6(text);
  const byName = new Map<string, NetInterface>();
  for (const a of parsed.rows) {
    let row = byName.get(a.iface);
    if (!row) {
      row = emptyInterface(a.iface);
      byName.set(a.iface, row);
    }
    row.addresses.push({ family: a.family, address: a.address, prefixLength: a.prefixLength, scope: a.scope });
  }
  return { rows: [...byName.values()], diagnostics: parsed.diagnostics };
}
