// Per-process TCP traffic totals: what each process's connections moved over their lives, including those
// that closed while NetLens watched, so a process's totals survive its connections closing.
//
// Sockets are followed by their kernel cookie (`sk:`), which stays the same when a closed socket loses its
// inode (FIN-WAIT after close): a row key would change there and count the socket twice. Each reading adds
// the growth of each socket's counters to the owner it had; a destroy event adds what grew since the last
// reading. A socket never seen open (it opened and closed between two readings) is credited to the process
// whose listener it was accepted on; other such sockets (outgoing ones) to NO_PROCESS, or to OTHER_USERS when
// they belong to another user: the kernel reports their uid, not their process. A remote host's socket whose
// owners were past its cap (ownerStatus 'capped') is counted under OWNER_NOT_LISTED, not as one no process holds.
import {
  NO_TCP_TRAFFIC_NOTE,
  assignTraffic,
  NO_PROCESS,
  OTHER_USERS,
  OWNER_NOT_LISTED,
  type ClosedSocket,
  type Connection,
  type ProcessInfo,
  type ProcessTraffic,
} from '../../../shared/types.js';
import type { DestroyedSocket } from './tcp-events.js';
import { inetConnectionKey } from './keys.js';
import { MapRoom } from '../../../shared/map-room.js';

interface Owner {
  key: string;
  pid: number | null;
  name: string;
  user: string | null;
  info: ProcessInfo | null;
}

interface Counted {
  sent: number;
  received: number;
  owner: Owner;
  rowId: string;
  /** The last reading that listed it. */
  seen: number;
}

interface Totals extends Owner {
  sent: number;
  received: number;
  closed: number;
  lastActive: number;
}

/** At most this many processes are remembered; those with no socket open and idle longest go first. */
export const MAX_PROCESSES = 2000;

const OTHER: Owner = { key: OTHER_USERS, pid: null, name: OTHER_USERS, user: null, info: null };
const NOBODY: Owner = { key: NO_PROCESS, pid: null, name: NO_PROCESS, user: null, info: null };
const NOT_LISTED: Owner = { key: OWNER_NOT_LISTED, pid: null, name: OWNER_NOT_LISTED, user: null, info: null };

/** Whom a row that names no owner is counted under: its owners past a remote host's cap, or no process. */
const unnamed = (row: Connection): Owner => (row.ownerStatus === 'capped' ? NOT_LISTED : NOBODY);

/** One Owner per ProcessInfo: the attribution cache shares those objects across rows and ticks. */
const owners = new WeakMap<ProcessInfo, Owner>();
function ownerOf(p: ProcessInfo): Owner {
  let o = owners.get(p);
  if (!o)
    owners.set(p, (o = { key: `${p.pid}@${p.startTime ?? ''}`, pid: p.pid, name: p.name, user: p.user, info: p }));
  return o;
}

/** Who a row's traffic is credited to now; null when the row names nobody (keep the owner it had). */
function rowOwner(row: Connection): Owner | null {
  const p = row.processes[0];
  if (p) return ownerOf(p);
  if (row.ownerStatus === 'denied') return OTHER;
  return null;
}

/** How many of a reading's sockets each owner holds, by owner key: all the processes dataset needs of a
 *  reading, so its rows (20,000 objects at 20,000 sockets) are not kept until the next one. */
export type OwnerCounts = ReadonlyMap<string, { owner: Owner; n: number }>;

export function ownerCounts(open: readonly Connection[]): OwnerCounts {
  const counts = new Map<string, { owner: Owner; n: number }>();
  // Rows of one process's sockets share its ProcessInfo: consecutive ones skip both lookups.
  let last: ProcessInfo | undefined;
  let lastEntry: { owner: Owner; n: number } | undefined;
  for (const row of open) {
    const p = row.processes[0];
    if (p !== undefined && p === last) {
      lastEntry!.n++;
      continue;
    }
    const owner = rowOwner(row) ?? unnamed(row);
    let e = counts.get(owner.key);
    if (e) e.n++;
    else counts.set(owner.key, (e = { owner, n: 1 }));
    last = p;
    lastEntry = e;
  }
  return counts;
}

/**
 * A cookie as the sockets Map's key: the cookie's number when it is small (a kernel numbers its sockets from
 * 1, so nearly all are), which V8 keeps in the Map's table itself, else the cookie's text. A key string
 * kept for each socket was 24 bytes, 2.4 MB of the worker's heap at 100,000 sockets (docs/performance.md,
 * "What the worker holds per socket, fewer copies"). Only text a number gives back alike is made one: lower-case
 * hexadecimal without a leading zero (as ss and sock_diag print it) of at most 7 digits (under 2^28), so two
 * cookies never share a key, and a number never stands for text.
 */
export function cookieKey(cookie: string): string | number {
  const n = cookie.length;
  if (n === 0 || n > 7 || (cookie.charCodeAt(0) === 48 && n > 1)) return cookie;
  let value = 0;
  for (let i = 0; i < n; i++) {
    const c = cookie.charCodeAt(i);
    const digit = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (digit < 0) return cookie;
    value = value * 16 + digit;
  }
  return value;
}

export class TrafficTotals {
  /** Copied when its deletions would have V8 double its table (see MapRoom). */
  private sockets = new Map<string | number, Counted>();
  private readonly socketsRoom = new MapRoom();
  private readonly totals = new Map<string, Totals>();
  private reading = 0;

  constructor(
    private readonly myUid: number,
    /** A uid's user name (the collector's passwd lookup), for the rows of sockets no reading listed: without it
     *  such a row's User read "0" where the live rows' read "root" (a new user's review of 12-03). */
    private readonly userName: (uid: number | null) => string | null = () => null,
  ) {}

  /**
   * One reading: `cookies` gives the cookie of each TCP row that has counters, by row or by position in `rows`
   * (null or none: traffic not read, the row is skipped). Then the destroy events since the last reading: they return the closed sockets
   * whose final counters the connections table should show.
   */
  update(
    rows: readonly Connection[],
    cookies: ReadonlyMap<Connection, string> | readonly (string | null)[],
    destroyed: readonly DestroyedSocket[],
    now: number,
  ): ClosedSocket[] {
    const reading = ++this.reading;
    this.sockets = this.socketsRoom.compacted(this.sockets);
    const byPosition = Array.isArray(cookies) ? (cookies as readonly (string | null)[]) : null;
    const byRow = byPosition === null ? (cookies as ReadonlyMap<Connection, string>) : null;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const cookie = byPosition !== null ? (i < byPosition.length ? byPosition[i] : undefined) : byRow!.get(row);
      if (
        cookie === undefined ||
        cookie === null ||
        typeof row.bytesSent !== 'number' ||
        typeof row.bytesReceived !== 'number'
      )
        continue;
      const key = cookieKey(cookie);
      let c = this.sockets.get(key);
      const owner = rowOwner(row) ?? c?.owner ?? unnamed(row);
      if (!c) {
        c = { sent: 0, received: 0, owner, rowId: row.id, seen: reading };
        this.sockets.set(key, c);
      }
      c.owner = owner;
      c.rowId = row.id;
      c.seen = reading;
      this.add(c, row.bytesSent, row.bytesReceived, now);
    }
    const closed: ClosedSocket[] = [];
    let listeners: Map<number, Owner> | null = null;
    let timeWait: Set<string> | null = null;
    for (const ev of destroyed) {
      // A listener closing carries no data.
      if (ev.remotePort === 0) continue;
      const sent = ev.traffic.bytesSent ?? 0;
      const received = ev.traffic.bytesReceived ?? 0;
      const key = cookieKey(ev.cookie);
      let c = this.sockets.get(key);
      if (c) {
        closed.push({ id: c.rowId, traffic: ev.traffic, row: null });
        this.sockets.delete(key);
        this.socketsRoom.deleted();
      } else {
        listeners ??= listenerOwners(rows);
        const owner = listeners.get(ev.localPort) ?? (this.myUid !== 0 && ev.uid !== this.myUid ? OTHER : NOBODY);
        c = { sent: 0, received: 0, owner, rowId: '', seen: reading };
        // A connection that opened and closed between two readings and is now in TIME_WAIT is that row (keyed by
        // its endpoints): its final counts go to it, not to a second, closed row of the same endpoints (a new
        // user's review of 12-06 saw each closing curl connection twice).
        timeWait ??= timeWaitIds(rows);
        const waiting = timeWait.size > 0 ? timeWaitId(ev) : null;
        if (waiting !== null && timeWait.has(waiting)) closed.push({ id: waiting, traffic: ev.traffic, row: null });
        else closed.push({ id: '', traffic: ev.traffic, row: closedRow(ev, owner, this.userName(ev.uid)) });
      }
      this.add(c, sent, received, ev.at);
      const t = this.totals.get(c.owner.key);
      if (t) t.closed++;
    }
    // Sockets gone without an event (the reader was down): what they moved so far is counted; forget them
    // one reading later, in case their event is still on its way.
    // forEach: a for-of over the entries made a [cookie, c] array for each of them (20,000 a reading).
    this.sockets.forEach((c, cookie, sockets) => {
      if (reading - c.seen > 1 && sockets.delete(cookie)) this.socketsRoom.deleted();
    });
    for (const c of closed) if (c.row) c.id = c.row.id;
    this.evict();
    return closed;
  }

  /** Credits what a socket's counters grew since they were last counted. */
  private add(c: Counted, sent: number, received: number, now: number): void {
    // A counter that went back is a different socket under a reused cookie: start again from it.
    const ds = sent >= c.sent ? sent - c.sent : sent;
    const dr = received >= c.received ? received - c.received : received;
    c.sent = sent;
    c.received = received;
    let t = this.totals.get(c.owner.key);
    if (!t) {
      t = { ...c.owner, sent: 0, received: 0, closed: 0, lastActive: now };
      this.totals.set(c.owner.key, t);
    }
    t.sent += ds;
    t.received += dr;
    if (ds > 0 || dr > 0) t.lastActive = now;
  }

  /** Forgets the processes past MAX_PROCESSES that hold no socket now, idle longest first: once a reading, in one
   *  pass over the sockets and the totals. (Forgetting one at each new owner read them all each time: with 20,000
   *  owners, a remote host's or a busy machine's, a reading took 83 s; an attacker's review of 12-06.) */
  private evict(): void {
    const over = this.totals.size - MAX_PROCESSES;
    if (over <= 0) return;
    const owning = new Set<string>();
    for (const c of this.sockets.values()) owning.add(c.owner.key);
    const idle: Totals[] = [];
    for (const t of this.totals.values()) if (!owning.has(t.key)) idle.push(t);
    if (idle.length > over) idle.sort((a, b) => a.lastActive - b.lastActive);
    for (let i = 0; i < over && i < idle.length; i++) this.totals.delete(idle[i]!.key);
  }

  /** One row per process that holds sockets now (`counts`, of the last reading) or moved TCP bytes since
   *  NetLens started. */
  rows(counts: OwnerCounts): ProcessTraffic[] {
    const out: ProcessTraffic[] = [];
    for (const t of this.totals.values()) {
      const n = counts.get(t.key)?.n ?? 0;
      out.push(processRow(t, n, t.sent, t.received, t.closed, null));
    }
    for (const [key, e] of counts) {
      if (this.totals.has(key)) continue;
      out.push(processRow(e.owner, e.n, null, null, 0, NO_TCP_TRAFFIC_NOTE));
    }
    return out;
  }
}

function processRow(
  o: Owner,
  connections: number,
  sent: number | null,
  received: number | null,
  closed: number,
  note: string | null,
): ProcessTraffic {
  const gathered =
    o.key === OTHER_USERS
      ? 'sockets of processes this user may not inspect: their bytes, without their processes'
      : o.key === NO_PROCESS
        ? 'sockets no process holds, or outgoing connections that closed before a reading could name their process'
        : o.key === OWNER_NOT_LISTED
          ? 'sockets of a remote host past the owners NetLens keeps of it: their bytes, without their processes'
          : null;
  return {
    id: o.key,
    pid: o.pid,
    name: o.name,
    user: o.user,
    connections,
    bytesSent: sent,
    bytesReceived: received,
    closedConnections: closed,
    note: note ?? gathered,
  };
}

/** Listening TCP ports and the process holding each: an accepted connection that closed before any reading
 *  listed it belonged to the process that accepted it. */
function listenerOwners(rows: readonly Connection[]): Map<number, Owner> {
  const out = new Map<number, Owner>();
  for (const row of rows) {
    if (row.proto !== 'tcp' || row.state !== 'LISTEN') continue;
    const owner = rowOwner(row);
    if (owner && !out.has(row.localPort)) out.set(row.localPort, owner);
  }
  return out;
}

/** The ids of the TCP rows in TIME_WAIT. */
function timeWaitIds(rows: readonly Connection[]): Set<string> {
  const out = new Set<string>();
  for (const row of rows) if (row.proto === 'tcp' && row.state === 'TIME_WAIT') out.add(row.id);
  return out;
}

/** The id the connection of a destroyed socket has in TIME_WAIT (its endpoints: keys.ts). */
function timeWaitId(ev: DestroyedSocket): string {
  return inetConnectionKey(
    'tcp',
    ev.family,
    ev.localAddress,
    ev.localPort,
    ev.remoteAddress,
    ev.remotePort,
    null,
    'TIME_WAIT',
    false,
  );
}

/** The row of a socket that opened and closed between two readings, as the destroy event describes it. */
function closedRow(ev: DestroyedSocket, owner: Owner, user: string | null): Connection {
  const processes: ProcessInfo[] = owner.info ? [owner.info] : [];
  const row: Connection = {
    id: `${inetConnectionKey('tcp', ev.family, ev.localAddress, ev.localPort, ev.remoteAddress, ev.remotePort, null)}|sk:${ev.cookie}`,
    proto: 'tcp',
    family: ev.family,
    localAddress: ev.localAddress,
    localPort: ev.localPort,
    remoteAddress: ev.remoteAddress,
    remotePort: ev.remotePort,
    state: 'CLOSE',
    recvQ: 0,
    sendQ: 0,
    uid: ev.uid,
    user,
    inode: null,
    processes,
    ownerStatus: owner === OTHER ? 'denied' : processes.length > 0 ? 'known' : 'none',
  };
  assignTraffic(row, ev.traffic);
  return row;
}
