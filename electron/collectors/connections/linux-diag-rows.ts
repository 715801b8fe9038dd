// The TCP rows of a Linux reading taken from sock_diag (netlink) while traffic is collected: the same
// socket table `ss -tainHe` prints, read as the kernel's binary records, so nothing is formatted as text and
// parsed back. The rows come out as tcpRowsFromSs makes them (linux-diag-rows.live.test.ts compares both,
// and /proc's, on the same live sockets), with the traffic fields from the tcp_info struct.
import { sameTrafficFields } from '../../../shared/diff.js';
import type { Connection, ConnectionState, ConnectionTraffic, Diagnostics } from '../../../shared/types.js';
import { assignTraffic, recordSkip } from '../../../shared/types.js';
import { inetStateName, sendQueue, socketUid } from './kernel-states.js';
import { AF_INET, forEachInetDiagSocket, type InetDiagSocket } from '../linux/sock-diag.js';
import type { KeptRows } from './kept-rows.js';
import { inetConnectionKey, keyedByEndpoints } from './keys.js';
import { LISTEN_TRAFFIC, listenerUids, type SsTcpRows, tcpRow } from './linux-ss-rows.js';
import { readTcpInfoStruct, unknownTraffic } from './tcp-info.js';

/**
 * The TCP rows of an inet sock_diag dump (both families' datagrams) read at `at`, owners not attached, with
 * their traffic (without `traffic`: no traffic fields, as /proc's rows; the dump then has no tcp_info);
 * only the families `wanted` keeps. Records that do not fit their message are skipped and
 * counted. With `kept`, a socket whose record gives the very fields of the row the previous read gave it is
 * given that row again (see KeptRows: the caller begins each read, and changes copies of kept rows).
 */
export function tcpRowsFromDiag(
  datagrams: readonly Buffer[],
  diagnostics: Diagnostics,
  at: number,
  wanted: (family: 'inet' | 'inet6') => boolean = () => true,
  traffic = true,
  source = 'sock_diag (netlink)',
  kept?: KeptRows,
): SsTcpRows {
  const rows: SsTcpRows['rows'] = [];
  const cookies: SsTcpRows['cookies'] = [];
  let synRecv = false;
  const bad = forEachInetDiagSocket(datagrams, (s) => {
    const family = s.family === AF_INET ? 'inet' : 'inet6';
    if (!wanted(family)) return;
    // A request socket (NEW_SYN_RECV) is given as TCP_SYN_RECV, as /proc prints it; a state this NetLens has
    // no name for is kept as UNKNOWN(0x..), as /proc's reader keeps it.
    const state = inetStateName('tcp', s.state);
    // Whether `info` holds this socket's traffic, read for the comparison.
    let infoRead = false;
    // The row's key: with kept rows, the previous row's when the socket is found with the same endpoints (a
    // changed row keeps its key string), else made without the keys' cache (see inetConnectionKey).
    let id: string | undefined;
    // A socket without an inode (time-wait) is known by its endpoints; a request socket is always built afresh
    // (see sameRecord).
    const previous =
      kept === undefined || state === 'SYN_RECV'
        ? undefined
        : s.inode !== 0
          ? kept.previousRow(s.inode)
          : kept.previousUnnamed(family, s.localAddress, s.localPort, s.remoteAddress, s.remotePort);
    if (previous !== undefined) {
      if (sameRecord(previous, s, family, state, traffic, at)) {
        kept!.give(previous, true);
        rows.push(previous);
        if (traffic) cookies.push(s.cookie);
        return;
      }
      infoRead = info.trafficNote !== UNREAD;
      if (sameKey(previous, family, s, state)) id = previous.id;
    }
    if (kept !== undefined && id === undefined)
      id = inetConnectionKey(
        'tcp',
        family,
        s.localAddress,
        s.localPort,
        s.remoteAddress,
        s.remotePort,
        s.inode,
        state,
        false,
      );
    const row = tcpRow(
      family,
      s.localAddress,
      s.localPort,
      s.remoteAddress,
      s.remotePort,
      state,
      s.rqueue,
      s.wqueue,
      s.uid,
      s.inode,
      traffic,
      id,
    );
    kept?.give(row, false);
    rows.push(row);
    if (state === 'SYN_RECV') synRecv = true;
    if (!traffic) return;
    cookies.push(s.cookie);
    if (state === 'LISTEN') assignTraffic(row, LISTEN_TRAFFIC);
    else if (infoRead) assignTraffic(row, info);
    else readTcpInfoStruct(s.buffer, s.infoStart, s.infoEnd, s.skmemStart, s.skmemEnd, at, row, state);
  });
  for (let i = 0; i < bad; i++)
    recordSkip(diagnostics, source, '(binary record)', 'a record that does not fit its message');
  if (synRecv) listenerUids(rows);
  return { rows, cookies };
}

/** Whether a record gives the fields a row made from it has, its traffic aside (sameRecord). */
function sameFields(row: Connection, s: InetDiagSocket, family: 'inet' | 'inet6', state: ConnectionState): boolean {
  return (
    row.state === state &&
    row.recvQ === s.rqueue &&
    row.sendQ === sendQueue(state, s.wqueue) &&
    row.localPort === s.localPort &&
    row.remotePort === s.remotePort &&
    row.uid === socketUid(state, s.uid, s.inode) &&
    row.inode === (s.inode === 0 ? null : s.inode) &&
    row.family === family &&
    row.localAddress === s.localAddress &&
    row.remoteAddress === s.remoteAddress &&
    state !== 'SYN_RECV' &&
    !(family === 'inet6' && LINK_LOCAL.test(s.localAddress))
  );
}

/**
 * Whether a dump of the TCP listeners alone (both families' datagrams; a record in another state counts as a
 * change) lists the very listeners among the first `count` of `rows` (a reading's TCP rows), field for field, in
 * the families `wanted`: none gone, moved (a listener taken to CLOSE by shutdown(2) and bound and listening again
 * elsewhere keeps its inode), or new.
 */
export function sameListeners(
  datagrams: readonly Buffer[],
  rows: readonly Connection[],
  count: number,
  wanted: (family: 'inet' | 'inet6') => boolean,
): boolean {
  const listeners = new Map<number, Connection>();
  for (let i = 0; i < count; i++) {
    const r = rows[i]!;
    if (r.state === 'LISTEN' && r.inode !== null) listeners.set(r.inode, r);
    else if (r.state === 'LISTEN') return false;
  }
  let same = true;
  let found = 0;
  const bad = forEachInetDiagSocket(datagrams, (s) => {
    const family = s.family === AF_INET ? 'inet' : 'inet6';
    if (!same || !wanted(family)) return;
    const row = listeners.get(s.inode);
    if (row === undefined || !sameFields(row, s, family, inetStateName('tcp', s.state))) same = false;
    else found++;
  });
  return same && bad === 0 && found === listeners.size;
}

/** The traffic sameRecord read last (UNREAD when it read none). */
const UNREAD = '(unread)';
const info: ConnectionTraffic = unknownTraffic(UNREAD);

/**
 * Whether a record gives the very fields of the row the previous read gave the socket: the fields made from the
 * record, and its traffic read at `at`. Owners are not compared (they are attached afterwards, to a copy when
 * they changed). A request socket's uid comes from its listener (listenerUids), and a link-local address
 * gets its zone afterwards: such rows are always built afresh.
 */
function sameRecord(
  row: Connection,
  s: InetDiagSocket,
  family: 'inet' | 'inet6',
  state: ConnectionState,
  traffic: boolean,
  at: number,
): boolean {
  info.trafficNote = UNREAD;
  if (!sameFields(row, s, family, state)) return false;
  if (!traffic) return row.bytesSent === undefined;
  if (row.bytesSent === undefined) return false;
  if (state === 'LISTEN') return sameTrafficFields(row, LISTEN_TRAFFIC);
  readTcpInfoStruct(s.buffer, s.infoStart, s.infoEnd, s.skmemStart, s.skmemEnd, at, info, state);
  return sameTrafficFields(row, info);
}

const LINK_LOCAL = /^fe[89ab]/i;

/** Whether a record's socket has the key of the previous row found for it (found by inode, or by endpoints
 *  without one): the same family, endpoints and inode. */
function sameKey(row: Connection, family: 'inet' | 'inet6', s: InetDiagSocket, state: ConnectionState): boolean {
  return (
    keyedByEndpoints('tcp', row.state) === keyedByEndpoints('tcp', state) &&
    row.inode === (s.inode === 0 ? null : s.inode) &&
    row.localPort === s.localPort &&
    row.remotePort === s.remotePort &&
    row.family === family &&
    row.localAddress === s.localAddress &&
    row.remoteAddress === s.remoteAddress
  );
}
