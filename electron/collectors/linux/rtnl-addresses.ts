// IPv4 addresses of every interface from the kernel's routing netlink (RTM_GETADDR), as `ip -j -4 addr` reads them,
// with no subprocess: for the interfaces that are not running (getifaddrs leaves them out) where ip is missing,
// fails or prints what cannot be read. Over the netlink socket sock_diag dumps use (netlink.ts).
import type { InterfaceAddress } from '../../../shared/types.js';
import { forEachNetlinkMessage, type NetlinkDumper, readDump } from './netlink.js';
import { AF_INET, forEachAttribute } from './sock-diag.js';

export const NETLINK_ROUTE = 0;
export const RTM_GETADDR = 22;
/** struct ifaddrmsg: family, prefix length, flags, scope (u8 each), then the interface index (u32). */
const IFADDRMSG_SIZE = 8;
const IFA_ADDRESS = 1;
const IFA_LOCAL = 2;
/** rt_scope_t, as ip names it. */
const SCOPES: Record<number, string> = { 0: 'global', 200: 'site', 253: 'link', 254: 'host', 255: 'nowhere' };
const LIMITS = { timeoutMs: 5000, maxBytes: 16 * 1024 * 1024 };

/** The RTM_GETADDR request for every IPv4 address (a dump; the index 0 is every interface). */
export function ipv4AddressRequest(): Buffer {
  const payload = Buffer.alloc(IFADDRMSG_SIZE);
  payload.writeUInt8(AF_INET, 0);
  return payload;
}

/** Interface index -> its IPv4 addresses, from an RTM_GETADDR dump's messages; `skipped` counts the ones that could
 *  not be read (too short, an attribute past the end, no address). The local address where there is one (a
 *  point-to-point link's IFA_ADDRESS is its peer's), as ip shows it. */
export function parseAddressDump(datagrams: readonly Buffer[]): {
  byIndex: Map<number, InterfaceAddress[]>;
  skipped: number;
} {
  const byIndex = new Map<number, InterfaceAddress[]>();
  let skipped = 0;
  const unframed = forEachNetlinkMessage(datagrams, (b, start, end) => {
    if (end - start < IFADDRMSG_SIZE || b.readUInt8(start) !== AF_INET) {
      skipped++;
      return;
    }
    let local = -1;
    let address = -1;
    const whole = forEachAttribute(b, start + IFADDRMSG_SIZE, end, (type, from, to) => {
      if (type !== IFA_LOCAL && type !== IFA_ADDRESS) return true;
      if (to - from < 4) return false;
      if (type === IFA_LOCAL) local = from;
      else address = from;
      return true;
    });
    const at = local >= 0 ? local : address;
    if (!whole || at < 0) {
      skipped++;
      return;
    }
    const index = b.readUInt32LE(start + 4);
    const list = byIndex.get(index) ?? [];
    list.push({
      family: 'inet',
      address: `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`,
      prefixLength: b.readUInt8(start + 1),
      scope: SCOPES[b.readUInt8(start + 3)] ?? String(b.readUInt8(start + 3)),
    });
    byIndex.set(index, list);
  });
  return { byIndex, skipped: skipped + unframed };
}

/** Every interface's IPv4 addresses by index, or why the kernel could not be asked. */
export async function dumpIpv4Addresses(
  dumper: NetlinkDumper,
): Promise<{ ok: true; byIndex: Map<number, InterfaceAddress[]>; skipped: number } | { ok: false; error: string }> {
  const r = await readDump(dumper, RTM_GETADDR, ipv4AddressRequest(), LIMITS, parseAddressDump);
  return r.ok ? { ok: true, ...r.value } : r;
}
