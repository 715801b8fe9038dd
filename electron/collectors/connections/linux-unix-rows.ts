// Unix socket rows, made in one place for both readers: /proc/net/unix's text (parseProcNetUnix in linux.ts,
// for this machine where sock_diag does not load and for remote hosts' frames) and the kernel's unix_diag
// records (unixRowsFromDiag). The kernel fills /proc's columns from the same socket fields the dump gives
// (net/unix/af_unix.c, unix_seq_show), so the rows are the same; linux-unix-rows.live.test.ts compares
// both on the same live sockets, but for one thing only the dump gives: the queue lengths (UNIX_DIAG_RQLEN), which
// /proc/net/unix has no column for (its rows keep 0, as netstat -x has none), and which are what `ss -x` prints. A
// unix socket whose record did not change since the last read is given that read's row again (KeptRows, as the
// TCP rows from sock_diag are).
import type { Connection, Diagnostics, UnixState, UnknownState } from '../../../shared/types.js';
import { recordSkip } from '../../../shared/types.js';
import { InodelessUnixKeys, unixConnectionKey } from './keys.js';
import { unknownState } from './kernel-states.js';
import {
  forEachUnixDiagSocket,
  UDIAG_SHOW_NAME,
  UDIAG_SHOW_PEER,
  UDIAG_SHOW_RQLEN,
  type UnixDiagSocket,
} from '../linux/sock-diag.js';
import type { KeptRows } from './kept-rows.js';

const UNIX_TYPES: Record<number, string> = { 1: 'STREAM', 2: 'DGRAM', 3: 'RAW', 4: 'RDM', 5: 'SEQPACKET' };
/** /proc's St column: the socket's SS_* state (include/uapi/linux/net.h). */
const UNIX_STATES: Record<number, UnixState> = {
  1: 'UNCONNECTED',
  2: 'CONNECTING',
  3: 'CONNECTED',
  4: 'DISCONNECTING',
};

/** The kernel's sk_state numbers (include/net/tcp_states.h) that unix sockets use. */
const TCP_ESTABLISHED = 1;
const TCP_LISTEN = 10;

/**
 * One unix socket's row, owners not attached. `listening`: /proc's __SO_ACCEPTCON flag; `st`: its St column;
 * `type`: its Type column (SOCK_STREAM 1 …); `path`: the name as /proc prints it ('' when unbound).
 */
export function unixRow(path: string, inode: number, type: number, listening: boolean, st: number): Connection {
  return {
    id: unixConnectionKey(path, inode),
    proto: 'unix',
    family: 'unix',
    localAddress: '',
    localPort: 0,
    remoteAddress: '',
    remotePort: 0,
    state: unixState(listening, st),
    recvQ: 0,
    sendQ: 0,
    uid: null,
    user: null,
    inode: inode === 0 ? null : inode,
    processes: [],
    ownerStatus: 'none',
    path,
    socketType: unixType(type),
  };
}

/** A unix row's state: listening (/proc's __SO_ACCEPTCON) or its St column's. */
function unixState(listening: boolean, st: number): UnixState | UnknownState {
  return listening ? 'LISTENING' : (UNIX_STATES[st] ?? unknownState(st));
}

/** A unix row's socket type, from /proc's Type column (SOCK_STREAM 1 …). */
function unixType(type: number): string {
  return UNIX_TYPES[type] ?? `UNKNOWN(${type})`;
}

/** A name's NUL bytes as '@', as current kernels print them (old ones printed an abstract name's NULs raw). */
export function nulsAsAt(path: string): string {
  return path.includes('\0') ? path.replaceAll('\0', '@') : path;
}

/**
 * The St column /proc prints for a socket in `skState` (unix_seq_show): connected or not, and SS_CONNECTING /
 * SS_DISCONNECTING for a socket without a struct socket (an embryo not yet accepted, an orphan), which is
 * exactly a socket whose inode is 0 (sock_i_ino gives 0 without one).
 */
function procUnixSt(skState: number, inode: number): number {
  const established = skState === TCP_ESTABLISHED;
  if (inode !== 0) return established ? 3 : 1;
  return established ? 2 : 4;
}

/**
 * The name (sun_path's counted bytes from UNIX_DIAG_NAME) as /proc/net/unix shows it, decoded as its reader
 * decodes that file (UTF-8): a path without its terminating NUL, an abstract name with '@' for its leading NUL,
 * every NUL as '@'. A newline stays a newline inside the one name: here it cannot start a row.
 */
export function unixNameText(b: Buffer, start: number, end: number): string {
  if (start < 0 || end <= start) return '';
  return nulsAsAt(b.toString('utf8', start, nameStop(b, start, end)));
}

/** Where a name's shown bytes end: unix_seq_show counts a path's terminating NUL in its length, and does not
 *  print it. */
function nameStop(b: Buffer, start: number, end: number): number {
  return b[start] === 0 ? end : end - 1;
}

/** Whether the name bytes b[start, end) are shown as `path` (unixNameText), read without making the text: an
 *  ASCII byte is its own character (NUL shown as '@'); a name with any other byte is decoded and compared. */
function sameName(path: string, b: Buffer, start: number, end: number): boolean {
  if (start < 0 || end <= start) return path === '';
  const stop = nameStop(b, start, end);
  const n = stop - start;
  for (let i = 0; i < n; i++) {
    const c = b[start + i]!;
    if (c >= 0x80) return unixNameText(b, start, end) === path;
    if (i >= path.length || path.charCodeAt(i) !== (c === 0 ? 64 : c)) return false;
  }
  return path.length === n;
}

/**
 * A unix socket's Recv-Q and Send-Q from its UNIX_DIAG_RQLEN, as `ss -x` prints them (unix_diag.c
 * sk_diag_show_rqlen): for a listener its connections waiting to be accepted and its backlog, as for a TCP
 * listener; for another socket the bytes waiting to be read (a datagram socket: the next datagram's) and the
 * bytes its sends hold in the kernel (their buffers' true size, not only their data). 0 where the record has none
 * (-1).
 */
function unixQueues(row: Connection, s: UnixDiagSocket): Connection {
  row.recvQ = Math.max(s.rqueue, 0);
  row.sendQ = Math.max(s.wqueue, 0);
  return row;
}

/**
 * Whether a record gives the very fields of the row the previous read gave its socket (found by inode): the
 * name, type, state and queue lengths it is made of, and the traffic fields it was given (`trafficNote`: the note it is to
 * have, undefined when the read has no traffic fields). Owners are not compared: they are attached afterwards,
 * to a copy when they changed, as for the TCP rows.
 */
function sameRecord(
  row: Connection,
  s: UnixDiagSocket,
  state: UnixState | UnknownState,
  trafficNote: string | undefined,
): boolean {
  return (
    row.state === state &&
    row.recvQ === Math.max(s.rqueue, 0) &&
    row.sendQ === Math.max(s.wqueue, 0) &&
    row.trafficNote === trafficNote &&
    row.socketType === unixType(s.type) &&
    sameName(row.path ?? '', s.buffer, s.nameStart, s.nameEnd)
  );
}

/** What a unix dump asks for: names, peers and queue lengths, each of a size no socket's owner chooses. Not
 *  UDIAG_SHOW_ICONS (the inodes of a listener's pending connections, 4 bytes each): the kernel sends a dump in
 *  buffers of which the first is one page, and a record that fits no buffer ends the dump as if complete, so
 *  a listener with a thousand connections waiting, first in the kernel's table, made every unix socket vanish
 *  from the reading (no error, no note). */
export const UNIX_DUMP_SHOW = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_RQLEN;

/** At most this many rows for the connections waiting on one listener (the kernel's somaxconn is 4,096 by
 *  default); more are counted as skipped. A reply's queue length is a number, not a count of records. */
const MAX_PENDING_ROWS = 65_536;

/**
 * The unix rows of a unix_diag dump, as parseProcNetUnix makes them from /proc/net/unix for the same sockets;
 * records that do not fit their message are skipped and counted. With `kept`, a socket whose record gives the
 * very fields of the row the previous read gave it, and whose row has the traffic fields this read gives unix
 * rows (`trafficNote`: their note, undefined for none), is given that row again (see KeptRows: the caller
 * begins and ends each read, and changes copies of kept rows). A connection waiting on a listener has no inode
 * to be found by: its row is always built.
 */
export function unixRowsFromDiag(
  datagrams: readonly Buffer[],
  diagnostics: Diagnostics,
  source = 'sock_diag (netlink, unix)',
  kept?: KeptRows,
  trafficNote?: string,
): Connection[] {
  const rows: Connection[] = [];
  const inodeless = new InodelessUnixKeys();
  const bad = forEachUnixDiagSocket(datagrams, (s) => {
    const listening = s.state === TCP_LISTEN;
    const st = procUnixSt(s.state, s.inode);
    const previous = kept?.previousRow(s.inode);
    let path: string;
    if (previous !== undefined && sameRecord(previous, s, unixState(listening, st), trafficNote)) {
      kept!.give(previous, true);
      rows.push(previous);
      if (!listening) return;
      path = previous.path ?? '';
    } else {
      path = unixNameText(s.buffer, s.nameStart, s.nameEnd);
      const row = unixQueues(unixRow(path, s.inode, s.type, listening, st), s);
      kept?.give(row, false);
      rows.push(row);
      if (!listening) return;
    }
    // A connection not yet accepted: the kernel's embryo socket has the listener's name and type, no inode
    // (no struct socket yet), so the dump skips it; /proc lists it as connecting. A listener's queue lengths
    // (UNIX_DIAG_RQLEN) start with its pending connections (not its backlog: listen() again with a smaller one
    // leaves the queue as it was); the dump is not asked for their list (UNIX_DIAG_ICONS), whose size a
    // listener's owner sets (see UNIX_DUMP_SHOW).
    const pending = s.rqueue >= 0 ? s.rqueue : s.pending;
    const shown = Math.min(pending, MAX_PENDING_ROWS);
    for (let i = 0; i < shown; i++) {
      const row = unixRow(path, 0, s.type, false, procUnixSt(TCP_ESTABLISHED, 0));
      row.id = inodeless.next(path);
      kept?.give(row, false);
      rows.push(row);
    }
    if (shown < pending)
      recordSkip(
        diagnostics,
        source,
        path,
        `${pending - shown} connections waiting on one listener (over ${MAX_PENDING_ROWS})`,
      );
  });
  for (let i = 0; i < bad; i++)
    recordSkip(diagnostics, source, '(binary record)', 'a record that does not fit its message');
  return rows;
}
