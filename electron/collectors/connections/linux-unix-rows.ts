// Unix socket rows, made in one place for both readers: /proc/net/unix's text (parseProcNetUnix in linux.ts,
// for this machine where sock_diag does not load and for remote hosts' frames) and the kernel's unix_diag
// records (unixRowsFromDiag). The kernel fills /proc's columns from the same socket fields the dump gives
// (net/unix/af_unix.c, unix_seq_show), so the rows are the same; linux-unix-rows.live.test.ts compares
// both on the same live sockets.
import type { Connection, Diagnostics, UnixState } from '../../../shared/types.js';
import { recordSkip } from '../../../shared/types.js';
import { unixConnectionKey } from './keys.js';
import { unknownState } from './kernel-states.js';
import { forEachUnixDiagSocket, UDIAG_SHOW_NAME, UDIAG_SHOW_PEER, UDIAG_SHOW_RQLEN } from '../linux/sock-diag.js';

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
    state: listening ? 'LISTENING' : (UNIX_STATES[st] ?? unknownState(st)),
    recvQ: 0,
    sendQ: 0,
    uid: null,
    user: null,
    inode: inode === 0 ? null : inode,
    processes: [],
    ownerStatus: 'none',
    path,
    socketType: UNIX_TYPES[type] ?? `UNKNOWN(${type})`,
  };
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
  // unix_seq_show: a path's length counts its terminating NUL, which it does not print.
  const stop = b[start] === 0 ? end : end - 1;
  return nulsAsAt(b.toString('utf8', start, stop));
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
 * records that do not fit their message are skipped and counted.
 */
export function unixRowsFromDiag(
  datagrams: readonly Buffer[],
  diagnostics: Diagnostics,
  source = 'sock_diag (netlink, unix)',
): Connection[] {
  const rows: Connection[] = [];
  const bad = forEachUnixDiagSocket(datagrams, (s) => {
    const path = unixNameText(s.buffer, s.nameStart, s.nameEnd);
    const listening = s.state === TCP_LISTEN;
    rows.push(unixRow(path, s.inode, s.type, listening, procUnixSt(s.state, s.inode)));
    if (!listening) return;
    // A connection not yet accepted: the kernel's embryo socket has the listener's name and type, no inode
    // (no struct socket yet), so the dump skips it; /proc lists it as connecting. A listener's queue lengths
    // (UNIX_DIAG_RQLEN) start with its pending connections (not its backlog: listen() again with a smaller one
    // leaves the queue as it was); the dump is not asked for their list (UNIX_DIAG_ICONS), whose size a
    // listener's owner sets (see UNIX_DUMP_SHOW).
    const pending = s.rqueue >= 0 ? s.rqueue : s.pending;
    const shown = Math.min(pending, MAX_PENDING_ROWS);
    for (let i = 0; i < shown; i++) rows.push(unixRow(path, 0, s.type, false, procUnixSt(TCP_ESTABLISHED, 0)));
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
