// The TCP rows of a Linux reading taken from `ss -tainHe` while traffic is collected: ss (sock_diag) already
// reports every TCP socket with its state, queues, addresses, uid, inode and cookie, so reading
// /proc/net/tcp and tcp6 as well would make the kernel walk its TCP hash table twice per tick. The rows come
// out as parseProcNetInet makes them from /proc (the same state names, address text, queues, uid, inode and
// id; linux-ss-rows.live.test.ts compares both on the same live sockets), with the traffic fields filled in.
import {
  assignTraffic,
  type Connection,
  type ConnectionState,
  type Diagnostics,
  type TcpState,
} from '../../../shared/types.js';
import { parseIpv4, parseIpv6 } from '../../../shared/address.js';
import { formatIPv6 } from '../linux/addresses.js';
import { inetConnectionKey } from './keys.js';
import { sendQueue, socketUid } from './kernel-states.js';
import {
  forEachSsSocket,
  numberAt,
  readSsHead,
  readSsInfo,
  ssFieldEnds,
  ssFieldStarts,
  ssHead,
  TRAFFIC_NOTES,
  unknownTraffic,
} from './tcp-info.js';

/** ss's state words (misc/ss.c sstate_name) named as /proc/net/tcp's codes are (UNCONN is TCP_CLOSE). */
const SS_TCP_STATES = new Map<string, TcpState>([
  ['ESTAB', 'ESTABLISHED'],
  ['SYN-SENT', 'SYN_SENT'],
  ['SYN-RECV', 'SYN_RECV'],
  ['FIN-WAIT-1', 'FIN_WAIT1'],
  ['FIN-WAIT-2', 'FIN_WAIT2'],
  ['TIME-WAIT', 'TIME_WAIT'],
  ['UNCONN', 'CLOSE'],
  ['CLOSE-WAIT', 'CLOSE_WAIT'],
  ['LAST-ACK', 'LAST_ACK'],
  ['LISTEN', 'LISTEN'],
  ['CLOSING', 'CLOSING'],
]);

interface Address {
  address: string;
  family: 'inet' | 'inet6';
}

/** ss's address text (without the port) as /proc's rows spell it, by that text: a machine has few addresses. */
const addresses = new Map<string, Address | null>();
const MAX_ADDRESSES = 4096;

/**
 * `127.0.0.1`, `127.0.0.53%lo`, `[::1]`, `[::ffff:10.0.0.1]`, `[fe80::1]%eth0`, `*`, `*%eth0`: IPv6 in the text of
 * formatIPv6 (what the /proc reader prints, which differs from inet_ntop for IPv4-compatible addresses), and
 * without the zone: ss's is the device the socket is bound to, and /proc has none; the collector gives
 * link-local rows their zone from if_inet6, whichever table they came from.
 */
function addressOf(text: string): Address | null {
  let a = addresses.get(text);
  if (a !== undefined) return a;
  a = null;
  const zone = text.indexOf('%');
  const bare = zone < 0 ? text : text.slice(0, zone);
  // ss prints the unspecified address of a dual-stack IPv6 socket (v6only:0) as `*` (`*%eth0` bound to a
  // device); of IPv4, 0.0.0.0.
  if (bare === '*') a = { address: '::', family: 'inet6' };
  else if (text.startsWith('[')) {
    const close = text.indexOf(']');
    const bytes = close > 0 ? parseIpv6(text.slice(1, close)) : null;
    if (bytes) {
      const groups: number[] = [];
      for (let g = 0; g < 16; g += 2) groups.push((bytes[g]! << 8) | bytes[g + 1]!);
      a = { address: formatIPv6(groups), family: 'inet6' };
    }
  } else {
    const bytes = parseIpv4(bare);
    if (bytes) a = { address: bytes.join('.'), family: 'inet' };
  }
  if (addresses.size >= MAX_ADDRESSES) addresses.clear();
  addresses.set(text, a);
  return a;
}

/** The port after the last colon of text[s, e) (`*` is 0), with the address text before it. */
function endpointAt(text: string, s: number, e: number): { address: Address; port: number } | null {
  const colon = text.lastIndexOf(':', e - 1);
  if (colon < s) return null;
  const address = addressOf(text.slice(s, colon));
  if (address === null) return null;
  const port = e - colon === 2 && text.charCodeAt(colon + 1) === 42 ? 0 : numberAt(text, colon + 1, e);
  if (!(port >= 0 && port <= 65535)) return null;
  return { address, port };
}

/** A TCP row as parseProcNetInet makes it from /proc, owners not attached, with its traffic fields still
 *  null (without `traffic`: none, as /proc's rows have). `sendQ` as sock_diag gives it: a listener's is its
 *  backlog, which /proc's tx_queue (0) is not (sendQueue). `id`: its key when the caller has it (else made, through the
 *  keys' cache). */
export function tcpRow(
  family: 'inet' | 'inet6',
  localAddress: string,
  localPort: number,
  remoteAddress: string,
  remotePort: number,
  state: ConnectionState,
  recvQ: number,
  sendQ: number,
  uid: number,
  inode: number,
  traffic = true,
  id = inetConnectionKey('tcp', family, localAddress, localPort, remoteAddress, remotePort, inode, state),
): Connection {
  const inodeOrNull = inode === 0 ? null : inode;
  const queued = sendQueue(state, sendQ);
  const owner = socketUid(state, uid, inode);
  // Two literals rather than one extended: each row is made in its final shape (see the traffic fields).
  if (!traffic) {
    return {
      id,
      proto: 'tcp',
      family,
      localAddress,
      localPort,
      remoteAddress,
      remotePort,
      state,
      recvQ,
      sendQ: queued,
      uid: owner,
      user: null,
      inode: inodeOrNull,
      processes: [],
      ownerStatus: 'none',
    };
  }
  return {
    id,
    proto: 'tcp',
    family,
    localAddress,
    localPort,
    remoteAddress,
    remotePort,
    state,
    recvQ,
    sendQ: queued,
    uid: owner,
    user: null,
    inode: inodeOrNull,
    processes: [],
    ownerStatus: 'none',
    // The traffic fields in the order assignTraffic gives every other row, made here with the row: added
    // one by one afterwards, each would move the row to a new shape (and its fields to a new store).
    bytesSent: null,
    bytesAcked: null,
    bytesReceived: null,
    bytesRetrans: null,
    rttMs: null,
    rttVarMs: null,
    minRttMs: null,
    retrans: null,
    cwnd: null,
    lastSendAt: null,
    lastRecvAt: null,
    segsOut: null,
    segsIn: null,
    deliveryRate: null,
    skmem: null,
    trafficNote: null,
    sendRate: null,
    recvRate: null,
  };
}

export const LISTEN_TRAFFIC = Object.freeze(unknownTraffic(TRAFFIC_NOTES.listen));

export interface SsTcpRows {
  rows: Connection[];
  /**
   * The kernel's cookie of each row, by position (the traffic totals follow sockets by it); null where none was
   * printed. Empty when traffic is not read. An array beside the rows rather than a Map of them: at 20,000
   * sockets that Map was 3 MB of garbage a tick, held across the read.
   */
  cookies: (string | null)[];
}

/**
 * The TCP rows of `ss -tainHe` (every state; -m adds socket memory) read at `at`, owners not attached, with
 * their traffic; only the families `wanted` keeps. Sockets whose line is unreadable are skipped and counted.
 */
export function tcpRowsFromSs(
  text: string,
  diagnostics: Diagnostics,
  at: number,
  wanted: (family: 'inet' | 'inet6') => boolean = () => true,
  source = 'ss -tainHe',
): SsTcpRows {
  const rows: Connection[] = [];
  const cookies: (string | null)[] = [];
  let synRecv = false;
  forEachSsSocket(text, diagnostics, source, (start, end, detailEnd) => {
    const bad = readSsHead(text, start, end);
    if (bad !== null) return bad;
    const state = SS_TCP_STATES.get(text.slice(ssFieldStarts[0]!, ssFieldEnds[0]!));
    if (state === undefined) return 'no TCP state';
    const local = endpointAt(text, ssFieldStarts[3]!, ssFieldEnds[3]!);
    const remote = endpointAt(text, ssFieldStarts[4]!, ssFieldEnds[4]!);
    if (local === null || remote === null) return 'unreadable address';
    const family = local.address.family;
    if (remote.address.family !== family) return 'unreadable address';
    if (!wanted(family)) return null;
    const { inode, uid, cookie } = ssHead;
    const row = tcpRow(
      family,
      local.address.address,
      local.port,
      remote.address.address,
      remote.port,
      state,
      numberAt(text, ssFieldStarts[1]!, ssFieldEnds[1]!),
      numberAt(text, ssFieldStarts[2]!, ssFieldEnds[2]!),
      uid,
      inode,
    );
    rows.push(row);
    cookies.push(cookie);
    if (state === 'SYN_RECV') synRecv = true;
    if (state === 'LISTEN') {
      assignTraffic(row, LISTEN_TRAFFIC);
      return null;
    }
    return readSsInfo(text, ssHead.end, detailEnd, at, row, state);
  });
  if (synRecv) listenerUids(rows);
  return { rows, cookies };
}

/** A half-open connection (a request socket, SYN_RECV with no inode) is its listener's: /proc/net/tcp prints
 *  the listener's uid for it, sock_diag none. */
export function listenerUids(rows: Connection[]): void {
  const uids = new Map<string, number | null>();
  for (const r of rows) if (r.state === 'LISTEN') uids.set(`${r.family}|${r.localAddress}|${r.localPort}`, r.uid);
  for (const r of rows) {
    if (r.state !== 'SYN_RECV' || r.inode !== null) continue;
    const wildcard = r.family === 'inet' ? '0.0.0.0' : '::';
    const uid =
      uids.get(`${r.family}|${r.localAddress}|${r.localPort}`) ?? uids.get(`${r.family}|${wildcard}|${r.localPort}`);
    if (uid !== undefined) r.uid = uid;
  }
}
