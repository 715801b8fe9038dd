// macOS `nettop` in logging mode (-L), which prints CSV: per process (`nettop -P -L 1 -x -J bytes_in,bytes_out`)
// or per connection under its process (`nettop -m tcp -L 1 -x`). nettop reads the kernel's per-socket
// statistics (NetworkStatistics) and needs no root, so it carries what Linux tcp_info does: bytes each way,
// retransmitted bytes, the average RTT. Columns are found from the header line (`time,,interface,state,
// bytes_in,bytes_out,...`, or `,bytes_in,bytes_out,` with -J): the unnamed column is the process or
// connection. A process row is `name.pid`; the connection rows under it are `tcp4 10.0.0.2:5000<->1.2.3.4:443`.
// With several samples (-L 2, -l), the last one is read.
import type { Connection, DatasetResult, Diagnostics, ProcessInfo, ProcessTraffic } from '../../../shared/types.js';
import { assignTraffic, emptyDiagnostics, recordSkip } from '../../../shared/types.js';
import { lookup } from '../lookup.js';
import { makeConnection, splitColonEndpoint, splitDotEndpoint, type Endpoint } from './endpoints.js';
import { textLines } from '../common.js';
import { unknownTraffic } from './tcp-info.js';

interface Columns {
  id: number;
  bytesIn: number;
  bytesOut: number;
  interface: number;
  state: number;
  retx: number;
  rtt: number;
}

function columnsOf(header: string): Columns | null {
  const names = header.split(',');
  const id = names.findIndex((n, i) => n === '' && i < names.length - 1);
  const bytesIn = names.indexOf('bytes_in');
  const bytesOut = names.indexOf('bytes_out');
  if (id < 0 || bytesIn < 0 || bytesOut < 0) return null;
  return {
    id,
    bytesIn,
    bytesOut,
    interface: names.indexOf('interface'),
    state: names.indexOf('state'),
    retx: names.indexOf('re-tx'),
    rtt: names.indexOf('rtt_avg'),
  };
}

const isHeader = (line: string) => /(^|,)bytes_in,/.test(line) && !/^\S+\.\d+,/.test(line);

/** The lines of the last sample, with its columns. */
function lastSample(text: string, d: Diagnostics, source: string): { cols: Columns; lines: string[] } | null {
  const lines = textLines(text);
  let start = -1;
  for (let i = 0; i < lines.length; i++) if (isHeader(lines[i] ?? '')) start = i;
  if (start < 0) {
    if (text.trim() !== '') recordSkip(d, source, text.slice(0, 200), 'no nettop header line (bytes_in,bytes_out)');
    return null;
  }
  const cols = columnsOf(lines[start] ?? '');
  if (!cols) {
    recordSkip(d, source, lines[start] ?? '', 'unrecognised header');
    return null;
  }
  const samples = lines.filter(isHeader).length;
  if (samples > 1) d.notes.push(`${samples} samples: the last is shown`);
  return { cols, lines: lines.slice(start + 1) };
}

/** Byte counts are plain with -x; without it nettop may print `1.2 MiB`. Both read as a number of bytes. */
function bytes(text: string | undefined): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB|TiB|KB|MB|GB|TB)?$/.exec((text ?? '').trim());
  if (!m) return null;
  const unit = m[2] ?? 'B';
  const scale = unit.startsWith('K')
    ? 1024
    : unit.startsWith('M')
      ? 1024 ** 2
      : unit.startsWith('G')
        ? 1024 ** 3
        : unit.startsWith('T')
          ? 1024 ** 4
          : 1;
  return Math.round(Number(m[1]) * scale);
}

/** `Google Chrome H.30216` (names are cut to 15 characters and may hold dots and spaces). */
function processOf(id: string): { name: string; pid: number } | null {
  const m = /^(.*)\.(\d+)$/.exec(id);
  if (!m || m[1] === '') return null;
  const pid = Number(m[2]);
  return Number.isSafeInteger(pid) ? { name: m[1]!, pid } : null;
}

/** Fields nettop does not print (cwnd, segments...) stay null; what it does print is set over them. */
const NO_COUNTS = { ...unknownTraffic(''), trafficNote: null };

// The local endpoint stops at '<': with `\S+` on both sides of `<->` the match would backtrack polynomially.
const CONNECTION_ROW = /^(tcp|udp)([46])\s+([^\s<]+)<->(\S+)$/;

const STATES: Record<string, string> = {
  Listen: 'LISTEN',
  SynSent: 'SYN_SENT',
  SynReceived: 'SYN_RECV',
  Established: 'ESTABLISHED',
  CloseWait: 'CLOSE_WAIT',
  FinWait1: 'FIN_WAIT1',
  Closing: 'CLOSING',
  LastAck: 'LAST_ACK',
  FinWait2: 'FIN_WAIT2',
  TimeWait: 'TIME_WAIT',
  Closed: 'CLOSE',
};

/** nettop writes `10.0.0.2:5000` for IPv4 and, like netstat, `fe80::1%en0.5000` for IPv6; `*:*` for none. */
function endpoint(text: string, family: 'inet' | 'inet6'): Endpoint | null {
  const wildcard = family === 'inet6' ? '::' : '0.0.0.0';
  if (family === 'inet' || text.startsWith('[')) return splitColonEndpoint(text, wildcard);
  return splitDotEndpoint(text, wildcard) ?? splitColonEndpoint(text, wildcard);
}

function rttMs(text: string | undefined): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|us|µs|s)$/.exec((text ?? '').trim());
  if (!m) return null;
  const n = Number(m[1]);
  return m[2] === 's' ? n * 1000 : m[2] === 'ms' ? n : n / 1000;
}

/** Each line of the last sample, split into fields, handed to `row` (which returns why it skipped it, or null). */
function eachRow<Row>(
  text: string,
  source: string,
  row: (f: string[], cols: Columns, rows: Row[]) => string | null,
): DatasetResult<Row> {
  const diagnostics = emptyDiagnostics();
  const rows: Row[] = [];
  const sample = lastSample(text, diagnostics, source);
  if (!sample) return { rows, diagnostics };
  for (const line of sample.lines) {
    if (line.trim() === '') continue;
    const reason = row(line.split(','), sample.cols, rows);
    if (reason !== null) recordSkip(diagnostics, source, line, reason);
  }
  return { rows, diagnostics };
}

/** `nettop -P -L 1 -x -J bytes_in,bytes_out`: bytes per process since each socket opened. */
export function parseNettopProcesses(text: string, source = 'nettop -P'): DatasetResult<ProcessTraffic> {
  const seen = new Set<string>();
  return eachRow<ProcessTraffic>(text, source, (f, cols, rows) => {
    // A connection row (output without -P): its process row counts it.
    if (CONNECTION_ROW.test(f[cols.id] ?? '')) return null;
    const p = processOf(f[cols.id] ?? '');
    const bytesIn = bytes(f[cols.bytesIn]);
    const bytesOut = bytes(f[cols.bytesOut]);
    if (!p) return 'no process.pid';
    if (bytesIn === null || bytesOut === null) return 'unreadable byte count';
    const id = `${p.pid}@`;
    if (seen.has(id)) return null;
    seen.add(id);
    rows.push({
      id,
      pid: p.pid,
      name: p.name,
      user: null,
      connections: 0,
      bytesSent: bytesOut,
      bytesReceived: bytesIn,
      closedConnections: 0,
      note: null,
    });
    return null;
  });
}

/** `nettop -m tcp -L 1 -x` (or without -m): each connection with its process and its bytes. */
export function parseNettopConnections(text: string, source = 'nettop'): DatasetResult<Connection> {
  let owner: ProcessInfo | null = null;
  return eachRow<Connection>(text, source, (f, cols, rows) => {
    const id = f[cols.id] ?? '';
    const conn = CONNECTION_ROW.exec(id);
    if (!conn) {
      const p = processOf(id);
      if (!p) return 'neither a process nor a connection';
      owner = { pid: p.pid, name: p.name, cmdline: '', exe: null, user: null, startTime: null };
      return null;
    }
    const family = conn[2] === '6' ? 'inet6' : 'inet';
    const local = endpoint(conn[3]!, family);
    const remote = endpoint(conn[4]!, family);
    const bytesIn = bytes(f[cols.bytesIn]);
    const bytesOut = bytes(f[cols.bytesOut]);
    if (!local || !remote) return 'unreadable address';
    if (bytesIn === null || bytesOut === null) return 'unreadable byte count';
    const proto = conn[1] === 'udp' ? 'udp' : 'tcp';
    const stateText = cols.state >= 0 ? (f[cols.state] ?? '') : '';
    const state = proto === 'udp' ? 'UNCONN' : (lookup(STATES, stateText) ?? (stateText.toUpperCase() || 'UNKNOWN'));
    const row = makeConnection({ proto, family, local, remote, state });
    // kernel_task is pid 0 on macOS: a real owner.
    if (owner) {
      row.processes = [owner];
      row.ownerStatus = 'known';
    }
    assignTraffic(row, NO_COUNTS);
    row.bytesReceived = bytesIn;
    row.bytesSent = bytesOut;
    row.bytesRetrans = cols.retx >= 0 ? bytes(f[cols.retx]) : null;
    row.rttMs = cols.rtt >= 0 ? rttMs(f[cols.rtt]) : null;
    rows.push(row);
    return null;
  });
}
