// TCP state codes as the kernel numbers them (include/net/tcp_states.h), which /proc/net/tcp prints in hex
// and sock_diag gives as a byte: one table for both readers.
import { type ConnectionState, TCP_STATES, type TcpState, type UnknownState } from '../../../shared/types.js';

export type InetProto = 'tcp' | 'udp' | 'udplite' | 'raw';

/** Kernel TCP states (include/net/tcp_states.h) by code: TCP_ESTABLISHED = 1 ... TCP_BOUND_INACTIVE = 13, named
 *  as netstat names them (shared/types.ts lists them in this order). */
const KERNEL_TCP_STATES: readonly TcpState[] = TCP_STATES.slice(0, TCP_STATES.indexOf('BOUND_INACTIVE') + 1);

export function unknownState(code: number): UnknownState {
  return `UNKNOWN(0x${code.toString(16).toUpperCase().padStart(2, '0')})`;
}

export function inetStateName(proto: InetProto, code: number): ConnectionState {
  // UDP, UDP-Lite and raw sockets reuse TCP_CLOSE (7) for "not connected"; ss and netstat say UNCONN.
  if (proto !== 'tcp' && code === 7) return 'UNCONN';
  return KERNEL_TCP_STATES[code - 1] ?? unknownState(code);
}

/** A socket's uid as the kernel gives it, or null where it has none: a time-wait socket is no longer any process's,
 *  and the kernel writes 0 for its uid (as for its inode) in /proc/net/tcp (get_timewait4_sock) and sock_diag
 *  (inet_twsk_diag_fill), which would read as root's whoever's connection it was. A closed connection whose peer
 *  has not sent its FIN is such a socket too, shown as FIN_WAIT2 (the time-wait socket's substate): inode 0 and
 *  uid 0 (an orphaned FIN_WAIT2 socket that is still a full socket keeps its uid, with inode 0). */
export function socketUid(state: ConnectionState, uid: number, inode: number): number | null {
  return state === 'TIME_WAIT' || (state === 'FIN_WAIT2' && inode === 0 && uid === 0) ? null : uid;
}

/** A socket's Send-Q as NetLens shows it, whatever read it: a listener's is 0, as /proc/net/tcp's tx_queue (and
 *  netstat) give it. sock_diag and ss write a listener's backlog there (`ss -tanp`: LISTEN 0 511), which is no queue
 *  of unsent bytes; the live collector, `dump`, `parse` of an ss capture and a remote host's ss rows agree. */
export function sendQueue(state: ConnectionState, sendQ: number): number {
  return state === 'LISTEN' ? 0 : sendQ;
}
