// The TCP rows of a Linux reading taken from sock_diag (netlink) while traffic is collected: the same
// socket table `ss -tainHe` prints, read as the kernel's binary records, so nothing is formatted as text and
// parsed back. The rows come out as tcpRowsFromSs makes them (linux-diag-rows.live.test.ts compares both,
// and /proc's, on the same live sockets), with the traffic fields from the tcp_info struct.
import type { Diagnostics } from '../../../shared/types.js';
import { assignTraffic, recordSkip } from '../../../shared/types.js';
import { inetStateName } from './kernel-states.js';
import { AF_INET, forEachInetDiagSocket } from '../linux/sock-diag.js';
import { LISTEN_TRAFFIC, listenerUids, type SsTcpRows, tcpRow } from './linux-ss-rows.js';
import { readTcpInfoStruct } from './tcp-info.js';

/**
 * The TCP rows of an inet sock_diag dump (both families' datagrams) read at `at`, owners not attached, with
 * their traffic (without `traffic`: no traffic fields, as /proc's rows; the dump then has no tcp_info);
 * only the families `wanted` keeps. Records that do not fit their message are skipped and
 * counted.
 */
export function tcpRowsFromDiag(
  datagrams: readonly Buffer[],
  diagnostics: Diagnostics,
  at: number,
  wanted: (family: 'inet' | 'inet6') => boolean = () => true,
  traffic = true,
  source = 'sock_diag (netlink)',
): SsTcpRows {
  const rows: SsTcpRows['rows'] = [];
  const cookies: SsTcpRows['cookies'] = new Map();
  let synRecv = false;
  const bad = forEachInetDiagSocket(datagrams, (s) => {
    const family = s.family === AF_INET ? 'inet' : 'inet6';
    if (!wanted(family)) return;
    // A request socket (NEW_SYN_RECV) is given as TCP_SYN_RECV, as /proc prints it; a state this NetLens has
    // no name for is kept as UNKNOWN(0x..), as /proc's reader keeps it.
    const state = inetStateName('tcp', s.state);
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
    );
    rows.push(row);
    if (state === 'SYN_RECV') synRecv = true;
    if (!traffic) return;
    cookies.set(row, s.cookie);
    if (state === 'LISTEN') assignTraffic(row, LISTEN_TRAFFIC);
    else readTcpInfoStruct(s.buffer, s.infoStart, s.infoEnd, s.skmemStart, s.skmemEnd, at, row);
  });
  for (let i = 0; i < bad; i++)
    recordSkip(diagnostics, source, '(binary record)', 'a record that does not fit its message');
  if (synRecv) listenerUids(rows);
  return { rows, cookies };
}
