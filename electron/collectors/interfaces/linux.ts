// Interfaces on Linux: counters from /proc/net/dev, link facts from /sys/class/net/<if>/, IPv4 addresses
// from getifaddrs (os.networkInterfaces) and IPv6 addresses with their scope from /proc/net/if_inet6; those of
// interfaces not running (getifaddrs leaves them out) from the kernel over netlink (RTM_GETADDR), else from
// `ip -j -4 addr`.
import { lookup } from '../lookup.js';
import os from 'node:os';
import type { Collector } from '../collector.js';
import type {
  DatasetResult,
  Diagnostics,
  InterfaceAddress,
  InterfaceCounters,
  NetInterface,
} from '../../../shared/types.js';
import { emptyDiagnostics, noteInexactCounter, mergeDiagnostics, recordSkip } from '../../../shared/types.js';
import { decodeNetworkIPv6 } from '../linux/addresses.js';
import { kernelFields, readProcTextAgain, readProcTextSync, readSysAttr } from '../linux/proc-files.js';
import { emptyInterface, zeroCounters } from './common.js';
import { parseIpJson, runIp } from '../linux/ip.js';
import type { ReadOutcome } from '../linux/proc-files.js';
import { NetlinkDumper } from '../linux/netlink.js';
import { dumpIpv4Addresses, NETLINK_ROUTE } from '../linux/rtnl-addresses.js';
import { dumpLinkFacts, type SysfsLinkFacts } from '../linux/rtnl-links.js';

/** This kernel's sysfs folder of interfaces: where the collector reads it, the link dump tells the same facts. */
const SYS_NET = '/sys/class/net';
/** How long a link's speed and duplex read from sysfs are reused while its link facts stay the same (see
 *  fillFromSysfs). */
const SPEED_REUSE_MS = 10_000;
/** A link's speed and duplex as read from sysfs, with the link facts they were read beside (`key`) and when. */
type SpeedRead = { key: string; at: number; speed: string | null; duplex: string | null };
/** After a link dump that failed, the interfaces' facts come from sysfs for this long before netlink is asked again. */
const LINK_DUMP_RETRY_MS = 60_000;

const RX_NAMES: Record<string, keyof InterfaceCounters> = {
  bytes: 'rxBytes',
  packets: 'rxPackets',
  errs: 'rxErrors',
  drop: 'rxDropped',
  fifo: 'rxFifo',
  frame: 'rxFrame',
  compressed: 'rxCompressed',
  multicast: 'rxMulticast',
};
const TX_NAMES: Record<string, keyof InterfaceCounters> = {
  bytes: 'txBytes',
  packets: 'txPackets',
  errs: 'txErrors',
  drop: 'txDropped',
  fifo: 'txFifo',
  colls: 'txCollisions',
  carrier: 'txCarrier',
  compressed: 'txCompressed',
};

/**
 * /proc/net/dev. Column names come from the second header line (the part after the first '|' is receive,
 * after the second transmit). The name ends at the colon, which old kernels glue to the first number
 * ("lo:38547981"). Counters are 64-bit; JavaScript numbers hold them exactly up to 2^53. Never throws.
 */
export function parseProcNetDev(text: string): DatasetResult<NetInterface> {
  const diagnostics = emptyDiagnostics();
  const rows: NetInterface[] = [];
  const source = '/proc/net/dev';
  let order: (keyof InterfaceCounters)[] | null = null;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    const bar = line.indexOf('|');
    if (bar >= 0 && colon < 0) {
      // A header line: the first says "Receive | Transmit", the second names the columns. Neither has a colon, and
      // every interface's line has one (its name may hold '|': "a|bytes|b" read as a header hid every interface
      // after it).
      const parts = line.split('|');
      if (parts.length >= 3 && /bytes/.test(parts[1] ?? '')) {
        const rx = (parts[1] ?? '')
          .trim()
          .split(/\s+/)
          .map((n) => lookup(RX_NAMES, n));
        const tx = (parts[2] ?? '')
          .trim()
          .split(/\s+/)
          .map((n) => lookup(TX_NAMES, n));
        if (rx.some((n) => n === undefined) || tx.some((n) => n === undefined)) {
          recordSkip(diagnostics, source, line, 'unknown counter name in header');
          order = null;
        } else {
          order = [...rx, ...tx] as (keyof InterfaceCounters)[];
        }
      }
      continue;
    }
    if (!order) {
      recordSkip(diagnostics, source, line, 'no header before this line');
      continue;
    }
    const name = colon > 0 ? kernelFields(line.slice(0, colon)) : [];
    const values = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    if (name.length !== 1 || values.length !== order.length) {
      recordSkip(diagnostics, source, line, 'malformed interface line');
      continue;
    }
    const counters = zeroCounters();
    let ok = true;
    for (let i = 0; i < order.length; i++) {
      const v = values[i] ?? '';
      const key = order[i];
      if (!/^\d+$/.test(v) || key === undefined) {
        ok = false;
        break;
      }
      counters[key] = Number(v);
      noteInexactCounter(diagnostics, source, `${name} ${key}`, counters[key]);
    }
    if (!ok) {
      recordSkip(diagnostics, source, line, 'counter is not a number');
      continue;
    }
    rows.push(emptyInterface(name[0]!, counters));
  }
  return { rows, diagnostics };
}

/** if_inet6 scope values (IPV6_ADDR_SCOPE_*). */
const IF_INET6_SCOPES: Record<number, string> = { 0: 'global', 16: 'host', 32: 'link', 64: 'site' };

/** /proc/net/if_inet6: address (network order), ifindex, prefix, scope, flags, device. Never throws. */
export function parseIfInet6(text: string): DatasetResult<InterfaceAddress & { iface: string }> {
  const diagnostics = emptyDiagnostics();
  const rows: (InterfaceAddress & { iface: string })[] = [];
  for (const line of text.split('\n')) {
    const fields = kernelFields(line);
    if (fields.length === 0) continue;
    const [addr, , prefix, scope, , dev] = fields;
    const address = decodeNetworkIPv6(addr ?? '');
    const prefixLength = Number.parseInt(prefix ?? '', 16);
    const scopeValue = Number.parseInt(scope ?? '', 16);
    if (!address || !dev || !Number.isInteger(prefixLength) || !Number.isInteger(scopeValue)) {
      recordSkip(diagnostics, '/proc/net/if_inet6', line, 'malformed address line');
      continue;
    }
    rows.push({
      iface: dev,
      family: 'inet6',
      address,
      prefixLength,
      scope: IF_INET6_SCOPES[scopeValue & 0xf0] ?? null,
    });
  }
  return { rows, diagnostics };
}

/** ARPHRD_* names for the common link types (include/uapi/linux/if_arp.h). */
const ARPHRD: Record<number, string> = {
  1: 'ether',
  24: 'ieee1394',
  32: 'infiniband',
  256: 'slip',
  512: 'ppp',
  768: 'ipip',
  769: 'ip6tnl',
  772: 'loopback',
  776: 'sit',
  778: 'gre',
  801: 'ieee80211',
  803: 'ieee80211_radiotap',
  823: 'ip6gre',
  65534: 'none',
};

/** IFF_* bits in /sys/class/net/<if>/flags, by bit position (include/uapi/linux/if.h). */
const IFF_NAMES = [
  'UP',
  'BROADCAST',
  'DEBUG',
  'LOOPBACK',
  'POINTOPOINT',
  'NOTRAILERS',
  'RUNNING',
  'NOARP',
  'PROMISC',
  'ALLMULTI',
  'MASTER',
  'SLAVE',
  'MULTICAST',
  'PORTSEL',
  'AUTOMEDIA',
  'DYNAMIC',
];

const IFF_UP = 0x1;
const IFF_RUNNING = 0x40;

export function interfaceFlagNames(flags: number): string[] {
  const out: string[] = [];
  IFF_NAMES.forEach((name, bit) => {
    if (flags & (1 << bit)) out.push(name);
  });
  return out;
}

function ipv4Scope(address: string): string {
  if (address.startsWith('127.')) return 'host';
  if (address.startsWith('169.254.')) return 'link';
  return 'global';
}

/** An IPv6 address's scope as if_inet6 gives it, from the address alone (getifaddrs gives none). */
function ipv6Scope(address: string): string {
  const a = address.toLowerCase();
  if (a === '::1') return 'host';
  if (/^fe[89ab]/.test(a)) return 'link';
  if (/^fe[c-f]/.test(a)) return 'site';
  return 'global';
}

/** How long `ip -4 addr` output is reused while the set of down interfaces stays the same (where netlink cannot be
 *  read). */
const DOWN_ADDRESSES_REUSE_MS = 30_000;
/** IPv4 addresses of every interface, as JSON: the ones getifaddrs leaves out are picked from it. */
const DOWN_ADDRESSES_ARGS = ['-j', '-4', 'addr', 'show'];

/** Adds addresses to a row, each address/prefix once (one may come from two sources). */
export function addAddresses(row: NetInterface, addresses: readonly InterfaceAddress[]): void {
  const seen = new Set<string>();
  row.addresses = [...row.addresses, ...addresses].filter((a) => {
    const k = `${a.address}/${a.prefixLength}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** `ip -j -4 addr show` -> interface name -> its IPv4 addresses with prefix and scope; `error` says why an answer
 *  could not be read at all (no address is then known from it). */
export function parseIpJsonAddresses(jsonText: string): {
  byName: Map<string, InterfaceAddress[]>;
  error: string | null;
} {
  const byName = new Map<string, InterfaceAddress[]>();
  const json = parseIpJson(jsonText);
  if (!json.ok) return { byName, error: json.error };
  if (!Array.isArray(json.value)) return { byName, error: 'not a list of interfaces' };
  for (const link of json.value as { ifname?: unknown; addr_info?: unknown }[]) {
    if (typeof link?.ifname !== 'string' || !Array.isArray(link.addr_info)) continue;
    const list: InterfaceAddress[] = [];
    for (const a of link.addr_info as { family?: unknown; local?: unknown; prefixlen?: unknown; scope?: unknown }[]) {
      if (a?.family !== 'inet' || typeof a.local !== 'string') continue;
      list.push({
        family: 'inet',
        address: a.local,
        prefixLength: typeof a.prefixlen === 'number' ? a.prefixlen : null,
        scope: typeof a.scope === 'string' ? a.scope : null,
      });
    }
    byName.set(link.ifname, list);
  }
  return { byName, error: null };
}

/** Why ip's `addr` answer gave no addresses (it failed, or printed what could not be read), or null when it did. */
export function ipAddressesFailure(r: ReadOutcome, parsed: { error: string | null } | null): string | null {
  if (!r.ok) return r.reason;
  return parsed?.error ? `ip's answer could not be read (${parsed.error.slice(0, 200)})` : null;
}

/** A few names of a list, for a note: "a, b, c and 4 more". */
function someNames(names: readonly string[]): string {
  const shown = names.slice(0, 3).join(', ');
  return names.length > 3 ? `${shown} and ${names.length - 3} more` : shown;
}

export class LinuxInterfacesCollector implements Collector<NetInterface> {
  /** IPv4 addresses of interfaces that are not up and running, which getifaddrs (os.networkInterfaces) leaves
   *  out, as `ip` told them where netlink cannot: asked again only when that set of interfaces changes, or every
   *  DOWN_ADDRESSES_REUSE_MS. */
  private downAddresses: {
    key: string;
    at: number;
    byName: Map<string, InterfaceAddress[]>;
    /** Why ip could not tell them either, or null. */
    failure: string | null;
  } | null = null;
  /** The kernel's routing netlink, asked each read for the interfaces' link facts and the addresses of the
   *  interfaces not running. */
  private readonly rtnl = new NetlinkDumper(NETLINK_ROUTE);
  /** When a failed link dump may be tried again (see linkFacts). */
  private linkDumpRetryAt = 0;
  /** Each interface's speed and duplex as last read from sysfs, with the link facts they were read beside and when
   *  (see fillFromSysfs); only the interfaces of the last read are kept. */
  private speeds = new Map<string, SpeedRead>();

  /** `linkDump` false: every link fact from sysfs (the tests' peer of the dump). */
  constructor(
    private readonly procRoot = '/proc',
    private readonly sysNet = SYS_NET,
    private readonly linkDump = true,
  ) {}

  dispose(): void {
    this.rtnl.close();
  }

  /**
   * The IPv4 addresses of `rows` (the interfaces not running) by name where the kernel could not be asked over
   * netlink (`kernelError`, why): from `ip -j -4 addr show`, whose answer is reused while that set of interfaces stays
   * the same, for DOWN_ADDRESSES_REUSE_MS at most, and a note says why (and, where ip fails too, whose addresses are
   * not shown). getifaddrs gives the running interfaces' then.
   */
  private async addressesOfDown(
    rows: NetInterface[],
    diagnostics: Diagnostics,
    kernelError: string,
  ): Promise<Map<string, InterfaceAddress[]>> {
    if (rows.length === 0) return new Map();
    const key = rows.map((r) => `${r.name}/${r.index}`).join(' ');
    let cached = this.downAddresses;
    if (!cached || cached.key !== key || Date.now() - cached.at >= DOWN_ADDRESSES_REUSE_MS) {
      // A failure, or an answer that could not be read, is kept as long as an answer would be.
      const r = await runIp(DOWN_ADDRESSES_ARGS);
      const parsed = r.ok ? parseIpJsonAddresses(r.text) : null;
      cached = { key, at: Date.now(), byName: parsed?.byName ?? new Map(), failure: ipAddressesFailure(r, parsed) };
      this.downAddresses = cached;
    }
    const names = someNames(rows.map((row) => row.name));
    diagnostics.missing.push({
      source: 'netlink RTM_GETADDR',
      reason:
        cached.failure === null
          ? `${kernelError}; IPv4 addresses of ${names} (not running) from \`ip ${DOWN_ADDRESSES_ARGS.join(' ')}\` instead, asked again every ${DOWN_ADDRESSES_REUSE_MS / 1000} s`
          : `${kernelError}; IPv4 addresses unknown for ${names} (not running; ip: ${cached.failure})`,
    });
    return cached.byName;
  }

  /** Only /proc/net/dev: the ids and counters the rate history and the record use, without the sysfs
   *  attributes (nine files per interface), the addresses and `ip` that read() adds. */
  async readCounters(): Promise<DatasetResult<NetInterface>> {
    return this.readDev().table;
  }

  /** /proc/net/dev's rows (names and counters), or no rows and why it could not be read. Small files are read
   *  synchronously, as the sysfs attributes are (see readSysAttr). */
  private readDev(): { ok: boolean; table: DatasetResult<NetInterface> } {
    const dev = readProcTextAgain(`${this.procRoot}/net/dev`, 'names');
    if (dev.ok) return { ok: true, table: parseProcNetDev(dev.text) };
    const diagnostics = emptyDiagnostics();
    diagnostics.missing.push({ source: '/proc/net/dev', reason: dev.reason });
    return { ok: false, table: { rows: [], diagnostics } };
  }

  async read(): Promise<DatasetResult<NetInterface>> {
    const { ok, table: parsed } = this.readDev();
    if (!ok) return parsed;
    const diagnostics: Diagnostics = emptyDiagnostics();
    mergeDiagnostics(diagnostics, parsed.diagnostics);
    const inet6 = readProcTextSync(`${this.procRoot}/net/if_inet6`, 'names');
    const v6 = inet6.ok ? parseIfInet6(inet6.text) : null;
    if (v6) mergeDiagnostics(diagnostics, v6.diagnostics);
    // No if_inet6 is a kernel without IPv6 (nothing to show); another failure is said, and the IPv6 addresses of
    // running interfaces come from getifaddrs instead (without those of interfaces not running).
    const v6Fallback = !inet6.ok && inet6.code !== 'ENOENT';
    if (!inet6.ok && v6Fallback)
      diagnostics.missing.push({
        source: '/proc/net/if_inet6',
        reason: `${inet6.reason}; IPv6 addresses from getifaddrs, of running interfaces only`,
      });
    const links = await this.linkFacts();
    const speeds = new Map<string, SpeedRead>();
    for (const row of parsed.rows) this.fillFromSysfs(row, links?.get(row.name), speeds);
    this.speeds = speeds;
    // IPv4 addresses: every interface's from the kernel over netlink (RTM_GETADDR, by index), as `ip -4 addr` shows
    // them, scope included. Where it cannot be asked: the running interfaces' from getifaddrs (which leaves the others
    // out; its scope guessed from the address) and the others' from ip (addressesOfDown). getifaddrs dumps every
    // link with its statistics and every address: a fifth of a read at 41 interfaces (docs/performance.md).
    const kernel = await dumpIpv4Addresses(this.rtnl);
    if (kernel.ok) {
      this.downAddresses = null;
      if (kernel.skipped > 0)
        recordSkip(
          diagnostics,
          'netlink RTM_GETADDR',
          '(binary message)',
          'an address message that does not fit its length',
          kernel.skipped,
        );
    }
    const byKernel = kernel.ok ? kernel.byIndex : null;
    const fromKernel = (row: NetInterface) => byKernel !== null && row.index !== null;
    // getifaddrs fails only in odd sandboxes; addresses are then left out rather than failing the table.
    let v4: NodeJS.Dict<os.NetworkInterfaceInfo[]> = {};
    if (v6Fallback || !parsed.rows.every(fromKernel)) {
      try {
        v4 = os.networkInterfaces();
      } catch (err) {
        diagnostics.missing.push({ source: 'getifaddrs', reason: err instanceof Error ? err.message : String(err) });
      }
    }
    const notRunning = parsed.rows.filter((r) => !(r.flags.includes('UP') && r.flags.includes('RUNNING')));
    const downV4 = kernel.ok
      ? new Map<string, InterfaceAddress[]>()
      : await this.addressesOfDown(notRunning, diagnostics, kernel.error);
    // if_inet6's addresses by interface, grouped once: a scan of them all for each interface was quadratic (5,000
    // interfaces of two addresses: 50 million steps a read).
    const v6ByName = new Map<string, InterfaceAddress[]>();
    for (const a of v6?.rows ?? []) {
      let list = v6ByName.get(a.iface);
      if (list === undefined) v6ByName.set(a.iface, (list = []));
      list.push({ family: a.family, address: a.address, prefixLength: a.prefixLength, scope: a.scope });
    }
    for (const row of parsed.rows) {
      const kernelV4 = fromKernel(row);
      if (kernelV4) row.addresses.push(...(byKernel!.get(row.index!) ?? []));
      row.addresses.push(...(downV4.get(row.name) ?? []));
      for (const [label, infos] of Object.entries(v4)) {
        // Alias labels ("eth0:1") belong to their device.
        if (label !== row.name && !label.startsWith(`${row.name}:`)) continue;
        for (const info of infos ?? []) {
          const wanted = info.family === 'IPv4' ? !kernelV4 : v6Fallback && label === row.name;
          if (!wanted) continue;
          const prefix = info.cidr ? Number(info.cidr.split('/')[1]) : null;
          row.addresses.push(
            info.family === 'IPv4'
              ? { family: 'inet', address: info.address, prefixLength: prefix, scope: ipv4Scope(info.address) }
              : { family: 'inet6', address: info.address, prefixLength: prefix, scope: ipv6Scope(info.address) },
          );
        }
      }
      row.addresses.push(...(v6ByName.get(row.name) ?? []));
      // An interface whose flags were unreadable is asked of both sources: list each address once.
      addAddresses(row, []);
    }
    return { rows: parsed.rows, diagnostics };
  }

  /**
   * The link facts of this kernel's interfaces by name, from one RTM_GETLINK dump (rtnl-links.ts), or null where
   * they are read from sysfs: a collector given another sysfs folder (a test's), or a dump that failed (tried again
   * LINK_DUMP_RETRY_MS later). Nothing is lost either way: an interface the dump does not give (a message that
   * could not be read, one made since) is read from sysfs too, so no note is made.
   */
  private async linkFacts(): Promise<Map<string, SysfsLinkFacts> | null> {
    if (!this.linkDump || this.sysNet !== SYS_NET || Date.now() < this.linkDumpRetryAt) return null;
    const r = await dumpLinkFacts(this.rtnl);
    if (r.ok) return r.byName;
    this.linkDumpRetryAt = Date.now() + LINK_DUMP_RETRY_MS;
    return null;
  }

  /**
   * A row's sysfs attributes: those the link dump gave (`link`), the others read from the files (all of them
   * without the dump). Speed and duplex, which no netlink message has, are read again when the link's facts changed
   * (its index, state, carrier, flags, or its count of carrier changes: a link renegotiated between two reads,
   * however quickly, has a new count) or SPEED_REUSE_MS after they were read (a virtual link's speed set by ethtool
   * with no carrier change); else the last read's are kept (`speeds`: this read's, by name). A link that reports
   * no speed answers EINVAL each time, as the loopback and tunnels do: two failed reads a second per interface
   * were most of a read's time on a machine of many interfaces. Unreadable attributes (EINVAL for a down link's
   * speed, a vanished device) stay null/'unknown'.
   */
  private fillFromSysfs(row: NetInterface, link: SysfsLinkFacts | undefined, speeds: Map<string, SpeedRead>): void {
    const base = `${this.sysNet}/${row.name}`;
    let speed: SpeedRead | undefined;
    if (link !== undefined) {
      const key = `${link.ifindex} ${link.operstate} ${link.carrier} ${link.flags} ${link.carrier_changes}`;
      const now = Date.now();
      speed = this.speeds.get(row.name);
      if (speed === undefined || speed.key !== key || now - speed.at >= SPEED_REUSE_MS || now < speed.at)
        speed = { key, at: now, speed: readSysAttr(`${base}/speed`), duplex: readSysAttr(`${base}/duplex`) };
      speeds.set(row.name, speed);
    }
    const values = SYSFS_ATTRIBUTES.map((a) => {
      if (speed !== undefined && (a === 'speed' || a === 'duplex')) return speed[a];
      return link !== undefined && a in link ? link[a as keyof SysfsLinkFacts] : readSysAttr(`${base}/${a}`);
    });
    applySysfsAttributes(row, (a) => values[SYSFS_ATTRIBUTES.indexOf(a)] ?? null);
  }
}

/** The sysfs attributes of an interface that its row is made of (/sys/class/net/<if>/<attribute>). */
export const SYSFS_ATTRIBUTES = [
  'operstate',
  'carrier',
  'mtu',
  'address',
  'speed',
  'duplex',
  'type',
  'flags',
  'ifindex',
] as const;

/** Sets a row's link facts from its sysfs attributes as `attr` gives them (null: unreadable). */
export function applySysfsAttributes(
  row: NetInterface,
  attr: (name: (typeof SYSFS_ATTRIBUTES)[number]) => string | null,
): void {
  const [operstate, carrier, mtu, address, speed, duplex, type, flags, ifindex] = SYSFS_ATTRIBUTES.map(attr);
  const int = (s: string | null | undefined) => (s != null && /^-?\d+$/.test(s) ? Number(s) : null);
  if (operstate) row.operState = operstate;
  row.carrier = carrier === '1' ? true : carrier === '0' ? false : null;
  row.mtu = int(mtu);
  row.mac = address && address !== '' ? address : null;
  const mbps = int(speed);
  row.speedMbps = mbps !== null && mbps > 0 ? mbps : null;
  row.duplex = duplex && duplex !== 'unknown' ? duplex : null;
  const t = int(type);
  row.type = t === null ? null : (ARPHRD[t] ?? `arphrd-${t}`);
  let f = flags && /^0x[0-9a-fA-F]+$/.test(flags) ? Number.parseInt(flags, 16) : null;
  // sysfs shows dev->flags, which never has RUNNING: SIOCGIFFLAGS (what netstat and ifconfig show) adds
  // it for an up device whose operational state is up or unknown (netif_oper_up).
  if (f !== null && f & IFF_UP && (row.operState === 'up' || row.operState === 'unknown')) f |= IFF_RUNNING;
  row.flags = f === null ? [] : interfaceFlagNames(f);
  row.index = int(ifindex);
}
