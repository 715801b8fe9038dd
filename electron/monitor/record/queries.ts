// Reading the record: connections and listeners as they were at a moment or over a range, the activity
// timeline, and "what changed" between two moments. Shared by the monitor worker (for the UI) and the CLI,
// which opens the file itself.
import {
  networkOf,
  splitReached,
  usesNetwork,
  type ChangesSummary,
  MAX_RECORDED_OTHERS,
  type RecordedConnection,
  type RecordedOwner,
  type RecordGap,
  type RecordPause,
  type TimelinePoint,
} from '../../../shared/record.js';
import type { Family, Protocol } from '../../../shared/types.js';
import type { RecordedRows } from '../../../shared/protocol.js';
import { CUT_UNTIL, SPAN, SPAN_BOUNDS, type RecordDatabase } from './database.js';
import { isLoopback, isUnspecified } from '../../../shared/address.js';

/** At most this many rows per answer: the rest is counted, not sent. */
export const MAX_RECORDED_ROWS = 20_000;
/** At most this many minutes per timeline (a week). */
export const MAX_TIMELINE_MINUTES = 7 * 24 * 60;
const MINUTE_MS = 60_000;

export type { RecordedRows };

interface ConnRow {
  id: number;
  proto: string;
  family: string;
  local_addr: string;
  local_port: number;
  remote_addr: string;
  remote_port: number;
  states: string;
  listener: number;
  pid: number | null;
  process: string | null;
  user: string | null;
  exe: string | null;
  path: string | null;
  first_seen: number;
  closed_at: number | null;
  ended: number;
  bytes_sent: number | null;
  bytes_received: number | null;
  inode: number | null;
  others: string | null;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Whether `v` is an integer in [min, max] as SQLite gives it (a number; text, a blob, a real are not). */
const integer = (v: unknown, min: number, max: number): boolean =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const text = (v: unknown): boolean => typeof v === 'string';
const orNull = (v: unknown, ok: (v: unknown) => boolean): boolean => v === null || ok(v);
const PORT = (v: unknown) => integer(v, 0, 65535);
/** A pid (Linux's at most 2^22, Windows' and macOS's 32 bits); 0 for Windows' idle process. */
const PID = (v: unknown) => integer(v, 0, 2 ** 32 - 1);
const TIME = (v: unknown) => integer(v, 0, Number.MAX_SAFE_INTEGER);
const BYTES = TIME;

/**
 * Whether a row's values can be a connection's, as the recorder writes them: text where it writes text, ports of
 * 0-65535, a pid, times and byte totals as integers. A record from elsewhere (`--db`, a copy altered by hand) may
 * hold anything in any column (SQLite keeps a text or a blob in an INTEGER column): such a row is skipped and
 * counted (`unreadable`), not printed as `1.1.1.1:NaN`. A row closed before it was first seen is kept: a clock
 * set back between the two writes it so (the queries count on it).
 */
function connectionRow(r: ConnRow): boolean {
  return (
    text(r.proto) &&
    text(r.family) &&
    text(r.local_addr) &&
    PORT(r.local_port) &&
    text(r.remote_addr) &&
    PORT(r.remote_port) &&
    text(r.states) &&
    integer(r.listener, 0, 1) &&
    orNull(r.pid, PID) &&
    orNull(r.process, text) &&
    orNull(r.user, text) &&
    orNull(r.exe, text) &&
    orNull(r.path, text) &&
    TIME(r.first_seen) &&
    orNull(r.closed_at, TIME) &&
    TIME(r.ended) &&
    orNull(r.bytes_sent, BYTES) &&
    orNull(r.bytes_received, BYTES) &&
    orNull(r.inode, TIME) &&
    orNull(r.others, text)
  );
}

/** The longest `others` text read: MAX_RECORDED_OTHERS owners with names of the longest a process has (a command
 *  line's first word, at most a few KB each) fit well within it; a longer one is no recorder's. */
const MAX_OTHERS_TEXT = 256 * 1024;

/** A row's `others` column as the recorder writes it (othersJson: an array of [pid, name]), or null when it is not
 *  that (the row is then unreadable). */
function parseOthers(v: unknown): RecordedOwner[] | null {
  if (typeof v !== 'string' || v.length > MAX_OTHERS_TEXT) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length > MAX_RECORDED_OTHERS) return null;
  const out: RecordedOwner[] = [];
  for (const o of parsed) {
    if (!Array.isArray(o) || o.length !== 2 || !PID(o[0]) || typeof o[1] !== 'string') return null;
    out.push({ pid: o[0] as number, name: o[1] });
  }
  return out;
}

/** The rows that can be connections (connectionRow), as the answers give them, and how many could not. */
function toRecordedRows(rows: ConnRow[]): { rows: RecordedConnection[]; unreadable: number } {
  const out: RecordedConnection[] = [];
  for (const r of rows) {
    // Its other owners parsed once, and the row unreadable where they are not a list the recorder writes.
    const others = connectionRow(r) ? (r.others === null ? [] : parseOthers(r.others)) : null;
    if (others !== null) out.push(toRecorded(r, others));
  }
  return { rows: out, unreadable: rows.length - out.length };
}

function toRecorded(r: ConnRow, others: RecordedOwner[]): RecordedConnection {
  return {
    id: String(r.id),
    proto: r.proto as Protocol,
    family: r.family as Family,
    localAddress: r.local_addr,
    localPort: Number(r.local_port),
    remoteAddress: r.remote_addr,
    remotePort: Number(r.remote_port),
    states: r.states.split(' ').filter(Boolean),
    listener: Number(r.listener) === 1,
    pid: num(r.pid),
    process: r.process,
    user: r.user,
    exe: r.exe,
    path: r.path,
    firstSeen: Number(r.first_seen),
    lastSeen: Number(r.ended),
    closedAt: num(r.closed_at),
    bytesSent: num(r.bytes_sent),
    bytesReceived: num(r.bytes_received),
    inode: num(r.inode),
    others,
  };
}

// A row ended at its close, or (left open when its recording stopped) at its session's last write.
const SELECT = `SELECT c.*, COALESCE(c.closed_at, s.alive) AS ended FROM conns c JOIN sessions s ON s.id = c.session`;

/**
 * The ids of the rows open at some moment in [?1, ?2] (first_seen <= ?2 and ended >= ?1), found through the
 * indexes made for it (database.ts): the rows still open of the sessions alive at ?1 or later, and the closed rows
 * of each duration class first seen within its bound before ?1. What it visits grows with what was open then, not
 * with the history before it (first_seen <= ?2 alone read the record from its start: for "now", all of it).
 */
const OVERLAPPING = [
  `SELECT o.id FROM sessions s CROSS JOIN conns o
    WHERE o.session = s.id AND s.alive >= ?1 AND o.closed_at IS NULL AND o.first_seen <= ?2`,
  ...[...SPAN_BOUNDS, null].map(
    (bound, k) => `SELECT id FROM conns WHERE closed_at IS NOT NULL AND ${SPAN} = ${k}
      ${bound === null ? '' : `AND first_seen > ?1 - ${bound}`} AND first_seen <= ?2 AND closed_at >= ?1`,
  ),
].join(' UNION ALL ');

/** `SELECT` of the rows open at some moment in [?1, ?2] (see OVERLAPPING), each once: add WHERE terms with AND. */
const SELECT_OVERLAPPING = `SELECT c.*, COALESCE(c.closed_at, s.alive) AS ended FROM (${OVERLAPPING}) x
  CROSS JOIN conns c ON c.id = x.id JOIN sessions s ON s.id = c.session WHERE 1`;

/**
 * The rows open at some moment in [?1, ?2] (OVERLAPPING) are those open at ?1 first seen before it, then those first
 * seen in [?1, ?2] (ended at ?1 or later: all of them, but for a clock set back between a row's sighting and its end).
 * So their order by first_seen is the first few (what was open at ?1: a read of a moment) sorted, then the others as
 * conns_first holds them: read in that order and no further than needed, where OVERLAPPING over a long range
 * gathered every row of it and sorted them all (a week at the 200 MB cap: 1.2 million, some 4 s), for 20,000.
 */
const OPEN_BEFORE = `${SELECT_OVERLAPPING} AND c.first_seen < ?1 AND c.first_seen <= ?3`;
const FIRST_SEEN_WITHIN = `SELECT c.*, COALESCE(c.closed_at, s.alive) AS ended FROM conns c JOIN sessions s ON s.id = c.session
  WHERE c.first_seen >= ?1 AND c.first_seen <= ?2 AND COALESCE(c.closed_at, s.alive) >= ?1`;
/**
 * How many FIRST_SEEN_WITHIN holds, counted in conns_first alone (no row read), less the rows ended before ?1 (a clock
 * set back): closed before they were first seen, so of the shortest duration class (conns_span), or left open by a
 * session whose last write was before ?1 (conns_live). Counting the rows themselves read every one of them.
 */
const FIRST_SEEN_WITHIN_COUNT = `SELECT
  (SELECT count(*) FROM conns WHERE first_seen >= ?1 AND first_seen <= ?2)
  - (SELECT count(*) FROM conns WHERE closed_at IS NOT NULL AND ${SPAN} = 0 AND first_seen >= ?1 AND first_seen <= ?2
      AND closed_at < ?1)
  - (SELECT count(*) FROM sessions s CROSS JOIN conns o
      WHERE o.session = s.id AND s.alive < ?1 AND o.closed_at IS NULL AND o.first_seen >= ?1 AND o.first_seen <= ?2) AS n`;

/** A moment of the sessions table as the recorder writes it (a record altered by hand may hold anything). */
function sessionMoment(row: unknown): number | null {
  const t = (row as { t?: unknown } | null)?.t;
  return TIME(t) ? Number(t) : null;
}

/**
 * Where the record begins to be whole: the start of its first recording, or later where connections were removed to
 * keep it under its size cap (database.ts CUT_UNTIL: the last close among them; `cut`). Null for an empty record.
 */
export function recordBegins(db: RecordDatabase): { begins: number; cut?: true } | null {
  const first = sessionMoment(db.get('SELECT min(started) AS t FROM sessions'));
  if (first === null) return null;
  const cut = sessionMoment(db.get(`SELECT CAST(value AS INTEGER) AS t FROM meta WHERE key = '${CUT_UNTIL}'`));
  return cut !== null && cut > first ? { begins: cut, cut: true } : { begins: first };
}

/**
 * Where `t` lies in the record, when no recording covers it (RecordGap): before the first one began (its `started`,
 * which the recorder moves to the moment its baseline was read: recorder.ts), or between the last write of one
 * and the start of the next. Null within a recording, after the last one (the CLI after NetLens quit: "now" is as
 * last recorded), or in an empty record. The sessions table holds a row per recording (a few a day at most).
 */
export function gapAt(db: RecordDatabase, t: number): RecordGap | null {
  const start = recordBegins(db);
  if (start === null) return null;
  if (t < start.begins) return { kind: 'before', ...start };
  if (db.get('SELECT 1 AS k FROM sessions WHERE started <= ?1 AND alive >= ?1 LIMIT 1', [t]) !== null) return null;
  const resumed = sessionMoment(db.get('SELECT min(started) AS t FROM sessions WHERE started > ?', [t]));
  const lastBefore = sessionMoment(db.get('SELECT max(alive) AS t FROM sessions WHERE alive < ?', [t]));
  if (resumed === null || lastBefore === null || resumed - lastBefore < SHORTEST_GAP_MS) return null;
  return { kind: 'between', lastBefore, resumed };
}

/** A period between two recordings shorter than this is none: within a reading's interval (Space pressed twice, a
 *  pause of a moment), nothing a reading would have seen was missed, and it read "Nothing was recorded from 23:07:43 to
 *  23:07:43" (a new user's review of 12-07). */
export const SHORTEST_GAP_MS = 2000;

/** At most this many periods between recordings per answer (RecordedRows `gaps`): the rest is counted. */
export const MAX_RECORD_GAPS = 100;

/** A session's moments as the recorder writes them (integers; a record altered by hand may hold anything, and such
 *  a session is left out, as sessionMoment leaves it out of gapAt). */
const SESSION_MOMENTS = `typeof(started) = 'integer' AND typeof(alive) = 'integer'`;

/**
 * The periods no recording covers that begin within [from, to) (RecordedRows `gaps`): each from the last write of
 * the recordings before it (the furthest any reached: two NetLens may record to one file at once) to the start of
 * the next, earliest first, at most MAX_RECORD_GAPS of them and how many more. A period `from` lies in is gapAt's,
 * not listed again; the time after the last recording is not one (as gapAt: "now" while nothing records is as last
 * recorded). It reads the sessions table alone, never conns: one row per recording (a few a day, one more per
 * pause; pruned with the retention), so a week of a pause every 10 minutes (1,000 rows) is read in 1.5-3 ms and
 * 50,000 in 30-110 ms (docs/performance.md); the answer lists at most MAX_RECORD_GAPS.
 */
export function gapsWithin(db: RecordDatabase, from: number, to: number): { gaps: RecordPause[]; gapsOmitted: number } {
  const gaps: RecordPause[] = [];
  let count = 0;
  if (to <= from) return { gaps, gapsOmitted: 0 };
  const add = (lastBefore: number, resumed: number) => {
    if (resumed - lastBefore < SHORTEST_GAP_MS) return;
    count++;
    if (gaps.length < MAX_RECORD_GAPS) gaps.push({ kind: 'between', lastBefore, resumed });
  };
  // A session's end is its last write, or its start where a clock set back wrote an earlier one.
  let reach = sessionMoment(
    db.get(`SELECT max(max(started, alive)) AS t FROM sessions WHERE started < ? AND ${SESSION_MOMENTS}`, [from]),
  );
  const within = db.prepare(
    `SELECT started, max(started, alive) AS ended FROM sessions WHERE started >= ? AND started <= ? AND ${SESSION_MOMENTS}
      ORDER BY started`,
  );
  try {
    for (const s of within.iterate([from, to]) as Iterable<{ started: number; ended: number }>) {
      const started = Number(s.started);
      // (A reach before `from`: the period `from` lies in, gapAt's.)
      if (reach !== null && reach >= from && started > reach) add(reach, started);
      reach = reach === null ? Number(s.ended) : Math.max(reach, Number(s.ended));
    }
  } finally {
    within.finalize();
  }
  // Stopped within the range and resumed after it (every start within it was read).
  if (reach !== null && reach >= from && reach < to) {
    const resumed = sessionMoment(
      db.get(`SELECT min(started) AS t FROM sessions WHERE started > ? AND ${SESSION_MOMENTS}`, [reach]),
    );
    if (resumed !== null) add(reach, resumed);
  }
  return { gaps, gapsOmitted: count - gaps.length };
}

/** Connections and listeners open at some moment in [from, to] (from = to: as they were at that moment); `gap`: where
 *  `from` lies before the record or between two recordings (gapAt); `gaps`: the periods between recordings after it
 *  within the range (gapsWithin); with the session of the recording running now (`running`), its last write
 *  (`recordingAt`: the rows it left open are open now). */
export function connectionsBetween(
  db: RecordDatabase,
  from: number,
  to: number,
  running: number | null = null,
): RecordedRows {
  const rows = { ...rowsBetween(db, from, to), gap: gapAt(db, from), ...gapsWithin(db, from, to) };
  if (running === null) return rows;
  return { ...rows, recordingAt: sessionMoment(db.get('SELECT alive AS t FROM sessions WHERE id = ?', [running])) };
}

function rowsBetween(db: RecordDatabase, from: number, to: number): Omit<RecordedRows, 'gap' | 'gaps' | 'gapsOmitted'> {
  const limit = MAX_RECORDED_ROWS + 1;
  // Open at `from` (OVERLAPPING of that moment), first seen before it (and by `to`).
  const before = db.all(`${OPEN_BEFORE} ORDER BY c.first_seen, c.id LIMIT ${limit}`, [
    from,
    from,
    to,
  ]) as unknown as ConnRow[];
  // (Counted now: `rows` may be this very array, cut to MAX_RECORDED_ROWS below.)
  const openedRead = before.length;
  let rows = before;
  if (rows.length < limit)
    rows = rows.concat(
      db.all(`${FIRST_SEEN_WITHIN} ORDER BY c.first_seen, c.id LIMIT ${limit - rows.length}`, [
        from,
        to,
      ]) as unknown as ConnRow[],
    );
  let omitted = 0;
  if (rows.length > MAX_RECORDED_ROWS) {
    rows.length = MAX_RECORDED_ROWS;
    const opened =
      openedRead < limit
        ? openedRead
        : Number(
            (
              db.get(`SELECT count(*) AS n FROM (${OPEN_BEFORE})`, [from, from, to]) as {
                n: number;
              }
            ).n,
          );
    const within = Number((db.get(FIRST_SEEN_WITHIN_COUNT, [from, to]) as { n: number }).n);
    omitted = opened + within - MAX_RECORDED_ROWS;
  }
  return { ...toRecordedRows(rows), omitted };
}

/** Activity per minute over [from, to]: connections first seen, and bytes over all interfaces. */
export function timeline(db: RecordDatabase, from: number, to: number): TimelinePoint[] {
  // The latest week of the range at most.
  const first = Math.max(from, to - MAX_TIMELINE_MINUTES * MINUTE_MS);
  const start = first - (first % MINUTE_MS);
  const end = to;
  const points = new Map<number, TimelinePoint>();
  const at = (t: number) => {
    let p = points.get(t);
    if (!p) points.set(t, (p = { t, opened: 0, rxBytes: 0, txBytes: 0 }));
    return p;
  };
  const opened = db.all(
    `SELECT (first_seen / ${MINUTE_MS}) * ${MINUTE_MS} AS t, count(*) AS n FROM conns WHERE first_seen >= ? AND first_seen <= ? GROUP BY 1`,
    [start, end],
  ) as { t: number; n: number }[];
  for (const o of opened) at(Number(o.t)).opened = Number(o.n);
  const traffic = db.all(
    'SELECT minute AS t, sum(rx) AS rx, sum(tx) AS tx FROM iface_minutes WHERE minute >= ? AND minute <= ? GROUP BY minute',
    [start, end],
  ) as {
    t: number;
    rx: number;
    tx: number;
  }[];
  for (const x of traffic) {
    const p = at(Number(x.t));
    p.rxBytes = Number(x.rx);
    p.txBytes = Number(x.tx);
  }
  return [...points.values()].sort((a, b) => a.t - b.t);
}

/**
 * The listeners open at `t`, each listener once (what it listens on and who listens), with the id of its first
 * row. Every one of them, a few fields each: what changed compares them all (a list cut at MAX_RECORDED_ROWS made
 * the ones past the cut look new or gone).
 */
function listenersAt(db: RecordDatabase, t: number): Map<string, number> {
  const rows = db.all(
    `SELECT c.id, c.proto, c.family, c.local_addr, c.local_port, c.path, c.process FROM (${OVERLAPPING}) x
      CROSS JOIN conns c ON c.id = x.id WHERE c.listener = 1 ORDER BY c.first_seen, c.id`,
    [t, t],
  ) as Pick<ConnRow, 'id' | 'proto' | 'family' | 'local_addr' | 'local_port' | 'path' | 'process'>[];
  const ids = new Map<string, number>();
  for (const r of rows) {
    const key = listenerKey(r);
    if (!ids.has(key)) ids.set(key, Number(r.id));
  }
  return ids;
}

/** Where a listener listens, and who: listeners of one key at two moments are the same listener. */
function listenerKey(r: Pick<ConnRow, 'proto' | 'family' | 'local_addr' | 'local_port' | 'path' | 'process'>): string {
  return `${r.proto}|${r.family}|${r.local_addr}|${r.local_port}|${r.path ?? ''}|${r.process ?? ''}`;
}

/** The listeners listenersBetween reads of a range, at most: past them it counts the rest (briefListenersOmitted). */
export const MAX_LISTENERS_READ = 100_000;

/** Which listeners first seen in (?1, ?2] listenersBetween reads: TCP and unix ones, and UDP and raw ones on ports
 *  below 32768, where no OS's ephemeral range begins (an unconnected UDP socket on one is a client's, made for a
 *  query and gone: a resolver makes thousands). Read by conns_listeners, without the table where it chooses. */
const LISTENERS_WHERE = `listener = 1 AND first_seen > ? AND first_seen <= ?
  AND (proto IN ('tcp', 'unix') OR local_port < 32768)`;
// (By first_seen alone: the index's order after it, proto, port and row, is as good a tie-break, and one by id the
// index does not give would have the planner read conns_first and every connection of the range instead.)
export const LISTENERS_FIRST_SEEN = `SELECT id FROM conns WHERE ${LISTENERS_WHERE} ORDER BY first_seen
  LIMIT ${MAX_LISTENERS_READ}`;

/**
 * The listeners first seen in (from, to] that were gone again by `to`: neither moment shows them (a port opened for
 * half a minute in the last hour, which raised an alert: a new user's review of 12-06). One row a listener (its
 * first), none of a key open at either moment (those are new, gone or there all along), at most MAX_RECORDED_ROWS;
 * read by conns_listeners, the listeners alone.
 */
function listenersBetween(
  db: RecordDatabase,
  from: number,
  to: number,
  before: Map<string, number>,
  after: Map<string, number>,
): { rows: RecordedConnection[]; unreadable: number; omitted: number } {
  // The first row of each listener among the first MAX_LISTENERS_READ first seen in the range (their ids from the index
  // alone, covering), grouped in SQLite: neither those rows nor their ids cross into JavaScript, only one a listener.
  const firsts = db.all(
    `SELECT id, proto, family, local_addr, local_port, path, process, min(first_seen) AS first FROM conns
      WHERE id IN (${LISTENERS_FIRST_SEEN}) GROUP BY proto, family, local_addr, local_port, path, process
      ORDER BY first, id`,
    [from, to],
  ) as Pick<ConnRow, 'id' | 'proto' | 'family' | 'local_addr' | 'local_port' | 'path' | 'process'>[];
  const ids = new Map<string, number>();
  for (const r of firsts) {
    const key = listenerKey(r);
    if (!before.has(key) && !after.has(key) && !ids.has(key)) ids.set(key, Number(r.id));
  }
  // Past the rows read, those left are counted (from the index alone) and said, not read.
  const all = Number(
    (db.get(`SELECT count(*) AS n FROM conns WHERE ${LISTENERS_WHERE}`, [from, to]) as { n: number }).n,
  );
  const unread = Math.max(0, all - MAX_LISTENERS_READ);
  const listed = recordedById(db, [...ids.values()]);
  return { ...listed, omitted: listed.omitted + unread };
}

/** The rows of these ids, in order of first sighting, at most MAX_RECORDED_ROWS (those that can be connections:
 *  connectionRow; the others counted), and how many were past that. */
function recordedById(
  db: RecordDatabase,
  ids: number[],
): { rows: RecordedConnection[]; unreadable: number; omitted: number } {
  if (ids.length === 0) return { rows: [], unreadable: 0, omitted: 0 };
  const read = toRecordedRows(
    db.all(`${SELECT} WHERE c.id IN (SELECT value FROM json_each(?)) ORDER BY c.first_seen, c.id`, [
      JSON.stringify(ids.slice(0, MAX_RECORDED_ROWS)),
    ]) as unknown as ConnRow[],
  );
  return { ...read, omitted: Math.max(0, ids.length - MAX_RECORDED_ROWS) };
}

/** The listeners of `these` that `other` does not have: their first rows, at most MAX_RECORDED_ROWS (those that
 *  can be connections: connectionRow; the others counted). */
function listenersNotIn(
  db: RecordDatabase,
  these: Map<string, number>,
  other: Map<string, number>,
): { rows: RecordedConnection[]; unreadable: number } {
  return recordedById(
    db,
    [...these].filter(([key]) => !other.has(key)).map(([, id]) => id),
  );
}

/**
 * The text prefixes every address of `network` (networkOf) starts with as the record holds addresses: written
 * the way inet_ntop and the OSes' tools write them (no leading zeros, at most one `::`), in lower or upper case.
 * IPv4: `a.b.c.`, also mapped (`::ffff:a.b.c.`); IPv6: the three groups, or fewer then `::` where the `::` takes
 * a zero group among them. An address networkOf keeps as it is is its own prefix.
 */
function networkPrefixes(network: string): string[] {
  const v4 = /^(\d{1,3}\.\d{1,3}\.\d{1,3}\.)0\/24$/.exec(network);
  const v6 = /^([0-9a-f]+):([0-9a-f]+):([0-9a-f]+)::\/48$/.exec(network);
  let prefixes = [network];
  if (v4) prefixes = [v4[1]!, `::ffff:${v4[1]}`];
  else if (v6) {
    const groups = v6.slice(1, 4);
    prefixes = [`${groups.join(':')}:`];
    for (let k = 0; k < 3; k++) if (groups[k] === '0') prefixes.push(`${groups.slice(0, k).join(':')}::`);
  }
  return [...new Set(prefixes.flatMap((p) => [p, p.toUpperCase()]))];
}

/**
 * The networks among `networks` with no address in the record's remotes first seen by `from`. Each is looked up
 * by the text prefixes of its addresses (indexed ranges of remotes' key, each address checked with networkOf),
 * not by reading every remote address ever recorded: a public server's record holds millions.
 */
function networksNewSince(db: RecordDatabase, from: number, networks: string[]): string[] {
  const candidates = [...new Set(networks)];
  if (candidates.length === 0) return [];
  const lookup = db.prepare('SELECT address FROM remotes WHERE address >= ? AND address < ? AND first_seen <= ?');
  const known = (network: string) => {
    for (const prefix of networkPrefixes(network)) {
      // Every text starting with the prefix sorts in [prefix, prefix with its last character's successor).
      const end =
        prefix === '' ? '\u0001' : prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
      for (const row of lookup.iterate([prefix, end, from]) as Iterable<{ address: string }>)
        if (networkOf(row.address) === network) return true;
    }
    return false;
  };
  try {
    return candidates.filter((n) => !known(n));
  } finally {
    lookup.finalize();
  }
}

/**
 * What changed from `from` to `to`: listeners present at one moment and not the other; remote hosts, their
 * networks, and processes active in (from, to] and never before `from` in the record; processes that used the
 * network at `from` (usesNetwork) with no socket open at `to`. A `from` no recording covers (gapAt) is compared as
 * the record knows it: before the record, from its first moment (what was open then is its baseline, not news:
 * else every listener and process alive when NetLens first started is "new"); between two recordings, from the
 * last moment recorded before (what appeared while nothing recorded is new, as it was not there then). `gaps`: the
 * periods between recordings after it within the range (gapsWithin): what opened and closed then is not known.
 */
export function changes(db: RecordDatabase, asked: number, askedTo: number): ChangesSummary {
  const gap = gapAt(db, asked);
  const from = gap === null ? asked : gap.kind === 'before' ? gap.begins : gap.lastBefore;
  // "Now" while nothing records (the CLI after the app quit) means as last recorded, not "everything gone".
  const last = db.get('SELECT max(alive) AS t FROM sessions') as { t: number | null };
  const to = last.t === null ? Math.max(from, askedTo) : Math.max(from, Math.min(askedTo, Number(last.t)));
  const before = listenersAt(db, from);
  const after = listenersAt(db, to);
  const newListeners = listenersNotIn(db, after, before);
  const goneListeners = listenersNotIn(db, before, after);
  const briefListeners = listenersBetween(db, from, to, before, after);
  // Rows of the small tables (first sightings) whose values cannot be what the recorder writes: skipped, counted.
  let unreadable = newListeners.unreadable + goneListeners.unreadable + briefListeners.unreadable;
  const valid = <T>(rows: T[], ok: (r: T) => boolean): T[] => {
    const kept = rows.filter(ok);
    unreadable += rows.length - kept.length;
    return kept;
  };

  const hosts = db.all(
    `SELECT address, first_seen AS first, process FROM remotes WHERE first_seen > ? AND first_seen <= ? ORDER BY first_seen LIMIT ${MAX_RECORDED_ROWS}`,
    [from, to],
  ) as { address: string; first: number; process: string | null }[];
  // Records kept before loopback peers were left out of remotes still hold them: they are not remote hosts.
  const newRemoteHosts = valid(hosts, (h) => text(h.address) && TIME(h.first) && orNull(h.process, text))
    .filter((h) => !isUnspecified(h.address) && !isLoopback(h.address))
    .map((h) => ({
      address: h.address,
      network: networkOf(h.address),
      process: h.process,
      firstSeen: Number(h.first),
    }));
  const newNetworks = networksNewSince(
    db,
    from,
    newRemoteHosts.map((h) => h.network),
  );
  const newPlaces = valid(
    db.all(
      `SELECT subject, first_seen AS first FROM reached WHERE first_seen > ? AND first_seen <= ? ORDER BY first_seen, subject LIMIT ${MAX_RECORDED_ROWS}`,
      [from, to],
    ) as { subject: string; first: number }[],
    (r) => text(r.subject) && TIME(r.first),
  ).map((r) => ({ ...splitReached(r.subject), firstSeen: Number(r.first) }));

  const started = valid(
    db.all(
      `SELECT name AS process, first_seen AS first FROM processes WHERE first_seen > ? AND first_seen <= ? ORDER BY first_seen LIMIT ${MAX_RECORDED_ROWS}`,
      [from, to],
    ) as {
      process: string;
      first: number;
    }[],
    (p) => text(p.process) && TIME(p.first),
  );
  // (A name that is no text: its rows are unreadable, counted where they are listed.)
  const openAfter = new Set(
    (
      db.all(
        `SELECT process, max(ended) AS last FROM (${SELECT_OVERLAPPING} AND c.process IS NOT NULL) GROUP BY process`,
        [to, to],
      ) as { process: string; last: number }[]
    )
      .filter((p) => text(p.process) && TIME(p.last))
      .map((p) => p.process),
  );
  // The processes with rows open at `from` and none at `to`, read once: their rows then (what each listens on or
  // reaches), each with when its process's rows then ended last (the same for all of a process's rows), in the
  // order of the processes' names.
  const atFrom = db.all(
    `SELECT DISTINCT process, proto, listener, local_addr, remote_addr, max(ended) OVER (PARTITION BY process) AS last
      FROM (${SELECT_OVERLAPPING} AND c.process IS NOT NULL AND c.process NOT IN (SELECT value FROM json_each(?3)))
      ORDER BY process`,
    [from, from, JSON.stringify([...openAfter])],
  ) as (Pick<ConnRow, 'proto' | 'listener' | 'local_addr' | 'remote_addr'> & { process: string; last: number })[];
  const gone = [...new Map(atFrom.map((r) => [r.process, r.last]))]
    .map(([process, last]) => ({ process, last }))
    .filter((p) => text(p.process) && TIME(p.last));
  // Of those, the ones that used the network then (usesNetwork: one that only talked to itself over loopback did
  // not stop using it, as it never started).
  const goneNames = new Set(gone.map((p) => p.process));
  const used = new Set(
    atFrom
      .filter(
        (r) =>
          goneNames.has(r.process) &&
          text(r.proto) &&
          text(r.local_addr) &&
          text(r.remote_addr) &&
          usesNetwork(r.proto, Number(r.listener) === 1, r.local_addr, r.remote_addr),
      )
      .map((r) => r.process),
  );
  const stopped = gone.filter((p) => used.has(p.process));
  // When each of those was last seen (by `to`): asked for them alone (not every process name the record holds).
  // Each had a row open at `from`, so its last row first seen by `to` ended at `from` or later: among the rows
  // open at some moment in [from, to].
  const lastSeen = new Map(
    stopped.length === 0
      ? []
      : (
          db.all(
            `SELECT process, max(ended) AS last FROM (${SELECT_OVERLAPPING} AND c.process IN (SELECT value FROM json_each(?3)))
              GROUP BY process`,
            [from, to, JSON.stringify(stopped.map((p) => p.process))],
          ) as { process: string; last: number }[]
        ).map((p) => [p.process, Number(p.last)]),
  );
  const stoppedProcesses = stopped.map((p) => ({
    process: p.process,
    lastSeen: lastSeen.get(p.process) ?? Number(p.last),
  }));

  return {
    from,
    to,
    asked,
    gap,
    // From the moment asked: the period it lies in is `gap` (gapsWithin leaves it out), not said twice.
    ...gapsWithin(db, asked, to),
    newListeners: newListeners.rows,
    goneListeners: goneListeners.rows,
    briefListeners: briefListeners.rows,
    briefListenersOmitted: briefListeners.omitted,
    newRemoteHosts,
    newNetworks,
    newPlaces,
    startedProcesses: started.map((s) => ({ process: s.process, firstSeen: Number(s.first) })),
    stoppedProcesses,
    unreadable,
  };
}
