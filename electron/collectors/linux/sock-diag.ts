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
/** TCP's listeners alone (1 << TCP_LISTEN): a dump of them walks the kernel's listening hash, not its established one. */
export const TCPF_LISTEN = 1 << 10;

/** struct inet_diag_req_v2 (56 bytes): a dump of every socket of a family and protocol in `states`. */
export function inetDiagRequest(family: number, protocol: number, ext: number, states: number): Buffer {
  const b = Buffer.alloc(56);
  b[0] = family;
  b[1] = protocol;
  b[2] = ext;
  b.writeUInt32LE(states >>> 0, 4);
  return b;
}

/**
 * struct inet_diag_req_v2 for one socket (NetlinkDumper.get): its family and protocol, and its sockid as a dump
 * gives it (local address and port, remote ones, and its cookie, so that a later socket on the same endpoints
 * is not taken for it: the kernel answers ESTALE). The kernel looks it up in its hash (inet_diag_find_one_icsk)
 * rather than walking the table. Addresses are 4 or 16 bytes, network order; the cookie in ss's spelling
 * (cookieAt); null when it is not one.
 */
export function inetDiagGetRequest(
  family: number,
  protocol: number,
  ext: number,
  local: Uint8Array,
  localPort: number,
  remote: Uint8Array,
  remotePort: number,
  cookie: string,
): Buffer | null {
  const size = family === AF_INET ? 4 : 16;
  if (local.length !== size || remote.length !== size || !/^[0-9a-f]{1,16}$/.test(cookie)) return null;
  const b = inetDiagRequest(family, protocol, ext, TCP_DUMP_STATES);
  b.writeUInt16BE(localPort, 8);
  b.writeUInt16BE(remotePort, 10);
  b.set(local, 12);
  b.set(remote, 28);
  const hex = cookie.padStart(16, '0');
  b.writeUInt32LE(Number.parseInt(hex.slice(8), 16), 48);
  b.writeUInt32LE(Number.parseInt(hex.slice(0, 8), 16), 52);
  return b;
}

/**
 * TCPDIAG_GETSOCK, the first inet_diag request (struct inet_diag_req, 60 bytes): the kernel still answers it
 * (inet_diag_dump_compat) and asks for AF_UNSPEC, so one dump, one walk of the TCP hash table, lists both
 * families. SOCK_DIAG_BY_FAMILY takes one dump per family, and each walks the whole table (262,144 buckets
 * here, whatever the number of sockets). The replies are the same inet_diag_msg records, typed 18.
 */
export const TCPDIAG_GETSOCK = 18;

/** struct inet_diag_req for TCPDIAG_GETSOCK: every TCP socket of both families in `states`. */
export function inetDiagBothFamiliesRequest(ext: number, states: number): Buffer {
  const b = Buffer.alloc(60);
  b[3] = ext; // idiag_family (0), src_len, dst_len, then idiag_ext; the 48-byte sockid stays zero
  b.writeUInt32LE(states >>> 0, 52);
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

const NO_BUFFER = Buffer.alloc(0);

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
  buffer: NO_BUFFER,
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
 * Walks the attributes of b[from, end) (struct rtattr: u16 length, header included, u16 type; payloads padded
 * to 4 bytes): `visit(type, payloadStart, payloadEnd)` for each. False when one runs past the end or `visit`
 * refuses one (too short for what it holds): the record is then not read further.
 */
export function forEachAttribute(
  b: Buffer,
  from: number,
  end: number,
  visit: (type: number, start: number, end: number) => boolean,
): boolean {
  let a = from;
  while (a + 4 <= end) {
    const len = b.readUInt16LE(a);
    if (len < 4 || a + len > end) return false;
    if (!visit(b.readUInt16LE(a + 2) & 0x3fff, a + 4, a + len)) return false;
    a += (len + 3) & ~3;
  }
  return true;
}

function inetAttribute(type: number, start: number, end: number): boolean {
  if (type === INET_DIAG_INFO) {
    current.infoStart = start;
    current.infoEnd = end;
  } else if (type === INET_DIAG_SKMEMINFO) {
    current.skmemStart = start;
    current.skmemEnd = end;
  }
  return true;
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
    if (forEachAttribute(b, start + INET_DIAG_MSG, end, inetAttribute)) visit(s);
    else bad++;
  });
  // The record outlives the walk; the dump's buffer (in the worker, the whole dump's) must not.
  current.buffer = NO_BUFFER;
  return bad + badFraming;
}

/** AF_UNIX: unix_diag (include/uapi/linux/unix_diag.h). */
export const AF_UNIX = 1;
/** udiag_show bits: the name, the peer's inode, a listener's pending connections, the queue lengths. */
export const UDIAG_SHOW_NAME = 0x1;
export const UDIAG_SHOW_PEER = 0x4;
export const UDIAG_SHOW_ICONS = 0x8;
export const UDIAG_SHOW_RQLEN = 0x10;
/** unix_diag attributes (UNIX_DIAG_*). */
const UNIX_DIAG_NAME = 0;
const UNIX_DIAG_PEER = 2;
const UNIX_DIAG_ICONS = 3;
const UNIX_DIAG_RQLEN = 4;
/** Every sk_state (a bit per state number): all of /proc/net/unix's sockets. */
export const UNIX_DUMP_STATES = 0xffffffff;

/**
 * struct unix_diag_req (24 bytes): family, protocol (0), pad, udiag_states at 4, udiag_ino at 8 (0: every
 * socket), udiag_show at 12, udiag_cookie at 16.
 */
export function unixDiagRequest(show: number, states = UNIX_DUMP_STATES): Buffer {
  const b = Buffer.alloc(24);
  b[0] = AF_UNIX;
  b.writeUInt32LE(states >>> 0, 4);
  b.writeUInt32LE(show >>> 0, 12);
  return b;
}

/** struct unix_diag_msg is 16 bytes: family, type, state, pad, udiag_ino at 4, udiag_cookie at 8. */
const UNIX_DIAG_MSG = 16;
/** sizeof(sockaddr_un.sun_path). */
export const UNIX_PATH_MAX = 108;

/** One socket of a unix dump, read into a reused object (copy what outlives the visit). */
export interface UnixDiagSocket {
  /** SOCK_STREAM 1, SOCK_DGRAM 2, SOCK_SEQPACKET 5. */
  type: number;
  /** The kernel's sk_state (TCP_ESTABLISHED 1, TCP_CLOSE 7, TCP_LISTEN 10). */
  state: number;
  inode: number;
  /** The message's buffer and where the name's bytes (sun_path, counted: UNIX_DIAG_NAME) start and end;
   *  -1: no name (an unbound socket). */
  buffer: Buffer;
  nameStart: number;
  nameEnd: number;
  /** The peer's inode (0: none or not asked), the queue lengths (-1: not given). */
  peer: number;
  /** A listener's connections not yet accepted (UNIX_DIAG_ICONS: one u32, the connecting peer's inode, each):
   *  the dump has no record of their own, /proc/net/unix has (inode 0). */
  pending: number;
  rqueue: number;
  wqueue: number;
}

const currentUnix: UnixDiagSocket = {
  type: 0,
  state: 0,
  inode: 0,
  buffer: NO_BUFFER,
  nameStart: -1,
  nameEnd: -1,
  peer: 0,
  pending: 0,
  rqueue: -1,
  wqueue: -1,
};

function unixAttribute(type: number, start: number, end: number): boolean {
  const s = currentUnix;
  const len = end - start;
  if (type === UNIX_DIAG_NAME) {
    // sun_path is 108 bytes; a path's name counts its terminating NUL, which the kernel adds past the 108th
    // byte when a path fills sun_path (unix_mkname_bsd): 109 bytes then. A longer name is no kernel's.
    if (len > UNIX_PATH_MAX + 1) return false;
    if (len === UNIX_PATH_MAX + 1 && (s.buffer[start] === 0 || s.buffer[end - 1] !== 0)) return false;
    s.nameStart = start;
    s.nameEnd = end;
  } else if (type === UNIX_DIAG_ICONS) {
    s.pending = len >>> 2;
  } else if (type === UNIX_DIAG_PEER) {
    if (len < 4) return false;
    s.peer = s.buffer.readUInt32LE(start);
  } else if (type === UNIX_DIAG_RQLEN) {
    if (len < 8) return false;
    s.rqueue = s.buffer.readUInt32LE(start);
    s.wqueue = s.buffer.readUInt32LE(start + 4);
  }
  return true;
}

/**
 * Visits each socket of a unix dump's datagrams. A message too short for its header, with an attribute running
 * past its end or of an attribute too short for what it holds, or of a family other than AF_UNIX, is skipped and
 * counted (the return value).
 */
export function forEachUnixDiagSocket(datagrams: readonly Buffer[], visit: (s: UnixDiagSocket) => void): number {
  let bad = 0;
  const badFraming = forEachNetlinkMessage(datagrams, (b, start, end) => {
    if (end - start < UNIX_DIAG_MSG || b[start] !== AF_UNIX) {
      bad++;
      return;
    }
    const s = currentUnix;
    s.type = b[start + 1]!;
    s.state = b[start + 2]!;
    s.inode = b.readUInt32LE(start + 4);
    s.buffer = b;
    s.nameStart = s.nameEnd = -1;
    s.peer = 0;
    s.pending = 0;
    s.rqueue = s.wqueue = -1;
    if (forEachAttribute(b, start + UNIX_DIAG_MSG, end, unixAttribute)) visit(s);
    else bad++;
  });
  currentUnix.buffer = NO_BUFFER;
  return bad + badFraming;
}
