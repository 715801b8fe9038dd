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
// A full scan waits for a socket to stay unexplained for a second tick: most such sockets are gone by then.
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
import { linuxStartTimeMs, parseBtime } from './process-facts.js';
import fs from 'node:fs';
import type { ProcessInfo } from '../../../shared/types.js';
import type { UserNames } from './users.js';

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

/** Shared by every row without owners; frozen so no consumer can add to it by accident. */
const NO_PROCESSES: ProcessInfo[] = Object.freeze([]) as unknown as ProcessInfo[];

interface PidEntry {
  inodes: number[];
  fdCount: number;
  denied: boolean;
  info: ProcessInfo | null;
  /** [info]: the owner list of every socket this process alone holds, one array for all of them (made when
   *  first asked for, kept while info is). At 20,000 sockets an array per socket was 1.8 MB of the heap. */
  alone: ProcessInfo[] | null;
  walkedTick: number;
}

interface OwnerEntry {
  pids: number[];
  /** The last tick whose tables listed this socket; 0 while it has never been listed (netlink, packet). */
  tick: number;
  /** The pids' ProcessInfo, built once and shared by every row of this socket until the owners change. */
  infos: ProcessInfo[] | null;
}

export interface OwnerStats {
  walkedPids: number;
  fullScans: number;
  deniedPids: number;
}

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

function code(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
}

/** How many ticks a new process is listed before it is walked when no socket is waiting for an owner: a
 *  fork sharing its parent's sockets shows as their owner this much later (a new socket is looked for at
 *  once, in every new process). */
export const NEW_PID_GRACE_TICKS = 2;

/** On kernels before 6.2 (fd directories report size 0), how soon a new unknown socket may trigger a full
 *  rescan: a socket opened by an already known process has no cheaper way to be found there. */
const FULL_SCAN_WITHOUT_FD_COUNTS_MS = 2_000;

export class SocketOwners {
  private readonly pids = new Map<number, PidEntry>();
  private readonly owners = new Map<number, OwnerEntry>();
  /** Inodes that a full scan could not attribute, with the tick they were last seen. */
  private readonly orphans = new Map<number, number>();
  /** Sockets that no walk has attributed yet (and no full scan has given up on), with the tick they were
   *  first listed unexplained. */
  private readonly unexplained = new Map<number, number>();
  /** Processes listed but not walked yet, with the tick they were first listed. */
  private readonly unwalked = new Map<number, number>();
  /** Owners of the sockets that lost their last holder during the current update, as they were before it. */
  private readonly released = new Map<number, ProcessInfo[]>();
  private tick = 0;
  private lastFullScan = -Infinity;
  /** Whether this kernel reports fd counts (6.2 and later); without them new sockets of known processes
   *  are found only by a full rescan, so rescans may come sooner (FULL_SCAN_WITHOUT_FD_COUNTS_MS). */
  private fdCountsWork = false;
  private bootTimeSeconds: number | null = null;
  readonly stats: OwnerStats = { walkedPids: 0, fullScans: 0, deniedPids: 0 };

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
    this.released.clear();
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
    for (const pid of listing) if (!this.pids.has(pid) && !this.unwalked.has(pid)) this.unwalked.set(pid, tick);

    // Mark what the tables still hold; collect sockets nobody is known to hold.
    const fresh = this.mark(inodes, tick);
    let unknown = fresh;
    // New processes: all of them when a socket waits for an owner, else those listed long enough.
    for (const [pid, since] of this.unwalked) {
      if (unknown.length > 0 || tick - since >= NEW_PID_GRACE_TICKS) this.walk(pid);
    }
    if (unknown.length > 0) unknown = this.stillUnknown(unknown);

    // Socket holders whose fd count moved may have opened, closed or passed sockets.
    for (const [pid, entry] of this.pids) {
      if (entry.walkedTick !== tick && entry.inodes.length > 0 && this.fdCountChanged(pid, entry)) this.walk(pid);
    }
    if (unknown.length > 0) {
      for (const [pid, entry] of this.pids) {
        if (entry.walkedTick === tick) continue;
        if (this.lostSocket(entry, tick) || (entry.inodes.length === 0 && this.fdCountChanged(pid, entry)))
          this.walk(pid);
      }
      unknown = this.stillUnknown(unknown);
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
      const gone = new Set(closed);
      entry.inodes = entry.inodes.filter((inode) => !gone.has(inode));
    }
  }

  /** The processes holding a socket (or that held it until the last update found it let go), or an empty list. */
  processesOf(inode: number): ProcessInfo[] {
    const owner = this.owners.get(inode);
    if (!owner) return this.released.get(inode) ?? NO_PROCESSES;
    if (owner.infos) return owner.infos;
    if (owner.pids.length === 1) {
      const entry = this.pids.get(owner.pids[0]!);
      owner.infos = entry?.info ? (entry.alone ??= [entry.info]) : NO_PROCESSES;
      return owner.infos;
    }
    const out: ProcessInfo[] = [];
    for (const pid of owner.pids) {
      const entry = this.pids.get(pid);
      if (entry?.info) out.push(entry.info);
    }
    owner.infos = out;
    return out;
  }

  /** True when some process could not be inspected (not root), so an unattributed socket may be theirs. */
  get someDenied(): boolean {
    return this.stats.deniedPids > 0;
  }

  /** Number of pids currently cached; for the benchmark and tests. */
  get cachedPids(): number {
    return this.pids.size;
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

  private stillUnknown(inodes: number[]): number[] {
    return inodes.filter((inode) => !this.owners.has(inode));
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
    for (const pid of listing) this.walk(pid);
  }

  private fdCount(pid: number): number {
    try {
      const size = fs.statSync(`${this.procRoot}/${pid}/fd`).size;
      if (size > 0) this.fdCountsWork = true;
      return size;
    } catch {
      return -1;
    }
  }

  private fdCountChanged(pid: number, entry: PidEntry): boolean {
    // Kernels before 6.2 report 0 for every fd directory; there the other triggers have to do.
    if (entry.fdCount <= 0) return false;
    return this.fdCount(pid) !== entry.fdCount;
  }

  private forget(pid: number): void {
    const entry = this.pids.get(pid);
    if (!entry) return;
    if (entry.denied) this.stats.deniedPids--;
    this.detachInodes(pid, entry.inodes);
    this.pids.delete(pid);
  }

  private detachInodes(pid: number, inodes: readonly number[]): void {
    for (const inode of inodes) {
      const owner = this.owners.get(inode);
      if (!owner) continue;
      const i = owner.pids.indexOf(pid);
      if (i >= 0) {
        if (owner.pids.length === 1) {
          const was = this.processesOf(inode);
          if (was.length > 0) this.released.set(inode, was);
        }
        owner.pids.splice(i, 1);
      }
      owner.infos = null;
      if (owner.pids.length === 0) this.owners.delete(inode);
    }
  }

  /** Reads every fd link of one pid and replaces what the cache knew about it. */
  private walk(pid: number): void {
    this.stats.walkedPids++;
    this.unwalked.delete(pid);
    const dir = `${this.procRoot}/${pid}/fd`;
    const fdCount = this.fdCount(pid);
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch (err) {
      const c = code(err);
      if (c === 'EACCES' || c === 'EPERM') {
        const old = this.pids.get(pid);
        if (old) this.detachInodes(pid, old.inodes);
        if (!old?.denied) this.stats.deniedPids++;
        this.pids.set(pid, { inodes: [], fdCount, denied: true, info: null, alone: null, walkedTick: this.tick });
      } else {
        // ENOENT/ESRCH: the process exited between the listing and now.
        this.forget(pid);
      }
      return;
    }
    const inodes: number[] = [];
    for (const name of names) {
      let target: string;
      try {
        target = fs.readlinkSync(`${dir}/${name}`);
      } catch {
        continue; // the fd was closed meanwhile
      }
      // "socket:[12345]"
      if (target.length > 9 && target.charCodeAt(0) === 115 && target.startsWith('socket:[')) {
        const inode = Number(target.slice(8, -1));
        if (Number.isInteger(inode) && inode > 0) inodes.push(inode);
      }
    }
    const unique = inodes.length > 1 ? [...new Set(inodes)] : inodes;
    // Sockets kept since the last walk keep their owner entry (and its last-listed tick).
    const old = this.pids.get(pid);
    if (old?.denied) this.stats.deniedPids--;
    const now = new Set(unique);
    if (old)
      this.detachInodes(
        pid,
        old.inodes.filter((inode) => !now.has(inode)),
      );
    const before = new Set(old?.inodes);
    for (const inode of unique) {
      if (before.has(inode) && this.owners.get(inode)?.pids.includes(pid)) continue;
      const owner = this.owners.get(inode);
      if (owner) {
        owner.pids.push(pid);
        owner.infos = null;
      } else {
        // An array of one as it is made (a push onto an empty one reserves room for 16).
        this.owners.set(inode, { pids: [pid], tick: 0, infos: null });
      }
      this.orphans.delete(inode);
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
    this.pids.set(pid, { inodes: unique, fdCount, denied: false, info, alone, walkedTick: this.tick });
  }

  private readInfo(pid: number): ProcessInfo {
    const base = `${this.procRoot}/${pid}`;
    let name = '';
    let cmdline = '';
    let exe: string | null = null;
    let user: string | null = null;
    let startTime: number | null = null;
    try {
      name = fs.readFileSync(`${base}/comm`, 'utf8').replace(/\n$/, '');
    } catch {
      /* exited or hidden: keep the empty name */
    }
    try {
      const raw = fs.readFileSync(`${base}/cmdline`, 'utf8');
      let end = raw.length;
      while (end > 0 && raw.charCodeAt(end - 1) === 0) end--; // the trailing NULs, without a backtracking regex
      cmdline = raw.slice(0, end).replaceAll('\0', ' ');
    } catch {
      /* as above */
    }
    try {
      exe = fs.readlinkSync(`${base}/exe`);
    } catch {
      exe = null; // kernel threads have none; other users' processes need privileges
    }
    try {
      user = this.users.name(fs.statSync(base).uid);
    } catch {
      user = null;
    }
    try {
      const boot = this.bootTime();
      if (boot !== null) startTime = linuxStartTimeMs(fs.readFileSync(`${base}/stat`, 'latin1'), boot);
    } catch {
      startTime = null;
    }
    return { pid, name, cmdline, exe, user, startTime };
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
