// What `ip route show table all` prints, as bytes of the kernel's routing netlink: the Routes collector runs ip
// only when these change, instead of on a clock (docs/performance.md, "The Routes and Interfaces tabs without ip on a clock").
// Two dumps, over the socket the sock_diag dumps use (netlink.ts, relayed to the host's thread in the monitor):
// - RTM_GETROUTE of every family (AF_UNSPEC): without NETLINK_GET_STRICT_CHK the kernel dumps every table of
//   each family, and the cached exceptions (RTM_F_CLONED) too, which ip leaves out and so are left out here; the
//   families other than IPv4 and IPv6 (multicast routing, MPLS) are not ip's either. In each route the counters
//   that move while the route stays (RTA_CACHEINFO's ages, use counts and time left: an IPv6 route from a router
//   advertisement counts its lifetime down) are blanked, but whether it expires (ip's `expires`, the `e` flag);
//   and the nlmsghdr's sequence and port, which are the dump's.
// - RTM_GETLINK without statistics (RTEXT_FILTER_SKIP_STATS): each interface's index and name, since ip prints
//   names and a renamed interface renames its routes.
import { forEachNetlinkMessage, type NetlinkDumper, readDump } from './netlink.js';
import { forEachLinkMessage, linkDumpRequest, RTM_GETLINK } from './rtnl-links.js';
import { AF_INET, AF_INET6, forEachAttribute } from './sock-diag.js';

export const RTM_GETROUTE = 26;
const RTM_NEWROUTE = 24;
/** struct rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type (u8 each), flags (u32). */
const RTMSG_SIZE = 12;
const RTM_F_CLONED = 0x200;
const RTA_CACHEINFO = 12;
const RTA_EXPIRES = 23;
/** Offsets in struct rta_cacheinfo of what moves with time and use: clntref, lastuse, used, id, ts, tsage
 *  (expires, at 8, is kept as whether it is set; error, at 12, is kept). */
const CACHEINFO_MOVING = [0, 4, 16, 20, 24, 28];
const CACHEINFO_EXPIRES = 8;
/** Each dump's: a routing table of up to about 80,000 routes (past it the collector goes back to the clock). */
const DUMP_LIMITS = { timeoutMs: 5000, maxBytes: 8 * 1024 * 1024 };

/** The RTM_GETROUTE request: every family, every table. */
export function routeDumpRequest(): Buffer {
  return Buffer.alloc(RTMSG_SIZE);
}

/** A u32 at `at` set to 1 where it is not 0 (whether a time is set, not how much of it is left). */
function keepWhetherSet(b: Buffer, at: number): void {
  if (b.readUInt32LE(at) !== 0) b.writeUInt32LE(1, at);
}

/**
 * The IPv4 and IPv6 routes of an RTM_GETROUTE dump's datagrams as the bytes ip's answer follows from: each route
 * message that ip would print, whole, its nlmsghdr's sequence and port zeroed and its moving counters blanked
 * (see the file's head). `skipped` counts the messages that could not be read (too short, an attribute past
 * its end): kept whole, unblanked but for the sequence and port, so that a change in one is still seen (and the
 * next dump's sequence is not taken for one).
 */
export function routeFingerprint(datagrams: readonly Buffer[]): { bytes: Buffer; routes: number; skipped: number } {
  let total = 0;
  for (const d of datagrams) total += d.length;
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  let routes = 0;
  let skipped = 0;
  /** Copies the message whole to `to`, its nlmsghdr's sequence and port zeroed (they are the dump's, new each time). */
  const copyMessage = (b: Buffer, start: number, end: number, to: number) => {
    b.copy(out, to, start - 16, end);
    out.writeUInt32LE(0, to + 8);
    out.writeUInt32LE(0, to + 12);
  };
  const unframed = forEachNetlinkMessage(datagrams, (b, start, end) => {
    const type = b.readUInt16LE(start - 12);
    if (type !== RTM_NEWROUTE) {
      skipped++;
      return;
    }
    if (end - start < RTMSG_SIZE) {
      skipped++;
      copyMessage(b, start, end, at);
      at += end - start + 16;
      return;
    }
    const family = b.readUInt8(start);
    if ((family !== AF_INET && family !== AF_INET6) || b.readUInt32LE(start + 8) & RTM_F_CLONED) return;
    const from = at;
    copyMessage(b, start, end, from);
    at += end - start + 16;
    const body = from + 16;
    const whole = forEachAttribute(out, body + RTMSG_SIZE, at, (attr, a, z) => {
      if (attr === RTA_CACHEINFO && z - a >= 32) {
        for (const o of CACHEINFO_MOVING) out.writeUInt32LE(0, a + o);
        keepWhetherSet(out, a + CACHEINFO_EXPIRES);
      } else if (attr === RTA_EXPIRES && z - a >= 4) {
        keepWhetherSet(out, a);
        if (z - a >= 8) out.writeUInt32LE(0, a + 4);
      }
      return true;
    });
    if (whole) routes++;
    else {
      skipped++;
      copyMessage(b, start, end, from);
    }
  });
  return { bytes: out.subarray(0, at), routes, skipped: skipped + unframed };
}

/** Each interface's index and name from an RTM_GETLINK dump, as `index NUL name NUL` pairs in dump order;
 *  `skipped` counts the messages that could not be read (they are left out). */
export function linkNames(datagrams: readonly Buffer[]): { bytes: Buffer; links: number; skipped: number } {
  const parts: string[] = [];
  const skipped = forEachLinkMessage(datagrams, (b, start, name) => {
    parts.push(`${b.readInt32LE(start + 4)}\u0000${name.toString('latin1')}\u0000`);
  });
  return { bytes: Buffer.from(parts.join(''), 'latin1'), links: parts.length, skipped };
}

/** One dump, read by `read` (readDump); an error names the request. */
async function dumpRead<T>(
  dumper: NetlinkDumper,
  name: string,
  type: number,
  payload: Buffer,
  read: (datagrams: readonly Buffer[]) => T,
): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  const r = await readDump(dumper, type, payload, DUMP_LIMITS, read);
  return r.ok ? r : { ok: false, error: `${name}: ${r.error}` };
}

/**
 * The fingerprint of what `ip -j -4/-6 route show table all` would print, from the kernel now: the routes'
 * bytes and the interfaces' names (two dumps). An error says why the kernel could not be asked.
 */
export async function routesFingerprint(
  dumper: NetlinkDumper,
): Promise<{ ok: true; bytes: Buffer; skipped: number } | { ok: false; error: string }> {
  const r = await dumpRead(dumper, 'RTM_GETROUTE', RTM_GETROUTE, routeDumpRequest(), routeFingerprint);
  if (!r.ok) return r;
  const l = await dumpRead(dumper, 'RTM_GETLINK', RTM_GETLINK, linkDumpRequest(), linkNames);
  if (!l.ok) return l;
  return {
    ok: true,
    bytes: Buffer.concat([r.value.bytes, Buffer.from([0xff, 0xff]), l.value.bytes]),
    skipped: r.value.skipped + l.value.skipped,
  };
}
