// macOS connections from `netstat -anv` (one process per tick, both TCP and UDP, both families), with
// process names from `ps`. The parser reads the BSD layout from its header, so it also serves FreeBSD
// captures (`netstat -an`, `-Aan`, `-aT`) and the macOS variants without -v.
//
// Header history (Apple network_cmds): `(state) rhiwat shiwat pid epid` (10.11), then `state options`
// (10.14), then `rxbytes txbytes` before rhiwat and `gencnt flags ...` after (15), then `process:pid`
// in place of `pid epid` with the name right-aligned, possibly with spaces (26). UDP rows have no state
// word, so every column after the foreign address is one token earlier on them.
import { lookup } from '../lookup.js';
import { parseLstart } from '../process-start-time.js';
import type { Collector } from '../collector.js';
import type { Connection, DatasetResult, Diagnostics, Family } from '../../../shared/types.js';
import { emptyDiagnostics, recordSkip } from '../../../shared/types.js';
import { isUnspecified } from '../../../shared/address.js';
import { missingSource, runCommand } from '../run-command.js';
import { makeConnection, normalizeTcpState, splitDotEndpoint, type Endpoint } from './endpoints.js';
import { textLines, toCount, uniqueIds } from '../common.js';

const SOURCE = 'netstat -anv';

interface InetHeader {
  /** Lower-cased column names with the two-word address columns merged. */
  columns: string[];
  proto: number;
  recvQ: number;
  sendQ: number;
  foreign: number;
  state: number;
  pid: number;
  processPid: number;
}

function readInetHeader(line: string): InetHeader | null {
  const merged = line.replace(/Local Address/i, 'local').replace(/Foreign Address/i, 'foreign');
  const columns = merged
    .trim()
    .split(/\s+/)
    .map((c) => c.toLowerCase());
  const proto = columns.indexOf('proto');
  const foreign = columns.indexOf('foreign');
  if (proto < 0 || foreign < 0 || columns.indexOf('local') !== foreign - 1) return null;
  return {
    columns,
    proto,
    recvQ: columns.indexOf('recv-q'),
    sendQ: columns.indexOf('send-q'),
    foreign,
    state: columns.indexOf('(state)'),
    pid: columns.indexOf('pid'),
    processPid: columns.findIndex((c) => c.startsWith('process')),
  };
}

interface ParseContext {
  rows: Connection[];
  d: Diagnostics;
  source: string;
  resolvedNames: number;
  otherSections: Map<string, number>;
}

function protoFamily(token: string): { proto: 'tcp' | 'udp' | 'raw'; family: Family; wildcard: string } | null {
  const m = /^(tcp|udp|icm)(4|6|46)?$/i.exec(token);
  if (!m) return null;
  const name = (m[1] ?? '').toLowerCase();
  // icm4/icm6 are the ICMP sockets of ping and friends: raw sockets, as Linux files them.
  const proto = name === 'icm' ? 'raw' : (name as 'tcp' | 'udp');
  const v = m[2];
  // tcp46 is one dual-stack socket: report it as inet6, as Linux shows a v6 socket without V6ONLY.
  const family: Family = v === '4' ? 'inet' : v === undefined ? 'inet' : 'inet6';
  return { proto, family, wildcard: family === 'inet' ? '0.0.0.0' : '::' };
}

function parseInetRow(line: string, h: InetHeader, ctx: ParseContext): void {
  const t = line.trim().split(/\s+/);
  const pf = protoFamily(t[h.proto] ?? '');
  if (!pf) {
    recordSkip(ctx.d, ctx.source, line, 'unknown protocol');
    return;
  }
  // Counters between the protocol and the addresses can be blank (udp rows of `netstat -aT`), so the
  // addresses are found as the first two tokens after the protocol that are not plain numbers.
  let i = h.proto + 1;
  while (i < t.length && /^\d+$/.test(t[i] ?? '')) i++;
  const localText = t[i];
  const remoteText = t[i + 1];
  const local = localText === undefined ? null : splitDotEndpoint(localText, pf.wildcard);
  const remote = remoteText === undefined ? null : splitDotEndpoint(remoteText, pf.wildcard);
  if (!local || !remote) {
    recordSkip(ctx.d, ctx.source, line, 'no local/foreign address');
    return;
  }
  if (
    local.unresolvedPort !== undefined ||
    remote.unresolvedPort !== undefined ||
    !isNumeric(local) ||
    !isNumeric(remote)
  )
    ctx.resolvedNames++;
  const foreignAt = i + 1;
  const stateText = t[foreignAt + 1];
  const state = stateText === undefined ? null : normalizeTcpState(stateText);
  // Columns after the state are found from the header, one earlier when the row has no state word.
  const shift = foreignAt - h.foreign - (state === null && h.state >= 0 ? 1 : 0);
  let pid: number | null = null;
  let processName: string | undefined;
  if (h.processPid >= 0) {
    const first = h.processPid + shift;
    for (let j = first; j < t.length; j++) {
      const m = /^(.*):(\d+)$/.exec(t[j] ?? '');
      if (m) {
        pid = Number(m[2]);
        processName = [...t.slice(first, j), m[1] ?? ''].join(' ').trim();
        break;
      }
    }
  } else if (h.pid >= 0) {
    pid = toCount(t[h.pid + shift]);
  }
  let finalState: string;
  if (pf.proto !== 'tcp') {
    finalState = remote.port === 0 && isUnspecified(remote.address) ? 'UNCONN' : 'ESTABLISHED';
  } else {
    finalState =
      state ?? (stateText !== undefined && /^[A-Z_0-9]+$/.test(stateText) && h.state >= 0 ? stateText : 'UNKNOWN');
  }
  const row = makeConnection({
    proto: pf.proto,
    family: pf.family,
    local,
    remote,
    state: finalState,
    recvQ: h.recvQ >= 0 ? (toCount(t[h.recvQ]) ?? 0) : 0,
    sendQ: h.sendQ >= 0 ? (toCount(t[h.sendQ]) ?? 0) : 0,
    pid,
    ...(processName !== undefined ? { processName } : {}),
  });
  ctx.rows.push(row);
}

function isNumeric(e: Endpoint): boolean {
  return /^[0-9.]+$/.test(e.address) || /^[0-9a-fA-F:.]+$/.test(e.address);
}

// The column sets `netstat -anv` has printed after (state), by release; a grep'd capture has no header,
// so the one whose width matches the row is used.
const V_TAILS = [
  '',
  'rhiwat shiwat pid epid',
  'rhiwat shiwat pid epid state options',
  'rhiwat shiwat pid epid state options gencnt flags flags1 usscnt rtncnt fltrs',
  'rxbytes txbytes rhiwat shiwat pid epid state options gencnt flags flags1 usecnt rtncnt fltrs',
];

function guessInetHeader(line: string): InetHeader | null {
  const t = line.trim().split(/\s+/);
  if (!protoFamily(t[0] ?? '')) return null;
  const tcp = /^tcp/i.test(t[0] ?? '');
  const tail = t.length - 5 - (tcp ? 1 : 0);
  const match = V_TAILS.find((v) => (v === '' ? 0 : v.split(' ').length) === tail);
  if (match === undefined) return null;
  return readInetHeader(`Proto Recv-Q Send-Q Local Address Foreign Address (state) ${match}`);
}

interface UnixHeader {
  type: number;
  recvQ: number;
  sendQ: number;
  conn: number;
  addr: number;
}

function readUnixHeader(line: string): UnixHeader | null {
  const columns = line
    .trim()
    .split(/\s+/)
    .map((c) => c.toLowerCase());
  const type = columns.indexOf('type');
  if (columns[0] !== 'address' || type < 0) return null;
  return {
    type,
    recvQ: columns.indexOf('recv-q'),
    sendQ: columns.indexOf('send-q'),
    conn: columns.indexOf('conn'),
    addr: columns.indexOf('addr'),
  };
}

const UNIX_TYPES: Record<string, string> = {
  stream: 'STREAM',
  dgram: 'DGRAM',
  seqpac: 'SEQPACKET',
  seqpacket: 'SEQPACKET',
};

function parseUnixRow(line: string, h: UnixHeader, ctx: ParseContext): void {
  const t = line.trim().split(/\s+/);
  const socketType = lookup(UNIX_TYPES, (t[h.type] ?? '').toLowerCase());
  if (socketType === undefined || t.length < h.addr) {
    recordSkip(ctx.d, ctx.source, line, 'malformed unix socket row');
    return;
  }
  const path = h.addr >= 0 ? t.slice(h.addr).join(' ') : '';
  const conn = h.conn >= 0 ? (t[h.conn] ?? '0') : '0';
  const connected = !/^0+$/.test(conn);
  const state = connected ? 'CONNECTED' : socketType !== 'DGRAM' && path !== '' ? 'LISTENING' : 'UNCONNECTED';
  ctx.rows.push(
    makeConnection({
      proto: 'unix',
      family: 'unix',
      local: { address: '', port: 0 },
      remote: { address: '', port: 0 },
      state,
      recvQ: toCount(t[h.recvQ]) ?? 0,
      sendQ: toCount(t[h.sendQ]) ?? 0,
      path,
      socketType,
    }),
  );
}

/** Parses BSD-style `netstat -a[n][v]` text (macOS, FreeBSD) into connection rows. */
export function parseBsdNetstatConnections(text: string, source = SOURCE): DatasetResult<Connection> {
  const ctx: ParseContext = { rows: [], d: emptyDiagnostics(), source, resolvedNames: 0, otherSections: new Map() };
  let section: 'inet' | 'unix' | 'other' | 'none' = 'none';
  let otherName = '';
  let inet: InetHeader | null = null;
  let unix: UnixHeader | null = null;
  for (const raw of textLines(text)) {
    const line = raw.trimEnd();
    if (line.trim() === '') continue;
    if (/^Active Internet/i.test(line)) {
      section = 'inet';
      inet = null;
      continue;
    }
    if (/^Active (LOCAL \(UNIX\)|UNIX) domain sockets/i.test(line)) {
      section = 'unix';
      unix = null;
      continue;
    }
    if (/^(Active|Registered) /.test(line)) {
      section = 'other';
      otherName = line.trim();
      continue;
    }
    if (section === 'other') {
      // Each section's column header (`id flags...`, `Proto Recv-Q...`, `Proto/ID Flags...`) is no row.
      if (!/^(id|pcb|Proto)\b/i.test(line.trim()))
        ctx.otherSections.set(otherName, (ctx.otherSections.get(otherName) ?? 0) + 1);
      continue;
    }
    if (section !== 'unix' && /\bProto\b/.test(line) && /Local Address/i.test(line)) {
      inet = readInetHeader(line);
      section = 'inet';
      continue;
    }
    if (section === 'unix' && /^Address\s/i.test(line)) {
      unix = readUnixHeader(line);
      continue;
    }
    if (section === 'unix' && unix) parseUnixRow(line, unix, ctx);
    else if (inet) parseInetRow(line, inet, ctx);
    else if (guessInetHeader(line)) parseInetRow(line, guessInetHeader(line) as InetHeader, ctx);
    else recordSkip(ctx.d, source, line, 'line before any table header');
  }
  if (ctx.resolvedNames > 0)
    ctx.d.notes.push(
      `${ctx.resolvedNames} rows show host or service names (output without -n): ports of unknown services are 0`,
    );
  for (const [name, count] of ctx.otherSections)
    if (count > 0)
      ctx.d.notes.push(`also held ${count} row${count === 1 ? '' : 's'} of "${name}", which are not connections`);
  return { rows: uniqueIds(ctx.rows), diagnostics: ctx.d };
}

export interface PsProcess {
  name: string;
  /** ms since the epoch, as the kill action computes it (ps lstart), or null when unreadable. */
  startTime: number | null;
}

/** `ps -axo pid=,lstart=,comm=` (LC_ALL=C): pid -> short name (last path element of comm) and start time. */
export function parsePsProcesses(text: string): Map<number, PsProcess> {
  const procs = new Map<number, PsProcess>();
  for (const line of textLines(text)) {
    // pid, then lstart's five tokens ("Sat Nov 28 00:57:39 2026"), then comm, which may hold spaces.
    const m = /^(\d+)\s+(\S+\s+\S+\s+\S+\s+\S+\s+\S+)\s+([\s\S]+)$/.exec(line.trim());
    if (!m) continue;
    const comm = m[3] ?? '';
    procs.set(Number(m[1]), {
      name: comm.slice(comm.lastIndexOf('/') + 1),
      startTime: parseLstart((m[2] ?? '').split(/\s+/)),
    });
  }
  return procs;
}

// Names and start times are refreshed only when an unknown pid shows up, and at most this often: a
// `ps` per tick would double the processes the collector forks. A pid reused in between keeps the old start
// time, so the kill action refuses it (it re-reads the start time before signalling) rather than hit it.
const PS_MIN_INTERVAL_MS = 5000;

export function createDarwinConnectionsCollector(): Collector<Connection> {
  let procs = new Map<number, PsProcess>();
  let lastPs = 0;
  return {
    async read() {
      // -l: full IPv6 addresses (narrow columns would truncate them on older releases).
      const out = await runCommand('netstat', ['-anvl']);
      if (!out.ok) {
        return missingSource(SOURCE, out.error);
      }
      const result = parseBsdNetstatConnections(out.text);
      const unknown = result.rows.some((r) => r.processes.some((p) => !procs.has(p.pid)));
      if (unknown && Date.now() - lastPs >= PS_MIN_INTERVAL_MS) {
        lastPs = Date.now();
        const ps = await runCommand('ps', ['-axo', 'pid=,lstart=,comm=']);
        if (ps.ok) procs = parsePsProcesses(ps.text);
        else result.diagnostics.notes.push(`process names unavailable: ${ps.error}`);
      }
      for (const row of result.rows) {
        for (const p of row.processes) {
          const known = procs.get(p.pid);
          if (p.name === '') p.name = known?.name ?? '';
          p.startTime = known?.startTime ?? null;
        }
      }
      return result;
    },
  };
}
