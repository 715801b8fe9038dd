// macOS routes from `netstat -rn` (both families, one process). The BSD layout: an `Internet:` and an
// `Internet6:` section, each with its own header (`Destination Gateway Flags [Refs Use] [Mtu] Netif
// Expire`, columns vary by release and flags), abbreviated IPv4 networks (`127`, `192.168.1` = /8, /24),
// and gateways that are addresses, `link#N` or MAC addresses. FreeBSD prints the same, so FreeBSD
// captures use this parser too.
import { withoutZone } from '../../../shared/address.js';
import type { Collector } from '../collector.js';
import type { DatasetResult, Diagnostics, Route } from '../../../shared/types.js';
import { emptyDiagnostics, recordSkip } from '../../../shared/types.js';
import { commandCollector } from '../run-command.js';
import { textLines, uniqueIds } from '../common.js';
import { routeId } from './common.js';

const SOURCE = 'netstat -rn';

/** `127` -> 127.0.0.0/8, `192.168.50` -> /24, `224.0.0/4` -> 224.0.0.0/4, `10.1.2.3` -> /32 (host). */
function ipv4Destination(text: string, hostFlag: boolean): { destination: string; prefixLength: number } | null {
  const [net = '', maskText] = text.split('/');
  if (!/^\d{1,3}(\.\d{1,3}){0,3}$/.test(net)) return null;
  const parts = net.split('.');
  const given = parts.length;
  while (parts.length < 4) parts.push('0');
  const prefixLength = maskText !== undefined ? Number(maskText) : hostFlag || given === 4 ? 32 : given * 8;
  if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > 32) return null;
  return { destination: parts.join('.'), prefixLength };
}

function ipv6Destination(text: string, hostFlag: boolean): { destination: string; prefixLength: number } | null {
  const [addr = '', maskText] = text.split('/');
  const bare = withoutZone(addr);
  if (!bare.includes(':')) return null;
  const prefixLength = maskText !== undefined ? Number(maskText) : hostFlag ? 128 : 128;
  if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > 128) return null;
  return { destination: bare, prefixLength };
}

function routeType(flags: string, destination: string, family: 'inet' | 'inet6'): string {
  if (flags.includes('B')) return 'blackhole';
  if (flags.includes('R')) return 'unreachable';
  if (flags.includes('b')) return 'broadcast';
  if (
    flags.includes('m') ||
    (family === 'inet' && /^2(2[4-9]|3\d)\./.test(destination)) ||
    (family === 'inet6' && /^ff/i.test(destination))
  )
    return 'multicast';
  return 'unicast';
}

interface Header {
  gateway: number;
  flags: number;
  netif: number;
  mtu: number;
  count: number;
}

function readHeader(line: string): Header | null {
  const c = line
    .trim()
    .split(/\s+/)
    .map((s) => s.toLowerCase());
  if (c[0] !== 'destination') return null;
  return {
    gateway: c.indexOf('gateway'),
    flags: c.indexOf('flags'),
    netif: c.indexOf('netif'),
    mtu: c.indexOf('mtu'),
    count: c.length,
  };
}

function parseRow(line: string, h: Header, family: 'inet' | 'inet6', d: Diagnostics, source: string): Route | null {
  const t = line.trim().split(/\s+/);
  const destText = t[0] ?? '';
  const gatewayText = t[h.gateway] ?? '';
  const flags = t[h.flags] ?? '';
  const iface = t[h.netif];
  if (t.length < 3 || !/^[A-Za-z!]+$/.test(flags) || iface === undefined) {
    recordSkip(d, source, line, 'malformed route row');
    return null;
  }
  const host = flags.includes('H');
  let dest: { destination: string; prefixLength: number } | null;
  if (destText === 'default') dest = { destination: family === 'inet' ? '0.0.0.0' : '::', prefixLength: 0 };
  else dest = family === 'inet' ? ipv4Destination(destText, host) : ipv6Destination(destText, host);
  // Without -n destinations are host names; keep the name so the row still shows.
  if (!dest) dest = { destination: destText, prefixLength: host ? (family === 'inet' ? 32 : 128) : 0 };
  const gateway = gatewayText === '' || /^link#\d+$/.test(gatewayText) ? null : withoutZone(gatewayText);
  const mtu = h.mtu >= 0 ? Number(t[h.mtu]) : NaN;
  const route: Route = {
    id: '',
    family,
    destination: dest.destination,
    prefixLength: dest.prefixLength,
    gateway,
    flags,
    metric: null,
    iface,
    table: 'main',
    protocol: flags.includes('S')
      ? 'static'
      : flags.includes('D')
        ? 'redirect'
        : flags.includes('c') || flags.includes('C')
          ? 'kernel'
          : null,
    scope: null,
    source: null,
    type: routeType(flags, dest.destination, family),
    isDefault: dest.prefixLength === 0,
  };
  if (Number.isFinite(mtu)) route.mtu = mtu;
  route.id = routeId(route);
  return route;
}

/** Parses BSD `netstat -r[n]` (macOS, FreeBSD). A capture without section titles is read as IPv4 unless
 *  its destinations hold colons. */
export function parseBsdNetstatRoutes(text: string, source = SOURCE): DatasetResult<Route> {
  const d = emptyDiagnostics();
  const rows: Route[] = [];
  let family: 'inet' | 'inet6' | null = null;
  let header: Header | null = null;
  for (const raw of textLines(text)) {
    const line = raw.trimEnd();
    if (line.trim() === '' || /^Routing tables/i.test(line)) continue;
    if (/^Internet6:/i.test(line)) {
      family = 'inet6';
      header = null;
      continue;
    }
    if (/^Internet:/i.test(line)) {
      family = 'inet';
      header = null;
      continue;
    }
    const h = readHeader(line);
    if (h) {
      header = h;
      continue;
    }
    if (!header) {
      recordSkip(d, source, line, 'line before any table header');
      continue;
    }
    const fam = family ?? (/^[^\s]*:/.test(line.trim()) ? 'inet6' : 'inet');
    const row = parseRow(line, header, fam, d, source);
    if (row) rows.push(row);
  }
  return { rows: uniqueIds(rows), diagnostics: d };
}

export function createDarwinRoutesCollector(): Collector<Route> {
  return commandCollector('netstat', ['-rn'], (text) => parseBsdNetstatRoutes(text));
}
