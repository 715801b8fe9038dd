// Which processes hold which socket inodes, found the way ss -p and netstat -p find them: by reading the
// /proc/<pid>/fd/* links ("socket:[12345]"). That walk costs one readlink per open fd of every process,
// so it is cached across ticks and redone only where something may have changed:
//  - pids that are new since the last tick, at once when some socket is unexplained, else once they have
//    been listed for NEW_PID_GRACE_TICKS ticks (a fork shares its parent's sockets: the child is then listed
//    as their owner too). Most new processes are short-lived commands that hold no socket the tables list;
//    they end unwalked, and a machine where processes come and go costs no walk per tick for them;
//  - pids whose fd count (st_size of /proc/<pid>/fd, Linux 6.2+) changed, checked for socket holders every
//    tick and for every pid when a socket appears that nobody is known to hold;
//  - pids that lost a socket while a new one appeared (an fd number reused for a new socket);
//  - and, at most once per fullScanIntervalMs, every pid, for sockets still unexplained after that.
// A walk of a pid walked before reads again only the fd links it cannot vouch for (the pid's fd numbers and
// the socket behind each are kept from walk to walk, 12 bytes an fd): fds it has not seen, and fds whose
// socket is no longer listed by this tick's tables (closed, so the number may hold something else now). A
// process churning connections (its fd count moving every tick) costs a readdir and a readlink per fd it
// opened, not one per fd it holds. What that cannot see is an fd number reused within one tick:
//  - by a socket, where a file or a socket that lives on (passed to another process, SCM_RIGHTS) was: so
//    when a socket is still unexplained after these walks, the pids walked so are read again, trusting only
//    the listed sockets each alone holds, then (a socket passed on may still be in flight) nothing;
//  - by a file, where a socket passed to another process was: the pid stays listed as that socket's owner
//    until its next walk after fullScanIntervalMs, which reads every link.
// A full scan waits for a socket to stay unexplained for a second tick: most such sockets are gone by then.
// A process holding far more fds than the tables list sockets (LARGE_FD_MARGIN more: fds dup'ed by the
// thousand, which anyone may make of one socket) is read in slices: its fd links are read at most
// LARGE_LINKS_PER_TICK a tick, those of every such process together, each tick going on where the last one
// stopped (the oldest waiting first); the sockets it is known to hold keep it as their owner meanwhile, and
// the diagnostics name it (its sockets' owners may lag). It is read whole every LARGE_FULL_WALK_MS, not every
// fullScanIntervalMs: between those a walk of it reads only what it cannot vouch for, and a full scan passes
// it by while its fd count stays. 195,000 dup'ed fds of one socket in 10 processes made a root `netlens dump
// connections` take 8.5-31 s instead of 2.3-2.5, and live ticks up to 5.7 s (docs/performance.md, _Dup'ed fds_).
// Such a process's fds are read by number (readlink of fd N, N after N up to its fd table's size), not from a
// listing of its fd folder each tick, which costs an entry per fd it holds (about a second at 1,000,000): a number
// holding no fd costs a read too, and once they have cost as much as a listing, or where the walk keeps links
// from the last (whose fds a listing shows still open), a listing is read when it fits the tick (walkSlice).
// Sockets still unexplained after a full scan (kernel sockets, orphans) are remembered so they do not
// trigger another one.
// The tables are read before the owners: a socket whose last holder closed its fd or exited in between
// (a connection being closed, a process being killed) is still listed, with its inode, by a read that can no
// longer find the holder. For that read it keeps the owners it had (they held it when the tables were read);
// without that, its row would lose its process one tick before it closes, and a view filtered by process
// would drop it instead of showing it close. Listed again by a later read, it has no owner.
//
// The walk uses synchronous fs calls on purpose: it is thousands of tiny procfs syscalls, and a thread-pool
// round trip per readlink costs several times the syscall itself. Collectors run in the monitor's worker
// thread, so this blocks no UI.
import { linuxStartTimeMs, parseBtime, processName, processUserUid } from './process-facts.js';
import fs from 'node:fs';
import { fewestPids, MAX_SOCKET_OWNERS, type ProcessInfo } from '../../../shared/types.js';
import { MapRoom } from '../../../shared/map-room.js';
import { inertExcerpt } from '../../../shared/inert-text.js';
import { groupDigits } from '../../../shared/format.js';
import type { UserNames } from './users.js';
import { readProcCmdline } from '../cmdline.js';

/** Owners of some socket inodes, each process listed once and inodes pointing at them by index: the
 *  privileged helper's answer (electron/agent), compact for the thousands of root-owned unix sockets. */
export interface InodeOwners {
  processes: ProcessInfo[];
  owners: [number, number[]][];
}

/** Who can tell the owners of sockets this process may not inspect (the agent, running as root); null when
 *  it cannot now (not running, no answer). */
export interface PrivilegedOwners {
  owners(inodes: number[]): Promise<InodeOwners | null>;
  /** Whether it can answer now (an agent runs); when absent, asking is the only way to find out. */
  available?(): boolean;
}

/** The owner lists processesOf cut at MAX_SOCKET_OWNERS. */
const partialLists = new WeakSet<readonly ProcessInfo[]>();

/** Shared by every row without owners; frozen so no consumer can add to it by accident. */
const NO_PROCESSES: ProcessInfo[] = Object.freeze([]) as unknown as ProcessInfo[];

interface PidEntry {
  /** The sockets it holds, ascending, each once. */
  inodes: Float64Array;
  /** The fd numbers the last walk found, ascending, and the socket inode behind each (0: another kind of
   *  file); null when the fds could not be read (denied). */
  fds: Int32Array | null;
  links: Float64Array | null;
  /** When every fd link of this pid was last read (ms): a walk reads them all again after fullScanIntervalMs. */
  fullWalkAt: number;
  fdCount: number;
  denied: boolean;
  info: ProcessInfo | null;
  /** [info]: the owner list of every socket this process alone holds, one array for all of them (made when
   *  first asked for, kept while info is). At 20,000 sockets an array per socket was 1.8 MB of the heap. */
  alone: ProcessInfo[] | null;
  walkedTick: number;
}

interface OwnerEntry {
  /** The first pid holding it, and the others (null: none, the common case) in the order they were found. One
   *  pid in the entry itself: an array of one for each socket was 56 bytes, 1.1 MB of the heap at 20,000. */
  pid: number;
  others: number[] | null;
  /** The last tick whose tables listed this socket; 0 while it has never been listed (netlink, packet). */
  tick: number;
  /** The pids' ProcessInfo, built once and shared by every row of this socket until the owners change. */
  infos: ProcessInfo[] | null;
}

/** Whether a pid holds the socket of this entry. */
function holds(owner: OwnerEntry, pid: number): boolean {
  return owner.pid === pid || (owner.others?.includes(pid) ?? false);
}

export interface OwnerStats {
  walkedPids: number;
  fullScans: number;
  deniedPids: number;
  /** fd links read (readlink), every walk together. */
  linksRead: number;
}

/** A walk of a large process that goes on over several ticks (see the header). */
interface Slice {
  trust: Trust;
  /** The fd numbers done so far, and the socket inode behind each (0: another file), ascending. */
  fds: number[];
  links: number[];
  /** The last fd number done (-1: none yet). */
  after: number;
  /** Whether every link so far was read, none kept from the last walk: then it counts as a full walk. */
  full: boolean;
  startedAt: number;
  /** The last tick that went on with it. */
  tick: number;
  fdCount: number;
  /** Where its fd numbers end: FDSize of /proc/<pid>/status (the size of its fd table, which only grows) when
   *  last read, 0 before. A walk that passes it reads it again, and ends unless the table grew. */
  bound: number;
  /** Its name for the diagnostics, read once (null until they ask). */
  name: string | null;
  /** The fd numbers read so far that held no fd (see walkSlice). */
  holes: number;
}

/** A process read in slices, as the diagnostics name it. */
export interface SlicedProcess {
  pid: number;
  name: string;
  fds: number;
}

/** The diagnostics' note for the processes read in slices, or null when none is. */
export function slicedNote(sliced: { processes: SlicedProcess[]; count: number }): string | null {
  if (sliced.count === 0) return null;
  const named = sliced.processes.map((p) => `${p.pid} (${p.name}, ${groupDigits(p.fds)} fds)`).join(', ');
  const more = sliced.count > sliced.processes.length ? ` and ${sliced.count - sliced.processes.length} more` : '';
  return (
    `process${sliced.count === 1 ? '' : 'es'} ${named}${more} hold${sliced.count === 1 ? 's' : ''} far more fds than ` +
    `there are sockets: their fd links are read ${groupDigits(LARGE_LINKS_PER_TICK)} a tick, so the ` +
    'owners of their sockets may lag'
  );
}

/** A process holding more fds than the tables list sockets by this many is read in slices (the header says
 *  why). An ordinary process holds each of its sockets in one fd, and a few thousand files. */
export const LARGE_FD_MARGIN = 8192;
/** The fd links read a tick from processes read in slices, all together: 25-30 ms here (a readlink in /proc
 *  6-7 us at load 8-12). */
export const LARGE_LINKS_PER_TICK = 4096;
/** A listing of a large process's fd folder costs as much as reading this many of its links, per entry (0.9 us
 *  an entry against 6-7 us a link; 3-5 us against 15-25 at load 12-15, 2026-12-03). */
const ENTRIES_PER_LINK = 7;
/** How often every fd link of a large process is read again (an ordinary one's: fullScanIntervalMs). Between
 *  those, a walk of it reads only the links it cannot vouch for, and a full scan passes it by while its fd
 *  count stays the same: at a full read every 10 s, 10 processes of 19,500 dup'ed fds would be read in slices
 *  for good. */
export const LARGE_FULL_WALK_MS = 5 * 60_000;

function sameProcess(a: ProcessInfo, b: ProcessInfo): boolean {
  return (
    a.pid === b.pid &&
    a.name === b.name &&
    a.cmdline === b.cmdline &&
    a.exe === b.exe &&
    a.user === b.user &&
    a.startTime === b.startTime
  );
}

/** The fd numbers of a /proc/<pid>/fd listing, each parsed once, ascending (as procfs lists them; sorted if
 *  not): a walk merges them with its last walk's. Names that are not fd numbers are left out. */
function fdNumbers(names: readonly string[]): Int32Array {
  const out = new Int32Array(names.length);
  let n = 0;
  let ascending = true;
  for (const name of names) {
    const fd = Number(name);
    if (!Number.isInteger(fd) || fd < 0 || fd > 0x7fffffff) continue;
    if (n > 0 && fd < out[n - 1]!) ascending = false;
    out[n++] = fd;
  }
  const fds = n < names.length ? out.subarray(0, n) : out;
  return ascending ? fds : fds.sort();
}

const NO_INODES = new Float64Array(0);

/** The socket inodes among a walk's links (0: not a socket), ascending, each once. */
function socketInodes(links: Float64Array): Float64Array {
  const sorted = links.slice().sort();
  let k = 0;
  for (let i = 0; i < sorted.length; i++) {
    const inode = sorted[i]!;
    if (inode > 0 && (k === 0 || sorted[k - 1] !== inode)) sorted[k++] = inode;
  }
  return k === sorted.length ? sorted : sorted.slice(0, k);
}

/** The inodes of `all` not in `some`, both ascending (their order kept). */
function missingFrom(all: Float64Array, some: ArrayLike<number>): Float64Array {
  const out = new Float64Array(all.length);
  let k = 0;
  let j = 0;
  for (let i = 0; i < all.length; i++) {
    const inode = all[i]!;
    while (j < some.length && some[j]! < inode) j++;
    if (j < some.length && some[j] === inode) continue;
    out[k++] = inode;
  }
  return k === out.length ? out : out.slice(0, k);
}

function code(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
}

/** Whether an error's code says the fds of a pid may not be read (another user's process). */
function deniedCode(c: string): boolean {
  return c === 'EACCES' || c === 'EPERM';
}

/** What an fd read says when its process's fds may not be read. */
const DENIED = -2;

/** The index of the first fd number above `after` in an ascending list (its length when none is). */
function firstAbove(fds: Int32Array, after: number): number {
  let lo = 0;
  let hi = fds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (fds[mid]! <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Two ascending lists of inodes with none in common, merged in one pass. */
function mergeSorted(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i]! < b[j]! ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

/** Which fd links a walk of a pid walked before may keep without reading them again:
 *  - 'nothing': every link is read (a full scan, a new pid, and each pid once per fullScanIntervalMs);
 *  - 'listed-sockets': fds whose socket the tables list this tick and that this pid alone is known to hold;
 *  - 'listed-sockets-and-files': fds whose socket the tables list this tick and that this pid is known to hold
 *    (alone or with others), and fds that held no socket (a file, a pipe): what a walk reads when the fd
 *    count moved. */
type Trust = 'nothing' | 'listed-sockets' | 'listed-sockets-and-files';

/** How many ticks a new process is listed before it is walked when no socket is waiting for an owner: a
 *  fork sharing its parent's sockets shows as their owner this much later (a new socket is looked for at
 *  once, in every new process). */
export const NEW_PID_GRACE_TICKS = 2;

/** On kernels before 6.2 (fd directories report size 0), how soon a new unknown socket may trigger a full
 *  rescan: a socket opened by an already known process has no cheaper way to be found there. */
const FULL_SCAN_WITHOUT_FD_COUNTS_MS = 2_000;

export class SocketOwners {
  private readonly pids = new Map<number, PidEntry>();
  /** Copied when its deletions would have V8 double its table (see MapRoom). */
  private owners = new Map<number, OwnerEntry>();
  private readonly ownersRoom = new MapRoom();
  /** Inodes that a full scan could not attribute, with the tick they were last seen. */
  private readonly orphans = new Map<number, number>();
  /** Sockets that no walk has attributed yet (and no full scan has given up on), with the tick they were
   *  first listed unexplained. */
  private readonly unexplained = new Map<number, number>();
  /** Processes listed but not walked yet, with the tick they were first listed. */
  private readonly unwalked = new Map<number, number>();
  /** Owners of the sockets that lost their last holder during the current update, as they were before it. */
  private readonly released = new Map<number, ProcessInfo[]>();
  /** Large processes being read in slices, the one waiting longest first. */
  private readonly slices = new Map<number, Slice>();
  /** A process with more fds than this is read in slices (the sockets listed this tick plus LARGE_FD_MARGIN). */
  private largeAbove = Infinity;
  /** What is left this tick of LARGE_LINKS_PER_TICK. */
  private linksLeft = 0;
  private tick = 0;
  /** The time given to the current update (ms). */
  private now = 0;
  private lastFullScan = -Infinity;
  /** Whether this kernel reports fd counts (6.2 and later); without them new sockets of known processes
   *  are found only by a full rescan, so rescans may come sooner (FULL_SCAN_WITHOUT_FD_COUNTS_MS). */
  private fdCountsWork = false;
  private bootTimeSeconds: number | null = null;
  readonly stats: OwnerStats = { walkedPids: 0, fullScans: 0, deniedPids: 0, linksRead: 0 };

  constructor(
    private readonly users: UserNames,
    private readonly procRoot = '/proc',
    private readonly fullScanIntervalMs = 10_000,
  ) {}

  /**
   * Brings the inode -> pids map up to date for the sockets in this tick's tables.
   * `inodes` may contain duplicates and zeros (TIME_WAIT sockets have no inode).
   */
  update(inodes: readonly number[], now = Date.now()): void {
    const tick = ++this.tick;
    this.now = now;
    this.owners = this.ownersRoom.compacted(this.owners);
    this.released.clear();
    let listedSockets = 0;
    for (const inode of inodes) if (inode !== 0) listedSockets++;
    this.largeAbove = listedSockets + LARGE_FD_MARGIN;
    this.linksLeft = LARGE_LINKS_PER_TICK;
    const first = this.lastFullScan === -Infinity;
    const listing = this.listPids();
    if (first || listing === null) {
      if (listing !== null) this.fullScan(listing, now);
      const unknown = this.mark(inodes, tick);
      // What the first full scan could not attribute (kernel sockets, fds that cannot be read) is known now.
      if (listing !== null) for (const inode of unknown) this.orphans.set(inode, tick);
      return;
    }

    const listed = new Set(listing);
    for (const pid of this.pids.keys()) if (!listed.has(pid)) this.forget(pid);
    for (const pid of this.unwalked.keys()) if (!listed.has(pid)) this.unwalked.delete(pid);
    for (const pid of this.slices.keys()) if (!listed.has(pid)) this.slices.delete(pid);
    for (const pid of listing) if (!this.pids.has(pid) && !this.unwalked.has(pid)) this.unwalked.set(pid, tick);

    // Mark what the tables still hold; collect sockets nobody is known to hold.
    const fresh = this.mark(inodes, tick);
    let unknown = fresh;
    // Large processes read in slices go on where they stopped, the one waiting longest first.
    if (this.slices.size > 0) {
      for (const [pid, slice] of [...this.slices]) {
        if (this.linksLeft <= 0) break;
        this.walk(pid, slice.trust);
      }
      if (unknown.length > 0) unknown = this.stillUnknown(unknown);
    }
    // New processes: all of them when a socket waits for an owner, else those listed long enough.
    for (const [pid, since] of this.unwalked) {
      if (unknown.length > 0 || tick - since >= NEW_PID_GRACE_TICKS) this.walk(pid, 'nothing');
    }
    if (unknown.length > 0) unknown = this.stillUnknown(unknown);

    // Socket holders whose fd count moved may have opened, closed or passed sockets: their new fds are read.
    const partly: number[] = [];
    for (const [pid, entry] of this.pids) {
      if (entry.walkedTick !== tick && entry.inodes.length > 0 && this.fdCountChanged(pid, entry)) {
        this.walk(pid, 'listed-sockets-and-files');
        partly.push(pid);
      }
    }
    if (unknown.length > 0 && partly.length > 0) unknown = this.stillUnknown(unknown);
    if (unknown.length > 0) {
      for (const [pid, entry] of this.pids) {
        if (entry.walkedTick === tick) continue;
        if (this.lostSocket(entry, tick) || (entry.inodes.length === 0 && this.fdCountChanged(pid, entry))) {
          this.walk(pid, 'listed-sockets-and-files');
          partly.push(pid);
        }
      }
      unknown = this.stillUnknown(unknown);
      // A socket may hide behind an fd number those walks kept: one that held a file, or a socket another
      // process holds too (passed on); then behind any (a socket passed on and still in flight).
      for (const trust of ['listed-sockets', 'nothing'] as const) {
        if (unknown.length === 0) break;
        for (const pid of partly) if (this.pids.get(pid)?.fds) this.walk(pid, trust);
        unknown = this.stillUnknown(unknown);
      }
      const interval = this.fdCountsWork
        ? this.fullScanIntervalMs
        : Math.min(this.fullScanIntervalMs, FULL_SCAN_WITHOUT_FD_COUNTS_MS);
      // Only a socket still unexplained a tick after it was first listed calls for a full scan: most are
      // gone by then (a name lookup's socket lives for milliseconds), and a full scan reads every fd link.
      let lasting = false;
      for (const inode of unknown) {
        const since = this.unexplained.get(inode);
        if (since === undefined) this.unexplained.set(inode, tick);
        else if (since < tick) lasting = true;
      }
      if (lasting && now - this.lastFullScan >= interval) {
        this.fullScan(listing, now);
        unknown = this.stillUnknown(unknown);
        for (const inode of unknown) {
          this.orphans.set(inode, tick);
          this.unexplained.delete(inode);
        }
      }
    }
    if (unknown.length === 0) this.unexplained.clear();
    else if (this.unexplained.size > unknown.length) {
      const still = new Set(unknown);
      for (const inode of this.unexplained.keys()) if (!still.has(inode)) this.unexplained.delete(inode);
    }
    // Sockets found by this tick's walks are listed in this tick's tables: record that, so that closing
    // them later counts as a loss (the fd-reuse trigger above).
    for (const inode of fresh) {
      const owner = this.owners.get(inode);
      if (owner) owner.tick = tick;
    }
    for (const [inode, seenTick] of this.orphans) if (seenTick !== tick) this.orphans.delete(inode);
    this.pruneClosed(tick);
  }

  /** Whether a socket this pid held, and that the tables listed before, is gone from them now. */
  private lostSocket(entry: PidEntry, tick: number): boolean {
    for (const inode of entry.inodes) {
      const t = this.owners.get(inode)?.tick ?? 0;
      if (t !== 0 && t !== tick) return true;
    }
    return false;
  }

  /** Forgets sockets that the tables listed before and no longer do (closed), so they are lost only once. */
  private pruneClosed(tick: number): void {
    for (const [pid, entry] of this.pids) {
      if (entry.walkedTick === tick || !this.lostSocket(entry, tick)) continue;
      const closed = entry.inodes.filter((inode) => {
        const t = this.owners.get(inode)?.tick ?? 0;
        return t !== 0 && t !== tick;
      });
      this.detachInodes(pid, closed);
      entry.inodes = missingFrom(entry.inodes, closed);
    }
  }

  /** The processes holding a socket (or that held it until the last update found it let go), or an empty list. */
  processesOf(inode: number): ProcessInfo[] {
    const owner = this.owners.get(inode);
    if (!owner) return this.released.get(inode) ?? NO_PROCESSES;
    if (owner.infos) return owner.infos;
    if (owner.others === null) {
      const entry = this.pids.get(owner.pid);
      owner.infos = entry?.info ? (entry.alone ??= [entry.info]) : NO_PROCESSES;
      return owner.infos;
    }
    let out: ProcessInfo[] = [];
    const first = this.pids.get(owner.pid);
    if (first?.info) out.push(first.info);
    for (const pid of owner.others) {
      const entry = this.pids.get(pid);
      if (entry?.info) out.push(entry.info);
    }
    if (out.length > MAX_SOCKET_OWNERS) {
      // The fewest PIDs (the first processes, before their forks); the rest counted, and the list marked.
      out = fewestPids(out);
      partialLists.add(out);
    }
    owner.infos = out;
    return out;
  }

  /** Whether a list processesOf gave is cut at MAX_SOCKET_OWNERS (the socket has more owners: 'partial'). */
  isPartial(list: readonly ProcessInfo[]): boolean {
    return partialLists.has(list);
  }

  /** Whether work waits for later updates: new processes not walked yet (a fork sharing its parent's sockets
   *  shows as their owner once walked), or a large process read in slices. */
  get waiting(): boolean {
    return this.unwalked.size > 0 || this.slices.size > 0;
  }

  /** True when some process could not be inspected (not root), so an unattributed socket may be theirs. */
  get someDenied(): boolean {
    return this.stats.deniedPids > 0;
  }

  /** Number of pids currently cached; for the benchmark and tests. */
  get cachedPids(): number {
    return this.pids.size;
  }

  /** The processes being read in slices (up to `max` of them, the rest counted): the owners of their sockets
   *  may lag. */
  sliced(max = 3): { processes: SlicedProcess[]; count: number } {
    const processes: SlicedProcess[] = [];
    for (const [pid, slice] of this.slices) {
      if (processes.length >= max) break;
      if (slice.name === null) {
        let name = this.pids.get(pid)?.info?.name;
        if (name === undefined) {
          try {
            name = processName(fs.readFileSync(`${this.procRoot}/${pid}/comm`), '', null);
          } catch {
            name = '';
          }
        }
        slice.name = inertExcerpt(name, 64);
      }
      processes.push({ pid, name: slice.name, fds: slice.fdCount });
    }
    return { processes, count: this.slices.size };
  }

  private mark(inodes: readonly number[], tick: number): number[] {
    const unknown: number[] = [];
    for (const inode of inodes) {
      if (inode === 0) continue;
      const owner = this.owners.get(inode);
      if (owner) {
        owner.tick = tick;
      } else if (this.orphans.has(inode)) {
        this.orphans.set(inode, tick);
      } else {
        unknown.push(inode);
      }
    }
    return unknown;
  }

  /** The sockets of this tick's tables that no walk has found yet; those found are marked listed now. */
  private stillUnknown(inodes: number[]): number[] {
    return inodes.filter((inode) => {
      const owner = this.owners.get(inode);
      if (owner) owner.tick = this.tick;
      return owner === undefined;
    });
  }

  private listPids(): number[] | null {
    let names: string[];
    try {
      names = fs.readdirSync(this.procRoot);
    } catch {
      return null;
    }
    const pids: number[] = [];
    for (const name of names) {
      const c = name.charCodeAt(0);
      if (c >= 48 && c <= 57) {
        const pid = Number(name);
        if (Number.isInteger(pid)) pids.push(pid);
      }
    }
    return pids;
  }

  private fullScan(listing: number[], now: number): void {
    this.lastFullScan = now;
    this.stats.fullScans++;
    const listed = new Set(listing);
    for (const pid of this.pids.keys()) if (!listed.has(pid)) this.forget(pid);
    this.unwalked.clear();
    for (const pid of listing) this.walk(pid, 'nothing');
  }

  private fdCount(pid: number): number {
    const size = fdCount(this.procRoot, pid);
    if (size > 0) this.fdCountsWork = true;
    return size;
  }

  private fdCountChanged(pid: number, entry: PidEntry): boolean {
    // Kernels before 6.2 report 0 for every fd directory; there the other triggers have to do.
    if (entry.fdCount <= 0) return false;
    return this.fdCount(pid) !== entry.fdCount;
  }

  private forget(pid: number): void {
    this.slices.delete(pid);
    const entry = this.pids.get(pid);
    if (!entry) return;
    if (entry.denied) this.stats.deniedPids--;
    this.detachInodes(pid, entry.inodes);
    this.pids.delete(pid);
  }

  private detachInodes(pid: number, inodes: ArrayLike<number> & Iterable<number>): void {
    for (const inode of inodes) {
      const owner = this.owners.get(inode);
      if (!owner) continue;
      if (owner.pid === pid && owner.others === null) {
        // Its last holder: what it showed stays (released) for the rows of this tick.
        const was = this.processesOf(inode);
        if (was.length > 0) this.released.set(inode, was);
        this.owners.delete(inode);
        this.ownersRoom.deleted();
        continue;
      }
      owner.infos = null;
      if (owner.others === null) continue;
      if (owner.pid === pid) owner.pid = owner.others.shift()!;
      else {
        const i = owner.others.indexOf(pid);
        if (i >= 0) owner.others.splice(i, 1);
      }
      if (owner.others.length === 0) owner.others = null;
    }
  }

  /** Reads the fd links of one pid (those `trust` does not let it keep from its last walk) and replaces what
   *  the cache knew about it. */
  private walk(pid: number, trust: Trust): void {
    this.unwalked.delete(pid);
    const dir = `${this.procRoot}/${pid}/fd`;
    const slice = this.slices.get(pid);
    // A large process waits for a tick with links left to read, and goes on once a tick (before its fd count is
    // read again: it was walked this tick already).
    if (slice?.tick === this.tick) return;
    const fdCount = this.fdCount(pid);
    const old = this.pids.get(pid);
    if (!slice && trust === 'nothing' && fdCount > this.largeAbove && old?.fds && this.keptLinks(old, trust, true)) {
      // Read whole not long ago (LARGE_FULL_WALK_MS): what its fd count says moved is read, else nothing.
      if (fdCount === old.fdCount) return;
      trust = 'listed-sockets-and-files';
    }
    if ((slice || fdCount > this.largeAbove) && this.linksLeft <= 0) {
      if (!slice) this.startSlice(pid, trust, fdCount);
      return;
    }
    this.stats.walkedPids++;
    // A large process is read by fd number (walkSlice), not listed: a listing costs an entry per fd it holds, each
    // tick it goes on (about a second at 1,000,000 dup'ed fds).
    if ((slice || fdCount > this.largeAbove) && fdCount >= 0) {
      this.walkSlice(pid, slice ?? this.startSlice(pid, trust, fdCount), null, dir, fdCount);
      return;
    }
    const names = this.listFds(pid, dir, old, fdCount);
    if (names === null) return;
    if (slice || names.length > this.largeAbove) {
      // A kernel before 6.2 tells no fd count: a large process shows by its listing, and goes on from it.
      this.walkSlice(pid, slice ?? this.startSlice(pid, trust, fdCount), names, dir, fdCount);
      return;
    }
    const kept = this.keptLinks(old, trust);
    const listed = fdNumbers(names);
    let fds = new Int32Array(listed.length);
    let links = new Float64Array(listed.length);
    let k = 0;
    let j = 0;
    for (const fd of listed) {
      let inode = -1;
      if (kept) {
        while (j < kept.fds.length && kept.fds[j]! < fd) j++;
        if (j < kept.fds.length && kept.fds[j] === fd && this.vouchesFor(pid, kept.links[j]!, trust))
          inode = kept.links[j]!;
      }
      if (inode < 0) inode = this.socketBehind(`${dir}/${fd}`);
      if (inode < 0) continue; // the fd was closed meanwhile
      fds[k] = fd;
      links[k++] = inode;
    }
    if (k < listed.length) {
      fds = fds.slice(0, k);
      links = links.slice(0, k);
    }
    this.record(pid, old, fds, links, kept ? old!.fullWalkAt : this.now, fdCount);
  }

  /** A pid's fd folder listing, or null when it cannot be read: then the pid is recorded as denied, or forgotten
   *  (it exited). */
  private listFds(pid: number, dir: string, old: PidEntry | undefined, fdCount: number): string[] | null {
    try {
      return fs.readdirSync(dir);
    } catch (err) {
      this.unreadable(pid, old, fdCount, code(err));
      return null;
    }
  }

  /** A pid whose fds could not be read (`c`: the error's code): recorded as denied, or forgotten (it exited). */
  private unreadable(pid: number, old: PidEntry | undefined, fdCount: number, c: string): void {
    this.slices.delete(pid);
    if (deniedCode(c)) {
      if (old) this.detachInodes(pid, old.inodes);
      if (!old?.denied) this.stats.deniedPids++;
      this.pids.set(pid, {
        inodes: NO_INODES,
        fds: null,
        links: null,
        fullWalkAt: this.now,
        fdCount,
        denied: true,
        info: null,
        alone: null,
        walkedTick: this.tick,
      });
    } else {
      // ENOENT/ESRCH: the process exited between the listing and now.
      this.forget(pid);
    }
  }

  /** The last walk's fds and links of a pid, when a walk with `trust` may keep some of them (`large`: with a
   *  'nothing' too, when it was read whole less than LARGE_FULL_WALK_MS ago). */
  private keptLinks(
    old: PidEntry | undefined,
    trust: Trust,
    large = false,
  ): { fds: Int32Array; links: Float64Array } | null {
    const within = large ? LARGE_FULL_WALK_MS : this.fullScanIntervalMs;
    return (trust !== 'nothing' || large) && old?.fds && old.links && this.now - old.fullWalkAt < within
      ? { fds: old.fds, links: old.links }
      : null;
  }

  private startSlice(pid: number, trust: Trust, fdCount: number): Slice {
    const slice: Slice = {
      trust,
      fds: [],
      links: [],
      after: -1,
      full: true,
      startedAt: this.now,
      tick: 0,
      fdCount,
      bound: 0,
      name: null,
      holes: 0,
    };
    this.slices.set(pid, slice);
    return slice;
  }

  /** Goes on with the slices of a large process's walk: its fd links after the last one done, as many as are
   *  left to read this tick. Sockets found join those it is known to hold at once; what it no longer holds is
   *  let go once every fd was done.
   *  Its fds are read by number (fd after fd up to its fd table's size), not from a listing of its fd folder,
   *  which costs an entry per fd it holds each tick it goes on: a hole (no such fd) costs a read like a link.
   *  Once the holes of a walk have cost as much as a listing (an entry a seventh of a link), a listing is read
   *  instead each tick it goes on, as soon as one fits what is left of the tick: at most twice the cheaper of
   *  the two, never a listing that costs more than a tick. A walk keeping links from the last does so too, where
   *  a listing fits a tick: a kept link is not read, and only a listing tells its fd is still open; read by
   *  number, it keeps only sockets the process alone holds (vouchesUnseen). A walk ends once it has found as many
   *  fds as the process held when it started and holds now (past any fd kept), else at its table's end.
   *  `names`: the listing the walk read this tick already (a kernel without fd counts), paid after its links. */
  private walkSlice(pid: number, slice: Slice, names: string[] | null, dir: string, fdCount: number): void {
    slice.tick = this.tick;
    const old = this.pids.get(pid);
    const kept = slice.trust === 'nothing' ? null : this.keptLinks(old, slice.trust, true);
    if (kept) slice.full = false;
    const lastKept = kept && kept.fds.length > 0 ? kept.fds[kept.fds.length - 1]! : -1;
    const listingCost = (entries: number) => Math.ceil(entries / ENTRIES_PER_LINK);
    // What a listing now would cost (a kernel without fd counts: as if it held just enough to be read so).
    const listingNow = listingCost(fdCount > 0 ? fdCount : this.largeAbove);
    const given = names;
    let listed = names ? fdNumbers(names) : null;
    let i = listed ? firstAbove(listed, slice.after) : 0;
    let fd = slice.after + 1;
    let j = 0;
    // The last kept link asked about and whether it held: a process of dup'ed fds repeats one link throughout.
    let asked = -1;
    let vouched = false;
    let done = false;
    // Whether the last fd number read held no fd: the next is first looked for (see holeAt).
    let afterHole = false;
    const found: number[] = [];
    for (;;) {
      if (listed) {
        if (i === listed.length) {
          done = true;
          break;
        }
        fd = listed[i]!;
      } else {
        // A walk keeping links from the last (a listing tells which of their fds are still open), or one that has
        // read as many holes as a listing costs: a listing, each tick as soon as one fits what is left of it.
        let list = (kept !== null || slice.holes >= listingNow) && listingNow <= LARGE_LINKS_PER_TICK;
        if (list && listingNow > this.linksLeft) break;
        if (!list && fd >= slice.bound) {
          // Past its fd table (or not read yet): its size is read again, as the table may have grown. Without a
          // status to read (it exited, most likely), its listing tells.
          const bound = this.fdTableSize(pid);
          if (bound === null) list = true;
          else if (bound <= fd) {
            done = true;
            break;
          } else slice.bound = bound;
        }
        if (list) {
          names = this.listFds(pid, dir, old, fdCount);
          if (names === null) return;
          this.linksLeft -= listingCost(names.length);
          listed = fdNumbers(names);
          i = firstAbove(listed, slice.after);
          asked = -1;
          continue;
        }
      }
      let inode = -1;
      if (kept) {
        while (j < kept.fds.length && kept.fds[j]! < fd) j++;
        if (j < kept.fds.length && kept.fds[j] === fd) {
          const link = kept.links[j]!;
          if (link !== asked) {
            asked = link;
            vouched = listed ? this.vouchesFor(pid, link, slice.trust) : this.vouchesUnseen(pid, link, slice.trust);
          }
          if (vouched) inode = link;
        }
      }
      if (inode < 0) {
        // In a run of holes, first whether there is an fd at all (a missing link throws, at twice a read's cost).
        const probe = afterHole && !listed;
        if (this.linksLeft < (probe ? 2 : 1)) break;
        this.linksLeft--;
        const path = `${dir}/${fd}`;
        inode = probe ? this.holeAt(path) : 0;
        if (inode === 0) {
          if (probe) this.linksLeft--;
          inode = this.socketBehind(path);
        }
        if (inode === DENIED) {
          this.unreadable(pid, old, fdCount, 'EACCES');
          return;
        }
      }
      const at = fd;
      slice.after = at;
      if (listed) i++;
      else fd++;
      if (inode < 0) {
        // Closed meanwhile (listed), or a hole.
        if (!listed) slice.holes++;
        afterHole = true;
        continue;
      }
      afterHole = false;
      slice.fds.push(at);
      slice.links.push(inode);
      if (inode > 0) found.push(inode);
      // As many fds as it holds, and none kept past this one: nothing is past them, unless an fd the last walk saw
      // was closed and another opened past it (a kept link is not read): a file, which changes no socket, or a
      // socket, which stays unexplained, and walks that trust no file find it.
      if (!listed && slice.fds.length === fdCount && fdCount === slice.fdCount && at >= lastKept) {
        done = true;
        break;
      }
    }
    // The listing read before the links is paid after them, so the first process in line always goes on.
    if (given) this.linksLeft -= listingCost(given.length);
    if (done) {
      // Every fd done: what it holds now replaces what was known.
      this.slices.delete(pid);
      const fullWalkAt = slice.full ? slice.startedAt : (old?.fullWalkAt ?? slice.startedAt);
      this.record(pid, old, Int32Array.from(slice.fds), Float64Array.from(slice.links), fullWalkAt, slice.fdCount);
      return;
    }
    // Not done: it goes on next tick, after the others waiting.
    this.slices.delete(pid);
    this.slices.set(pid, slice);
    const before = old?.inodes ?? NO_INODES;
    const added = missingFrom(socketInodes(Float64Array.from(found)), before);
    if (added.length === 0) {
      if (old) old.walkedTick = this.tick;
      return;
    }
    for (const inode of added) this.attach(pid, inode);
    const inodes = mergeSorted(before, added);
    if (old && !old.denied) {
      old.inodes = inodes;
      old.info ??= this.readInfo(pid);
      old.walkedTick = this.tick;
      return;
    }
    if (old?.denied) this.stats.deniedPids--;
    this.pids.set(pid, {
      inodes,
      fds: null,
      links: null,
      fullWalkAt: this.now,
      fdCount: slice.fdCount,
      denied: false,
      info: this.readInfo(pid),
      alone: null,
      walkedTick: this.tick,
    });
  }

  /** The size of a pid's fd table (FDSize in /proc/<pid>/status: every fd number is below it), or null when its
   *  status cannot be read. */
  private fdTableSize(pid: number): number | null {
    let status: string;
    try {
      status = fs.readFileSync(`${this.procRoot}/${pid}/status`, 'latin1');
    } catch {
      return null;
    }
    const at = status.indexOf('\nFDSize:');
    if (at < 0) return null;
    const end = status.indexOf('\n', at + 1);
    const size = Number(status.slice(at + 8, end < 0 ? undefined : end));
    return Number.isInteger(size) && size >= 0 ? size : null;
  }

  /** Lists a pid as a holder of a socket it was not known to hold. */
  private attach(pid: number, inode: number): void {
    const owner = this.owners.get(inode);
    if (owner) {
      // An array of one as it is made (a push onto an empty one reserves room for 16).
      if (owner.others === null) owner.others = [pid];
      else owner.others.push(pid);
      owner.infos = null;
    } else {
      this.owners.set(inode, { pid, others: null, tick: 0, infos: null });
    }
    this.orphans.delete(inode);
  }

  /** Replaces what the cache knew of a pid with a walk's fds and links. */
  private record(
    pid: number,
    old: PidEntry | undefined,
    fds: Int32Array,
    links: Float64Array,
    fullWalkAt: number,
    fdCount: number,
  ): void {
    // Both ascending: what changed since the last walk comes of merging them, without a Set of either (at 5,000
    // fds a process churning connections made three Sets of 5,000 a walk, 5 MB of garbage a tick in four).
    const unique = socketInodes(links);
    const before = old?.inodes ?? NO_INODES;
    // Sockets kept since the last walk keep their owner entry (and its last-listed tick).
    if (old?.denied) this.stats.deniedPids--;
    if (old) this.detachInodes(pid, missingFrom(before, unique));
    let b = 0;
    for (const inode of unique) {
      while (b < before.length && before[b]! < inode) b++;
      const owner = this.owners.get(inode);
      if (b < before.length && before[b] === inode && owner !== undefined && holds(owner, pid)) continue;
      this.attach(pid, inode);
    }
    const fresh = unique.length > 0 ? this.readInfo(pid) : null;
    // Keep the old object when nothing changed, so rows of unchanged sockets stay identical across ticks.
    const info = fresh && old?.info && sameProcess(fresh, old.info) ? old.info : fresh;
    if (info !== old?.info) {
      for (const inode of unique) {
        const owner = this.owners.get(inode);
        if (owner) owner.infos = null;
      }
    }
    const alone = info !== null && info === old?.info ? old.alone : null;
    this.pids.set(pid, {
      inodes: unique,
      fds,
      links,
      fullWalkAt,
      fdCount,
      denied: false,
      info,
      alone,
      walkedTick: this.tick,
    });
  }

  /** Whether the link a pid's fd had at its last walk still holds without reading it again: a socket the
   *  tables list this tick and the pid is known to hold (a closed one's number may hold anything now), or
   *  ('listed-sockets-and-files') another kind of file. */
  private vouchesFor(pid: number, inode: number, trust: Trust): boolean {
    if (inode === 0) return trust === 'listed-sockets-and-files';
    const owner = this.owners.get(inode);
    if (owner === undefined || owner.tick !== this.tick) return false;
    return trust === 'listed-sockets' ? owner.others === null && owner.pid === pid : holds(owner, pid);
  }

  /** vouchesFor, for an fd read by number, which no listing shows still open: a socket only when this pid alone
   *  holds it (its last fd closed, the socket is gone from the next tables, and its owner with it; one another
   *  process holds too would stay listed as this pid's), another kind of file as vouchesFor (a file closed changes
   *  no socket it holds). */
  private vouchesUnseen(pid: number, inode: number, trust: Trust): boolean {
    return this.vouchesFor(pid, inode, inode === 0 ? trust : 'listed-sockets');
  }

  /** The socket inode an fd link names ("socket:[12345]"), 0 for any other file, -1 when the fd is gone,
   *  DENIED when its links may not be read. */
  private socketBehind(path: string): number {
    this.stats.linksRead++;
    let target: string;
    try {
      target = fs.readlinkSync(path);
    } catch (err) {
      return deniedCode(code(err)) ? DENIED : -1;
    }
    if (target.length > 9 && target.charCodeAt(0) === 115 && target.startsWith('socket:[')) {
      const inode = Number(target.slice(8, -1));
      if (Number.isInteger(inode) && inode > 0) return inode;
    }
    return 0;
  }

  /** -1 when there is no such fd (an lstat that throws nothing then: a readlink would, at twice the cost), 0 when
   *  there is one, DENIED when its links may not be read. Counted as a link read. */
  private holeAt(path: string): number {
    this.stats.linksRead++;
    try {
      return fs.lstatSync(path, { throwIfNoEntry: false }) === undefined ? -1 : 0;
    } catch (err) {
      return deniedCode(code(err)) ? DENIED : -1;
    }
  }

  private readInfo(pid: number): ProcessInfo {
    const base = `${this.procRoot}/${pid}`;
    let comm: Buffer = Buffer.alloc(0);
    let cmdline = '';
    let exe: string | null = null;
    let user: string | null = null;
    let startTime: number | null = null;
    try {
      comm = fs.readFileSync(`${base}/comm`);
    } catch {
      /* exited or hidden: keep the empty name */
    }
    try {
      cmdline = readProcCmdline(`${base}/cmdline`);
    } catch {
      /* as above */
    }
    try {
      exe = fs.readlinkSync(`${base}/exe`);
    } catch {
      exe = null; // kernel threads have none; other users' processes need privileges
    }
    try {
      user = this.users.name(processUserUid(fs.readFileSync(`${base}/status`, 'latin1')));
    } catch {
      user = null;
    }
    try {
      const boot = this.bootTime();
      if (boot !== null) startTime = linuxStartTimeMs(fs.readFileSync(`${base}/stat`, 'latin1'), boot);
    } catch {
      startTime = null;
    }
    return { pid, name: processName(comm, cmdline, exe), cmdline, exe, user, startTime };
  }

  private bootTime(): number | null {
    if (this.bootTimeSeconds !== null) return this.bootTimeSeconds;
    try {
      this.bootTimeSeconds = parseBtime(fs.readFileSync(`${this.procRoot}/stat`, 'latin1'));
    } catch {
      this.bootTimeSeconds = null;
    }
    return this.bootTimeSeconds;
  }
}

/** How many fds a process holds (st_size of /proc/<pid>/fd: Linux 6.2+; 0 before); -1 when it is gone, -2 when
 *  its fd folder may not be looked at (a kernel that hides other users' from the stat). */
export function fdCount(procRoot: string, pid: number): number {
  try {
    return fs.statSync(`${procRoot}/${pid}/fd`).size;
  } catch {
    return fs.existsSync(`${procRoot}/${pid}`) ? -2 : -1;
  }
}
