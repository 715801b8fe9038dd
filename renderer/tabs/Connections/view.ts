// What the Connections grid shows, as plain functions: the row filter made of the toggles, the process
// chosen in the side list and the query; the processes behind some rows (what Kill acts on) and why Kill or
// Close cannot act on them; and the count of sockets whose owner needs privileges.
import type { ParsedFilter } from '../../../shared/filter.js';
import type { Capabilities } from '../../../shared/protocol.js';
import { formatCount } from '../../../shared/format.js';
import { unmappedV4 } from '../../../shared/address.js';
import { CLOSABLE_TCP_STATES, type Connection, type ProcessInfo, type Protocol } from '../../../shared/types.js';
import type { Aggregate } from '../../store/live-rows.js';
import { HIGHLIGHT_MS, type Mark } from '../../store/tables.js';
import { processKey } from '../../../shared/process-key.js';
import { matchesProcess } from './ProcessList.js';

/** A half-typed or invalid query (`port:`) keeps the last valid filter: the view does not flash to every row
 *  while a term is being typed. */
export function effectiveFilter(parsed: ParsedFilter, lastValid: ParsedFilter): ParsedFilter {
  return parsed.ok ? parsed : lastValid;
}

/** One predicate for the whole filter: the toggles, then the process (a name in the side list), then the query. */
export function connectionPredicate(
  byToggles: (r: Connection) => boolean,
  processFilter: string | null,
  filter: ParsedFilter,
): (r: Connection) => boolean {
  const q = filter.ok && filter.terms > 0 ? filter.predicate : null;
  return (r) => byToggles(r) && (processFilter === null || matchesProcess(r, processFilter)) && (q === null || q(r));
}

/** The distinct live processes behind some rows (one entry per PID), only those named `name` if given (a
 *  socket may be shared with a parent of another name). */
export function processesOf(rows: Iterable<Connection>, key?: string): ProcessInfo[] {
  const byPid = new Map<number, ProcessInfo>();
  for (const r of rows) {
    // A socket with more owners than are listed ('partial'): those listed are live processes all the same.
    if (r.closedAt || (r.ownerStatus !== 'known' && r.ownerStatus !== 'partial')) continue;
    for (const p of r.processes)
      if ((key === undefined || processKey(p.name) === key) && !byPid.has(p.pid)) byPid.set(p.pid, p);
  }
  return [...byPid.values()];
}

/** Open sockets per PID, in one pass over the rows (a socket several processes share counts for each): what
 *  the Kill dialogs show for every process they list, where a scan of the rows per process cost
 *  processes × rows on every render. */
export function socketsByPid(rows: Iterable<Connection>): Map<number, SocketTally> {
  const out = new Map<number, SocketTally>();
  for (const r of rows) {
    if (r.closedAt) continue;
    r.processes.forEach((p, i) => {
      // A PID listed twice for one socket counts once.
      if (r.processes.findIndex((q) => q.pid === p.pid) !== i) return;
      let t = out.get(p.pid);
      if (!t) out.set(p.pid, (t = { total: 0, byProto: {} }));
      t.total++;
      t.byProto[r.proto] = (t.byProto[r.proto] ?? 0) + 1;
    });
  }
  return out;
}

/** The open sockets a process holds, in all and by kind. */
export interface SocketTally {
  total: number;
  byProto: Partial<Record<Protocol, number>>;
}

const PROTO_WORDS: [Protocol, string][] = [
  ['tcp', 'TCP'],
  ['udp', 'UDP'],
  ['udplite', 'UDP-Lite'],
  ['raw', 'raw'],
  ['unix', 'unix'],
];

/** What the Kill dialogs say of a process's sockets: "3 (1 TCP, 2 unix)", "1 TCP", "none open". A socket is not
 *  a connection (a unix socket, a listener): a new user's review of 12-03 read "Connections 3" for one. */
export function socketsText(t: SocketTally | undefined): string {
  if (!t || t.total === 0) return 'none open';
  const kinds = PROTO_WORDS.flatMap(([p, word]) => (t.byProto[p] ? [`${formatCount(t.byProto[p])} ${word}`] : []));
  return kinds.length === 1 ? kinds[0]! : `${formatCount(t.total)} (${kinds.join(', ')})`;
}

/** Open sockets whose owner this user may not see, among those `include` lets through. */
export function countDenied(include: (r: Connection) => boolean): Aggregate<Connection, number> {
  return countOf((r) => r.ownerStatus === 'denied' && !r.closedAt && include(r));
}

/** The rows `include` lets through, kept as diffs add and remove them (the status bar's "of N sockets" of the
 *  hosts selected, and countDenied). */
export function countOf(include: (r: Connection) => boolean): Aggregate<Connection, number> {
  let n = 0;
  return {
    add: (r) => void (include(r) && n++),
    remove: (r) => void (include(r) && n--),
    same: (a, b) => include(a) === include(b),
    result: () => n,
  };
}

/** Where the rows come from and what this machine may do: why an action is unavailable depends on both. */
export interface ActionContext {
  /** A capture is shown: nothing in it can be acted on. */
  capture: boolean;
  /** This machine's capabilities (null until known); a remote host's processes are acted on there. */
  caps: Capabilities | null;
  /** This machine's NetLens processes the page knows of (its host's): never offered to Kill, as the host refuses
   *  them (a new user's review of 12-06 met the refusal only after confirming). */
  ownPids?: ReadonlySet<number>;
}

/** Why Kill leaves a process out: it is NetLens's own. */
export const OWN_PROCESS_REASON = 'this is NetLens itself';

/** Processes of `host` (undefined: this machine) parted into those Kill may offer and NetLens's own. */
function partOwn(
  processes: ProcessInfo[],
  host: string | undefined,
  ctx: ActionContext,
): { killable: ProcessInfo[]; own: ProcessInfo[] } {
  const ownPids = host === undefined ? ctx.ownPids : undefined;
  if (!ownPids || ownPids.size === 0) return { killable: processes, own: [] };
  const killable: ProcessInfo[] = [];
  const own: ProcessInfo[] = [];
  for (const p of processes) (ownPids.has(p.pid) ? own : killable).push(p);
  return { killable, own };
}

/** A row's processes Kill may offer: on this machine, all but NetLens's own. */
export function killableProcesses(row: Connection, ctx: ActionContext): ProcessInfo[] {
  return partOwn(row.processes, row.host, ctx).killable;
}

const READ_ONLY = 'a capture is read-only';

/** Why this machine cannot kill, if it cannot. */
function killUnavailable(ctx: ActionContext): string | undefined {
  if (ctx.capture) return READ_ONLY;
  return ctx.caps && !ctx.caps.kill.available ? (ctx.caps.kill.reason ?? 'not available') : undefined;
}

/** Why Kill process… is unavailable for this row, if it is. */
export function killBlocked(row: Connection, ctx: ActionContext): string | undefined {
  if (ctx.capture) return READ_ONLY;
  if (row.ownerStatus === 'denied') return 'the owner is unknown: run NetLens as administrator to see it';
  if (row.ownerStatus === 'capped')
    return 'the owner is not listed: the host has more socket owners than NetLens keeps';
  if (!row.processes[0]) return 'no process holds this socket';
  if (killableProcesses(row, ctx).length === 0) return OWN_PROCESS_REASON;
  if (row.host === undefined && ctx.caps && !ctx.caps.kill.available) return ctx.caps.kill.reason ?? 'not available';
  if (row.closedAt) return 'the connection has closed';
  return undefined;
}

/** Why this machine (or a capture) cannot close this row's connection whatever its state, if it cannot. */
function closeUnavailable(row: Connection, ctx: ActionContext): string | undefined {
  if (ctx.capture) return READ_ONLY;
  if (row.host === undefined && ctx.caps && !ctx.caps.closeConnection.available)
    return ctx.caps.closeConnection.reason ?? 'not available';
  return undefined;
}

/** Why Close connection… is unavailable for this row, if it is. */
export function closeBlocked(row: Connection, ctx: ActionContext): string | undefined {
  if (ctx.capture) return READ_ONLY;
  if (row.closedAt) return 'the connection has already closed';
  if (row.proto !== 'tcp') return 'only a TCP connection can be closed';
  if (row.state === 'LISTEN') return 'a listening socket is not a connection: only an established one can be closed';
  if (row.state === 'TIME_WAIT') return 'both ends have closed it: the kernel only waits out its last packets';
  if (!CLOSABLE_TCP_STATES.has(row.state))
    return `the connection is ${row.state}: only one open at an end (established, closing) can be closed`;
  return closeUnavailable(row, ctx);
}

/** The most connections one Close asks for: each is a request of its own, answered in turn. */
export const MAX_CLOSE = 1000;

/** Where the page reaches its browser host (its address as numbers, or null for a name, and its port): a
 *  connection of this machine at that end is a page's link to NetLens, this one's or another window's. */
export interface OwnLink {
  address: string | null;
  port: number;
}

/** Why one row's Close is refused on a page's own link. */
export const OWN_LINK_REASON = "this is a page's connection to NetLens: closing it would cut the page off";

/** Whether `r` is a page's connection to this browser host (either end of it). */
export function isOwnLink(r: Connection, own: OwnLink | null): boolean {
  if (own === null || r.host !== undefined || r.proto !== 'tcp') return false;
  const at = (address: string, port: number) =>
    port === own.port && (own.address === null || unmappedV4(address) === unmappedV4(own.address));
  return at(r.localAddress, r.localPort) || at(r.remoteAddress, r.remotePort);
}

/** The selected rows Close leaves out, by why. */
export interface CloseSkipped {
  /** Not established TCP connections (listening, UDP, closed...). */
  other: number;
  /** A page's own link to NetLens (closing it cuts the page off). */
  own: number;
  /** The other end of a loopback connection also selected: resetting one end resets both. */
  ends: number;
}

/** Of the selected rows, those Close may reset (closeBlocked lets them), one per connection (of a loopback
 *  connection's two ends, the first), without NetLens's own links; what it leaves out; and why it can close none:
 *  what this machine cannot do, rows of several hosts, too many, or none of them an established TCP connection. */
export function closableOf(
  rows: readonly Connection[],
  ctx: ActionContext,
  own: OwnLink | null = null,
): { rows: Connection[]; reason: string | undefined; skipped: CloseSkipped } {
  const closable: Connection[] = [];
  const skipped: CloseSkipped = { other: 0, own: 0, ends: 0 };
  let unavailable: string | undefined;
  const ends = new Set<string>();
  const end = (host: string | undefined, a: string, p: number, b: string, q: number) =>
    `${host ?? ''}\u0000${a}\u0000${p}\u0000${b}\u0000${q}`;
  for (const r of rows) {
    if (closeBlocked(r, ctx) !== undefined) {
      unavailable ??= closeUnavailable(r, ctx);
      skipped.other++;
      continue;
    }
    if (isOwnLink(r, own)) {
      skipped.own++;
      continue;
    }
    // Ends compared as IPv4 where an IPv6 socket holds an IPv4-mapped address (a server on ::, a client to 127.0.0.1).
    const [la, ra] = [unmappedV4(r.localAddress), unmappedV4(r.remoteAddress)];
    if (ends.has(end(r.host, la, r.localPort, ra, r.remotePort))) {
      skipped.ends++;
      continue;
    }
    ends.add(end(r.host, ra, r.remotePort, la, r.localPort));
    closable.push(r);
  }
  const why = (reason: string) => ({ rows: closable, reason, skipped });
  if (closable.length === 0)
    return why(
      unavailable ??
        (skipped.own === 0
          ? 'none of these is an established TCP connection that can be closed'
          : skipped.other === 0
            ? "these are NetLens's own connections: closing them would cut this page off"
            : // Said whenever the established ones are the page's links (a second review of 12-06 was told none was
              // established, of a selection holding the page's link and the host's listener).
              "the established ones are NetLens's own connections (closing them would cut this page off); the others are not established TCP connections"),
    );
  if (new Set(closable.map((r) => r.host)).size > 1)
    return why('these are on more than one host: choose one in the Host selector');
  if (closable.length > MAX_CLOSE)
    return why(
      `${formatCount(closable.length)} connections: select at most ${formatCount(MAX_CLOSE)} to close at once`,
    );
  return { rows: closable, reason: undefined, skipped };
}

/** Why the processes behind these rows cannot be killed at once: they are on several hosts, or this machine
 *  cannot kill (a remote host's processes are killed there, whatever this machine may do); and their host. */
export function killManyBlocked(
  rows: readonly Connection[],
  ctx: ActionContext,
): { reason: string | undefined; host: string | undefined } {
  const hosts = new Set(rows.map((r) => r.host));
  const host = hosts.size === 1 ? [...hosts][0] : undefined;
  if (hosts.size > 1) return { reason: 'these are on more than one host: choose one in the Host selector', host };
  return { reason: ctx.capture || host === undefined ? killUnavailable(ctx) : undefined, host };
}

/** What Kill on several rows (a selection, a name in the process list) would end: their live processes (of the
 *  name `key`), NetLens's own left out, on one host; and why it cannot, if it cannot (`none`: the words for no
 *  process at all). */
export function killTargets(
  rows: readonly Connection[],
  ctx: ActionContext,
  none: string,
  key?: string,
): { processes: ProcessInfo[]; reason: string | undefined; host: string | undefined; leftOut: ProcessInfo[] } {
  const many = killManyBlocked(rows, ctx);
  const { killable: processes, own: leftOut } = partOwn(processesOf(rows, key), many.host, ctx);
  const empty = processes.length === 0 ? (leftOut.length > 0 ? OWN_PROCESS_REASON : none) : undefined;
  return { processes, reason: many.reason ?? empty, host: many.host, leftOut };
}

/** When the first highlight still shown at `now` ends, or null when none is (marks are in the order of their times:
 *  the first whose time is within HIGHLIGHT_MS of `now` ends first; one from after `now`, a clock set back, is
 *  passed over). */
export function firstHighlightEnd(marks: ReadonlyMap<string, Mark>, now: number): number | null {
  for (const m of marks.values()) {
    const end = m.at + HIGHLIGHT_MS;
    if (end >= now && m.at <= now) return end;
  }
  return null;
}
