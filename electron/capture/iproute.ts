// Saved iproute2 text output: `ip route` (turned into the `ip -j route` JSON shape so the Linux
// collector's JSON parser builds the rows, keeping both paths identical), and `ip link` / `ip addr` /
// `ip -s link` blocks for interfaces.
import type { DatasetResult, InterfaceCounters, NetInterface, Route } from '../../shared/types.js';
import { emptyDiagnostics, recordSkip } from '../../shared/types.js';
import { parseIpJsonRoutes } from '../collectors/routes/linux.js';
import { emptyInterface } from '../collectors/interfaces/common.js';
import { textLines } from '../collectors/common.js';

const ROUTE_TYPES = new Set([
  'unicast',
  'local',
  'broadcast',
  'multicast',
  'throw',
  'unreachable',
  'prohibit',
  'blackhole',
  'nat',
  'anycast',
]);
const KEYED = new Set([
  'via',
  'dev',
  'proto',
  'scope',
  'src',
  'metric',
  'table',
  'mtu',
  'pref',
  'expires',
  'realm',
  'weight',
  'advmss',
  'hoplimit',
  'initcwnd',
  'onlink',
]);

/** One `ip route` line (with its `nexthop` continuation lines) as an `ip -j route` object. */
function routeObject(words: string[], nexthops: string[][]): Record<string, unknown> | null {
  // Read with a cursor: Array#shift copies a long array each time, quadratic on a hostile line of words.
  let at = 0;
  const next = (): string | undefined => (at < words.length ? words[at++] : undefined);
  const e: Record<string, unknown> = {};
  if (ROUTE_TYPES.has(words[0] ?? '') && words.length > 1) e.type = next();
  const dst = next();
  if (dst === undefined) return null;
  e.dst = dst;
  const flags: string[] = [];
  while (at < words.length) {
    const key = next() ?? '';
    if (KEYED.has(key) && key !== 'onlink') {
      const value = next();
      if (value === undefined) return null;
      if (key === 'via') e.gateway = value === 'inet6' || value === 'inet' ? next() : value;
      else if (key === 'dev') e.dev = value;
      else if (key === 'proto') e.protocol = value;
      else if (key === 'scope') e.scope = value;
      else if (key === 'src') e.prefsrc = value;
      else if (key === 'metric') e.metric = Number(value);
      else if (key === 'table') e.table = value;
      else if (key === 'mtu') e.metrics = [{ mtu: Number(value === 'lock' ? next() : value) }];
    } else if (key === 'linkdown' || key === 'dead' || key === 'onlink' || key === 'pervasive' || key === 'offload') {
      flags.push(key);
    }
  }
  e.flags = flags;
  if (nexthops.length > 0)
    e.nexthops = nexthops.map((h) => routeObject(['unicast', dst, ...h.filter((x) => x !== 'nexthop')], []) ?? {});
  return e;
}

/** Parses `ip route [show] [table all]` / `ip -6 route` text. */
export function parseIpRouteText(text: string, source = 'ip route'): DatasetResult<Route> {
  const d = emptyDiagnostics();
  const entries: { words: string[]; hops: string[][]; raw: string }[] = [];
  for (const raw of textLines(text)) {
    if (raw.trim() === '') continue;
    const words = raw.trim().split(/\s+/);
    if (/^\s/.test(raw) && words[0] === 'nexthop' && entries.length > 0) {
      entries[entries.length - 1]?.hops.push(words);
      continue;
    }
    entries.push({ words, hops: [], raw });
  }
  const objects: Record<string, unknown>[] = [];
  for (const e of entries) {
    const o = routeObject(e.words, e.hops);
    if (!o || !/^(default|[0-9a-f.:]+(\/\d+)?)$/i.test(String(o.dst))) recordSkip(d, source, e.raw, 'not a route line');
    else objects.push(o);
  }
  const result = parseIpJsonRoutes(JSON.stringify(objects));
  result.diagnostics.skipped += d.skipped;
  result.diagnostics.samples.unshift(...d.samples);
  return result;
}

const LINK_HEAD = /^(\d+):\s+([^:@\s]+)(?:@[^:\s]+)?:\s+<([^>]*)>(.*)$/;

function counterRow(
  header: string,
  values: string,
  into: InterfaceCounters,
  d: ReturnType<typeof emptyDiagnostics>,
  source: string,
): void {
  const rx = header.startsWith('RX');
  const names = header.replace(/^[RT]X:\s*/, '').split(/\s+/);
  const nums = values.trim().split(/\s+/);
  names.forEach((name, i) => {
    const v = nums[i];
    if (v === undefined || !/^\d+$/.test(v)) return;
    const n = Number(v);
    const map: Record<string, keyof InterfaceCounters> = rx
      ? {
          bytes: 'rxBytes',
          packets: 'rxPackets',
          errors: 'rxErrors',
          dropped: 'rxDropped',
          overrun: 'rxFifo',
          mcast: 'rxMulticast',
          missed: 'rxFifo',
        }
      : {
          bytes: 'txBytes',
          packets: 'txPackets',
          errors: 'txErrors',
          dropped: 'txDropped',
          carrier: 'txCarrier',
          collsns: 'txCollisions',
        };
    const field = map[name];
    if (field) into[field] = n;
  });
  if (nums.length < names.length) recordSkip(d, source, values, 'fewer counters than the RX/TX header names');
}

/** Parses `ip link`, `ip addr` and `ip -s link` text into one row per interface. */
export function parseIpLinkText(text: string, source = 'ip link'): DatasetResult<NetInterface> {
  const d = emptyDiagnostics();
  const rows: NetInterface[] = [];
  let current: NetInterface | null = null;
  let pendingCounters: string | null = null;
  for (const raw of textLines(text)) {
    if (raw.trim() === '') continue;
    const head = LINK_HEAD.exec(raw);
    if (head) {
      const row = emptyInterface(head[2] ?? '');
      row.index = Number(head[1]);
      row.flags = (head[3] ?? '').split(',').filter((f) => f !== '');
      const rest = head[4] ?? '';
      const mtu = /\bmtu (\d+)/.exec(rest);
      row.mtu = mtu ? Number(mtu[1]) : null;
      const state = /\bstate (\S+)/.exec(rest);
      row.operState = state ? (state[1] ?? 'unknown').toLowerCase() : 'unknown';
      row.carrier = row.flags.includes('NO-CARRIER') ? false : row.flags.includes('LOWER_UP') ? true : null;
      rows.push(row);
      current = row;
      pendingCounters = null;
      continue;
    }
    const line = raw.trim();
    if (!current) {
      recordSkip(d, source, raw, 'line before any interface');
      continue;
    }
    if (pendingCounters !== null) {
      counterRow(pendingCounters, line, current.counters, d, source);
      pendingCounters = null;
      continue;
    }
    if (/^[RT]X:/.test(line)) {
      // `RX: bytes packets ...` then the values on the next line (`RX errors:` detail blocks of -s -s too).
      pendingCounters = /^[RT]X:\s+bytes/.test(line) ? line : null;
      continue;
    }
    const link = /^link\/(\S+)(?:\s+([0-9a-f:]{17}))?/.exec(line);
    if (link) {
      current.type = link[1] === 'ether' ? 'ether' : (link[1] ?? null);
      if (link[2] && link[1] !== 'loopback') current.mac = link[2];
      if (link[1] === 'loopback') current.mac = link[2] ?? null;
      continue;
    }
    const addr = /^(inet6?)\s+([0-9a-f.:]+)(?:\/(\d+))?/.exec(line);
    const scope = addr ? /\bscope (\w+)/.exec(line.slice(addr[0].length)) : null;
    if (addr && scope) {
      current.addresses.push({
        family: addr[1] === 'inet6' ? 'inet6' : 'inet',
        address: addr[2] ?? '',
        prefixLength: addr[3] !== undefined ? Number(addr[3]) : null,
        scope: scope[1] === 'universe' ? 'global' : (scope[1] ?? null),
      });
    }
    // valid_lft, alias, altname, vf and detail lines carry nothing a row holds.
  }
  return { rows, diagnostics: d };
}
