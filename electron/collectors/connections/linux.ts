// Connections on Linux: /proc/net/{tcp,udp,udplite,raw}{,6} and /proc/net/unix, read in-process (no ss or
// netstat child per tick), with owners found through the cached /proc/<pid>/fd walk in ../linux/socket-owners.
// Unix sockets come from a unix_diag dump (sock_diag through netlink: names as counted bytes, which no name can
// forge a row in) where netlink loads, else from /proc/net/unix. While traffic is collected, a sock_diag dump
// (or one `ss -tainHe`) per tick gives the TCP rows with their counters instead of /proc/net/tcp and tcp6.
import type { Collector, NoticeSink } from '../collector.js';
import type {
  ClosedSocket,
  CollectExtra,
  Connection,
  ConnectionTraffic,
  DatasetResult,
  Diagnostics,
  ProcessInfo,
  ProcessTraffic,
} from '../../../shared/types.js';
import {
  assignTraffic,
  emptyDiagnostics,
  MAX_DIAGNOSTIC_SAMPLES,
  fewestPids,
  MAX_SOCKET_OWNERS,
  mergeDiagnostics,
  recordSkip,
} from '../../../shared/types.js';
import { TcpDestroyStream, type DestroyStreamOptions } from './tcp-events.js';
import { ownerCounts, type OwnerCounts, TrafficTotals } from './traffic-totals.js';
import {
  HOST_LITTLE_ENDIAN,
  decodeHostOrderIPv4,
  decodeHostWordsIPv6,
  parseDecRange,
  parseHexRange,
} from '../linux/addresses.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readProcTextSync, type ReadOutcome } from '../linux/proc-files.js';
import { readSocketCounters, readTcpSegments, type SocketCounters } from '../linux/socket-counters.js';
import { countedAt, ownSockets, withFreshOwnRows, type OwnSocket } from './linux-own-sockets.js';
import { lookup } from '../lookup.js';
import { inetConnectionKey, InodelessUnixKeys, unixConnectionKey } from './keys.js';
import { fdCount, SocketOwners, slicedNote, type PrivilegedOwners } from '../linux/socket-owners.js';
import { PrivilegedOwnerCache } from '../linux/privileged-owners.js';
import { UserNames } from '../linux/users.js';
import { parseIpv6 } from '../../../shared/address.js';
import { run, type CommandResult, type RunResult } from '../run-command.js';
import { TRAFFIC_NOTES, trafficGap, unknownTraffic } from './tcp-info.js';
import { tcpRowsFromSs, type SsTcpRows } from './linux-ss-rows.js';
import { sameListeners, tcpRowsFromDiag } from './linux-diag-rows.js';
import { KeptRows } from './kept-rows.js';
import { type DumpLimits, type DumpResult, NETLINK_SOCK_DIAG, NetlinkDumper, releaseDump } from '../linux/netlink.js';
import {
  AF_INET,
  AF_INET6,
  extBit,
  INET_DIAG_INFO,
  INET_DIAG_SKMEMINFO,
  inetDiagBothFamiliesRequest,
  inetDiagRequest,
  IPPROTO_TCP,
  SOCK_DIAG_BY_FAMILY,
  TCPDIAG_GETSOCK,
  TCP_DUMP_STATES,
  TCPF_LISTEN,
  unixDiagRequest,
  UNIX_PATH_MAX,
} from '../linux/sock-diag.js';

import { inetStateName, type InetProto, socketUid } from './kernel-states.js';
import { nulsAsAt, UNIX_DUMP_SHOW, unixRow, unixRowsFromDiag } from './linux-unix-rows.js';

export { inetStateName, type InetProto };

/** One sock_diag request: its netlink message type and payload. */
interface DiagRequest {
  type: number;
  payload: Buffer;
}

/** The datagrams of one or more dumps, and how to let them go once read (dumpDiag). */
interface Dumped {
  datagrams: Buffer[];
  release: () => void;
}

/** Column positions in one data line, found from the header's names. */
interface InetColumns {
  local: number;
  remote: number;
  st: number;
  queues: number;
  uid: number;
  inode: number;
  last: number;
}

// The header names two fields where the data has one ("tx_queue rx_queue" over "00000000:00000000",
// "tr tm->when" over "00:00000000"); merge them so header positions match data positions.
function inetColumns(header: string): InetColumns | null {
  const raw = header.trim().split(/\s+/);
  const names: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const name = raw[i] ?? '';
    const next = raw[i + 1];
    if ((name === 'tx_queue' && next === 'rx_queue') || (name === 'tr' && next === 'tm->when')) i++;
    names.push(name);
  }
  const local = names.indexOf('local_address');
  const remote = Math.max(names.indexOf('rem_address'), names.indexOf('remote_address'));
  const st = names.indexOf('st');
  const queues = names.indexOf('tx_queue');
  const uid = names.indexOf('uid');
  const inode = names.indexOf('inode');
  if (local < 0 || remote < 0 || st < 0 || queues < 0 || uid < 0 || inode < 0) return null;
  return { local, remote, st, queues, uid, inode, last: Math.max(local, remote, st, queues, uid, inode) };
}

const MAX_FIELDS = 64;
const starts = new Int32Array(MAX_FIELDS);
const ends = new Int32Array(MAX_FIELDS);

/** Finds up to `want` whitespace-separated fields of text[from, to) into starts/ends; returns the count. */
function scanFields(text: string, from: number, to: number, want: number): number {
  let n = 0;
  let i = from;
  while (i < to && n < want) {
    let c = text.charCodeAt(i);
    while (i < to && (c === 32 || c === 9 || c === 13)) c = text.charCodeAt(++i);
    if (i >= to) break;
    starts[n] = i;
    while (i < to && c !== 32 && c !== 9 && c !== 13) c = text.charCodeAt(++i);
    ends[n++] = i;
  }
  return n;
}

function lineEnd(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  return nl < 0 ? text.length : nl;
}

/**
 * Parses /proc/net/{tcp,udp,udplite,raw}{,6}. Rows come without owners (ownerStatus 'none', no processes,
 * user null): the collector attaches those. Never throws; malformed lines are skipped and counted.
 */
export function parseProcNetInet(
  text: string,
  proto: InetProto,
  family: 'inet' | 'inet6',
  littleEndian = HOST_LITTLE_ENDIAN,
): DatasetResult<Connection> {
  const diagnostics = emptyDiagnostics();
  const rows: Connection[] = [];
  const source = `/proc/net/${proto}${family === 'inet6' ? '6' : ''}`;
  const addrLen = family === 'inet6' ? 32 : 8;
  let cols: InetColumns | null = null;
  let headerSeen = false;
  for (let pos = 0; pos < text.length; ) {
    const end = lineEnd(text, pos);
    const lineStart = pos;
    pos = end + 1;
    if (!headerSeen) {
      const line = text.slice(lineStart, end);
      if (line.trim() === '') continue;
      if (line.includes('local_address')) {
        headerSeen = true;
        cols = inetColumns(line);
        if (!cols) recordSkip(diagnostics, source, line, 'unrecognised header');
      } else {
        recordSkip(diagnostics, source, line, 'text before the header');
      }
      continue;
    }
    const n = scanFields(text, lineStart, end, cols ? cols.last + 1 : 0);
    if (n === 0) continue; // blank line
    const reason = cols
      ? parseInetLine(text, cols, n, proto, family, addrLen, littleEndian, rows)
      : 'unrecognised header';
    if (reason !== null) recordSkip(diagnostics, source, text.slice(lineStart, end), reason);
  }
  if (!headerSeen && text.trim() !== '') recordSkip(diagnostics, source, text.slice(0, 200), 'no header line');
  return { rows, diagnostics };
}

/** Appends one row, or returns why the line was skipped. */
function parseInetLine(
  text: string,
  cols: InetColumns,
  n: number,
  proto: InetProto,
  family: 'inet' | 'inet6',
  addrLen: number,
  littleEndian: boolean,
  rows: Connection[],
): string | null {
  if (n <= cols.last) return 'too few fields';
  const ls = starts[cols.local] ?? 0;
  const rs = starts[cols.remote] ?? 0;
  if ((ends[cols.local] ?? 0) - ls !== addrLen + 5 || text.charCodeAt(ls + addrLen) !== 58) return 'bad local address';
  if ((ends[cols.remote] ?? 0) - rs !== addrLen + 5 || text.charCodeAt(rs + addrLen) !== 58)
    return 'bad remote address';
  const decode = family === 'inet6' ? decodeHostWordsIPv6 : decodeHostOrderIPv4;
  const localAddress = decode(text, ls, littleEndian);
  const remoteAddress = decode(text, rs, littleEndian);
  const localPort = parseHexRange(text, ls + addrLen + 1, ls + addrLen + 5);
  const remotePort = parseHexRange(text, rs + addrLen + 1, rs + addrLen + 5);
  if (localAddress === null || remoteAddress === null || localPort < 0 || remotePort < 0) return 'bad address';
  const st = parseHexRange(text, starts[cols.st] ?? 0, ends[cols.st] ?? 0);
  if (st < 0 || st > 0xff) return 'bad state';
  const qs = starts[cols.queues] ?? 0;
  const qe = ends[cols.queues] ?? 0;
  const colon = text.indexOf(':', qs);
  if (colon < 0 || colon >= qe) return 'bad queues';
  const sendQ = parseHexRange(text, qs, colon);
  const recvQ = parseHexRange(text, colon + 1, qe);
  const uid = parseDecRange(text, starts[cols.uid] ?? 0, ends[cols.uid] ?? 0);
  const inode = parseDecRange(text, starts[cols.inode] ?? 0, ends[cols.inode] ?? 0);
  if (sendQ < 0 || recvQ < 0) return 'bad queues';
  if (uid < 0 || inode < 0) return 'bad uid or inode';
  const state = inetStateName(proto, st);
  rows.push({
    id: inetConnectionKey(proto, family, localAddress, localPort, remoteAddress, remotePort, inode, state),
    proto,
    family,
    localAddress,
    localPort,
    remoteAddress,
    remotePort,
    state,
    recvQ,
    sendQ,
    uid: socketUid(state, uid, inode),
    user: null,
    // TIME_WAIT and other sockets without a file print inode 0: there is no inode to show.
    inode: inode === 0 ? null : inode,
    processes: [],
    ownerStatus: 'none',
  });
  return null;
}

/** __SO_ACCEPTCON: the socket is listening. */
const UNIX_FLAG_LISTENING = 0x10000;

interface UnixCandidate {
  row: Connection;
  line: string;
  /** Could this line be part of the previous row's name (a name holding a newline)? */
  suspect: boolean;
  /** The Num column (a kernel pointer) is all zeros: hidden by kptr_restrict. */
  zeroNum: boolean;
  /** Lines after this one that are the rest of its name. */
  tail: string;
}

/**
 * Parses /proc/net/unix. The path is everything after the inode (it may contain spaces); abstract names
 * start with '@'. Never throws.
 *
 * The kernel prints names raw, newlines included, so anyone can bind a socket whose name holds a newline
 * and a line that looks like a row (issue 10: a LISTENING `/run/FORGED…` shown as owned by whichever
 * process held the inode it named). A line that fits in the previous row's name (108 bytes, measured in
 * characters so that it never undercounts what could fit) is only a suspect; it is folded back into that
 * name, not shown as a row, when it contradicts the table: an inode that another row (or, through
 * `foreignInodes`, an inet socket) has, or a Num column unlike every certain row's. So a forged line can
 * never borrow a real socket's owner. Lines that fit and do not parse at all are the name's continuation.
 */
export function parseProcNetUnix(
  text: string,
  foreignInodes: ReadonlySet<number> = new Set(),
): DatasetResult<Connection> {
  const diagnostics = emptyDiagnostics();
  const candidates: UnixCandidate[] = [];
  /** The shortest the name of the row before this line can be, over the ways the lines so far can be read. */
  let chain = Infinity;
  const source = '/proc/net/unix';
  let cols: { flags: number; type: number; st: number; inode: number } | null = null;
  let headerSeen = false;
  for (let pos = 0; pos < text.length; ) {
    const end = lineEnd(text, pos);
    const lineStart = pos;
    pos = end + 1;
    if (!headerSeen) {
      const line = text.slice(lineStart, end);
      if (line.trim() === '') continue;
      if (/^Num\s/.test(line) && line.includes('Inode')) {
        headerSeen = true;
        const names = line.trim().split(/\s+/);
        const c = {
          flags: names.indexOf('Flags'),
          type: names.indexOf('Type'),
          st: names.indexOf('St'),
          inode: names.indexOf('Inode'),
        };
        cols = c.flags < 0 || c.type < 0 || c.st < 0 || c.inode < 0 ? null : c;
        if (!cols) recordSkip(diagnostics, source, line, 'unrecognised header');
      } else {
        recordSkip(diagnostics, source, line, 'text before the header');
      }
      continue;
    }
    const lineEndNoCr = end > lineStart && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    if (!cols) {
      if (text.slice(lineStart, end).trim() !== '')
        recordSkip(diagnostics, source, text.slice(lineStart, end), 'unrecognised header');
      continue;
    }
    const last = Math.max(cols.flags, cols.type, cols.st, cols.inode);
    const fits = chain + 1 + (lineEndNoCr - lineStart) <= UNIX_PATH_MAX;
    const previous = candidates[candidates.length - 1];
    const n = scanFields(text, lineStart, lineEndNoCr, last + 1);
    const line = () => text.slice(lineStart, end);
    if (n <= last || text.charCodeAt((ends[0] ?? 1) - 1) !== 58) {
      if (fits && previous) {
        // Not a row, and short enough to be the rest of the previous row's name: it is.
        previous.row.path = `${previous.row.path ?? ''}\n${text.slice(lineStart, lineEndNoCr)}`;
        previous.tail += `\n${text.slice(lineStart, lineEndNoCr)}`;
        chain += 1 + (lineEndNoCr - lineStart);
      } else if (n > 0) {
        recordSkip(diagnostics, source, line(), 'too few fields');
      }
      continue;
    }
    const flags = parseHexRange(text, starts[cols.flags] ?? 0, ends[cols.flags] ?? 0);
    const type = parseHexRange(text, starts[cols.type] ?? 0, ends[cols.type] ?? 0);
    const st = parseHexRange(text, starts[cols.st] ?? 0, ends[cols.st] ?? 0);
    const inode = parseDecRange(text, starts[cols.inode] ?? 0, ends[cols.inode] ?? 0);
    if (flags < 0 || type < 0 || st < 0 || inode < 0) {
      recordSkip(diagnostics, source, line(), 'bad number');
      continue;
    }
    // The kernel prints " <path>" after the inode; a path keeps its inner and trailing spaces.
    const afterInode = ends[cols.inode] ?? lineEndNoCr;
    // Old kernels print an abstract name's NUL padding raw; newer ones print '@' for each NUL, as here.
    const path = afterInode < lineEndNoCr ? nulsAsAt(text.slice(afterInode + 1, lineEndNoCr)) : '';
    const suspect = fits && previous !== undefined;
    // As a row its name starts fresh; as part of the previous name the chain grows.
    chain = suspect ? Math.min(path.length, chain + 1 + (lineEndNoCr - lineStart)) : path.length;
    const row = unixRow(path, inode, type, (flags & UNIX_FLAG_LISTENING) !== 0, st);
    candidates.push({
      row,
      line: text.slice(lineStart, lineEndNoCr),
      suspect,
      zeroNum: /^0+:$/.test(text.slice(starts[0] ?? 0, ends[0] ?? 0)),
      tail: '',
    });
  }
  if (!headerSeen && text.trim() !== '') recordSkip(diagnostics, source, text.slice(0, 200), 'no header line');
  return { rows: unforgedUnixRows(candidates, foreignInodes, diagnostics), diagnostics };
}

/** The candidates that are rows, with suspects that contradict the table folded back into the name before. */
function unforgedUnixRows(
  candidates: UnixCandidate[],
  foreignInodes: ReadonlySet<number>,
  diagnostics: Diagnostics,
): Connection[] {
  const certain = candidates.filter((c) => !c.suspect);
  const zeroNums = certain.length > 0 && certain.every((c) => c.zeroNum);
  const realNums = certain.length > 0 && certain.every((c) => !c.zeroNum);
  // First the suspects that contradict the table by themselves: an inet socket's inode, an unlike Num.
  const contradicts = (c: UnixCandidate) =>
    c.suspect &&
    ((c.row.inode !== null && foreignInodes.has(c.row.inode)) || (zeroNums && !c.zeroNum) || (realNums && c.zeroNum));
  // Then repeated inodes among the rest: a suspect yields to a certain row; when all are suspects, none
  // can be told apart from the forgery, so none is shown (each counted as skipped).
  // Counted, not listed: a list copied at each line naming its inode made a table of forged names quadratic (a
  // user's 19,000 abstract sockets naming one inode took 38 s; attack review of 12-03).
  const perInode = new Map<number, number>();
  for (const c of candidates) {
    if (c.row.inode === null || contradicts(c)) continue;
    perInode.set(c.row.inode, (perInode.get(c.row.inode) ?? 0) + 1);
  }
  const repeatedSuspect = (c: UnixCandidate) =>
    c.suspect && c.row.inode !== null && (perInode.get(c.row.inode) ?? 0) > 1;
  const rows: Connection[] = [];
  for (const c of candidates) {
    const forged = contradicts(c) || repeatedSuspect(c);
    const previous = rows[rows.length - 1];
    if (forged && previous) {
      previous.path = `${previous.path ?? ''}\n${c.line}${c.tail}`;
      recordSkip(
        diagnostics,
        '/proc/net/unix',
        c.line,
        'a line inside a socket name that imitates a row (not shown as one)',
      );
      continue;
    }
    rows.push(c.row);
  }
  const inodeless = new InodelessUnixKeys();
  for (const r of rows)
    r.id = r.inode === null ? inodeless.next(r.path ?? '') : unixConnectionKey(r.path ?? '', r.inode);
  return rows;
}

/** fe80::/10, whose addresses are only unique within one link. */
function isLinkLocal6(bytes: Uint8Array): boolean {
  return bytes[0] === 0xfe && (bytes[1]! & 0xc0) === 0x80;
}

function hex32(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/**
 * Gives link-local IPv6 rows their zone (`fe80::1%eth0`), as ss shows them: /proc/net/tcp6 has no scope,
 * but the local address belongs to one interface (/proc/net/if_inet6 lists address and name), and a
 * link-local peer is on that same link. An address held by several interfaces stays bare (which one is
 * not knowable from /proc). Returns whether any row changed.
 */
export function attachZones(rows: Connection[], ifInet6: string): boolean {
  const owners = new Map<string, string | null>();
  for (const line of ifInet6.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 6 || !/^[0-9a-f]{32}$/i.test(f[0]!)) continue;
    const key = f[0]!.toLowerCase();
    owners.set(key, owners.has(key) && owners.get(key) !== f[5] ? null : f[5]!);
  }
  let changed = false;
  for (const r of rows) {
    if (r.family !== 'inet6' || r.localAddress.includes('%')) continue;
    const local = parseIpv6(r.localAddress);
    if (!local || !isLinkLocal6(local)) continue;
    const zone = owners.get(hex32(local));
    if (!zone) continue;
    r.localAddress = `${r.localAddress}%${zone}`;
    const remote = parseIpv6(r.remoteAddress);
    if (remote && isLinkLocal6(remote)) r.remoteAddress = `${r.remoteAddress}%${zone}`;
    r.id = inetConnectionKey(
      r.proto as InetProto,
      'inet6',
      r.localAddress,
      r.localPort,
      r.remoteAddress,
      r.remotePort,
      r.inode ?? 0,
      r.state,
    );
    changed = true;
  }
  return changed;
}

export const INET_TABLES: readonly { file: string; proto: InetProto; family: 'inet' | 'inet6' }[] = [
  { file: 'tcp', proto: 'tcp', family: 'inet' },
  { file: 'tcp6', proto: 'tcp', family: 'inet6' },
  { file: 'udp', proto: 'udp', family: 'inet' },
  { file: 'udp6', proto: 'udp', family: 'inet6' },
  { file: 'udplite', proto: 'udplite', family: 'inet' },
  { file: 'udplite6', proto: 'udplite', family: 'inet6' },
  { file: 'raw', proto: 'raw', family: 'inet' },
  { file: 'raw6', proto: 'raw', family: 'inet6' },
];

/** The tables /proc/net/sockstat{,6} count in use, by the name they go by there. TCP is not among them: its
 *  count leaves out the time-wait sockets that /proc/net/tcp lists. */
const SOCKSTAT_TABLES: Readonly<Record<string, string>> = {
  UDP: 'udp',
  UDPLITE: 'udplite',
  RAW: 'raw',
  UDP6: 'udp6',
  UDPLITE6: 'udplite6',
  RAW6: 'raw6',
};

/**
 * The socket tables known to be empty in this network namespace: those /proc/net/sockstat and sockstat6 count
 * no socket of ("UDPLITE: inuse 0"). The kernel counts a UDP, UDP-Lite or raw socket in use while it is in the
 * hash table /proc/net lists it from, so such a table would read empty; reading it anyway costs a walk of the
 * kernel's hash (UDP-Lite's is as large as UDP's: about 0.1 ms a family here), where sockstat's counts are read
 * without one. Anything unreadable or unrecognised leaves its tables to be read. (statistics/linux.ts's
 * parseSockstat reads the same files for the Statistics tab, every field of every line as described counters;
 * this runs on each connections tick and needs only the in-use counts of six tables.)
 */
export function emptyInetTables(text: (file: string) => ReadOutcome): Set<string> {
  const empty = new Set<string>();
  for (const file of ['sockstat', 'sockstat6']) {
    const r = text(file);
    if (!r.ok) continue;
    for (const line of r.text.split('\n')) {
      const colon = line.indexOf(': inuse ');
      if (colon < 0) continue;
      const table = lookup(SOCKSTAT_TABLES, line.slice(0, colon));
      if (table !== undefined && line.slice(colon + 8).split(' ', 1)[0] === '0') empty.add(table);
    }
  }
  return empty;
}

/**
 * The rows of the socket tables, owners not yet attached, from texts that `text(file, encoding)` reads (here
 * from /proc, for a remote host from its frame). Unix socket paths are file names, UTF-8 on every current
 * system; the other tables are plain ASCII.
 */
export function connectionsFromTables(
  text: (file: string, encoding: 'latin1' | 'utf8') => ReadOutcome,
  wanted: (file: string) => boolean = () => true,
  given?: DatasetResult<Connection>,
): DatasetResult<Connection> {
  const diagnostics: Diagnostics = emptyDiagnostics();
  // Rows read elsewhere (TCP from ss) come first, as the tcp tables would.
  let rows: Connection[] = given ? given.rows : [];
  if (given) mergeDiagnostics(diagnostics, given.diagnostics);
  for (const t of INET_TABLES) {
    if (!wanted(t.file)) continue;
    const r = text(t.file, 'latin1');
    if (!r.ok) {
      diagnostics.missing.push({ source: `/proc/net/${t.file}`, reason: r.reason });
      continue;
    }
    const parsed = parseProcNetInet(r.text, t.proto, t.family);
    mergeDiagnostics(diagnostics, parsed.diagnostics);
    rows = rows.length === 0 ? parsed.rows : rows.concat(parsed.rows);
  }
  if (wanted('unix')) {
    const r = text('unix', 'utf8');
    if (r.ok) {
      // Inet sockets' inodes: a line forged inside a unix socket name may not borrow one of theirs.
      const parsed = parseProcNetUnix(r.text, new Set(rows.map((row) => row.inode ?? 0)));
      mergeDiagnostics(diagnostics, parsed.diagnostics);
      rows = rows.concat(parsed.rows);
    } else {
      diagnostics.missing.push({ source: '/proc/net/unix', reason: r.reason });
    }
  }
  return { rows, diagnostics };
}

export interface LinuxConnectionsOptions {
  /** Where /proc is; a test may point it elsewhere. */
  procRoot?: string;
  /** Tables to read, by file name under net/ (default: all of tcp, udp, udplite, raw, both families, unix). */
  tables?: readonly string[];
  /** Whether to attribute sockets to processes (the /proc/<pid>/fd walk). */
  attributeOwners?: boolean;
  /** Asked for the owners of sockets this process may not attribute (the privileged agent, when it runs). */
  privilegedOwners?: PrivilegedOwners;
  /** The destroy-event reader's command and limits (tests). */
  destroyEvents?: DestroyStreamOptions;
  /** Read unix sockets, and TCP traffic, from sock_diag through netlink (default) where it loads, else from
   *  /proc/net/unix and `ss -tainHe`; false: always those (tests and the benches compare both). Unix sockets
   *  are read from sock_diag only with the machine's /proc (procRoot unset). */
  sockDiag?: boolean;
  /** The limits of each sock_diag dump (default DIAG_LIMITS; tests make a dump fail with a tiny maxBytes). */
  sockDiagLimits?: DumpLimits;
  /** Whether a read may give the last one's rows again while the kernel's socket counters have not moved (see
   *  QuietRead; default on, with the machine's /proc), and how long such reads may go on before a full one. */
  quietReads?: boolean | { fullReadEveryMs: number };
  /** Called as a full read's TCP dump is about to be asked, its baseline read (tests send a segment there, as the
   *  browser host does when it writes to its page then). */
  beforeTcpDump?: () => void;
}

/** A full read at least this often while the counters stay still: what moves without them (a queue read by its
 *  process, an owner's name) is then at most this late. Where no TCP row of the last reading has a queue, that
 *  read takes its TCP rows from it (see QuietRead's `tcpRows`). */
const FULL_READ_EVERY_MS = 5000;

/**
 * A read given again while nothing in the kernel's socket tables can have changed: the text of the counters
 * read just before the full read it repeats (linux/socket-counters.ts), what that read collected, and the
 * processes that held its sockets (one that ends hands its sockets to a child, or closes them).
 */
interface QuietRead {
  counters: string;
  /** TCP's segments in and out just before the full read's TCP dump (readFully): read before every row it gives;
   *  since a quiet read's get found NetLens's own connections alone in moving them, as read after that get. */
  segs: SocketCounters['segs'];
  /** NetLens's own TCP connections and their peers (linux-own-sockets.ts), their counts as a get made with `segs`'
   *  reading gave them where it answered for all of them, else as the full read's dump did (segsBeforeDump): while
   *  the segments moved by exactly theirs, the read is given again with these rows read afresh (and their counts, the
   *  rows and `segs` become that get's). */
  own: OwnSocket[];
  /** The TCP rows' cookies by position (the traffic totals'). */
  cookies: SsTcpRows['cookies'];
  /** When the counters were read (performance.now()). */
  at: number;
  traffic: boolean;
  socketMemory: boolean;
  /** The destroy-event reader's restarts as the full read began (events may be lost across one), -1 when it was
   *  not running. */
  eventRestarts: number;
  result: DatasetResult<Connection>;
  /**
   * How many of `result`'s rows, from the first, are TCP rows read from sock_diag (null: none were, they came from
   * /proc or ss). A full read due by time alone (FULL_READ_EVERY_MS) while the counters stood still takes these
   * rows again rather than dumping TCP, where none has a queue (a listener's accept queue, a receive or send queue):
   * a TCP socket cannot open, close, change state, or fill or empty a queue that was empty without a segment or a
   * change in the counters; only what is in a queue can leave it without one (read by its process, accepted; a Fast
   * Open connect() that defers its SYN is one more: socket-counters.ts). A
   * listener can: shutdown(2) takes it out of the tables and listen(2) back in, elsewhere, so the listeners are
   * dumped alone first and TCP in full where they are not these rows' (listenersAsKept). A
   * dump walks the kernel's whole TCP hash, whatever the namespace holds: 2.4 ms of system time here, 262,144
   * buckets (docs/performance.md, 12-07). The unix sockets, UDP tables and owners are read as in any full read.
   */
  tcpRows: number | null;
  /** What the dump of those rows skipped or noted: a read that takes them again says it again (merged from, never
   *  changed: no TCP read writes to it once it is here). */
  tcpDiagnostics: Diagnostics;
  holders: [pid: number, fds: number][];
}

/** A quiet read's rows, due for a full read by time alone; `tcp`: its TCP rows, to be taken again by it where none
 *  has a queue (QuietRead's `tcpRows`), else null. */
interface DueRead {
  tcp: Connection[] | null;
}

export class LinuxConnectionsCollector implements Collector<Connection> {
  private readonly users = new UserNames();
  private readonly owners: SocketOwners;
  private readonly procRoot: string;
  private readonly tables: ReadonlySet<string> | null;
  private readonly attributeOwners: boolean;
  private readonly privileged: PrivilegedOwnerCache | null;
  private readonly myUid = typeof process.getuid === 'function' ? process.getuid() : -1;
  private traffic = false;
  private socketMemory = false;
  /** A private folder for ss's output (see runCommand's stdoutFile), made on first use. */
  private spoolDir: string | null = null;
  /** Destroy events, read while traffic is collected. */
  readonly destroyed: TcpDestroyStream;
  private readonly totals: TrafficTotals;
  private notify: NoticeSink = () => {};
  /** The read in progress: the processes collector shares it rather than reading again. */
  private inFlight: Promise<DatasetResult<Connection>> | null = null;
  /** How many sockets each process held at the last read, for the process rows (not the rows: see
   *  ownerCounts). */
  private lastCounts: OwnerCounts = new Map();
  private reportedEventSkips = 0;
  /** sock_diag dumps (TCP and unix sockets every tick), each on a socket of its own; closed for good by
   *  dispose, so a reading still running then opens none. */
  private readonly diag = new NetlinkDumper(NETLINK_SOCK_DIAG);
  /** The TCP rows of the last sock_diag read, given again for sockets whose record did not change. */
  private readonly kept = new KeptRows();
  /** The same for the unix rows of the last unix_diag read: they come last in a read's rows, from `unixStart`. */
  private readonly keptUnix = new KeptRows();
  /** Where this read's unix rows from unix_diag start in its rows (the TCP rows, which `kept` has, come first). */
  private unixStart = 0;
  /** Why sock_diag is not used for anything (null: it is where it loads). */
  private readonly diagUnavailable: string | null;
  private readonly diagLimits: DumpLimits;
  /** Whether /proc is the machine's own, not a fixture elsewhere: then sock_diag, which reads the kernel's
   *  tables, stands in for its TCP and unix files. */
  private readonly ownProc: boolean;
  /** Whether TCP is still asked in one dump for both families (until the kernel refuses TCPDIAG_GETSOCK). */
  private bothFamiliesDump = true;
  /** How long reads may be given again (QuietRead), or null: never. */
  private readonly quietFor: number | null;
  private quiet: QuietRead | null = null;
  /** Reads made in full, and given again from the last full one since nothing could have changed; of those, the
   *  ones whose own connections (QuietRead's `own`) were read afresh by a get; of the full ones, those that took the
   *  last reading's TCP rows again rather than dumping TCP (QuietRead's `tcpRows`); and the full reads due by time
   *  that dumped TCP as the listeners were not those rows' (listenersAsKept). */
  readonly readCounts = { full: 0, again: 0, gets: 0, tcpKept: 0, listenersMoved: 0 };
  /** Why gets of NetLens's own connections are not made (GETS_FAIL_AT_MOST failed in a row), or null. */
  private getsRefused: string | null = null;
  /** Gets of NetLens's own connections that failed in a row. */
  private getsFailed = 0;
  private readonly beforeTcpDump: (() => void) | undefined;

  constructor(options: LinuxConnectionsOptions = {}) {
    this.diagUnavailable = options.sockDiag === false ? 'turned off' : null;
    this.diagLimits = options.sockDiagLimits ?? DIAG_LIMITS;
    this.procRoot = options.procRoot ?? '/proc';
    this.ownProc = options.procRoot === undefined;
    const quiet = options.quietReads ?? true;
    this.quietFor =
      !this.ownProc || quiet === false ? null : quiet === true ? FULL_READ_EVERY_MS : quiet.fullReadEveryMs;
    this.beforeTcpDump = options.beforeTcpDump;
    this.tables = options.tables ? new Set(options.tables) : null;
    this.attributeOwners = options.attributeOwners ?? true;
    this.privileged = options.privilegedOwners ? new PrivilegedOwnerCache(options.privilegedOwners) : null;
    this.owners = new SocketOwners(this.users, this.procRoot);
    this.totals = new TrafficTotals(this.myUid, (uid) => this.users.name(uid));
    this.destroyed = new TcpDestroyStream({
      ...options.destroyEvents,
      onNotice: (level, code, text) => this.notify(level, code, text),
    });
  }

  setNoticeSink(sink: NoticeSink): void {
    this.notify = sink;
  }

  get ownerStats() {
    return this.owners.stats;
  }

  setExtras(extras: readonly CollectExtra[]): void {
    this.socketMemory = extras.includes('socketMemory');
    this.traffic = this.socketMemory || extras.includes('traffic');
    // The destroy-event child lives exactly while traffic is collected: hidden, traffic costs nothing.
    if (this.traffic) this.destroyed.start();
    else this.destroyed.stop();
  }

  dispose(): void {
    this.destroyed.stop();
    this.diag.close();
    if (this.spoolDir !== null) fs.rmSync(this.spoolDir, { recursive: true, force: true });
    this.spoolDir = null;
  }

  /**
   * One sock_diag dump per request, their datagrams together, to be released once read (a relayed dump's are in
   * a buffer the next dump of its kind is written into, or one freed at the release: netlink.ts's DumpResult). A
   * string: why one failed, or why sock_diag is not used.
   */
  private async dumpDiag(requests: readonly DiagRequest[]): Promise<Dumped | string> {
    const unavailable = this.whyNoDiag();
    if (unavailable !== null) return unavailable;
    const dumps: DumpResult[] = [];
    const release = () => {
      for (const r of dumps) releaseDump(r);
    };
    const datagrams: Buffer[] = [];
    for (const { type, payload } of requests) {
      const r = await this.diag.dump(type, payload, this.diagLimits);
      if (!r.ok) {
        release();
        return `the sock_diag dump failed (${r.error})`;
      }
      dumps.push(r);
      for (const d of r.datagrams) datagrams.push(d);
    }
    return { datagrams, release };
  }

  /** The TCP table of each family `wanted` (every state): with tcp_info (and skmem for a memory column)
   *  while traffic is collected. Both families in one dump where the kernel answers TCPDIAG_GETSOCK (one walk
   *  of its TCP hash table instead of two); else, and for one family, a SOCK_DIAG_BY_FAMILY dump per family. */
  private async dumpTcp(
    wanted: (family: 'inet' | 'inet6') => boolean,
    traffic: boolean,
    socketMemory: boolean,
    states = TCP_DUMP_STATES,
  ): Promise<Dumped | string> {
    const unavailable = this.whyNoDiag();
    if (unavailable !== null) return unavailable;
    const ext = !traffic ? 0 : this.diagExt(socketMemory);
    if (wanted('inet') && wanted('inet6') && this.bothFamiliesDump) {
      const both = await this.dumpDiag([{ type: TCPDIAG_GETSOCK, payload: inetDiagBothFamiliesRequest(ext, states) }]);
      if (typeof both !== 'string') return both;
      // A kernel that refuses it is asked per family from now on.
      this.bothFamiliesDump = false;
    }
    const byFamily = (af: number) => ({
      type: SOCK_DIAG_BY_FAMILY,
      payload: inetDiagRequest(af, IPPROTO_TCP, ext, states),
    });
    const requests: DiagRequest[] = [];
    if (wanted('inet')) requests.push(byFamily(AF_INET));
    if (wanted('inet6')) requests.push(byFamily(AF_INET6));
    return this.dumpDiag(requests);
  }

  /**
   * Whether the kernel's TCP listeners are those of `rows` (a quiet read's TCP rows, which a full read due by time
   * alone would take again): a listener leaves the kernel's tables and comes back elsewhere without a segment, a
   * change in the counters or a destroy event (shutdown(2) takes it to CLOSE and frees a port it did not bind by
   * number; bind(2) and listen(2) put it back, on any address and port), so a listener moved from loopback to every
   * address stayed shown where it was, with no alert, until something else moved (an attack review of 12-07). A dump
   * of the listeners alone: the kernel walks its listening hash and skips the established one. No answer counts as
   * a change (TCP is then dumped in full).
   */
  private async listenersAsKept(rows: readonly Connection[]): Promise<boolean> {
    const wanted = this.tcpWanted;
    const dumped = await this.dumpTcp(wanted, false, false, TCPF_LISTEN);
    if (typeof dumped === 'string') return false;
    try {
      const same = sameListeners(dumped.datagrams, rows, rows.length, wanted);
      if (!same) this.readCounts.listenersMoved++;
      return same;
    } finally {
      dumped.release();
    }
  }

  /** Whether this collector reads the TCP table of a family (its `tables`: tcp, tcp6). */
  private readonly tcpWanted = (f: 'inet' | 'inet6'): boolean =>
    this.tables === null || this.tables.has(f === 'inet' ? 'tcp' : 'tcp6');

  /** Why sock_diag is not used (turned off, or netlink's binary does not load), or null. */
  private whyNoDiag(): string | null {
    return this.diagUnavailable ?? NetlinkDumper.unavailable();
  }

  /**
   * The TCP rows, from sock_diag (binary records, nothing to parse as text) where netlink loads: with their
   * traffic while it is collected, else without traffic fields (as /proc's rows are). When sock_diag is not
   * used or fails, a note says why and: with traffic, `ss -tainHe` gives the rows (a string: why neither
   * could); without, null, and /proc/net/tcp and tcp6 are read.
   */
  private async readTcpRows(
    at: number,
    diagnostics: Diagnostics,
    wanted: (family: 'inet' | 'inet6') => boolean,
    traffic: boolean,
    socketMemory: boolean,
  ): Promise<(SsTcpRows & { diag?: true }) | string | null> {
    const dumped = await this.dumpTcp(wanted, traffic, socketMemory);
    if (typeof dumped !== 'string') {
      try {
        return {
          ...tcpRowsFromDiag(dumped.datagrams, diagnostics, at, wanted, traffic, undefined, this.kept),
          diag: true,
        };
      } finally {
        dumped.release();
      }
    }
    if (this.diagUnavailable === null) {
      diagnostics.notes.push(`TCP sockets read ${traffic ? 'with ss' : 'from /proc'}: ${dumped}`);
    }
    if (!traffic) return null;
    const out = await this.readSs(socketMemory);
    return out.ok ? tcpRowsFromSs(out.text, diagnostics, at, wanted) : out.error;
  }

  /**
   * The unix sockets' rows from one unix_diag dump: each name as the kernel holds it, counted bytes, so a name
   * that holds a newline and a line like /proc/net/unix's stays one name (issue 10), where /proc's text can
   * only be read with a defence that keeps a forged line from borrowing a real socket's owner. A string: why
   * /proc/net/unix is read instead.
   */
  private async readUnixDiag(diagnostics: Diagnostics, traffic: boolean): Promise<Connection[] | string> {
    const dumped = await this.dumpDiag([{ type: SOCK_DIAG_BY_FAMILY, payload: unixDiagRequest(UNIX_DUMP_SHOW) }]);
    if (typeof dumped === 'string') return dumped;
    try {
      // With traffic, fillTrafficGaps gives a unix row its note (trafficGap's for every unix socket).
      const note = traffic ? (trafficGap('unix', '') ?? undefined) : undefined;
      return unixRowsFromDiag(dumped.datagrams, diagnostics, undefined, this.keptUnix, note);
    } finally {
      dumped.release();
    }
  }

  /** One `ss -tainHe` (with -m for socket memory): every TCP socket, the rows and their traffic. Its output goes to a file, so ss never waits for this
   *  thread while it reads /proc: at 20,000 sockets that is 12 MB, and through a pipe the two would take turns.
   *  Its stderr too: a pipe would be a socket of NetLens's own in the very reading ss runs beside, one new
   *  row per tick (and one closed) on a machine where nothing else changes. */
  private readSs(socketMemory: boolean): Promise<CommandResult> {
    const args = [socketMemory ? '-tainHem' : '-tainHe'];
    const options = { maxBytes: SS_MAX_BYTES, decode: (b: Buffer) => b.toString('latin1'), env: { LC_ALL: 'C' } };
    try {
      this.spoolDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-ss-'));
    } catch {
      return completeSs(run('ss', args, options));
    }
    return completeSs(
      run('ss', args, {
        ...options,
        stdoutFile: path.join(this.spoolDir, 'ss.out'),
        stderrFile: path.join(this.spoolDir, 'ss.err'),
      }),
    );
  }

  read(): Promise<DatasetResult<Connection>> {
    if (this.inFlight) return this.inFlight;
    const p = this.readNow().finally(() => {
      if (this.inFlight === p) this.inFlight = null;
    });
    this.inFlight = p;
    return p;
  }

  /** Per-process traffic as of the last read (the processes dataset). */
  processRows(): ProcessTraffic[] {
    return this.totals.rows(this.lastCounts);
  }

  /**
   * A read: the last full one given again while nothing it shows can have changed (QuietRead), else a full
   * one. The counters are read before the full read's dumps, so a change made while it runs moves them past
   * the text it is given again for.
   */
  private async readNow(): Promise<DatasetResult<Connection>> {
    // Monotonic: a clock set back must not stretch the time between full reads.
    const at = performance.now();
    // What this read collects, taken as it starts: setExtras may change it while the read waits (for a get, then
    // its dumps), and a row built for the one and given its gaps for the other would change a kept row.
    const traffic = this.traffic;
    const socketMemory = this.socketMemory;
    const read = this.quietFor === null ? null : readSocketCounters(this.procRoot);
    const again = await this.readAgain(read, at, traffic, socketMemory);
    if (again !== null && !('tcp' in again)) {
      this.readCounts.again++;
      return again;
    }
    // Due by time alone: the quiet read's TCP rows, its segments' baseline and its own connections stand, where the
    // kernel's listeners are still theirs.
    const previous = this.quiet;
    const tcpAgain = again?.tcp != null && (await this.listenersAsKept(again.tcp)) ? again.tcp : null;
    // Whether a reading looks for NetLens's own connections: with their counters (traffic), gets of them and the dumps
    // their rows come from (asked again after this read: it may find sock_diag unusable).
    const looksForOwn = () => traffic && this.getsRefused === null && this.whyNoDiag() === null;
    // The last full read's: read by a get just before this one's dump (segsBeforeDump).
    const ownBefore = looksForOwn() ? (previous?.own ?? []) : [];
    this.quiet = null;
    const eventRestarts = this.destroyed.stats.running ? this.destroyed.stats.restarts : -1;
    const { result, cookies, segs, ownGot, tcpRows, tcpDiagnostics } = await this.readFully(
      read?.whole,
      traffic,
      socketMemory,
      read === null ? null : ownBefore,
      tcpAgain === null ? null : { rows: tcpAgain, cookies: previous!.cookies, diagnostics: previous!.tcpDiagnostics },
    );
    this.readCounts.full++;
    if (tcpAgain !== null) this.readCounts.tcpKept++;
    if (this.getsRefused !== null)
      result.diagnostics.notes.push(
        `every reading is made in full while NetLens's own connections move: sock_diag gets failed (${this.getsRefused})`,
      );
    if (read !== null) {
      const own =
        tcpAgain !== null
          ? previous!.own
          : segs === null || !looksForOwn()
            ? []
            : countedAt(ownSockets(result.rows, cookies, process.pid, this.diagExt(socketMemory)), ownGot);
      this.quiet = {
        counters: read.text,
        segs: tcpAgain !== null ? previous!.segs : segs,
        own,
        cookies,
        at,
        traffic,
        socketMemory,
        eventRestarts,
        result,
        tcpRows,
        tcpDiagnostics,
        holders: this.holdersOf(result.rows),
      };
    }
    return result;
  }

  /** The last full read again; or, due by time alone, its TCP rows where a full read may take them again (DueRead);
   *  or null: a full read is due (see QuietRead and FULL_READ_EVERY_MS). */
  private async readAgain(
    read: SocketCounters | null,
    now: number,
    traffic: boolean,
    socketMemory: boolean,
  ): Promise<DatasetResult<Connection> | DueRead | null> {
    const q = this.quiet;
    if (q === null || read === null || read.text !== q.counters) return null;
    const due = now - q.at >= this.quietFor!;
    if (q.traffic !== traffic || q.socketMemory !== socketMemory) return null;
    if (this.attributeOwners && this.owners.waiting) return null;
    // A TCP socket closed while another opened would leave sockstat's counts as they were: its destroy event
    // tells, so reads are given again only while that reader runs, has run since the full read, and has none.
    const events = this.destroyed.stats;
    if (!events.running || events.restarts !== q.eventRestarts || this.destroyed.queued > 0) return null;
    for (const [pid, fds] of q.holders) if (fdCount(this.procRoot, pid) !== fds) return null;
    const { diagnostics } = q.result;
    const again = (rows: Connection[]): DatasetResult<Connection> | DueRead =>
      due
        ? { tcp: q.tcpRows !== null && queuesEmpty(rows, q.tcpRows) ? rows.slice(0, q.tcpRows) : null }
        : { rows, diagnostics: mergeDiagnostics(emptyDiagnostics(), diagnostics), keptRows: true };
    const { segs } = read;
    const base = q.segs;
    // Rows are never changed once given, and every one is the last read's: the monitor knows them unchanged.
    if (segs?.in === base?.in && segs?.out === base?.out) return again(q.result.rows.slice());
    // The segments moved: by NetLens's own connections' alone, or a full read.
    if (segs === null || base === null || q.own.length === 0) return null;
    // Their get, then the counters again: grown since the full read by exactly what those sockets counted since their
    // baseline (segsBeforeDump's get, or the dump), the growth holds no other socket's segment (linux-own-sockets.ts
    // says why). Asked again while the counters moved during a get (the host writes another dataset's diff to the
    // page as this read runs, and the page answers), never more than OWN_GETS_AT_MOST times; unmoved and unequal,
    // another socket moved them.
    let seen = segs;
    for (let asked = 0; asked < OWN_GETS_AT_MOST; asked++) {
      const got = await this.getOwn(q.own);
      const after = readTcpSegments(this.procRoot);
      const fresh = got === null ? null : withFreshOwnRows(q.result.rows, q.own, got);
      if (fresh === null || after === null) return null;
      if (fresh.segsIn === after.in - base.in && fresh.segsOut === after.out - base.out) {
        // Their counters grew: the totals too (every row, so none is taken for closed).
        this.totals.update(fresh.rows, q.cookies, [], Date.now());
        this.readCounts.gets++;
        // This reading is the baseline from now on (the counters as `after` read them, these sockets as the get
        // found them, which no segment crossed: the equality says so), and these rows are those given again: a
        // read that finds the counters where they are now needs no get. From the full read's baseline, every
        // tick after the page's last message asked one, until the next full read.
        q.segs = after;
        q.own = countedAt(q.own, got);
        q.result = { ...q.result, rows: fresh.rows };
        return again(fresh.rows);
      }
      if (after.in === seen.in && after.out === seen.out) return null;
      seen = after;
    }
    return null;
  }

  /** NetLens's own connections as a get finds them now, or null: the get failed (a refusal stops gets: full reads
   *  then, as without them; counted by the quiet reads' gets alone, `counted`, so a tick counts one at most). */
  private async getOwn(own: readonly OwnSocket[], counted = true): Promise<SsTcpRows | null> {
    const r = await this.diag.get(
      SOCK_DIAG_BY_FAMILY,
      own.map((o) => o.request),
      GET_LIMITS,
    );
    if (!r.ok) {
      if (counted && ++this.getsFailed >= GETS_FAIL_AT_MOST) this.getsRefused = r.error;
      return null;
    }
    this.getsFailed = 0;
    try {
      return tcpRowsFromDiag(r.datagrams, emptyDiagnostics(), Date.now(), () => true, true);
    } finally {
      releaseDump(r);
    }
  }

  /** The attributes asked of TCP sockets while traffic is collected: tcp_info, and skmem for a memory column. */
  private diagExt(socketMemory: boolean): number {
    return extBit(INET_DIAG_INFO) | (socketMemory ? extBit(INET_DIAG_SKMEMINFO) : 0);
  }

  /** The processes holding the rows' sockets, with the size of their fd table (fdCount). */
  private holdersOf(rows: readonly Connection[]): [number, number][] {
    const pids = new Set<number>();
    let last: ProcessInfo | undefined;
    for (const row of rows) {
      for (const p of row.processes) {
        if (p === last) continue;
        last = p;
        pids.add(p.pid);
      }
    }
    return [...pids].map((pid) => [pid, fdCount(this.procRoot, pid)]);
  }

  /**
   * TCP's segments just before a full read's TCP dump, before every row it gives (QuietRead.segs); and where
   * NetLens's own connections of the last full read (`own`) are found by a get that no segment crosses (the segments
   * read before it and after it equal), that get's answer: their counts as of that reading, a baseline that their
   * segments sent as the dump runs (the host writing another dataset's diff to its page) do not break, as they break
   * the dump's counts. Asked again while segments cross it (that page's traffic lasts a few milliseconds), never more
   * than OWN_GETS_AT_MOST times. A segment of theirs counted by snmp before a reading and by its socket after the get
   * (a packet received: InSegs counts it before the socket is found) makes the get's counts lower by it: that excess
   * is the one linux-own-sockets.ts tells of for packets received, met the same way.
   */
  private async segsBeforeDump(
    own: readonly OwnSocket[],
  ): Promise<{ segs: SocketCounters['segs']; ownGot: SsTcpRows | null }> {
    let before = readTcpSegments(this.procRoot);
    if (before === null || own.length === 0) return { segs: before, ownGot: null };
    for (let asked = 0; asked < OWN_GETS_AT_MOST; asked++) {
      const got = await this.getOwn(own, false);
      const after = readTcpSegments(this.procRoot);
      if (got === null || after === null) return { segs: after, ownGot: null };
      if (after.in === before.in && after.out === before.out) return { segs: before, ownGot: got };
      before = after;
    }
    return { segs: before, ownGot: null };
  }

  /** A full read, its TCP rows' cookies by position, and how many of its rows (the first) are TCP rows from
   *  sock_diag (QuietRead's `tcpRows`); `sockstat`: sockstat and sockstat6 as this tick's counters read them, not
   *  read again; `ss` and `socketMemory`: whether it collects traffic and socket memory, as the read began
   *  (readNow); `own`: null, no segments read (no quiet reads), else the last full read's own connections
   *  (segsBeforeDump); `tcpAgain`: the last reading's TCP rows and cookies, taken again rather than dumping TCP
   *  (readAgain's DueRead: no segment read, no dump). */
  private async readFully(
    sockstat: ReadonlyMap<string, string> | undefined,
    ss: boolean,
    socketMemory: boolean,
    own: readonly OwnSocket[] | null,
    tcpAgain: (SsTcpRows & { diagnostics: Diagnostics }) | null = null,
  ): Promise<{
    result: DatasetResult<Connection>;
    cookies: SsTcpRows['cookies'];
    segs: SocketCounters['segs'];
    ownGot: SsTcpRows | null;
    tcpRows: number | null;
    tcpDiagnostics: Diagnostics;
  }> {
    // sock_diag (or, with traffic, ss) gives the TCP rows, with their counters while traffic is collected:
    // the kernel walks its TCP hash once per tick, and the rows are binary records rather than text.
    const wanted = (file: string) => this.tables === null || this.tables.has(file);
    // A reading's TCP rows taken again come with what their dump skipped or noted.
    const fromSs = tcpAgain?.diagnostics ?? emptyDiagnostics();
    // Where /proc is the machine's own (a test may point procRoot at a fixture, which the kernel's tables
    // would not match), TCP and unix sockets come from sock_diag; with traffic, TCP always does (only the
    // kernel has the counters).
    // The last read's TCP and unix rows become those to compare with; a read whose rows of either kind do not come
    // from sock_diag keeps none of that kind for the next.
    if (tcpAgain === null) this.kept.begin();
    else this.kept.again(tcpAgain.rows);
    this.keptUnix.begin();
    // TCP's segments just before its dump, with NetLens's own connections' counts where a get that no segment crosses
    // gives them: the baseline of a quiet read (QuietRead.segs and own), read before any row is, and as near to the
    // dump as can be, so that NetLens's own segments in between (its page answering a diff of another dataset,
    // written as this read runs) seldom stand later as another socket's.
    const { segs, ownGot } =
      own === null || tcpAgain !== null ? { segs: null, ownGot: null } : await this.segsBeforeDump(own);
    if (tcpAgain === null) this.beforeTcpDump?.();
    // The rows' time (their last send and receive are ages from it): after the get's wait.
    const ssAt = Date.now();
    const tcpRead =
      tcpAgain === null && (ss || (this.ownProc && (wanted('tcp') || wanted('tcp6'))))
        ? this.readTcpRows(ssAt, fromSs, this.tcpWanted, ss, socketMemory)
        : null;
    const fromDiag = emptyDiagnostics();
    const unixDiag = this.ownProc && wanted('unix') ? this.readUnixDiag(fromDiag, ss) : null;
    await this.users.refresh();
    let tcp: (SsTcpRows & { diag?: true }) | null = tcpAgain;
    let ssFailure: string | null = null;
    if (tcpRead) {
      const out = await tcpRead;
      if (typeof out === 'string') ssFailure = out;
      else tcp = out;
    }
    // The last read's rows that this one did not give again are garbage now, not held until the next read.
    if (tcpAgain === null) this.kept.end();
    // Unix sockets from sock_diag, else (with a note saying why, unless sock_diag was turned off) from /proc.
    const unix = unixDiag ? await unixDiag : null;
    this.keptUnix.end();
    const unixNote = typeof unix === 'string' && this.diagUnavailable === null ? unix : null;
    // The machine's own UDP, UDP-Lite and raw tables are read only when sockstat counts a socket in them (and
    // sockstat only when one of them is wanted, as this tick's counters read it where they were read).
    const empty =
      this.ownProc && Object.values(SOCKSTAT_TABLES).some(wanted)
        ? emptyInetTables((file) => {
            const text = sockstat?.get(file);
            return text !== undefined ? { ok: true, text } : readProcTextSync(`${this.procRoot}/net/${file}`, 'latin1');
          })
        : null;
    const fromTables = connectionsFromTables(
      (file, encoding) => readProcTextSync(`${this.procRoot}/net/${file}`, encoding),
      (file) =>
        (tcp === null || (file !== 'tcp' && file !== 'tcp6')) &&
        (!Array.isArray(unix) || file !== 'unix') &&
        empty?.has(file) !== true &&
        wanted(file),
      tcp ? { rows: tcp.rows, diagnostics: fromSs } : undefined,
    );
    const diagnostics = fromTables.diagnostics;
    // Read from /proc after all: why (the note readTcpRows left) goes with the rows.
    if (tcp === null) mergeDiagnostics(diagnostics, fromSs);
    let rows = fromTables.rows;
    this.unixStart = rows.length;
    if (Array.isArray(unix)) {
      rows = rows.concat(unix);
      mergeDiagnostics(diagnostics, fromDiag);
    } else if (unixNote !== null) diagnostics.notes.push(`unix sockets read from /proc/net/unix: ${unixNote}`);
    // Link-local sockets are rare: if_inet6 is read only when there is one.
    if (rows.some((r) => r.family === 'inet6' && LINK_LOCAL_TEXT.test(r.localAddress))) {
      const ifs = readProcTextSync(`${this.procRoot}/net/if_inet6`, 'names');
      if (ifs.ok) attachZones(rows, ifs.text);
    }
    if (this.attributeOwners) {
      const attached = this.attachOwners(rows);
      let denied = attached.denied;
      const sliced = slicedNote(this.owners.sliced());
      if (sliced !== null) diagnostics.notes.push(sliced);
      if (attached.partial > 0) diagnostics.notes.push(partialOwnersNote(attached.partial));
      if (denied.length > 0 && this.privileged) denied = await this.askPrivileged(denied, diagnostics);
      if (denied.length > 0) {
        diagnostics.notes.push(
          `${denied.length} socket${denied.length === 1 ? '' : 's'} may belong to processes of other users: ` +
            'their owners are unknown without privileges',
        );
      }
    } else {
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        const user = this.users.name(row.uid);
        if (row.user === user) continue;
        if (this.isKept(i)) this.replaceKept(rows, i);
        rows[i]!.user = user;
      }
    }
    let closed: ClosedSocket[] | undefined;
    const cookies = tcp?.cookies ?? [];
    if (ss) {
      if (ssFailure !== null) {
        // Every row gets the failure: kept ones (the unix rows: the TCP rows then come from /proc) as copies.
        for (let i = 0; i < rows.length; i++) if (this.isKept(i)) this.replaceKept(rows, i);
        trafficFailed(rows, ssFailure, diagnostics);
      } else fillTrafficGaps(rows);
      // The TCP rows come first in `rows`, in their order: their cookies by position.
      closed = this.totals.update(rows, cookies, this.destroyed.take(), Date.now());
      this.reportDestroyStream(diagnostics);
    }
    this.lastCounts = ownerCounts(rows);
    // Rows are never changed once given (a kept row's changes go to a copy, see attachOwners).
    const result: DatasetResult<Connection> =
      closed && closed.length > 0
        ? { rows, diagnostics, closed, keptRows: true }
        : { rows, diagnostics, keptRows: true };
    return {
      result,
      cookies,
      segs,
      ownGot,
      tcpRows: tcp !== null && (tcpAgain !== null || tcp.diag) ? tcp.rows.length : null,
      tcpDiagnostics: fromSs,
    };
  }

  /** The destroy-event reader's state, in every read's diagnostics: skipped records since the last read,
   *  and why it is not running when it is not. */
  private reportDestroyStream(diagnostics: Diagnostics): void {
    const d = this.destroyed.diagnostics();
    if (d.skipped > this.reportedEventSkips) {
      diagnostics.skipped += d.skipped - this.reportedEventSkips;
      for (const sample of d.samples)
        if (diagnostics.samples.length < MAX_DIAGNOSTIC_SAMPLES) diagnostics.samples.push(sample);
      this.reportedEventSkips = d.skipped;
    }
    const st = this.destroyed.stats;
    if (!st.running && st.reason)
      diagnostics.missing.push({ source: 'ss -tinHeE (destroy events)', reason: st.reason });
    if (st.restarts > 0)
      diagnostics.notes.push(
        `the destroy-event reader (ss -E) was restarted ${st.restarts} time${st.restarts === 1 ? '' : 's'}`,
      );
    if (st.dropped > 0)
      diagnostics.notes.push(`${st.dropped} destroy events dropped: they came faster than readings took them`);
  }

  /**
   * Attaches the owners this process can see; returns the rows whose owners it may not inspect, and how many rows
   * list only some of their owners ('partial', MAX_SOCKET_OWNERS). A row kept from
   * the last read (KeptRows) whose owners are not what it shows is replaced by a copy with them (in its place,
   * so its traffic cookie is still the one at that position), and so is one the privileged agent is to be asked
   * about: a row once given is never changed.
   */
  private attachOwners(rows: Connection[]): { denied: Connection[]; partial: number } {
    let partial = 0;
    const inodes = new Array<number>(rows.length);
    for (let i = 0; i < rows.length; i++) inodes[i] = rows[i]?.inode ?? 0;
    this.owners.update(inodes);
    const someDenied = this.owners.someDenied;
    const denied: Connection[] = [];
    for (let i = 0; i < rows.length; i++) {
      let row = rows[i]!;
      const user = this.users.name(row.uid);
      const processes = row.inode === null ? null : this.owners.processesOf(row.inode);
      const known = processes !== null && processes.length > 0;
      const unknown = processes !== null && !known && someDenied && row.uid !== this.myUid;
      const listed = known && this.owners.isPartial(processes) ? 'partial' : 'known';
      if (listed === 'partial') partial++;
      if (this.isKept(i)) {
        const shown =
          row.ownerStatus === (known ? listed : unknown ? 'denied' : 'none') &&
          (known ? row.processes === processes : row.processes.length === 0) &&
          row.user === (known && row.uid === null ? (processes[0]?.user ?? null) : user);
        // The agent's answer would change the row.
        if (shown && !(unknown && this.privileged)) {
          if (unknown) denied.push(row);
          continue;
        }
        // As the row was built, before owners: they are attached below.
        row = this.replaceKept(rows, i);
        row.processes = [];
        row.ownerStatus = 'none';
      }
      row.user = user;
      if (known) {
        row.processes = processes;
        row.ownerStatus = listed;
        if (row.uid === null) row.user = processes[0]?.user ?? null;
      } else if (unknown) {
        row.ownerStatus = 'denied';
        denied.push(row);
      }
    }
    return { denied, partial };
  }

  /** Whether this read's row at `i` is the last read's object (KeptRows: not to be changed). */
  private isKept(i: number): boolean {
    return i < this.unixStart ? this.kept.isKept(i) : this.keptUnix.isKept(i - this.unixStart);
  }

  /** A copy of the kept row at `i`, which replaces it (a row once given is never changed); its traffic cookie
   *  is the row's at that position. */
  private replaceKept(rows: Connection[], i: number): Connection {
    const copy = { ...rows[i]! };
    if (i < this.unixStart) this.kept.replace(i, copy);
    else this.keptUnix.replace(i - this.unixStart, copy);
    rows[i] = copy;
    return copy;
  }

  /**
   * Owners from the privileged agent for the rows this process could not attribute. It sees every process,
   * so a socket it does not attribute has none ('none'). Without an answer the rows stay 'denied'.
   */
  private async askPrivileged(denied: Connection[], diagnostics: Diagnostics): Promise<Connection[]> {
    let owners: ReadonlyMap<number, ProcessInfo[]> | null = null;
    try {
      owners = await this.privileged!.lookup(denied.map((r) => r.inode!));
    } catch (err) {
      diagnostics.notes.push(`the NetLens agent did not answer: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!owners) return denied;
    let partial = 0;
    for (const row of denied) {
      const processes = owners.get(row.inode!);
      if (processes && processes.length > 0) {
        const cut = processes.length > MAX_SOCKET_OWNERS;
        row.processes = fewestPids(processes);
        row.ownerStatus = cut ? 'partial' : 'known';
        if (cut) partial++;
        if (row.uid === null) row.user = processes[0]?.user ?? null;
      } else {
        row.ownerStatus = 'none';
      }
    }
    if (partial > 0) diagnostics.notes.push(`the NetLens agent's answer: ${partialOwnersNote(partial)}`);
    return [];
  }
}

/** The note for sockets whose owners were cut at MAX_SOCKET_OWNERS. */
function partialOwnersNote(sockets: number): string {
  return `${sockets} socket${sockets === 1 ? ' has' : 's have'} more than ${MAX_SOCKET_OWNERS} owners: the ${MAX_SOCKET_OWNERS} with the lowest PIDs are listed`;
}

/** A sock_diag dump is about 300 bytes per TCP socket: a million sockets fit; a dump stuck longer than
 *  ss would take at that size is given up (ss is used for that tick). */
const DIAG_LIMITS = { timeoutMs: 10_000, maxBytes: 512 * 1024 * 1024 };
/** A get of NetLens's own connections: a few records, answered within a millisecond; given up well within a tick
 *  (a full read follows). */
const GET_LIMITS = { timeoutMs: 500, maxBytes: 1024 * 1024 };
/**
 * Whether none of the first `count` rows (a reading's TCP rows) has anything in a queue (a listener's accept queue
 * is its receive queue; its send queue is its backlog, a setting) nor a link-local address (whose zone a full read
 * attaches to a row afresh): what can then change without a segment or a change in the counters, nothing (QuietRead's
 * `tcpRows`).
 */
function queuesEmpty(rows: readonly Connection[], count: number): boolean {
  for (let i = 0; i < count; i++) {
    const r = rows[i]!;
    if (r.recvQ !== 0 || (r.state !== 'LISTEN' && r.sendQ !== 0)) return false;
    if (r.family === 'inet6' && LINK_LOCAL_TEXT.test(r.localAddress)) return false;
  }
  return true;
}

/** An IPv6 address as a row writes it that is link-local (fe80::/10): its zone comes from if_inet6 (attachZones). */
const LINK_LOCAL_TEXT = /^fe[89ab]/i;

/** Gets that fail this many times in a row are asked no more: every reading is then full while they move. */
const GETS_FAIL_AT_MOST = 3;
/** Gets of NetLens's own connections in one read, while the counters move during each (readAgain). */
const OWN_GETS_AT_MOST = 3;

/** `ss -tainHe` prints about 700 bytes per socket; this allows several hundred thousand. */
const SS_MAX_BYTES = 512 * 1024 * 1024;

const GAPS = new Map<string, ConnectionTraffic>();
function gapTraffic(note: string): ConnectionTraffic {
  let t = GAPS.get(note);
  if (!t) GAPS.set(note, (t = Object.freeze(unknownTraffic(note)) as ConnectionTraffic));
  return t;
}

/** ss's output is the TCP rows: one that failed or was cut short must not pass for all of them (the rows then
 *  come from /proc, without traffic). */
async function completeSs(running: Promise<RunResult>): Promise<CommandResult> {
  const r = await running;
  if (r.status === 'failed') return { ok: false, error: r.message };
  const stderr = r.stderr.trim();
  if (r.code !== 0) return { ok: false, error: `ss exited with ${r.code}${stderr ? `: ${stderr.slice(0, 200)}` : ''}` };
  if (r.truncated) return { ok: false, error: `ss printed more than ${SS_MAX_BYTES / 1024 / 1024} MiB` };
  return { ok: true, text: r.stdout, stderr };
}

/** Every row, when ss failed: the traffic fields null, with why. */
export function trafficFailed(
  rows: Connection[],
  error: string,
  diagnostics: Diagnostics,
  source = 'ss -tainHe',
): void {
  diagnostics.missing.push({ source, reason: error });
  const failed = gapTraffic(`n/a: ${error}`);
  for (const row of rows) assignTraffic(row, failed);
}

/** The rows ss gave no counters (UDP, raw, unix), null with the reason: the kernel keeps none. */
export function fillTrafficGaps(rows: Connection[]): void {
  const missing = gapTraffic(TRAFFIC_NOTES.noInfo);
  for (const row of rows) {
    if (row.bytesSent !== undefined) continue;
    const gap = trafficGap(row.proto, row.state);
    assignTraffic(row, gap === null ? missing : gapTraffic(gap));
  }
}
