// sock_diag (NETLINK_SOCK_DIAG) requests and replies, as the kernel lays them out (include/uapi/linux/
// inet_diag.h, sock_diag.h): what ss reads before it prints text. Pure functions over Buffers; netlink.ts
// does the I/O. Every length is checked before it is read: a reply that does not fit is counted, not read.
import { formatIPv6 } from './addresses.js';
import { forEachNetlinkMessage } from './netlink.js';

export const SOCK_DIAG_BY_FAMILY = 20;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const IPPROTO_TCP = 6;

/** inet_diag attributes (INET_DIAG_*) and the idiag_ext bits that ask for them. */
export const INET_DIAG_INFO = 2;
export const INET_DIAG_SKMEMINFO = 7;
export const extBit = (attribute: number): number => 1 << (attribute - 1);

/**
 * The TCP states a dump asks for: every state /proc/net/tcp lists (1 ESTABLISHED … 12 NEW_SYN_RECV), as
 * `ss -a` does. Not TCP_CLOSE sockets that are only bound (BOUND_INACTIVE, 13): /proc has none of those.
 */
export const TCP_DUMP_STATES = 0x1ffe;

/** struct inet_diag_req_v2 (56 bytes): a dump of every socket of a family and protocol in `states`. */
export function inetDiagRequest(family: number, protocol: number, ext: number, states: number): Buffer {
  const b = Buffer.alloc(56);
  b[0] = family;
  b[1] = protocol;
  b[2] = ext;
  b.writeUInt32LE(states >>> 0, 4);
  return b;
}

/** struct inet_diag_msg is 72 bytes; its sockid at 4 (ports big-endian, addresses in network order). */
const INET_DIAG_MSG = 72;

/** One socket of an inet dump, read into a reused object (copy what outlives the visit). */
export interface InetDiagSocket {
  family: number;
  /** The kernel's TCP state number (1 ESTABLISHED … 12 NEW_SYN_RECV). */
  state: number;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  /** The kernel's socket cookie in ss's `sk:` spelling (lowercase hex, no leading zeros). */
  cookie: string;
  rqueue: number;
  wqueue: number;
  uid: number;
  inode: number;
  /** The message's buffer and where each attribute's payload starts (-1: absent) and ends. */
  buffer: Buffer;
  infoStart: number;
  infoEnd: number;
  skmemStart: number;
  skmemEnd: number;
}

const current: InetDiagSocket = {
  family: 0,
  state: 0,
  localAddress: '',
  localPort: 0,
  remoteAddress: '',
  remotePort: 0,
  cookie: '',
  rqueue: 0,
  wqueue: 0,
  uid: 0,
  inode: 0,
  buffer: Buffer.alloc(0),
  infoStart: -1,
  infoEnd: -1,
  skmemStart: -1,
  skmemEnd: -1,
};

/** Address text by its bytes: a machine has few addresses, and most sockets share them. Bounded. */
const v4Text = new Map<number, string>();
const v6Text = new Map<string, string>();
const MAX_ADDRESSES = 4096;

function ipv4At(b: Buffer, at: number): string {
  const n = b.readUInt32BE(at);
  let t = v4Text.get(n);
  if (t === undefined) {
    t = `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
    if (v4Text.size >= MAX_ADDRESSES) v4Text.clear();
    v4Text.set(n, t);
  }
  return t;
}

function ipv6At(b: Buffer, at: number): string {
  const key = `${b.readUInt32BE(at)},${b.readUInt32BE(at + 4)},${b.readUInt32BE(at + 8)},${b.readUInt32BE(at + 12)}`;
  let t = v6Text.get(key);
  if (t === undefined) {
    const groups: number[] = [];
    for (let g = 0; g < 16; g += 2) groups.push(b.readUInt16BE(at + g));
    t = formatIPv6(groups);
    if (v6Text.size >= MAX_ADDRESSES) v6Text.clear();
    v6Text.set(key, t);
  }
  return t;
}

/** ss prints the cookie as `%llx` of (cookie[1] << 32 | cookie[0]). */
function cookieAt(b: Buffer, at: number): string {
  const low = b.readUInt32LE(at);
  const high = b.readUInt32LE(at + 4);
  return high === 0 ? low.toString(16) : high.toString(16) + low.toString(16).padStart(8, '0');
}

/**
 * Visits each socket of an inet dump's datagrams. A message too short for its header or with an attribute
 * running past its end, or of a family other than inet and inet6, is skipped and counted (the return value).
 */
export function forEachInetDiagSocket(datagrams: readonly Buffer[], visit: (s: InetDiagSocket) => void): number {
  let bad = 0;
  const badFraming = forEachNetlinkMessage(datagrams, (b, start, end) => {
    if (end - start < INET_DIAG_MSG) {
      bad++;
      return;
    }
    const family = b[start]!;
    if (family !== AF_INET && family !== AF_INET6) {
      bad++;
      return;
    }
    const s = current;
    s.family = family;
    s.state = b[start + 1]!;
    s.localPort = b.readUInt16BE(start + 4);
    s.remotePort = b.readUInt16BE(start + 6);
    s.localAddress = family === AF_INET ? ipv4At(b, start + 8) : ipv6At(b, start + 8);
    s.remoteAddress = family === AF_INET ? ipv4At(b, start + 24) : ipv6At(b, start + 24);
    s.cookie = cookieAt(b, start + 44);
    s.rqueue = b.readUInt32LE(start + 56);
    s.wqueue = b.readUInt32LE(start + 60);
    s.uid = b.readUInt32LE(start + 64);
    s.inode = b.readUInt32LE(start + 68);
    s.buffer = b;
    s.infoStart = s.infoEnd = s.skmemStart = s.skmemEnd = -1;
    // struct rtattr: u16 length (header included), u16 type; payloads padded to 4 bytes.
    let a = start + INET_DIAG_MSG;
    while (a + 4 <= end) {
      const len = b.readUInt16LE(a);
      if (len < 4 || a + len > end) {
        bad++;
        return;
      }
      const type = b.readUInt16LE(a + 2) & 0x3fff;
      if (type === INET_DIAG_INFO) {
        s.infoStart = a + 4;
        s.infoEnd = a + len;
      } else if (type === INET_DIAG_SKMEMINFO) {
        s.skmemStart = a + 4;
        s.skmemEnd = a + len;
      }
      a += (len + 3) & ~3;
    }
    visit(s);
  });
  return bad + badFraming;
}
