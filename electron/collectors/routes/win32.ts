// Windows routes. Live: Get-NetRoute in the shared PowerShell helper (locale-free). Captures: `route print`
// (also `netstat -r`), whose sections are found by shape rather than by their localized titles: the IPv4
// table has five columns with a netmask, the IPv6 table starts with the interface index and wraps a long
// destination so that the gateway sits alone on the next line, and `Persistent Routes:` may say `None`.
import { isUnspecified, withoutZone } from '../../../shared/address.js';
import { lookup } from '../lookup.js';
import type { Collector } from '../collector.js';
import type { DatasetResult, Route } from '../../../shared/types.js';
import { emptyDiagnostics, recordSkip } from '../../../shared/types.js';
import { missingSource } from '../run-command.js';
import { asArray, type PowerShellHelper } from '../win32-powershell.js';
import { textLines, uniqueIds } from '../common.js';
import { routeId } from './common.js';

const PRINT_SOURCE = 'route print';
const PS_SOURCE = 'Get-NetRoute';

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

export function maskToPrefix(mask: string): number | null {
  if (!IPV4.test(mask)) return null;
  let bits = 0;
  let seenZero = false;
  for (const part of mask.split('.')) {
    const n = Number(part);
    if (n > 255) return null;
    for (let b = 7; b >= 0; b--) {
      if (n & (1 << b)) {
        if (seenZero) return null;
        bits++;
      } else seenZero = true;
    }
  }
  return bits;
}

function typeOf(family: 'inet' | 'inet6', destination: string, prefixLength: number): string {
  if (family === 'inet') {
    if (destination === '255.255.255.255' || (prefixLength === 32 && destination.endsWith('.255'))) return 'broadcast';
    if (/^2(2[4-9]|3\d)\./.test(destination)) return 'multicast';
  } else if (/^ff/i.test(destination)) return 'multicast';
  return 'unicast';
}

function makeRoute(
  family: 'inet' | 'inet6',
  destination: string,
  prefixLength: number,
  gateway: string | null,
  iface: string | null,
  metric: number | null,
  table: string,
  protocol: string | null,
): Route {
  const r: Route = {
    id: '',
    family,
    destination,
    prefixLength,
    gateway,
    flags: gateway ? 'UG' : 'U',
    metric,
    iface,
    table,
    protocol,
    scope: null,
    source: null,
    type: typeOf(family, destination, prefixLength),
    isDefault: prefixLength === 0,
  };
  r.id = routeId(r);
  return r;
}

function gatewayOf(text: string): string | null {
  // `On-link` is localized (`Auf Verbindung`), but it is the only gateway that is not an address.
  return IPV4.test(text) || text.includes(':') ? withoutZone(text) : null;
}

/** Parses `route print` / Windows `netstat -r`. */
export function parseRoutePrint(text: string, source = PRINT_SOURCE): DatasetResult<Route> {
  const d = emptyDiagnostics();
  const rows: Route[] = [];
  const ifNames = new Map<number, string>();
  let family: 'inet' | 'inet6' | null = null;
  let part: 'interfaces' | 'active' | 'persistent' | null = null;
  let pendingV6: { ifIndex: number; metric: number; dest: string } | null = null;
  const ifaceName = (index: number): string => ifNames.get(index) ?? String(index);
  const pushV6 = (p: { ifIndex: number; metric: number; dest: string }, gw: string): void => {
    const [addr = '', len = '128'] = p.dest.split('/');
    rows.push(
      makeRoute(
        'inet6',
        withoutZone(addr),
        Number(len),
        gatewayOf(gw),
        ifaceName(p.ifIndex),
        p.metric,
        part === 'persistent' ? 'persistent' : 'main',
        null,
      ),
    );
  };
  for (const raw of textLines(text)) {
    const line = raw.trim();
    if (line === '' || /^=+$/.test(line)) continue;
    if (/^Interface List/i.test(line) || /^\d+\s*\.{3}/.test(line)) {
      // `8...00 ff 58 60 5f 61 ......TAP-Windows Adapter V9`; tunnel adapters (6to4, ISATAP, Teredo) have an
      // 8-byte address and no dots before the name: `13...00 00 00 00 00 00 00 e0 Microsoft 6to4 Adapter`.
      const m =
        /^(\d+)\s*\.{3}(?:[0-9a-f]{2} ){5}(?:[0-9a-f]{2} [0-9a-f]{2} )?[0-9a-f]{2}(?: \.*|\.+)([\s\S]*)$/i.exec(line) ??
        /^(\d+)\s*\.+([\s\S]*)$/.exec(line);
      if (m) ifNames.set(Number(m[1]), (m[2] ?? '').trim());
      part = 'interfaces';
      continue;
    }
    if (/IPv4/.test(line) && !/\d\.\d/.test(line)) {
      family = 'inet';
      part = null;
      continue;
    }
    if (/IPv6/.test(line) && !line.includes('::')) {
      family = 'inet6';
      part = null;
      continue;
    }
    if (line.endsWith(':')) {
      part = part === 'active' ? 'persistent' : 'active';
      continue;
    }
    const t = line.split(/\s+/);
    if (family === 'inet') {
      // Active: destination mask gateway interface metric. Persistent: destination mask gateway metric.
      if (!IPV4.test(t[0] ?? '') || !IPV4.test(t[1] ?? '')) {
        if (!/^None$/i.test(line) && !/[A-Za-z]{3,}/.test(t[0] ?? ''))
          recordSkip(d, source, raw, 'not an IPv4 route row');
        continue;
      }
      const prefix = maskToPrefix(t[1] ?? '');
      if (prefix === null) {
        recordSkip(d, source, raw, 'invalid netmask');
        continue;
      }
      const persistent = part === 'persistent';
      const iface = persistent ? null : (t[3] ?? null);
      const metricText = persistent ? t[3] : t[4];
      const metric = metricText !== undefined && /^\d+$/.test(metricText) ? Number(metricText) : null;
      if (!persistent && (t.length !== 5 || metric === null)) {
        recordSkip(d, source, raw, 'expected five columns');
        continue;
      }
      rows.push(
        makeRoute(
          'inet',
          t[0] ?? '',
          prefix,
          gatewayOf(t[2] ?? ''),
          iface,
          metric,
          persistent ? 'persistent' : 'main',
          null,
        ),
      );
      continue;
    }
    if (family === 'inet6') {
      if (pendingV6 && t.length === 1) {
        pushV6(pendingV6, t[0] ?? '');
        pendingV6 = null;
        continue;
      }
      if (pendingV6) {
        recordSkip(d, source, raw, 'wrapped IPv6 route without its gateway line');
        pendingV6 = null;
      }
      if (!/^\d+$/.test(t[0] ?? '') || !/^\d+$/.test(t[1] ?? '') || !(t[2] ?? '').includes(':')) {
        if (!/^None$/i.test(line) && !/^If\b/.test(line)) recordSkip(d, source, raw, 'not an IPv6 route row');
        continue;
      }
      const p = { ifIndex: Number(t[0]), metric: Number(t[1]), dest: t[2] ?? '' };
      if (t.length >= 4) pushV6(p, t[3] ?? '');
      else pendingV6 = p;
      continue;
    }
    if (part !== 'interfaces') recordSkip(d, source, raw, 'line outside the route tables');
  }
  if (pendingV6) recordSkip(d, source, pendingV6.dest, 'wrapped IPv6 route cut off');
  return { rows: uniqueIds(rows), diagnostics: d };
}

export const ROUTES_SCRIPT = `@(Get-NetRoute -PolicyStore ActiveStore -ErrorAction SilentlyContinue | ForEach-Object { @{ d = $_.DestinationPrefix; g = $_.NextHop; m = [int]$_.RouteMetric; im = [int]$_.InterfaceMetric; i = $_.InterfaceAlias; x = [int]$_.InterfaceIndex; p = $_.Protocol.ToString() } })`;

const PS_PROTOCOLS: Record<string, string> = {
  NetMgmt: 'static',
  Local: 'kernel',
  Dhcp: 'dhcp',
  RouterAdvertisement: 'ra',
  Icmp: 'redirect',
};

export function parsePowerShellRoutes(value: unknown): DatasetResult<Route> {
  const d = emptyDiagnostics();
  const rows: Route[] = [];
  for (const e of asArray(value)) {
    const prefix = typeof e.d === 'string' ? e.d : '';
    const m = /^(.+)\/(\d+)$/.exec(prefix);
    if (!m) {
      recordSkip(d, PS_SOURCE, JSON.stringify(e), 'no destination prefix');
      continue;
    }
    const destination = m[1] ?? '';
    const family = destination.includes(':') ? 'inet6' : 'inet';
    const next = typeof e.g === 'string' ? e.g : '';
    const gateway = isUnspecified(next) ? null : next;
    const metric = (typeof e.m === 'number' ? e.m : 0) + (typeof e.im === 'number' ? e.im : 0);
    const protocol = typeof e.p === 'string' ? (lookup(PS_PROTOCOLS, e.p) ?? e.p) : null;
    rows.push(
      makeRoute(
        family,
        destination,
        Number(m[2]),
        gateway,
        typeof e.i === 'string' ? e.i : null,
        metric,
        'main',
        protocol,
      ),
    );
  }
  return { rows: uniqueIds(rows), diagnostics: d };
}

export function createWin32RoutesCollector(ps: PowerShellHelper): Collector<Route> {
  return {
    async read() {
      const r = await ps.run(ROUTES_SCRIPT);
      if (r.ok) return parsePowerShellRoutes(r.value);
      return missingSource(PS_SOURCE, r.error);
    },
  };
}
