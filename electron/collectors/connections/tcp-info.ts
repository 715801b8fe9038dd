// TCP traffic and health from iproute2 `ss -i` (tcp_info) and `-m` (skmem), one parser for the live Linux
// collector (`ss -tainHe`, read once per tick while traffic is shown: linux-ss-rows.ts makes its TCP rows)
// and for saved `ss -ti` captures.
//
// ss prints a counter only when it is not zero (misc/ss.c tcp_show_info: `if (s->bytes_acked) out(...)`), so
// a socket with a tcp_info line and no `bytes_received:` has received nothing. Kernels before 4.19 have no
// bytes_sent; there the bytes the peer acknowledged stand in for it. The counters hold more than data: bytes_acked
// the SYN and our FIN once acknowledged, bytes_received the peer's FIN once it came; a live socket's state says
// which (writeTraffic), and a socket with no data segment (data_segs_in/out, 4.6+) carried no bytes at all.
import type { Connection, ConnectionTraffic, Diagnostics, SocketMemory } from '../../../shared/types.js';
import type { Collector } from '../collector.js';
import { assignTraffic, recordSkip, TRAFFIC_FIELDS } from '../../../shared/types.js';
import { splitColonEndpoint } from './endpoints.js';
import { lookup } from '../lookup.js';

/** Why rows have no counters: shown in the UI instead of a zero. */
export const TRAFFIC_NOTES = {
  udp: 'n/a: the kernel keeps no per-socket UDP byte counts',
  raw: 'n/a: the kernel keeps no per-socket byte counts for raw sockets',
  unix: 'n/a: the kernel keeps no per-socket byte counts for unix sockets',
  listen: 'n/a: a listening socket carries no data',
  noInfo: 'n/a: the kernel gave no tcp_info for this socket (time-wait and half-open sockets have none)',
  unreadable: 'n/a: ss printed an unreadable line for this socket (counted in diagnostics)',
} as const;

/** The traffic fields of a row whose counters are unknown, all null, with the reason. */
export function unknownTraffic(note: string): ConnectionTraffic {
  // In the order assignTraffic writes them, the rates last.
  const t: Record<string, unknown> = {};
  for (const k of TRAFFIC_FIELDS) t[k] = null;
  t.trafficNote = note;
  t.sendRate = null;
  t.recvRate = null;
  return t as ConnectionTraffic;
}

/** A connections collector of an OS whose counters NetLens cannot read: while traffic is asked for, every row
 *  says why its traffic columns are empty (Windows: administrator rights; macOS: nettop not read live). */
export function withoutTraffic(collector: Collector<Connection>, note: string): Collector<Connection> {
  const gap = unknownTraffic(note);
  let asked = false;
  return {
    read: async () => {
      const r = await collector.read();
      if (asked) for (const row of r.rows) assignTraffic(row, gap);
      return r;
    },
    setExtras: (extras) => {
      asked = extras.length > 0;
      collector.setExtras?.(extras);
    },
    dispose: () => collector.dispose?.(),
  };
}

/** The reason a row of this protocol and state has no counters, or null for a TCP socket that may have some. */
export function trafficGap(proto: string, state: string): string | null {
  switch (proto) {
    case 'tcp':
      return state === 'LISTEN' ? TRAFFIC_NOTES.listen : null;
    case 'udp':
    case 'udplite':
      return TRAFFIC_NOTES.udp;
    case 'raw':
      return TRAFFIC_NOTES.raw;
    default:
      return TRAFFIC_NOTES.unix;
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}

/** A decimal number of text[s, e), or NaN. */
export function numberAt(text: string, s: number, e: number): number {
  if (e <= s) return NaN;
  // Integers (nearly every field) without making a string: this runs ~15 times per socket.
  let n = 0;
  let i = s;
  for (; i < e && i - s < 15; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
  }
  if (i === e) return n;
  const c = text.charCodeAt(s);
  if (c < 48 || c > 57) return NaN;
  return Number(text.slice(s, e));
}

const RATE_UNITS: Record<string, number> = { '': 1, K: 1e3, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** `270032984bps` (ss -n) or `2.7Mbps` (without -n), as bytes per second; NaN when unreadable. */
function bitsPerSecondAt(text: string, s: number, e: number): number {
  const m = /^(\d+(?:\.\d+)?)([kKMGT]?)bps$/.exec(text.slice(s, e));
  return m ? (Number(m[1]) * (RATE_UNITS[m[2] ?? ''] ?? 1)) / 8 : NaN;
}

const SKMEM_KEYS: Record<string, keyof SocketMemory> = {
  r: 'rmemAlloc',
  rb: 'rcvBuf',
  t: 'wmemAlloc',
  tb: 'sndBuf',
  f: 'fwdAlloc',
  w: 'wmemQueued',
  o: 'optMem',
  bl: 'backlog',
  d: 'drops',
};

/** `(r0,rb2045297,t0,tb3939840,f0,w0,o0,bl0,d1)` */
function parseSkmem(value: string): SocketMemory | null {
  if (!value.startsWith('(') || !value.endsWith(')')) return null;
  const m: SocketMemory = {
    rmemAlloc: 0,
    rcvBuf: 0,
    wmemAlloc: 0,
    sndBuf: 0,
    fwdAlloc: 0,
    wmemQueued: 0,
    optMem: 0,
    backlog: 0,
    drops: 0,
  };
  for (const part of value.slice(1, -1).split(',')) {
    const at = /^([a-z]+)(\d+)$/.exec(part);
    if (!at) return null;
    const key = lookup(SKMEM_KEYS, at[1]!);
    if (key) m[key] = Number(at[2]);
  }
  return m;
}

/** What the tokens of one socket said, before ss's "absent means zero" is applied. */
interface RawInfo {
  bytesSent: number | null;
  bytesAcked: number | null;
  bytesReceived: number | null;
  bytesRetrans: number | null;
  rtt: number | null;
  rttVar: number | null;
  minRtt: number | null;
  retrans: number | null;
  cwnd: number | null;
  lastSnd: number | null;
  lastRcv: number | null;
  segsOut: number | null;
  segsIn: number | null;
  delivery: number | null;
  /** Segments that carried data (Linux 4.6+, with min_rtt); null where not said: ss leaves out a zero. */
  dataSegsIn: number | null;
  dataSegsOut: number | null;
  skmem: SocketMemory | null;
  /** Whether a tcp_info field was seen at all (a socket line with none has no tcp_info). */
  any: boolean;
}

function rawInfo(): RawInfo {
  return {
    bytesSent: null,
    bytesAcked: null,
    bytesReceived: null,
    bytesRetrans: null,
    rtt: null,
    rttVar: null,
    minRtt: null,
    retrans: null,
    cwnd: null,
    lastSnd: null,
    lastRcv: null,
    segsOut: null,
    segsIn: null,
    delivery: null,
    dataSegsIn: null,
    dataSegsOut: null,
    skmem: null,
    any: false,
  };
}

/** One scratch RawInfo serves a whole read. */
function resetInfo(r: RawInfo): void {
  r.bytesSent = r.bytesAcked = r.bytesReceived = r.bytesRetrans = r.rtt = r.rttVar = r.minRtt = null;
  r.retrans = r.cwnd = r.lastSnd = r.lastRcv = r.segsOut = r.segsIn = r.delivery = null;
  r.dataSegsIn = r.dataSegsOut = null;
  r.skmem = null;
  r.any = false;
}

/** The tcp_info keys read (0: any other). */
const K = {
  bytesSent: 1,
  bytesAcked: 2,
  bytesReceived: 3,
  bytesRetrans: 4,
  segsOut: 5,
  segsIn: 6,
  cwnd: 7,
  lastSnd: 8,
  lastRcv: 9,
  rtt: 10,
  minRtt: 11,
  retrans: 12,
  skmem: 13,
  dataSegsIn: 14,
  dataSegsOut: 15,
} as const;
const KEY_NAMES: [string, number][] = [
  ['bytes_sent', K.bytesSent],
  ['bytes_acked', K.bytesAcked],
  ['bytes_received', K.bytesReceived],
  ['bytes_retrans', K.bytesRetrans],
  ['segs_out', K.segsOut],
  ['segs_in', K.segsIn],
  ['cwnd', K.cwnd],
  ['lastsnd', K.lastSnd],
  ['lastrcv', K.lastRcv],
  ['rtt', K.rtt],
  ['minrtt', K.minRtt],
  ['retrans', K.retrans],
  ['skmem', K.skmem],
  ['data_segs_in', K.dataSegsIn],
  ['data_segs_out', K.dataSegsOut],
];
/** Candidates by key length, so most tokens are dismissed by their length and first letter. */
const KEYS_BY_LENGTH: [string, number][][] = [];
for (const entry of KEY_NAMES) (KEYS_BY_LENGTH[entry[0].length] ??= []).push(entry);

/** 1 at the first letters of the keys read (and of delivery_rate). */
const KEY_FIRST = new Uint8Array(128);
for (const [name] of KEY_NAMES) KEY_FIRST[name.charCodeAt(0)] = 1;
KEY_FIRST['d'.charCodeAt(0)] = 1;

function keyAt(text: string, s: number, length: number): number {
  const candidates = KEYS_BY_LENGTH[length];
  if (candidates === undefined) return 0;
  const c = text.charCodeAt(s);
  for (const [name, key] of candidates) if (name.charCodeAt(0) === c && text.startsWith(name, s)) return key;
  return 0;
}

/**
 * Reads the tcp_info tokens of text[from, to) into `info`. Unknown tokens are ignored (every iproute2
 * release adds some); returns why the text is unreadable (a known field with a value that is no number), or null.
 */
function readTokens(text: string, from: number, until: number, info: RawInfo): string | null {
  // ss pads every detail line to the widest one's length (half of its output at 20,000 sockets).
  let to = until;
  while (to > from && text.charCodeAt(to - 1) <= 32) to--;
  let i = from;
  let pendingRate: 'delivery' | null = null;
  while (i < to) {
    // Whitespace and control characters all sort below '!'.
    while (i < to && text.charCodeAt(i) <= 32) i++;
    if (i >= to) break;
    const s = i;
    if (pendingRate === null && KEY_FIRST[text.charCodeAt(s)] !== 1) {
      // No key read here starts with this letter: the token is skipped in one pass.
      while (i < to && text.charCodeAt(i) > 32) i++;
      continue;
    }
    // One pass to the token's end, noting its first colon: the key is named without making a string of it
    // (this runs ~40 times per socket).
    let colon = -1;
    for (; i < to; i++) {
      const c = text.charCodeAt(i);
      if (c <= 32) break;
      if (c === 58 && colon < 0) colon = i;
    }
    const e = i;
    if (pendingRate !== null) {
      const v = bitsPerSecondAt(text, s, e);
      if (!Number.isFinite(v)) return `unreadable ${pendingRate}_rate`;
      info.delivery = v;
      pendingRate = null;
      continue;
    }
    if (colon < 0) {
      if (e - s === 13 && text.startsWith('delivery_rate', s)) pendingRate = 'delivery';
      continue;
    }
    const key = keyAt(text, s, colon - s);
    if (key === 0) continue;
    const vs = colon + 1;
    let n: number;
    switch (key) {
      case K.bytesSent:
      case K.bytesAcked:
      case K.bytesReceived:
      case K.bytesRetrans:
      case K.segsOut:
      case K.segsIn:
      case K.cwnd:
      case K.lastSnd:
      case K.lastRcv:
      case K.dataSegsIn:
      case K.dataSegsOut:
        n = numberAt(text, vs, e);
        if (!Number.isFinite(n)) return `unreadable ${text.slice(s, colon)}`;
        info.any = true;
        if (key === K.bytesSent) info.bytesSent = n;
        else if (key === K.bytesAcked) info.bytesAcked = n;
        else if (key === K.bytesReceived) info.bytesReceived = n;
        else if (key === K.bytesRetrans) info.bytesRetrans = n;
        else if (key === K.segsOut) info.segsOut = n;
        else if (key === K.segsIn) info.segsIn = n;
        else if (key === K.cwnd) info.cwnd = n;
        else if (key === K.lastSnd) info.lastSnd = n;
        else if (key === K.dataSegsIn) info.dataSegsIn = n;
        else if (key === K.dataSegsOut) info.dataSegsOut = n;
        else info.lastRcv = n;
        break;
      case K.rtt: {
        let slash = vs;
        while (slash < e && text.charCodeAt(slash) !== 47) slash++;
        n = numberAt(text, vs, slash);
        const varN = slash < e ? numberAt(text, slash + 1, e) : NaN;
        if (!Number.isFinite(n)) return 'unreadable rtt';
        info.any = true;
        info.rtt = n;
        info.rttVar = Number.isFinite(varN) ? varN : null;
        break;
      }
      case K.minRtt:
        n = numberAt(text, vs, e);
        if (!Number.isFinite(n)) return 'unreadable minrtt';
        info.minRtt = n;
        break;
      case K.retrans: {
        // `retrans:<in flight>/<total>`
        let slash = vs;
        while (slash < e && text.charCodeAt(slash) !== 47) slash++;
        n = slash >= e ? NaN : numberAt(text, slash + 1, e);
        if (!Number.isFinite(n)) return 'unreadable retrans';
        info.retrans = n;
        break;
      }
      case K.skmem: {
        const m = parseSkmem(text.slice(vs, e));
        if (!m) return 'unreadable skmem';
        info.skmem = m;
        break;
      }
      default:
        break;
    }
  }
  return null;
}

/**
 * The rows' fractional and epoch-time numbers, shared. V8 keeps such a number (one that is not a small integer)
 * in a field as a reference to a box of its own, 16 bytes: a TCP row's round-trip times (ms, from µs) and its
 * last send and receive (ms since the epoch, to the second) were five boxes a row, 80 bytes, 8 MB of the
 * worker's heap at 100,000 sockets (docs/performance.md, "What the worker holds per socket, fewer copies"). Rows
 * with the same value can hold the same box: most sockets' last send and receive fall in the same few seconds,
 * and the round-trip times of one network in a few thousand microseconds. A direct-mapped cache by the value's
 * µs or s (the last value seen in each place): the value given is always the one asked for (===, and 0 and
 * -0 are not boxed), only its box may be another row's.
 */
const SHARED_NUMBERS = 4096;
const sharedMs: unknown[] = new Array(SHARED_NUMBERS).fill(null);
const sharedTimes: unknown[] = new Array(SHARED_NUMBERS).fill(null);

/** `x`, in the box of an equal number given before when the cache still has it. */
function shared(cache: unknown[], x: number | null, hash: number): number | null {
  if (x === null || x === 0) return x;
  const i = hash & (SHARED_NUMBERS - 1);
  const boxed = cache[i];
  if (boxed === x) return boxed as number;
  cache[i] = x;
  return x;
}

/** A duration in ms (from µs), in a box shared by rows that have the same (see SHARED_NUMBERS). */
export function sharedMsValue(x: number | null): number | null {
  return x === null ? null : shared(sharedMs, x, Math.round(x * 1000));
}

/** A time in ms since the epoch, in a box shared by rows that have the same (see SHARED_NUMBERS). */
export function sharedTime(x: number | null): number | null {
  return x === null ? null : shared(sharedTimes, x, Math.floor(x / 1000));
}

/** An age the kernel reported, as a time to the second; null without the time of the reading (a capture). */
function instant(at: number | null, ageMs: number | null): number | null {
  return at === null ? null : Math.floor((at - (ageMs ?? 0)) / 1000) * 1000;
}

/** The FINs a TCP state says its counters hold: the kernel's bytes_received counts the peer's FIN once received
 *  (a socket that took no data reads 1 in CLOSE-WAIT), bytes_acked the SYN and, once acknowledged, its own FIN.
 *  `state` as ss prints it (FIN-WAIT-2) or as rows name it (FIN_WAIT2); any other: none known. Read for every TCP
 *  row of a tick: no string made, one of four constant answers. */
const NO_FINS = { received: false, acked: false } as const;
const FIN_RECEIVED = { received: true, acked: false } as const;
const FIN_ACKED = { received: false, acked: true } as const;
const BOTH_FINS = { received: true, acked: true } as const;
function finsOf(state: string): { readonly received: boolean; readonly acked: boolean } {
  switch (state) {
    case 'CLOSE_WAIT':
    case 'CLOSE-WAIT':
    case 'LAST_ACK':
    case 'LAST-ACK':
    case 'CLOSING':
      return FIN_RECEIVED;
    case 'FIN_WAIT2':
    case 'FIN-WAIT-2':
      return FIN_ACKED;
    case 'TIME_WAIT':
    case 'TIME-WAIT':
      return BOTH_FINS;
    default:
      return NO_FINS;
  }
}

/** Writes what ss printed at `at` (ms since the epoch, null for a capture) into a row's traffic fields, in
 *  TRAFFIC_FIELDS order (so every row gets the same shape): counters it left out are zero (see the header). The
 *  socket's `state` takes the FINs out of the byte counts (finsOf). */
function writeTraffic(t: ConnectionTraffic, r: RawInfo, at: number | null, state = ''): void {
  if (!r.any) {
    assignTraffic(t, NO_INFO);
    t.skmem = r.skmem;
    return;
  }
  const retransBytes = r.bytesRetrans ?? 0;
  const fins = finsOf(state);
  // Before 4.19 there is no bytes_sent (and ss leaves out a zero): the acknowledged bytes, less the SYN and an
  // acknowledged FIN, are the best there is (and exact when nothing was sent).
  t.bytesSent =
    r.bytesSent !== null
      ? Math.max(0, r.bytesSent - retransBytes)
      : r.bytesAcked !== null
        ? Math.max(0, r.bytesAcked - 1 - (fins.acked ? 1 : 0))
        : 0;
  t.bytesAcked = r.bytesAcked ?? 0;
  t.bytesReceived = Math.max(0, (r.bytesReceived ?? 0) - (fins.received ? 1 : 0));
  // No segment carried data (a zero ss leaves out, told from min_rtt, which came with the count in 4.6): whatever
  // the counters hold is the SYN and FINs (a closed socket's state no longer says which).
  if (r.minRtt !== null || r.dataSegsOut !== null) {
    if (r.dataSegsOut === null) t.bytesSent = 0;
    if (r.dataSegsIn === null) t.bytesReceived = 0;
  }
  t.bytesRetrans = retransBytes;
  t.rttMs = sharedMsValue(r.rtt);
  t.rttVarMs = sharedMsValue(r.rttVar);
  t.minRttMs = sharedMsValue(r.minRtt);
  t.retrans = r.retrans ?? 0;
  t.cwnd = r.cwnd;
  t.lastSendAt = sharedTime(instant(at, r.lastSnd));
  t.lastRecvAt = sharedTime(instant(at, r.lastRcv));
  t.segsOut = r.segsOut ?? 0;
  t.segsIn = r.segsIn ?? 0;
  t.deliveryRate = r.delivery;
  t.skmem = r.skmem;
  t.trafficNote = null;
  t.sendRate = null;
  t.recvRate = null;
}

const NO_INFO = unknownTraffic(TRAFFIC_NOTES.noInfo);
const UNREADABLE = unknownTraffic(TRAFFIC_NOTES.unreadable);

/** The traffic of one socket from the detail text ss printed for it (continuation lines, or the tail of a
 *  one-line `-O` row); `{ reason }` when a known field is unreadable. */
export function parseTcpInfoText(text: string): ConnectionTraffic | { reason: string } {
  const info = rawInfo();
  const reason = readTokens(text, 0, text.length, info);
  if (reason !== null) return { reason };
  const t: ConnectionTraffic = {};
  writeTraffic(t, info, null);
  return t;
}

/** Whether text holds tcp_info at all (a capture taken with -i or -m). */
export function hasTcpInfo(text: string): boolean {
  return /(?:^|\s)(?:rtt:|bytes_(?:acked|received|sent):|cwnd:|skmem:\()/m.test(text);
}

/** Where a socket's traffic goes: the row of that inode, or (sockets orphaned after close, inode 0) of those
 *  endpoints; undefined when no row wants it (the socket opened after the rows were read). */
export interface TrafficTargets {
  /** `cookie`: the kernel's socket cookie (`sk:`, printed with -e), which outlives the inode. */
  byInode(inode: number, cookie: string | null): ConnectionTraffic | undefined;
  byEndpoints(key: string, cookie: string | null): ConnectionTraffic | undefined;
}

export function endpointsKey(
  localAddress: string,
  localPort: number,
  remoteAddress: string,
  remotePort: number,
): string {
  return `${localAddress}|${localPort}|${remoteAddress}|${remotePort}`;
}

/** The socket states ss prints (misc/ss.c sstate_name), for telling a socket line from anything else. */
export const SS_STATE_WORDS: ReadonlySet<string> = new Set([
  'ESTAB',
  'SYN-SENT',
  'SYN-RECV',
  'FIN-WAIT-1',
  'FIN-WAIT-2',
  'TIME-WAIT',
  'CLOSE-WAIT',
  'LAST-ACK',
  'CLOSING',
  'LISTEN',
  'UNCONN',
  'CLOSED',
  'UNKNOWN',
]);

/**
 * Calls `visit` with each socket of ss output: its row line text[start, end) (`State Recv-Q Send-Q Local
 * Peer ...`) and the indented lines under it, up to detailEnd. Lines that are neither, and sockets `visit`
 * finds unreadable (it returns why), are skipped and counted. Returns how many sockets were read.
 */
export function forEachSsSocket(
  text: string,
  diagnostics: Diagnostics,
  source: string,
  visit: (start: number, end: number, detailEnd: number) => string | null,
): number {
  let sockets = 0;
  let pos = 0;
  const len = text.length;
  while (pos < len) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = len;
    const start = pos;
    pos = end + 1;
    if (end === start) continue;
    const c = text.charCodeAt(start);
    if (isSpace(c)) {
      // Detail lines are read with their socket's row; one here has no row above it.
      if (text.slice(start, end).trim() !== '')
        recordSkip(diagnostics, source, text.slice(start, end), 'detail line without a socket line');
      continue;
    }
    // The socket's detail: indented lines that follow.
    let detailEnd = end;
    while (pos < len && (text.charCodeAt(pos) === 9 || text.charCodeAt(pos) === 32)) {
      let e = text.indexOf('\n', pos);
      if (e < 0) e = len;
      detailEnd = e;
      pos = e + 1;
    }
    const reason = visit(start, end, detailEnd);
    if (reason === null) sockets++;
    else recordSkip(diagnostics, source, text.slice(start, Math.min(detailEnd, start + 200)), reason);
  }
  return sockets;
}

/**
 * Reads `ss -tinHe` (optionally with -m, or one-line -O) into the rows `targets` names, writing each socket's
 * fields straight into its row (at 20,000 sockets an object per socket is garbage the tick pays for).
 * Sockets whose tcp_info is unreadable are counted (their row says so). Returns how many sockets were read.
 */
export function parseSsTraffic(
  text: string,
  diagnostics: Diagnostics,
  at: number | null,
  targets: TrafficTargets,
  source = 'ss -tinHe',
): number {
  return forEachSsSocket(text, diagnostics, source, (start, end, detailEnd) =>
    readSocket(text, start, end, detailEnd, at, targets),
  );
}

/** The five columns of the socket line last read by readSsHead (State Recv-Q Send-Q Local Peer). */
export const ssFieldStarts = new Int32Array(5);
export const ssFieldEnds = new Int32Array(5);
/** What readSsHead found after the columns (-e): 0 where ss printed no `ino:` or `uid:` (it leaves zeros out);
 *  `end`, where the socket's tcp_info may start on its line. */
export const ssHead = { inode: 0, uid: 0, cookie: null as string | null, end: 0 };

/** Reads a socket line's columns and `uid:`, `ino:`, `sk:` into ssFieldStarts/ssFieldEnds and ssHead; returns
 *  why the line is no socket line, or null. */
export function readSsHead(text: string, start: number, end: number): string | null {
  let i = start;
  for (let f = 0; f < 5; f++) {
    while (i < end && isSpace(text.charCodeAt(i))) i++;
    if (i >= end) return 'too few fields';
    ssFieldStarts[f] = i;
    while (i < end && !isSpace(text.charCodeAt(i))) i++;
    ssFieldEnds[f] = i;
  }
  if (!SS_STATE_WORDS.has(text.slice(ssFieldStarts[0]!, ssFieldEnds[0]!))) return 'no socket state';
  if (
    !Number.isFinite(numberAt(text, ssFieldStarts[1]!, ssFieldEnds[1]!)) ||
    !Number.isFinite(numberAt(text, ssFieldStarts[2]!, ssFieldEnds[2]!))
  )
    return 'bad queues';
  ssHead.end = i;
  // ` uid:N`, ` ino:N` and ` sk:COOKIE` on the row line (-e), in that order
  let inode = 0;
  let uid = 0;
  let cookie: string | null = null;
  for (let k = i; k + 4 <= end; k++) {
    const c = text.charCodeAt(k);
    if ((c !== 105 && c !== 115 && c !== 117) || text.charCodeAt(k - 1) !== 32) continue;
    const isInode = c === 105 && text.startsWith('ino:', k);
    const isUid = c === 117 && text.startsWith('uid:', k);
    if (!isInode && !isUid && !(c === 115 && text.startsWith('sk:', k))) continue;
    const vs = k + (c === 115 ? 3 : 4);
    let e = vs;
    while (e < end && !isSpace(text.charCodeAt(e))) e++;
    if (isInode) {
      inode = numberAt(text, vs, e);
      if (!Number.isFinite(inode)) return 'bad inode';
    } else if (isUid) {
      uid = numberAt(text, vs, e);
      if (!Number.isFinite(uid)) return 'bad uid';
    } else {
      cookie = text.slice(vs, e);
      const after = afterCgroup(text, e, end);
      if (after >= 0) ssHead.end = after;
      break;
    }
    k = e;
  }
  ssHead.inode = inode;
  ssHead.uid = uid;
  ssHead.cookie = cookie;
  return null;
}

/**
 * Where tcp_info may start on a socket line after its cookie (at `from`). -e prints the socket's cgroup after
 * the cookie (and fwmark) as its path, raw: a cgroup a user named `x rtt:1 bytes_received:9` must not give its
 * sockets counters. The shutdown arrows (`<->`, `-->`...) follow the path, so what comes after the last of them
 * is ss's own (-O's tcp_info); without them, nothing on the line is. -1 when there is no cgroup.
 */
function afterCgroup(text: string, from: number, end: number): number {
  let p = from;
  if (text.startsWith(' fwmark:', p)) {
    p += 8;
    while (p < end && !isSpace(text.charCodeAt(p))) p++;
  }
  if (!text.startsWith(' cgroup:', p)) return -1;
  for (let k = end - 3; k > p; k--) {
    const a = text.charCodeAt(k);
    const b = text.charCodeAt(k + 2);
    if (
      text.charCodeAt(k - 1) === 32 &&
      (a === 60 || a === 45) &&
      text.charCodeAt(k + 1) === 45 &&
      (b === 62 || b === 45) &&
      (k + 3 === end || isSpace(text.charCodeAt(k + 3)))
    )
      return k + 3;
  }
  return end;
}

const scratch = rawInfo();

/** Writes the tcp_info of text[from, to) (ss printed it at `at`) into `target`; returns why it is unreadable
 *  (the target then says so), or null. */
export function readSsInfo(
  text: string,
  from: number,
  to: number,
  at: number | null,
  target: ConnectionTraffic,
  state = '',
): string | null {
  resetInfo(scratch);
  const reason = readTokens(text, from, to, scratch);
  if (reason !== null) {
    assignTraffic(target, UNREADABLE);
    return reason;
  }
  writeTraffic(target, scratch, at, state);
  return null;
}

/** A u64 of tcp_info at `at` as a Number (exact below 2^53: 8 PiB), or null where the kernel's struct ends
 *  before it (older kernels have a shorter tcp_info) or, as ss prints it, where it is zero. */
function u64OrNull(b: Buffer, at: number, end: number): number | null {
  if (at + 8 > end) return null;
  const n = b.readUInt32LE(at) + b.readUInt32LE(at + 4) * 0x100000000;
  return n === 0 ? null : n;
}
function u32OrNull(b: Buffer, at: number, end: number): number | null {
  if (at + 4 > end) return null;
  const n = b.readUInt32LE(at);
  return n === 0 ? null : n;
}

/**
 * Writes a socket's tcp_info as the kernel gave it (struct tcp_info, include/uapi/linux/tcp.h: b[start, end),
 * shorter on older kernels) and its skmem (struct sk_meminfo words, or start -1) into `target`, read at `at`:
 * the same fields readSsInfo gives from ss's text of that struct, with ss's rules (a zero is "not printed",
 * times in ms). `start` -1: the kernel gave no tcp_info (time-wait and half-open sockets).
 */
export function readTcpInfoStruct(
  b: Buffer,
  start: number,
  end: number,
  skmemStart: number,
  skmemEnd: number,
  at: number | null,
  target: ConnectionTraffic,
  state = '',
): void {
  const r = scratch;
  resetInfo(r);
  if (skmemStart >= 0 && skmemEnd - skmemStart >= 36) {
    r.skmem = {
      rmemAlloc: b.readUInt32LE(skmemStart),
      rcvBuf: b.readUInt32LE(skmemStart + 4),
      wmemAlloc: b.readUInt32LE(skmemStart + 8),
      sndBuf: b.readUInt32LE(skmemStart + 12),
      fwdAlloc: b.readUInt32LE(skmemStart + 16),
      wmemQueued: b.readUInt32LE(skmemStart + 20),
      optMem: b.readUInt32LE(skmemStart + 24),
      backlog: b.readUInt32LE(skmemStart + 28),
      drops: b.readUInt32LE(skmemStart + 32),
    };
  }
  if (start >= 0 && end - start >= 104) {
    // Offsets of struct tcp_info: retrans 36 (in flight), last_data_sent 44, last_data_recv 52, rtt 68 and
    // rttvar 72 (µs), snd_cwnd 80, total_retrans 100, bytes_acked 120, bytes_received 128, segs_out 136,
    // segs_in 140, min_rtt 148 (µs), delivery_rate 160 (bytes/s, as deliveryRate is), bytes_sent 200, bytes_retrans 208.
    const rtt = b.readUInt32LE(start + 68);
    if (rtt !== 0) {
      r.rtt = rtt / 1000;
      r.rttVar = b.readUInt32LE(start + 72) / 1000;
    }
    r.cwnd = u32OrNull(b, start + 80, end);
    r.lastSnd = u32OrNull(b, start + 44, end);
    r.lastRcv = u32OrNull(b, start + 52, end);
    const inFlight = b.readUInt32LE(start + 36);
    const total = b.readUInt32LE(start + 100);
    if (inFlight !== 0 || total !== 0) r.retrans = total;
    r.bytesAcked = u64OrNull(b, start + 120, end);
    r.bytesReceived = u64OrNull(b, start + 128, end);
    r.segsOut = u32OrNull(b, start + 136, end);
    r.segsIn = u32OrNull(b, start + 140, end);
    const minRtt = u32OrNull(b, start + 148, end);
    // The kernel's "no sample yet" is ~0.
    r.minRtt = minRtt === null || minRtt === 0xffffffff ? null : minRtt / 1000;
    r.delivery = u64OrNull(b, start + 160, end);
    r.dataSegsIn = u32OrNull(b, start + 152, end);
    r.dataSegsOut = u32OrNull(b, start + 156, end);
    r.bytesSent = u64OrNull(b, start + 200, end);
    r.bytesRetrans = u64OrNull(b, start + 208, end);
    r.any =
      r.rtt !== null ||
      r.cwnd !== null ||
      r.lastSnd !== null ||
      r.lastRcv !== null ||
      r.bytesAcked !== null ||
      r.bytesReceived !== null ||
      r.segsOut !== null ||
      r.segsIn !== null ||
      r.bytesSent !== null ||
      r.bytesRetrans !== null;
  }
  writeTraffic(target, r, at, state);
}

function readSocket(
  text: string,
  start: number,
  end: number,
  detailEnd: number,
  at: number | null,
  targets: TrafficTargets,
): string | null {
  const bad = readSsHead(text, start, end);
  if (bad !== null) return bad;
  const { inode, cookie } = ssHead;
  let target: ConnectionTraffic | undefined;
  if (inode > 0) {
    target = targets.byInode(inode, cookie);
  } else {
    const local = splitColonEndpoint(text.slice(ssFieldStarts[3]!, ssFieldEnds[3]!), '0.0.0.0');
    const peer = splitColonEndpoint(text.slice(ssFieldStarts[4]!, ssFieldEnds[4]!), '0.0.0.0');
    if (!local || !peer) return 'unreadable address';
    target = targets.byEndpoints(endpointsKey(local.address, local.port, peer.address, peer.port), cookie);
  }
  // A socket no row wants (opened after the rows were read) is not even read.
  if (target === undefined) return null;
  return readSsInfo(text, ssHead.end, detailEnd, at, target, text.slice(ssFieldStarts[0]!, ssFieldEnds[0]!));
}
