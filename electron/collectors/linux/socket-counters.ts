// The kernel's counters that move whenever a socket table of this network namespace can change, read without
// walking a table: TCP's segments, opens, resets and retransmissions (/proc/net/snmp's Tcp lines, one MIB for
// both families), UDP's and UDP-Lite's datagrams and errors (snmp's Udp and UdpLite lines, snmp6's Udp6 and
// UdpLite6 ones), and what /proc/net/sockstat and sockstat6 count in use: every socket of the namespace
// (`sockets: used`, unix ones too), TCP's in use, orphans and time-wait sockets, UDP's, UDP-Lite's and raw (not the
// sockets allocated nor the buffers' memory, which the kernel counts for all namespaces at once).
//
// A TCP socket cannot open, close, change state or move a byte without a segment or a change in those counts,
// nor a UDP socket receive or send a datagram; the connections collector gives its last reading again while this
// text stays the same (electron/collectors/connections/linux.ts, QuietRead). What can change without them: a
// queue read by its process without a window update (Recv-Q), a listener's queue taken by accept(), a unix
// socket's queues, one socket closed and another of the same kind opened between two looks (the counts in use
// would not move), and owners; and a few moves of a TCP socket that send no segment (an attack review of 12-07): a
// listener taken to CLOSE by shutdown(2) and listening again elsewhere (the full reads check the listeners: linux.ts,
// listenersAsKept), and a TCP Fast Open connect() that defers its SYN (SYN-SENT, no segment yet), then connect(AF_UNSPEC)
// and another connect(): shown where it was until the next full read (in that review's run the full read due by time
// dumped TCP and showed it; it did not establish why). The text also holds the last pid the kernel gave (/proc/loadavg's last field): a
// new process (a fork that shares its parent's sockets) is seen as an owner at the next full read. The collector
// reads fully at least every few seconds, and when the fd table of a process holding sockets changes.
//
// TCP's segments in and out are apart from the text (`segs`): NetLens's own connections move them (the browser
// host's page over its WebSocket, about 6 a second), and the collector compares them with what its own sockets
// account for, read by a get of those sockets alone (linux.ts, QuietRead's `own`).
import { readProcTextAgain } from './proc-files.js';

/** The lines of each file kept in the text (by their start); null: the whole file. */
const FILES: readonly { file: string; lines: readonly string[] | null }[] = [
  { file: 'snmp', lines: ['Tcp:', 'Udp:', 'UdpLite:'] },
  { file: 'snmp6', lines: ['Udp6', 'UdpLite6'] },
  { file: 'sockstat', lines: null },
  { file: 'sockstat6', lines: null },
];

/** Larger than any of these files (about 1.5 kB the largest); past it the text is not trusted to mean anything. */
const MAX_FILE_CHARS = 64 * 1024;

/** The counters read at one moment: `text` to compare with an earlier one, and the whole files kept whole
 *  (sockstat and sockstat6, whose in-use counts also tell the collector which tables are empty). */
export interface SocketCounters {
  text: string;
  whole: ReadonlyMap<string, string>;
  /** TCP's InSegs and OutSegs (both families: one MIB), left out of `text`; null where snmp has none (then they
   *  are in the text). */
  segs: { in: number; out: number } | null;
}

/**
 * The counters' text, to be compared with an earlier one: equal texts mean no socket table of the namespace
 * changed between the two reads but in the ways the file's header names. Null when a file cannot be read (a
 * kernel without IPv6 has no snmp6 or sockstat6) or is larger than these files are: then nothing is known.
 */
export function readSocketCounters(procRoot: string): SocketCounters | null {
  let text = '';
  const whole = new Map<string, string>();
  let segs: SocketCounters['segs'] = null;
  for (const { file, lines } of FILES) {
    const r = readProcTextAgain(`${procRoot}/net/${file}`, 'latin1');
    if (!r.ok || r.text.length > MAX_FILE_CHARS) return null;
    if (lines === null) {
      whole.set(file, r.text);
      text += withoutGlobalFields(r.text);
    } else {
      const kept = keptLines(r.text, lines);
      if (file === 'snmp') segs = withoutSegments(kept);
      text += kept.join('\n');
    }
    text += '\0';
  }
  const load = readProcTextAgain(`${procRoot}/loadavg`, 'latin1');
  if (!load.ok || load.text.length > MAX_FILE_CHARS) return null;
  return { text: text + load.text.slice(load.text.lastIndexOf(' ') + 1), whole, segs };
}

/** TCP's InSegs and OutSegs now (snmp alone: the collector's second look after a get, whose own netlink socket
 *  sockstat counts until the kernel frees it); null where they cannot be read. */
export function readTcpSegments(procRoot: string): SocketCounters['segs'] {
  const r = readProcTextAgain(`${procRoot}/net/snmp`, 'latin1');
  return r.ok && r.text.length <= MAX_FILE_CHARS ? withoutSegments(keptLines(r.text, ['Tcp:'])) : null;
}

/** Sockstat's text without the fields the kernel counts for every network namespace at once (TCP's sockets allocated
 *  and the memory of TCP's and UDP's buffers, in pages): traffic in another namespace (a container, a test's) moved
 *  them, and every read there was a full one, while no socket table of this one had changed. Its `memory` of
 *  fragments is this namespace's and stays. */
function withoutGlobalFields(text: string): string {
  return text.replace(/ (?:alloc|mem) \d+/g, '');
}

function keptLines(text: string, starts: readonly string[]): string[] {
  return text.split('\n').filter((line) => starts.some((s) => line.startsWith(s)));
}

/**
 * TCP's InSegs and OutSegs from snmp's Tcp lines (its names, then its values), which are written with those
 * values left out; null (the lines as they were) where the names or values are not there.
 */
function withoutSegments(lines: string[]): SocketCounters['segs'] {
  const at = lines.findIndex((l) => l.startsWith('Tcp:'));
  if (at < 0 || at + 1 >= lines.length || !lines[at + 1]!.startsWith('Tcp:')) return null;
  const names = lines[at]!.split(' ');
  const values = lines[at + 1]!.split(' ');
  const inAt = names.indexOf('InSegs');
  const outAt = names.indexOf('OutSegs');
  if (names.length !== values.length || inAt < 0 || outAt < 0) return null;
  const segs = { in: Number(values[inAt]), out: Number(values[outAt]) };
  if (!Number.isSafeInteger(segs.in) || !Number.isSafeInteger(segs.out)) return null;
  values[inAt] = values[outAt] = '-';
  lines[at + 1] = values.join(' ');
  return segs;
}
