// A remote host's frame (script.ts) as the rows of each dataset, parsed here with the Linux collectors' own
// functions: the same parsers and the same assembly as for this machine, fed the remote's text instead of
// local reads. What only the remote knows (process owners, user names) comes from its own ss and /etc/passwd.
import type {
  Connection,
  DatasetResult,
  Diagnostics,
  InterfaceAddress,
  NetInterface,
  ProcessInfo,
  ReadingTime,
  RowTypes,
} from '../../shared/types.js';
import { emptyDiagnostics, fewestPids, MAX_SOCKET_OWNERS, mergeDiagnostics } from '../../shared/types.js';
import { parseSs } from '../capture/ss.js';
import { connectionsFromTables, fillTrafficGaps, trafficFailed } from '../collectors/connections/linux.js';
import { endpointsKey, parseSsTraffic, trafficGap } from '../collectors/connections/tcp-info.js';
import {
  addAddresses,
  applySysfsAttributes,
  parseIfInet6,
  parseIpJsonAddresses,
  ipAddressesFailure,
  parseProcNetDev,
} from '../collectors/interfaces/linux.js';
import { MULTICAST_SOURCES } from '../collectors/multicast/linux.js';
import {
  decodeProcText,
  parseProcNetSources,
  type ProcTextEncoding,
  type ReadOutcome,
} from '../collectors/linux/proc-files.js';
import { parseLinuxStat, parsePasswd, processUserUid } from '../collectors/linux/process-facts.js';
import { linuxStartTimeFromTicks } from '../collectors/process-start-time.js';
import { routesFromIpJson, routesFromProc } from '../collectors/routes/linux.js';
import { ipJsonHead } from '../collectors/linux/ip.js';
import { STATISTICS_SOURCES } from '../collectors/statistics/linux.js';
import { MAX_SECTION_BYTES, type Frame, type Hello } from './frames.js';
import { groupDigits } from '../../shared/format.js';
import type { OsCollectors } from '../collectors/names/index.js';

export interface RemoteReading {
  /** The name the user gave (ssh destination), for notes. */
  host: string;
  hello: Hello;
  frame: Frame;
  /** When the frame came (ms since the epoch). */
  at: number;
  /** When the remote read its /proc/net files and began its `ss -tinHem` (ms since the epoch, this machine's
   *  clock): its own clock's times (frameClock) moved onto this one's (host.ts RemoteClock). Rates are measured
   *  between these. Absent (a frame without them): `at`. */
  procAt?: number;
  trafficAt?: number;
}

/** Uptime seconds as /proc/uptime prints them (to the hundredth), or a reasonable variant. */
const UPTIME = /^(proc|traffic) (\d{1,12})(?:\.(\d{1,9}))?$/;

/** The remote's clock (its uptime, in ms) when it began the frame's /proc/net reads and its `ss -tinHem`, from
 *  the frame's clock section (script.ts); null for what it does not say. */
export function frameClock(frame: Frame): { proc: number | null; traffic: number | null } {
  const clock = { proc: null as number | null, traffic: null as number | null };
  const s = frame.sections.get('clock');
  if (!s?.ok || s.data.length > 256) return clock;
  for (const line of s.data.toString('latin1').split('\n')) {
    const m = UPTIME.exec(line);
    if (m) clock[m[1] as 'proc' | 'traffic'] = Number(m[2]) * 1000 + Math.round(Number(`0.${m[3] ?? 0}`) * 1000);
  }
  return clock;
}

/**
 * At most this many rows of one dataset of a remote host (its sockets, its routes, ...); the rest are left out,
 * counted and said (a note on the dataset: "N sockets of HOST not shown (NetLens shows at most 200,000 sockets of
 * a remote host)"). Well above the 150,000 sockets of the largest host tried (review attack2 A3: a snapshot of
 * 56.6 MB to each client), and a bound on what one host, or a hostile one printing sections of up to
 * MAX_SECTION_BYTES (frames.ts), makes the monitor hold and send: about 75 MB of snapshot. Proportionate to that
 * bound: at this many sockets the socket tables (150 bytes a line) and `ss -tuwxanpeH` (up to about 300) fit in
 * a section; the lines beyond it are counted here without being parsed.
 */
export const MAX_REMOTE_ROWS = 200_000;

/** The owners kept of one remote socket (a kernel names a few; a hostile ss line may name thousands): the rest
 *  are counted in a note. Each inode's list is built once and shared by the rows that name it, and the owner
 *  entries of all rows together stay within MAX_REMOTE_ROWS (a hostile table may repeat one inode on every row). */
export const MAX_REMOTE_OWNERS = MAX_SOCKET_OWNERS;

/** The rows a dataset's reading may still give (`left`), and the rows it left out (`cut`): lines of a table, elements
 *  of ip's JSON, counted as they are passed over, never parsed. */
interface Room {
  left: number;
  cut: number;
}

const fullRoom = (): Room => ({ left: MAX_REMOTE_ROWS, cut: 0 });

/** Where the first `n` lines of `data` end (all of it when it has fewer), and how many lines that is. */
function firstLines(data: Buffer, n: number): { end: number; lines: number } {
  let end = 0;
  let lines = 0;
  while (lines < n && end < data.length) {
    const nl = data.indexOf(10, end);
    end = nl < 0 ? data.length : nl + 1;
    lines++;
  }
  return { end, lines };
}

/** A section of a row a line after `header` lines (a socket table, /proc/net/dev, a route file) cut to those and
 *  the rows there is room for; the lines left out are counted, not decoded nor parsed (a section may hold up to
 *  MAX_SECTION_BYTES). */
function linesSection(r: RemoteReading, name: string, encoding: ProcTextEncoding, room: Room, header = 1): ReadOutcome {
  const s = r.frame.sections.get(name);
  if (!s?.ok) return section(r, name, encoding);
  const kept = firstLines(s.data, room.left + header);
  room.left -= Math.max(0, kept.lines - header);
  if (kept.end === s.data.length) return { ok: true, text: decodeProcText(s.data, encoding) };
  room.cut += firstLines(s.data.subarray(kept.end), Number.POSITIVE_INFINITY).lines;
  return { ok: true, text: decodeProcText(s.data.subarray(0, kept.end), encoding) };
}

/** The most of a statistics file (net/snmp, snmp6, netstat, sockstat: a few KB on a real host) read from a remote:
 *  its counters are parsed before any row is cut, and 38 MB of one snmp line took 18 s and 1.8 GB to parse. */
export const MAX_STATISTICS_SECTION_BYTES = 1024 * 1024;
/** The most of net/igmp read from a remote (its groups' lines are parsed before they are cut to MAX_REMOTE_ROWS):
 *  room for some 300,000 lines. */
export const MAX_IGMP_SECTION_BYTES = 16 * 1024 * 1024;

/** A section cut to its whole lines within `max` bytes; the bytes past them are said in `notes`, not decoded. */
function boundedSection(r: RemoteReading, name: string, max: number, notes: string[]): ReadOutcome {
  const s = r.frame.sections.get(name);
  if (!s?.ok || s.data.length <= max) return section(r, name);
  const end = s.data.lastIndexOf(10, max - 1) + 1;
  notes.push(
    `${name} on ${r.host}: ${groupDigits(s.data.length - end)} bytes past its first ` +
      `${max / 1024 / 1024} MB not read`,
  );
  return { ok: true, text: decodeProcText(s.data.subarray(0, end), 'names') };
}

/** `ip -j`'s answer in a section cut to the elements there is room for (ipJsonHead); the rest are counted, not
 *  parsed. */
function ipJsonSection(r: RemoteReading, name: string, room: Room): ReadOutcome {
  const s = section(r, name);
  if (!s.ok) return s;
  const head = ipJsonHead(s.text, room.left);
  room.left -= head.kept;
  room.cut += head.cut;
  return { ok: true, text: head.text };
}

/** What the rows of a dataset are, in the note that says some were left out. */
const ROWS_NAMED: Partial<Record<keyof OsCollectors, string>> = {
  connections: 'sockets',
  routes: 'routes',
  interfaces: 'interfaces',
  statistics: 'counters',
  multicast: 'multicast memberships',
};

/**
 * A dataset's rows cut to MAX_REMOTE_ROWS (a route of several next hops gives a row each: more rows than the
 * elements its room counted), and a note of `host` with the rows left out, those counted in `room` while reading
 * and those cut here.
 */
function shown<Row>(result: DatasetResult<Row>, room: Room, what: string, host: string): DatasetResult<Row> {
  const over = result.rows.length - MAX_REMOTE_ROWS;
  if (over > 0) {
    result.rows.length = MAX_REMOTE_ROWS;
    room.cut += over;
  }
  if (room.cut > 0)
    result.diagnostics.notes.push(
      `${groupDigits(room.cut)} ${what} of ${host} not shown (NetLens shows at most ` +
        `${groupDigits(MAX_REMOTE_ROWS)} ${what} of a remote host)`,
    );
  return result;
}

/** A section passed over for its size, in words. */
function tooLargeText(bytes: number, host: string): string {
  return (
    `${groupDigits(bytes)} bytes on ${host}, more than the ${MAX_SECTION_BYTES / 1024 / 1024} MB ` +
    'a section may hold: not read'
  );
}

/** Why a command's section gave no text, in words: `ss printed 70,000,000 bytes on web1, more than the 64 MB a
 *  section may hold: not read`, or `ss failed on web1`. */
function commandFailure(s: Extract<ReadOutcome, { ok: false }>, command: string, host: string): string {
  return s.code === 'EFBIG' ? `${command} printed ${s.reason}` : `${command} failed on ${host}`;
}

/** A section's text: 'names' by default, as in readProcText, since most sections name interfaces (sysfs, ip -j
 *  addr and route too); the socket tables ask for latin1 or utf8 as they do here. */
function section(r: RemoteReading, name: string, encoding: ProcTextEncoding = 'names'): ReadOutcome {
  const s = r.frame.sections.get(name);
  if (!s) return { ok: false, code: 'ENOENT', reason: `not sent by ${r.host}` };
  if (s.tooLarge !== undefined) return { ok: false, code: 'EFBIG', reason: tooLargeText(s.tooLarge, r.host) };
  if (!s.ok) return { ok: false, code: 'EIO', reason: `not present or not readable on ${r.host}` };
  return { ok: true, text: decodeProcText(s.data, encoding) };
}

/** What the procstat section says of one process. */
export interface RemoteProcessFacts {
  /** ms since the epoch, computed there as the kill guard there computes it. */
  startTime: number;
  /** The uid it runs as (processUserUid of the Uid: line of its /proc/<pid>/status, as locally), or null where
   *  the remote could not read it. */
  uid: number | null;
}

const STAT_HEADER = /^stat (\d{1,10}) (\d{1,10})$/;
/** `uid <pid> <real> <effective> <saved> <fs>`: the Uid: line of /proc/<pid>/status as sh's `read` left it. */
const UID_LINE = /^uid (\d{1,10}) (\d{1,10}(?:[\t ]\d{1,10}){3})$/;

/**
 * pid -> start time and uid from the procstat section (script.ts): a `btime N` line, then for each process
 * `stat <pid> <bytes>`, that many bytes of its /proc/<pid>/stat, a newline, and where its status could be read
 * `uid <pid> <uids>`. Read as latin1, one character per byte. A comm may hold a newline ("x\n666 (y"), so a stat
 * is taken by its length and must name the pid its header names, and a uid line must name the pid of the stat
 * just before it; anything out of place ends the reading there.
 */
export function procFacts(text: string): Map<number, RemoteProcessFacts> {
  const out = new Map<number, RemoteProcessFacts>();
  const first = text.indexOf('\n');
  const m = /^btime (\d+)$/.exec(first < 0 ? text : text.slice(0, first));
  if (!m || first < 0) return out;
  const btime = Number(m[1]);
  let at = first + 1;
  let last: { pid: number; facts: RemoteProcessFacts } | null = null;
  while (at < text.length) {
    const eol = text.indexOf('\n', at);
    const line = eol < 0 ? '' : text.slice(at, Math.min(eol, at + 64));
    const uid = UID_LINE.exec(line);
    if (uid) {
      if (last === null || Number(uid[1]) !== last.pid) break;
      last.facts.uid = processUserUid(`Uid:\t${uid[2]}`);
      last = null;
      at = eol + 1;
      continue;
    }
    const header = STAT_HEADER.exec(line);
    if (!header) break;
    const pid = Number(header[1]);
    const end = eol + 1 + Number(header[2]);
    if (end >= text.length || text[end] !== '\n') break;
    const stat = parseLinuxStat(text.slice(eol + 1, end));
    last = null;
    if (stat && stat.pid === pid) {
      const facts = { startTime: linuxStartTimeFromTicks(stat.startTicks, btime), uid: null };
      out.set(pid, facts);
      last = { pid, facts };
    }
    at = end + 1;
  }
  return out;
}

/** A remote host's connections, and the socket cookie of each TCP row whose counters were read. */
export interface RemoteConnections {
  result: DatasetResult<Connection>;
  cookies: Map<Connection, string>;
}

/**
 * The tcp_info of the ss-info section (`ss -tinHem`, script.ts) written into the TCP rows /proc gave, by inode
 * (by endpoints for sockets closed by their process, inode 0), with the live collector's parser; the other rows
 * say why they have none. Returns each counted row's cookie, for the per-process totals.
 */
function addTraffic(r: RemoteReading, rows: Connection[], diagnostics: Diagnostics): Map<Connection, string> {
  const cookies = new Map<Connection, string>();
  const info = r.hello.hasSs ? section(r, 'ss-info', 'latin1') : null;
  if (!info?.ok) {
    const why = info ? commandFailure(info, 'ss -tinHem', r.host) : `ss (iproute2) is not installed on ${r.host}`;
    trafficFailed(rows, why, diagnostics, `ss -tinHem on ${r.host}`);
    return cookies;
  }
  const byInode = new Map<number, Connection>();
  const byEndpoints = new Map<string, Connection>();
  for (const row of rows) {
    if (row.proto !== 'tcp' || trafficGap(row.proto, row.state) !== null) continue;
    if (row.inode) byInode.set(row.inode, row);
    else byEndpoints.set(endpointsKey(row.localAddress, row.localPort, row.remoteAddress, row.remotePort), row);
  }
  const target = (row: Connection | undefined, cookie: string | null) => {
    if (row && cookie !== null) cookies.set(row, cookie);
    return row;
  };
  parseSsTraffic(
    info.text,
    diagnostics,
    r.trafficAt ?? r.at,
    {
      byInode: (inode, cookie) => target(byInode.get(inode), cookie),
      byEndpoints: (key, cookie) => target(byEndpoints.get(key), cookie),
    },
    `ss -tinHem on ${r.host}`,
  );
  fillTrafficGaps(rows);
  return cookies;
}

/** The connections of a reading; with `traffic`, TCP rows carry their counters (as `setExtras(['traffic'])`
 *  makes the local collector's rows do). */
export function remoteConnections(r: RemoteReading, traffic: boolean): RemoteConnections {
  const result = remoteRows('connections', r);
  const cookies = traffic ? addTraffic(r, result.rows, result.diagnostics) : new Map<Connection, string>();
  return { result, cookies };
}

function connections(r: RemoteReading, room: Room): DatasetResult<Connection> {
  const result = connectionsFromTables((file, encoding) => linesSection(r, `net/${file}`, encoding, room));
  const ss = r.hello.hasSs ? section(r, 'ss', 'utf8') : null;
  // The owners' start times and uids come from the remote's own /proc (procstat), as the kill guard there
  // computes them.
  const procstat = ss?.ok ? section(r, 'procstat', 'latin1') : null;
  const facts = procstat?.ok ? procFacts(procstat.text) : new Map<number, RemoteProcessFacts>();
  // The names of the uids shown only: a remote's passwd may list millions.
  const uids = new Set<number>();
  for (const row of result.rows) if (row.uid !== null) uids.add(row.uid);
  for (const f of facts.values()) if (f.uid !== null) uids.add(f.uid);
  const passwd = section(r, 'passwd', 'utf8');
  const users = passwd.ok ? parsePasswd(passwd.text, uids) : new Map<number, string>();
  // ss gives the owners only, read whole (its section is bounded by MAX_SECTION_BYTES): it lists unix sockets
  // first and TCP last, so its first lines are not the shown rows' owners, and a cut there took the owners of
  // TCP rows on screen, told as other users' (review of 12-02).
  const owners = new Map<number, ProcessInfo[]>();
  let ownersCut = 0;
  /** Sockets with more owners than MAX_REMOTE_OWNERS: their rows say some are not listed ('partial'). */
  const partial = new Set<number>();
  if (ss?.ok) {
    // Only the owners are taken from ss; the rows themselves are /proc's, as on this machine.
    const parsed = parseSs(ss.text, `ss on ${r.host}`);
    // A line ss printed that cannot be read (a process may name itself with a quote or a line break, which ss
    // prints as they are) takes its sockets' owners with it: counted and said, never silently ownerless.
    const { skipped: unread, samples } = parsed.diagnostics;
    if (unread > 0) {
      mergeDiagnostics(result.diagnostics, { ...emptyDiagnostics(), skipped: unread, samples });
      result.diagnostics.notes.push(
        `${unread} line${unread === 1 ? '' : 's'} of ss on ${r.host} could not be read (a process named with a quote ` +
          `or a line break prints so): the owners of ${unread === 1 ? 'its sockets' : 'their sockets'} are not shown`,
      );
    }
    for (const row of parsed.rows) {
      if (row.inode === null || row.inode === 0 || row.processes.length === 0) continue;
      // The user a process runs as is its own uid's (as the local collector takes it from the process), never
      // the socket's owner: unknown (null) where the remote did not say.
      if (row.processes.length > MAX_REMOTE_OWNERS) {
        ownersCut += row.processes.length - MAX_REMOTE_OWNERS;
        partial.add(row.inode);
      } else partial.delete(row.inode);
      owners.set(
        row.inode,
        fewestPids(row.processes, MAX_REMOTE_OWNERS).map((p) => {
          const f = facts.get(p.pid);
          const uid = f?.uid ?? null;
          return { ...p, startTime: f?.startTime ?? null, user: uid === null ? null : (users.get(uid) ?? null) };
        }),
      );
    }
  }
  const privileged = r.hello.uid === 0 || r.hello.sudo;
  let denied = 0;
  let ownerEntries = 0;
  let rowsOwnersCut = 0;
  let entries = 0;
  for (const row of result.rows) entries += (row.inode === null ? undefined : owners.get(row.inode))?.length ?? 0;
  // Past MAX_REMOTE_ROWS entries in all, which sockets keep their owners is decided in a stable order, not in the
  // order /proc's tables list the sockets (which moves as sockets come and go): a socket keeps them or not whatever
  // was listed before it.
  for (const row of entries > MAX_REMOTE_ROWS ? byOwnersKept(result.rows, owners) : result.rows) {
    row.user = row.uid === null ? null : (users.get(row.uid) ?? null);
    const processes = row.inode === null ? undefined : owners.get(row.inode);
    if (processes && ownerEntries + processes.length > MAX_REMOTE_ROWS) {
      // Said on the row, not only in a note: neither ownerless nor another user's.
      row.ownerStatus = 'capped';
      rowsOwnersCut++;
    } else if (processes) {
      ownerEntries += processes.length;
      row.processes = processes;
      row.ownerStatus = partial.has(row.inode!) ? 'partial' : 'known';
    } else if (ss?.ok && !privileged && row.uid !== r.hello.uid && row.inode !== 0) {
      row.ownerStatus = 'denied';
      denied++;
    }
  }
  if (ownersCut > 0)
    result.diagnostics.notes.push(
      `${groupDigits(ownersCut)} owners of sockets of ${r.host} not shown (NetLens shows at most ` +
        `${MAX_REMOTE_OWNERS} owners of a socket)`,
    );
  if (rowsOwnersCut > 0)
    result.diagnostics.notes.push(
      `the owners of ${groupDigits(rowsOwnersCut)} sockets of ${r.host} not shown (NetLens shows at most ` +
        `${groupDigits(MAX_REMOTE_ROWS)} owners of a remote host's sockets in all)`,
    );
  if (!r.hello.hasSs)
    result.diagnostics.notes.push(`process owners unknown: ss (iproute2) is not installed on ${r.host}`);
  else if (!ss?.ok) result.diagnostics.notes.push(`process owners unknown: ${commandFailure(ss!, 'ss', r.host)}`);
  else if (denied > 0) {
    result.diagnostics.notes.push(
      `${denied} socket${denied === 1 ? '' : 's'} on ${r.host} may belong to processes of other users: their owners ` +
        'need root there (log in as root, or allow this user `sudo -n ss`)',
    );
  }
  return result;
}

/**
 * The rows in the order their sockets get owners when a host's sockets hold more than MAX_REMOTE_ROWS owner
 * entries: by the lowest PID among a socket's owners (older processes first, until PIDs wrap), then by inode, then
 * by the row's key. The same sockets keep their owners whatever order /proc and ss list them in, and a new
 * process's sockets fall past the cap before those of the processes already there.
 */
function byOwnersKept(rows: Connection[], owners: Map<number, ProcessInfo[]>): Connection[] {
  const lowest = new Map<number, number>();
  for (const [inode, processes] of owners) {
    let pid = Number.POSITIVE_INFINITY;
    for (const p of processes) if (p.pid < pid) pid = p.pid;
    lowest.set(inode, pid);
  }
  const pidOf = (r: Connection) => (r.inode === null ? undefined : lowest.get(r.inode)) ?? Number.POSITIVE_INFINITY;
  return rows.slice().sort((a, b) => {
    const pa = pidOf(a);
    const pb = pidOf(b);
    if (pa !== pb) return pa < pb ? -1 : 1;
    if (a.inode !== b.inode) return (a.inode ?? -1) - (b.inode ?? -1);
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}

function routes(r: RemoteReading, room: Room): DatasetResult<RowTypes['routes']> {
  let why = `ip (iproute2) is not installed on ${r.host}`;
  if (r.hello.hasIp) {
    const fromIp = routesFromIpJson(ipJsonSection(r, 'ip-route4', room), ipJsonSection(r, 'ip-route6', room));
    if (fromIp.result) return fromIp.result;
    why = fromIp.why;
    // The /proc files are read instead, with a room of their own.
    Object.assign(room, fullRoom());
  }
  return routesFromProc(
    linesSection(r, 'net/route', 'names', room),
    linesSection(r, 'net/ipv6_route', 'names', room, 0),
    why,
  );
}

/** "attr iface value" lines of the sysfs section, of the interfaces shown (`names`): those of others are passed
 *  over, not held. */
function sysfsAttributes(text: string, names: ReadonlySet<string>): Map<string, Map<string, string>> {
  const byIface = new Map<string, Map<string, string>>();
  for (const line of text.split('\n')) {
    const a = line.indexOf(' ');
    const b = line.indexOf(' ', a + 1);
    if (a <= 0 || b <= a + 1) continue;
    const iface = line.slice(a + 1, b);
    if (!names.has(iface)) continue;
    let attrs = byIface.get(iface);
    if (!attrs) byIface.set(iface, (attrs = new Map()));
    attrs.set(line.slice(0, a), line.slice(b + 1).trim());
  }
  return byIface;
}

function interfaces(r: RemoteReading, room: Room): DatasetResult<NetInterface> {
  const diagnostics = emptyDiagnostics();
  // Two header lines ("Inter-| Receive | Transmit", then the columns' names), then an interface a line.
  const dev = linesSection(r, 'net/dev', 'names', room, 2);
  if (!dev.ok) {
    diagnostics.missing.push({ source: '/proc/net/dev', reason: dev.reason });
    return { rows: [], diagnostics };
  }
  const parsed = parseProcNetDev(dev.text);
  mergeDiagnostics(diagnostics, parsed.diagnostics);
  const sysfs = section(r, 'sysfs');
  const names = new Set(parsed.rows.map((row) => row.name));
  const attrs = sysfs.ok ? sysfsAttributes(sysfs.text, names) : new Map<string, Map<string, string>>();
  // ip lists an interface an element: as many as may be shown are read, the others passed over.
  const ipAddr = r.hello.hasIp ? ipJsonSection(r, 'ip-addr', fullRoom()) : null;
  const parsedAddr = ipAddr?.ok ? parseIpJsonAddresses(ipAddr.text) : null;
  const v4 = parsedAddr?.byName ?? new Map<string, InterfaceAddress[]>();
  const addrFailure = ipAddr ? ipAddressesFailure(ipAddr, parsedAddr) : null;
  if (!ipAddr)
    diagnostics.missing.push({ source: 'ip -j addr', reason: `IPv4 addresses unknown: ip is not usable on ${r.host}` });
  else if (addrFailure !== null)
    diagnostics.missing.push({ source: 'ip -j addr', reason: `IPv4 addresses unknown on ${r.host}: ${addrFailure}` });
  const inet6 = section(r, 'net/if_inet6');
  const v6 = inet6.ok ? parseIfInet6(inet6.text) : null;
  if (v6) mergeDiagnostics(diagnostics, v6.diagnostics);
  // The IPv6 addresses by interface, in one pass (each interface filtering them all took interfaces × addresses).
  const v6By = new Map<string, InterfaceAddress[]>();
  for (const a of v6?.rows ?? []) {
    if (!names.has(a.iface)) continue;
    let list = v6By.get(a.iface);
    if (!list) v6By.set(a.iface, (list = []));
    list.push({ family: a.family, address: a.address, prefixLength: a.prefixLength, scope: a.scope });
  }
  for (const row of parsed.rows) {
    const mine = attrs.get(row.name);
    applySysfsAttributes(row, (a) => mine?.get(a) ?? null);
    addAddresses(row, [...(v4.get(row.name) ?? []), ...(v6By.get(row.name) ?? [])]);
  }
  return { rows: parsed.rows, diagnostics };
}

/** When a reading's rows of a dataset were read (its connections' counters by `ss -tinHem`, the rest from
 *  /proc/net), as DatasetResult.readAt gives it: all the rows are of this reading. */
export function readAtOf(dataset: string, r: RemoteReading): ReadingTime[] {
  const at = (dataset === 'connections' ? r.trafficAt : r.procAt) ?? r.at;
  return [{ from: 0, key: r.host, at }];
}

/** One dataset's rows from a remote reading, with the time they were read (readAt), at most MAX_REMOTE_ROWS. */
export function remoteRows<D extends keyof OsCollectors>(dataset: D, r: RemoteReading): DatasetResult<RowTypes[D]> {
  const room = fullRoom();
  const result = shown(rowsOf(dataset, r, room), room, ROWS_NAMED[dataset] ?? 'rows', r.host);
  result.readAt = readAtOf(dataset, r);
  return result;
}

/** A dataset's rows; those its reading passed over are counted in `room`. */
function rowsOf<D extends keyof OsCollectors>(dataset: D, r: RemoteReading, room: Room): DatasetResult<RowTypes[D]> {
  switch (dataset) {
    case 'connections':
      return connections(r, room) as DatasetResult<RowTypes[D]>;
    case 'routes':
      return routes(r, room) as DatasetResult<RowTypes[D]>;
    case 'interfaces':
      return interfaces(r, room) as DatasetResult<RowTypes[D]>;
    case 'statistics': {
      const notes: string[] = [];
      const result = parseProcNetSources(STATISTICS_SOURCES, (file) =>
        boundedSection(r, `net/${file}`, MAX_STATISTICS_SECTION_BYTES, notes),
      );
      result.diagnostics.notes.push(...notes);
      return result as DatasetResult<RowTypes[D]>;
    }
    case 'multicast': {
      // igmp6 and dev_mcast give a membership a line (no header), cut as they are read; igmp's lines are groups
      // and the interfaces they belong to, cut only once parsed (and read to MAX_IGMP_SECTION_BYTES).
      const notes: string[] = [];
      const result = parseProcNetSources(MULTICAST_SOURCES, (file) =>
        file === 'igmp'
          ? boundedSection(r, 'net/igmp', MAX_IGMP_SECTION_BYTES, notes)
          : linesSection(r, `net/${file}`, 'names', room, 0),
      );
      result.diagnostics.notes.push(...notes);
      return result as DatasetResult<RowTypes[D]>;
    }
    default:
      throw new Error(`unknown dataset ${String(dataset)}`);
  }
}
