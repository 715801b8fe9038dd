// Each interface's link facts as its sysfs attributes print them (/sys/class/net/<if>/operstate, carrier, mtu,
// address, type, flags, ifindex), from one RTM_GETLINK dump of the kernel's routing netlink instead of seven files
// per interface. Each sysfs file is an open, a read and a close: seven of them cost about 0.3 ms of CPU per
// interface, every second the Interfaces tab shows, and a machine running containers has dozens of interfaces
// (docs/performance.md, "Interfaces' link facts from one netlink dump"). The kernel fills both from the same fields
// (net/core/net-sysfs.c, rtnetlink.c rtnl_fill_ifinfo), so the texts are the same; rtnl-links.live.test.ts compares
// them on every interface of a namespace of its own. Over the socket the other routing dumps use (netlink.ts).
import { isUtf8 } from 'node:buffer';
import { forEachNetlinkMessage, type NetlinkDumper, readDump } from './netlink.js';
import { forEachAttribute } from './sock-diag.js';

export const RTM_GETLINK = 18;
const RTM_NEWLINK = 16;
/** struct ifinfomsg: family, pad (u8), type (u16), index (s32), flags, change (u32). */
const IFINFOMSG_SIZE = 16;
const IFLA_ADDRESS = 1;
const IFLA_IFNAME = 3;
const IFLA_MTU = 4;
const IFLA_OPERSTATE = 16;
const IFLA_PROMISCUITY = 30;
const IFLA_CARRIER = 33;
const IFLA_CARRIER_CHANGES = 35;
/** Linux 6.6 and later. */
const IFLA_ALLMULTI = 61;
const IFLA_EXT_MASK = 29;
const RTEXT_FILTER_SKIP_STATS = 1 << 3;
/** The names sysfs gives IF_OPER_* (net-sysfs.c operstates[]). */
const OPERSTATES = ['unknown', 'notpresent', 'down', 'lowerlayerdown', 'testing', 'dormant', 'up'];
const IFF_UP = 0x1;
const IFF_RUNNING = 0x40;
const IFF_PROMISC = 0x100;
const IFF_ALLMULTI = 0x200;
const IFF_LOWER_UP = 0x10000;
const IFF_DORMANT = 0x20000;
const LIMITS = { timeoutMs: 5000, maxBytes: 16 * 1024 * 1024 };

/** The RTM_GETLINK request: every interface, without its statistics. */
export function linkDumpRequest(): Buffer {
  const b = Buffer.alloc(IFINFOMSG_SIZE + 8);
  b.writeUInt16LE(8, IFINFOMSG_SIZE);
  b.writeUInt16LE(IFLA_EXT_MASK, IFINFOMSG_SIZE + 2);
  b.writeUInt32LE(RTEXT_FILTER_SKIP_STATS, IFINFOMSG_SIZE + 4);
  return b;
}

/**
 * Each interface message (RTM_NEWLINK) of a link dump's datagrams, with its name's bytes (IFLA_IFNAME, to its NUL,
 * looked for within the attribute: a name without its NUL would have the search run on to the datagram's end); the
 * message's ifinfomsg starts at `start`, its attributes after it, to `end`. Returns how many messages could not be
 * read (of another type, too short, an attribute past the end, no name): left out.
 */
export function forEachLinkMessage(
  datagrams: readonly Buffer[],
  visit: (b: Buffer, start: number, name: Buffer, end: number) => void,
): number {
  let skipped = 0;
  const unframed = forEachNetlinkMessage(datagrams, (b, start, end) => {
    if (b.readUInt16LE(start - 12) !== RTM_NEWLINK || end - start < IFINFOMSG_SIZE) {
      skipped++;
      return;
    }
    let name: Buffer | null = null;
    const whole = forEachAttribute(b, start + IFINFOMSG_SIZE, end, (attr, a, z) => {
      if (attr === IFLA_IFNAME) {
        const nul = b.subarray(a, z).indexOf(0);
        name = b.subarray(a, nul >= 0 ? a + nul : z);
      }
      return true;
    });
    if (!whole || name === null) skipped++;
    else visit(b, start, name, end);
  });
  return skipped + unframed;
}

/** The sysfs attributes a link dump gives, as their files read (trimmed); null where the file cannot be read. */
export interface SysfsLinkFacts {
  operstate: string | null;
  carrier: string | null;
  mtu: string | null;
  address: string;
  type: string;
  flags: string;
  ifindex: string;
  /** How many times the carrier came or went (sysfs carrier_changes; null before Linux 4.1): a link renegotiated
   *  between two reads has a new count. */
  carrier_changes: string | null;
}

/**
 * Each interface's facts by name, from an RTM_GETLINK dump's messages; `skipped` counts the messages that could not
 * be read (too short, an attribute past its end, no name), which are left out (their interfaces are read from sysfs).
 * As sysfs shows them:
 * - flags: the device's own flags (dev->flags). The message's flags are dev_get_flags's, as ioctl's SIOCGIFFLAGS
 *   gives them: RUNNING, LOWER_UP and DORMANT worked out from the link's state, and PROMISC and ALLMULTI only where
 *   a user asked for them (`ip link set promisc on`). dev->flags has none of the first three, and PROMISC and
 *   ALLMULTI whenever the device is in that mode for anyone (a packet capture, a bridge): the counts IFLA_PROMISCUITY
 *   and IFLA_ALLMULTI say so (without IFLA_ALLMULTI, before Linux 6.6, the message's ALLMULTI is kept).
 * - carrier: unreadable (EINVAL) while the device is not up, as sysfs refuses it then.
 * - address: empty for a device with no hardware address (a tun device), as sysfs prints it.
 * - operstate: the kernel gives IF_OPER_DOWN for a device not up, to both; one sysfs has no name for is unreadable.
 * An interface name is decoded as /proc/net/dev's reader decodes it (UTF-8 where it is valid, else latin1).
 */
export function parseLinkDump(datagrams: readonly Buffer[]): { byName: Map<string, SysfsLinkFacts>; skipped: number } {
  const byName = new Map<string, SysfsLinkFacts>();
  const skipped = forEachLinkMessage(datagrams, (b, start, name, end) => {
    let mtu: string | null = null;
    let address = '';
    let operstate = -1;
    let carrier = -1;
    let promiscuity = -1;
    let allmulti = -1;
    let carrierChanges: string | null = null;
    forEachAttribute(b, start + IFINFOMSG_SIZE, end, (attr, a, z) => {
      if (attr === IFLA_ADDRESS) address = hexBytes(b, a, z);
      else if (z - a >= 4 && attr === IFLA_MTU) mtu = String(b.readUInt32LE(a));
      else if (z - a >= 4 && attr === IFLA_PROMISCUITY) promiscuity = b.readUInt32LE(a);
      else if (z - a >= 4 && attr === IFLA_ALLMULTI) allmulti = b.readUInt32LE(a);
      else if (z - a >= 4 && attr === IFLA_CARRIER_CHANGES) carrierChanges = String(b.readUInt32LE(a));
      else if (z - a >= 1 && attr === IFLA_OPERSTATE) operstate = b[a]!;
      else if (z - a >= 1 && attr === IFLA_CARRIER) carrier = b[a]!;
      return true;
    });
    const given = b.readUInt32LE(start + 8);
    let flags = given & ~(IFF_RUNNING | IFF_LOWER_UP | IFF_DORMANT);
    if (promiscuity >= 0) flags = (flags & ~IFF_PROMISC) | (promiscuity > 0 ? IFF_PROMISC : 0);
    if (allmulti >= 0) flags = (flags & ~IFF_ALLMULTI) | (allmulti > 0 ? IFF_ALLMULTI : 0);
    byName.set(name.toString(isUtf8(name) ? 'utf8' : 'latin1'), {
      operstate: OPERSTATES[operstate] ?? null,
      carrier: given & IFF_UP && carrier >= 0 ? String(carrier === 0 ? 0 : 1) : null,
      mtu,
      address,
      type: String(b.readUInt16LE(start + 2)),
      flags: `0x${(flags >>> 0).toString(16)}`,
      ifindex: String(b.readInt32LE(start + 4)),
      carrier_changes: carrierChanges,
    });
  });
  return { byName, skipped };
}

/** Bytes as sysfs prints a hardware address: two lower-case hex digits each, joined by colons. */
function hexBytes(b: Buffer, start: number, end: number): string {
  const parts: string[] = [];
  for (let i = start; i < end; i++) parts.push(b[i]!.toString(16).padStart(2, '0'));
  return parts.join(':');
}

/** Every interface's sysfs link facts by name, or why the kernel could not be asked. */
export async function dumpLinkFacts(
  dumper: NetlinkDumper,
): Promise<{ ok: true; byName: Map<string, SysfsLinkFacts>; skipped: number } | { ok: false; error: string }> {
  const r = await readDump(dumper, RTM_GETLINK, linkDumpRequest(), LIMITS, parseLinkDump);
  return r.ok ? { ok: true, ...r.value } : r;
}
