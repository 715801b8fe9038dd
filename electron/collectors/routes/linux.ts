// Routes on Linux. `ip -j route show table all` sees every table, policy routing, multipath and who
// installed each route; /proc/net/route (main IPv4 table only) and /proc/net/ipv6_route are the fallback
// for systems without iproute2. ip runs only when the kernel's routes or interface names change, as its routing
// netlink tells (rtnl-routes.ts); where that cannot be read, when the /proc files change and every 10 s.
import type { Collector } from '../collector.js';
import type { DatasetResult, Diagnostics, Route } from '../../../shared/types.js';
import { emptyDiagnostics, mergeDiagnostics, recordSkip } from '../../../shared/types.js';
import {
  HOST_LITTLE_ENDIAN,
  decodeNetworkIPv6,
  hostOrderWordToIPv4,
  hostOrderWordToNetwork,
  parseHexRange,
  prefixFromMask,
} from '../linux/addresses.js';
import { kernelFields, readProcText, readProcTextSync, type ReadOutcome } from '../linux/proc-files.js';
import { routeId } from './common.js';
import { parseIpJson, runIp } from '../linux/ip.js';
import fs from 'node:fs';
import { NetlinkDumper } from '../linux/netlink.js';
import { NETLINK_ROUTE } from '../linux/rtnl-addresses.js';
import { routesFingerprint } from '../linux/rtnl-routes.js';

// <linux/route.h> and <linux/ipv6_route.h> flags.
const RTF_UP = 0x1;
const RTF_GATEWAY = 0x2;
const RTF_HOST = 0x4;
const RTF_REINSTATE = 0x8;
const RTF_DYNAMIC = 0x10;
const RTF_MODIFIED = 0x20;
const RTF_REJECT = 0x200;
const RTF_DEFAULT = 0x10000;
const RTF_ADDRCONF = 0x40000;
const RTF_ANYCAST = 0x100000;
const RTF_NONEXTHOP = 0x200000;
const RTF_EXPIRES = 0x400000;
const RTF_CACHE = 0x1000000;
const RTF_LOCAL = 0x80000000;

/** netstat -rn letters for an IPv4 route (net-tools order). A reject route (unreachable, prohibit: the kernel
 *  marks them RTF_REJECT|RTF_UP) shows `!` where the U would be, as netstat prints it (`!`, `!H` for a /32). */
export function ipv4FlagLetters(flags: number): string {
  let s = flags & RTF_REJECT ? '!' : flags & RTF_UP ? 'U' : '';
  if (flags & RTF_GATEWAY) s += 'G';
  if (flags & RTF_HOST) s += 'H';
  if (flags & RTF_REINSTATE) s += 'R';
  if (flags & RTF_DYNAMIC) s += 'D';
  if (flags & RTF_MODIFIED) s += 'M';
  return s;
}

/** netstat -6rn letters for an IPv6 route. */
export function ipv6FlagLetters(flags: number): string {
  let s = '';
  if (flags & RTF_UP) s += 'U';
  if (flags & RTF_REJECT) s += '!';
  if (flags & RTF_GATEWAY) s += 'G';
  if (flags & RTF_HOST) s += 'H';
  if (flags & RTF_DEFAULT) s += 'D';
  if (flags & RTF_ADDRCONF) s += 'A';
  if (flags & RTF_CACHE) s += 'C';
  if (flags & RTF_EXPIRES) s += 'e';
  if (flags & RTF_NONEXTHOP) s += 'n';
  return s;
}

function makeRoute(r: Omit<Route, 'id'>): Route {
  return { id: routeId(r), ...r };
}

function splitLines(text: string): string[] {
  return text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/** /proc/net/route: the main IPv4 table, tab separated, addresses as host-order hex words. Never throws. */
export function parseProcNetRoute(text: string, littleEndian = HOST_LITTLE_ENDIAN): DatasetResult<Route> {
  const diagnostics = emptyDiagnostics();
  const rows: Route[] = [];
  const source = '/proc/net/route';
  let cols: Record<string, number> | null = null;
  for (const line of splitLines(text)) {
    const fields = kernelFields(line);
    if (fields.length === 0) continue;
    if (!cols) {
      if (fields[0] === 'Iface') {
        cols = Object.fromEntries(fields.map((name, i) => [name, i]));
        if (['Destination', 'Gateway', 'Flags', 'Metric', 'Mask'].some((n) => cols?.[n] === undefined)) {
          recordSkip(diagnostics, source, line, 'unrecognised header');
          cols = null;
          return { rows, diagnostics };
        }
      } else {
        recordSkip(diagnostics, source, line, 'text before the header');
      }
      continue;
    }
    const get = (name: string) => fields[cols?.[name] ?? -1] ?? '';
    const hex = (name: string) => {
      const v = get(name);
      return /^[0-9A-Fa-f]{1,8}$/.test(v) ? parseHexRange(v, 0, v.length) : -1;
    };
    const dest = hex('Destination');
    const gw = hex('Gateway');
    const flags = hex('Flags');
    const mask = hex('Mask');
    const metric = Number(get('Metric'));
    const iface = get('Iface');
    if (
      fields.length < Object.keys(cols).length - 1 ||
      dest < 0 ||
      gw < 0 ||
      flags < 0 ||
      mask < 0 ||
      !Number.isInteger(metric)
    ) {
      recordSkip(diagnostics, source, line, 'malformed route line');
      continue;
    }
    const prefixLength = prefixFromMask(hostOrderWordToNetwork(mask, littleEndian));
    if (prefixLength === null) {
      recordSkip(diagnostics, source, line, 'non-contiguous netmask');
      continue;
    }
    const destination = hostOrderWordToIPv4(dest, littleEndian);
    rows.push(
      makeRoute({
        family: 'inet',
        destination,
        prefixLength,
        gateway: flags & RTF_GATEWAY ? hostOrderWordToIPv4(gw, littleEndian) : null,
        flags: ipv4FlagLetters(flags),
        metric,
        iface: iface === '*' ? null : iface,
        table: 'main',
        protocol: null,
        scope: null,
        source: null,
        type: flags & RTF_REJECT ? 'unreachable' : 'unicast',
        isDefault: prefixLength === 0,
        mtu: Number(get('MTU')) || null,
      }),
    );
  }
  if (!cols && text.trim() !== '') recordSkip(diagnostics, source, text.slice(0, 200), 'no header line');
  return { rows, diagnostics };
}

/**
 * /proc/net/ipv6_route: dest, dest prefix, src, src prefix, next hop, metric, refcnt, use, flags, device;
 * addresses in network order. The file mixes the kernel's tables without naming them: local and anycast
 * routes are attributed to 'local', the rest to 'main'. Never throws.
 */
export function parseProcNetIpv6Route(text: string): DatasetResult<Route> {
  const diagnostics = emptyDiagnostics();
  const rows: Route[] = [];
  const source = '/proc/net/ipv6_route';
  for (const line of splitLines(text)) {
    const f = kernelFields(line);
    if (f.length === 0) continue;
    const [destHex, prefHex, , , nextHex, metricHex, , , flagsHex, dev] = f;
    const destination = decodeNetworkIPv6(destHex ?? '');
    const nextHop = decodeNetworkIPv6(nextHex ?? '');
    const prefixLength = prefHex && /^[0-9a-fA-F]{2}$/.test(prefHex) ? parseHexRange(prefHex, 0, 2) : -1;
    const metric = metricHex && /^[0-9a-fA-F]{8}$/.test(metricHex) ? parseHexRange(metricHex, 0, 8) : -1;
    const flags = flagsHex && /^[0-9a-fA-F]{8}$/.test(flagsHex) ? parseHexRange(flagsHex, 0, 8) : -1;
    if (
      f.length !== 10 ||
      !destination ||
      !nextHop ||
      prefixLength < 0 ||
      prefixLength > 128 ||
      metric < 0 ||
      flags < 0 ||
      !dev
    ) {
      recordSkip(diagnostics, source, line, 'malformed route line');
      continue;
    }
    const type =
      flags & RTF_REJECT
        ? 'unreachable'
        : flags & RTF_LOCAL
          ? 'local'
          : flags & RTF_ANYCAST
            ? 'anycast'
            : destination.startsWith('ff')
              ? 'multicast'
              : 'unicast';
    rows.push(
      makeRoute({
        family: 'inet6',
        destination,
        prefixLength,
        gateway: flags & RTF_GATEWAY ? nextHop : null,
        flags: ipv6FlagLetters(flags),
        metric,
        iface: dev,
        table: type === 'local' || type === 'anycast' || type === 'multicast' ? 'local' : 'main',
        protocol: null,
        scope: null,
        source: null,
        type,
        isDefault: prefixLength === 0,
      }),
    );
  }
  return { rows, diagnostics };
}

/** A skipped entry as its sample shows it: the start of its JSON. One nested too deeply for JSON.stringify's
 *  recursion (a remote host's answer, a capture: `[[[…]]]` 200,000 deep threw "Maximum call stack size exceeded"
 *  out of the parser and failed the whole reading) is said to be so. */
function entrySample(entry: unknown): string {
  try {
    return (JSON.stringify(entry) ?? '').slice(0, 200);
  } catch {
    return '(nested too deeply to show)';
  }
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** IPv6 routes the kernel gives RTF_REJECT (and RTF_NONEXTHOP, not RTF_UP): netstat shows `!n`. */
const IPV6_REJECT_TYPES = new Set(['unreachable', 'prohibit', 'blackhole', 'throw']);
/** IPv4 routes the kernel gives RTF_REJECT (/proc/net/route): netstat shows `!`; a blackhole or throw is `U`. */
const IPV4_REJECT_TYPES = new Set(['unreachable', 'prohibit']);

/**
 * The letters netstat -rn (-A inet6) prints for a route read from ip, from the flags the kernel gives the same
 * route in /proc/net/route (fib_flag_trans: U, or RTF_REJECT for unreachable/prohibit; G for a first hop with a
 * gateway; H for every /32, whatever its table or type) and /proc/net/ipv6_route (fib6_flags: reject types
 * `!n`, local and anycast `Un`, no H for a /128; D A e for a route from a router advertisement). A hop that is
 * down (linkdown, dead) loses its U (netstat would still show it; NetLens says the link is down).
 */
export function routeFlagLetters(r: {
  family: 'inet' | 'inet6';
  type: string;
  prefixLength: number;
  gateway: string | null;
  down: boolean;
  protocol: string | null;
  expires: boolean;
  isDefault: boolean;
}): string {
  const up = r.down ? '' : 'U';
  if (r.family === 'inet') {
    const host = r.prefixLength === 32 ? 'H' : '';
    if (IPV4_REJECT_TYPES.has(r.type)) return `!${host}`;
    return `${up}${r.gateway ? 'G' : ''}${host}`;
  }
  if (IPV6_REJECT_TYPES.has(r.type)) return '!n';
  if (r.type === 'local' || r.type === 'anycast') return `${up}n`;
  const ra = r.protocol === 'ra';
  return `${up}${r.gateway ? 'G' : ''}${ra && r.isDefault ? 'D' : ''}${ra ? 'A' : ''}${r.expires ? 'e' : ''}`;
}

/**
 * The JSON of `ip -j route show table all` (one family per call; `family` names it, since 'default' alone
 * does not say). Text before the JSON (a shell prompt in a saved capture) is ignored. Never throws.
 */
export function parseIpJsonRoutes(jsonText: string, family?: 'inet' | 'inet6'): DatasetResult<Route> {
  const diagnostics = emptyDiagnostics();
  const rows: Route[] = [];
  const source = 'ip -j route show table all';
  const start = jsonText.search(/^[ \t]*\[/m);
  const parsed = parseIpJson(start < 0 ? jsonText : jsonText.slice(start));
  if (!parsed.ok) {
    recordSkip(diagnostics, source, jsonText.slice(0, 200), `not valid JSON: ${parsed.error}`);
    return { rows, diagnostics };
  }
  const data = parsed.value;
  if (!Array.isArray(data)) {
    recordSkip(diagnostics, source, jsonText.slice(0, 200), 'not a JSON array');
    return { rows, diagnostics };
  }
  for (const entry of data) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      recordSkip(diagnostics, source, entrySample(entry), 'not an object');
      continue;
    }
    const e = entry as Record<string, unknown>;
    const dst = str(e.dst);
    if (dst === null) {
      recordSkip(diagnostics, source, entrySample(e), 'route without dst');
      continue;
    }
    const nexthops = Array.isArray(e.nexthops)
      ? (e.nexthops as unknown[]).filter((h): h is Record<string, unknown> => typeof h === 'object' && h !== null)
      : [e];
    const fam =
      family ??
      (dst.includes(':') || nexthops.some((h) => String(h.gateway ?? '').includes(':')) || str(e.prefsrc)?.includes(':')
        ? 'inet6'
        : 'inet');
    const isDefault = dst === 'default';
    const slash = dst.indexOf('/');
    const destination = isDefault ? (fam === 'inet6' ? '::' : '0.0.0.0') : slash < 0 ? dst : dst.slice(0, slash);
    const prefixLength = isDefault ? 0 : slash < 0 ? (fam === 'inet6' ? 128 : 32) : Number(dst.slice(slash + 1));
    if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > (fam === 'inet6' ? 128 : 32)) {
      recordSkip(diagnostics, source, entrySample(e), 'bad prefix');
      continue;
    }
    const type = str(e.type) ?? 'unicast';
    const metrics = Array.isArray(e.metrics) ? (e.metrics as unknown[]) : [];
    const mtuEntry = metrics.find((m): m is { mtu: number } => typeof m === 'object' && m !== null && 'mtu' in m);
    const routeFlags = Array.isArray(e.flags) ? (e.flags as unknown[]).map(String) : [];
    for (const hop of nexthops) {
      const gateway = str(hop.gateway);
      const hopFlags = Array.isArray(hop.flags) ? (hop.flags as unknown[]).map(String) : routeFlags;
      const down = hopFlags.includes('linkdown') || hopFlags.includes('dead');
      const letters = routeFlagLetters({
        family: fam,
        type,
        prefixLength,
        gateway,
        down,
        protocol: str(e.protocol),
        expires: num(e.expires) !== null,
        isDefault,
      });
      rows.push(
        makeRoute({
          family: fam,
          destination,
          prefixLength,
          gateway,
          flags: letters,
          // ip leaves out what is default: metric 0, table main, protocol boot, scope universe.
          metric: num(e.metric) ?? 0,
          iface: str(hop.dev) ?? str(e.dev),
          table: str(e.table) ?? (typeof e.table === 'number' ? String(e.table) : 'main'),
          protocol: str(e.protocol) ?? 'boot',
          scope: str(e.scope) ?? 'global',
          source: str(e.prefsrc),
          type,
          isDefault,
          mtu: mtuEntry ? num(mtuEntry.mtu) : null,
        }),
      );
    }
  }
  return { rows, diagnostics };
}

/** How long an `ip` answer is reused, where the kernel's routing netlink cannot be read, while the kernel's own
 *  route files stay the same. */
const IP_REUSE_MS = 10_000;
/** How long a failed netlink read of the routes is not tried again. */
const NETLINK_RETRY_MS = 60_000;

/** A place iproute2 reads the names it prints from (tables, protocols, scopes, realms), in the order it looks. */
const IP_NAME_DIRS = ['/etc/iproute2', '/usr/share/iproute2', '/usr/lib/iproute2'];
const IP_NAME_FILES = ['rt_tables', 'rt_protos', 'rt_scopes', 'rt_realms'];
/** The most entries of a `.d` folder looked at, in name order: an entry added, removed or renamed changes the
 *  folder's own stat, but one edited in place past these is not seen until a route or name changes. */
const IP_NAME_D_ENTRIES = 1024;

/** Runs ip with these arguments (a test counts them). */
export type IpRunner = (args: string[]) => Promise<ReadOutcome>;

/**
 * The files ip names tables, protocols, scopes and realms from, as their identity, size and time of change: a
 * table named in rt_tables changes what ip prints without a route changing. Each is a stat, and each `.d`
 * folder's entries a listing and a stat each; a stat that fails (EACCES, ELOOP) is stamped with its error code,
 * never thrown (it failed the whole Routes reading).
 */
export function ipNameFilesStamp(dirs: readonly string[] = IP_NAME_DIRS): string {
  const parts: string[] = [];
  const stamp = (p: string) => {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(p, { throwIfNoEntry: false, bigint: false });
    } catch (err) {
      // A file ip could not read either (a folder not searchable, a symbolic link loop): its error stands for it.
      parts.push(`${p} ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
      return undefined;
    }
    if (st !== undefined) parts.push(`${p} ${st.ino} ${st.size} ${st.mtimeMs} ${st.ctimeMs}`);
    return st;
  };
  for (const dir of dirs)
    for (const name of IP_NAME_FILES) {
      stamp(`${dir}/${name}`);
      const d = stamp(`${dir}/${name}.d`);
      if (d?.isDirectory()) {
        let entries: string[] = [];
        try {
          entries = fs.readdirSync(`${dir}/${name}.d`).sort().slice(0, IP_NAME_D_ENTRIES);
        } catch {
          // Unreadable: its own stat stands for it.
        }
        for (const e of entries) stamp(`${dir}/${name}.d/${e}`);
      }
    }
  return parts.join('\n');
}

export interface LinuxRoutesOptions {
  procRoot?: string;
  /** How ip is run (tests count the runs). */
  runIp?: IpRunner;
  /** The folders of ip's name files (ipNameFilesStamp). */
  ipNameDirs?: readonly string[];
}

export class LinuxRoutesCollector implements Collector<Route> {
  /** Set once ip turns out to be missing or too old for JSON, so later ticks go straight to /proc (an answer
   *  that could not be read once sends that tick to /proc only). */
  private ipUnusable: string | null = null;
  /** An answer of ip that could not be read: /proc until `until` (IP_REUSE_MS later), then ip is asked again, so that
   *  a lasting unreadable answer costs two ip runs every IP_REUSE_MS, not every tick. */
  private ipFailed: { why: string; until: number } | null = null;
  /** The last answer from ip, with what it was read beside: the kernel's routes and interface names over netlink
   *  (`exact`), else the /proc route files, reused then for IP_REUSE_MS at most; and when. */
  private lastIp: { result: DatasetResult<Route>; fingerprint: Buffer; exact: boolean; at: number } | null = null;
  /** The kernel's routing netlink, whose dumps tell when ip's answer would change. */
  private readonly rtnl = new NetlinkDumper(NETLINK_ROUTE);
  /** A netlink read that failed (a routing table past the dump's size limit, netlink refused): not tried again
   *  until `until` (NETLINK_RETRY_MS later), so a full Internet table does not cost a dump of 8 MiB every tick
   *  only to fail again; /proc's files and the clock tell when ip runs meanwhile. */
  private netlinkFailed: { why: string; until: number } | null = null;
  private readonly procRoot: string;
  private readonly runIp: IpRunner;
  private readonly ipNameDirs: readonly string[];

  constructor(o: LinuxRoutesOptions = {}) {
    this.procRoot = o.procRoot ?? '/proc';
    this.runIp = o.runIp ?? runIp;
    this.ipNameDirs = o.ipNameDirs ?? IP_NAME_DIRS;
  }

  dispose(): void {
    this.rtnl.close();
  }

  /**
   * What ip's answer follows from: over netlink, the kernel's routes of every table (their moving counters
   * blanked) and its interfaces' names (rtnl-routes.ts), with ip's name files; ip then runs only when these
   * change. Where netlink cannot be read, /proc/net/route and ipv6_route (the main IPv4 table only: ip also runs
   * every IP_REUSE_MS), with why. The files are read synchronously, as the statistics files are: through
   * fs.promises each file is four trips to libuv's thread pool, 0.3-0.9 ms of CPU a tick for the two against
   * 0.07-0.12 (docs/performance.md, _The host at rest: the Routes tab forks it_).
   */
  private async fingerprint(): Promise<
    { bytes: Buffer; exact: true; skipped: number } | { bytes: Buffer; exact: false; why: string }
  > {
    let why: string;
    if (this.netlinkFailed !== null && Date.now() < this.netlinkFailed.until) why = this.netlinkFailed.why;
    else {
      const kernel = await routesFingerprint(this.rtnl);
      if (kernel.ok) {
        this.netlinkFailed = null;
        return {
          bytes: Buffer.concat([kernel.bytes, Buffer.from(`\u0000${ipNameFilesStamp(this.ipNameDirs)}`)]),
          exact: true,
          skipped: kernel.skipped,
        };
      }
      why = kernel.error;
      this.netlinkFailed = { why, until: Date.now() + NETLINK_RETRY_MS };
    }
    const a = readProcTextSync(`${this.procRoot}/net/route`, 'names');
    const b = readProcTextSync(`${this.procRoot}/net/ipv6_route`, 'names');
    return {
      bytes: Buffer.from(`${a.ok ? a.text : ''}\u0000${b.ok ? b.text : ''}`),
      exact: false,
      why,
    };
  }

  async read(): Promise<DatasetResult<Route>> {
    if (this.ipFailed !== null && Date.now() < this.ipFailed.until) return this.readFromProc(this.ipFailed.why);
    if (this.ipUnusable !== null) return this.readFromProc(this.ipUnusable);
    const fingerprint = await this.fingerprint();
    const last = this.lastIp;
    let result: DatasetResult<Route> | null = null;
    if (
      last &&
      last.exact === fingerprint.exact &&
      last.fingerprint.equals(fingerprint.bytes) &&
      (fingerprint.exact || Date.now() - last.at < IP_REUSE_MS)
    )
      result = structuredClone(last.result);
    else {
      const [v4, v6] = await Promise.all([
        this.runIp(['-j', '-4', 'route', 'show', 'table', 'all']),
        this.runIp(['-j', '-6', 'route', 'show', 'table', 'all']),
      ]);
      const got = routesFromIpJson(v4, v6);
      if (!got.result) {
        if (got.lasting) this.ipUnusable = got.why;
        else this.ipFailed = { why: got.why, until: Date.now() + IP_REUSE_MS };
        return this.readFromProc(got.why);
      }
      this.ipFailed = null;
      this.lastIp = {
        result: structuredClone(got.result),
        fingerprint: fingerprint.bytes,
        exact: fingerprint.exact,
        at: Date.now(),
      };
      result = got.result;
    }
    if (!fingerprint.exact)
      result.diagnostics.notes.push(
        `Routes: the kernel's routing netlink could not be read (${fingerprint.why}); ip runs again every ${IP_REUSE_MS / 1000} s and when /proc's route files change`,
      );
    else if (fingerprint.skipped > 0) {
      // A route message is compared whole, a link message left out.
      recordSkip(
        result.diagnostics,
        'netlink RTM_GETROUTE',
        '(binary message)',
        'a route or link message that could not be read',
        fingerprint.skipped,
      );
    }
    return result;
  }

  private async readFromProc(why: string): Promise<DatasetResult<Route>> {
    const [route, route6] = await Promise.all([
      readProcText(`${this.procRoot}/net/route`),
      readProcText(`${this.procRoot}/net/ipv6_route`),
    ]);
    return routesFromProc(route, route6, why);
  }
}

/** Routes from the output of `ip -j -4/-6 route show table all`; null with the reason when ip gave none, and
 *  whether that will last (ip missing or failing, or too old to print JSON) or was this answer's (JSON that could
 *  not be read). */
export function routesFromIpJson(
  v4: ReadOutcome,
  v6: ReadOutcome,
): { result: DatasetResult<Route> | null; why: string; lasting: boolean } {
  const diagnostics: Diagnostics = emptyDiagnostics();
  if (v4.ok) {
    const a = parseIpJsonRoutes(v4.text, 'inet');
    const rows = a.rows;
    mergeDiagnostics(diagnostics, a.diagnostics);
    if (v6.ok) {
      const b = parseIpJsonRoutes(v6.text, 'inet6');
      // One at a time: a spread of a full routing table (a million routes) overflows the call stack.
      for (const row of b.rows) rows.push(row);
      mergeDiagnostics(diagnostics, b.diagnostics);
    } else {
      diagnostics.missing.push({ source: 'ip -j -6 route show table all', reason: v6.reason });
    }
    if (a.diagnostics.skipped === 0 || rows.length > 0)
      return { result: { rows, diagnostics }, why: '', lasting: false };
    if (/^[ \t]*\[/m.test(v4.text))
      return {
        result: null,
        why: `ip's answer could not be read (${a.diagnostics.samples[0]?.reason ?? 'no routes in it'})`,
        lasting: false,
      };
  }
  return { result: null, why: v4.ok ? 'ip printed no JSON (iproute2 older than 4.17?)' : v4.reason, lasting: true };
}

/** Routes from /proc/net/route and ipv6_route, where ip cannot help (`why`). */
export function routesFromProc(route: ReadOutcome, route6: ReadOutcome, why: string): DatasetResult<Route> {
  const diagnostics: Diagnostics = emptyDiagnostics();
  diagnostics.notes.push(`Routes from /proc (main IPv4 table only): ${why}`);
  const rows: Route[] = [];
  if (route.ok) {
    const r = parseProcNetRoute(route.text);
    for (const row of r.rows) rows.push(row);
    mergeDiagnostics(diagnostics, r.diagnostics);
  } else diagnostics.missing.push({ source: '/proc/net/route', reason: route.reason });
  if (route6.ok) {
    const r = parseProcNetIpv6Route(route6.text);
    for (const row of r.rows) rows.push(row);
    mergeDiagnostics(diagnostics, r.diagnostics);
  } else diagnostics.missing.push({ source: '/proc/net/ipv6_route', reason: route6.reason });
  return { rows, diagnostics };
}
