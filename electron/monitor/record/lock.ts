// The record's lock: who may hold it, and when a lock left behind is taken over (database.ts opens the record).
//
// node-sqlite3-wasm's lock is a directory `<file>.lock`, made (mkdir) by whoever takes it, readers included, and
// removed (rmdir) when released. It says nothing of its holder and must stay empty. A holder killed in a
// transaction leaves it behind, and nobody may use the record until it is removed; but removing a live holder's
// lock lets two processes use the file at once (two writers: a damaged file). So each thread that has the record
// open names itself in `<file>.users/`, from its first open to its last close:
//   <pid>-<token>        its entry: JSON of its pid, Linux start time, kernel (boot id) and pid namespace, and how
//                        to tell it is alive. The token is random per thread: a pid is not an identity.
//   <pid>-<token>.fifo   (Linux, macOS) a FIFO it keeps open for reading, made by mkfifo (Node has no call for it)
//                        once an open got past any other process's lock (settleUser), then kept to its last
//                        close: an open retried while another process holds the lock makes none. Running mkfifo
//                        is a fork of this process, in this thread whether spawned synchronously or not (libuv
//                        forks and waits for the exec in the caller), so it costs with the process's memory:
//                        ~8 ms at 100 MB, 20-30 ms at 360 MB, 50-70 ms at 1.1 GB, once per such open. The kernel
//                        closes it when the process ends, however it ends; another process opens it for writing
//                        without blocking and gets ENXIO once nobody has it open for reading. No pid
//                        is involved, so this holds across pid namespaces (containers sharing a data folder on
//                        one kernel) and pid reuse, and a process busy in one long statement (a migration, a
//                        back-fill of millions of rows, a long read of `netlens history`) is alive all along.
//                        (Windows: a named pipe it serves, found by an open, or not found once it is gone.)
//   <pid>-<token>.waits  the lock it waits for (the lock directory's inode and mtime): it does not hold that lock.
//                        So several processes waiting for a dead holder's lock do not keep it alive for one
//                        another. Written when it meets a lock (a busy try; or its heartbeat, every BEAT_MS while
//                        it has the record open and holds nothing), once per lock: a reader's busy tries meet the
//                        same lock every 25 ms. Again for another lock, or once its mark is gone (removed with its
//                        entry by a process that judged it gone: listed again at its heartbeat).
//   <pid>-<token>.turn   its turn (see Turns below): its ticket, while an operation of it waits to take the lock.
// Every BEAT_MS the entry's mtime is touched too (a heartbeat), the sign of life where the others cannot be used:
// another kernel (a folder shared over the network), a file system without FIFOs.
// At rest this costs an open FIFO and, every BEAT_MS, a stat of the lock (and of its mark, once it met one) and a
// utimes.
//
// A lock is stale, and removed, when no other thread named may hold it: each is waiting for this very lock (a
// `.waits` naming it, written after the lock was made), or gone:
//   - its FIFO (or pipe) is not open (exact on one kernel);
//   - else, in this kernel and pid namespace: its pid is gone, or (Linux) another process has its pid now (exact);
//   - else: its heartbeat is older than BEAT_STALE_MS;
// and either one of them is gone by an exact sign (or is another thread of this very process), or the lock is older
// than STALE_LOCK_MS. That grace is for a lock whose maker no entry can tell: SQLite opened by something else than
// database.ts, or no entry at all to judge (a `.pid` whose recorder never named itself, a folder of users emptied).
// Every opener through database.ts names itself before its first statement (the first that takes the lock), and one
// that cannot name itself takes no lock (database.ts): so a lock met while a thread named is gone beyond doubt and no
// other may hold it is a dead holder's, and a NetLens restarted at once after a crash records at once.
// Entries of those gone are removed with the lock. One process clears at a time (`<file>.users/clearing`, made
// with mkdir): else a waiter that judged the dead lock could remove the new one that another waiter took after it.
// The recorder's `<file>.pid` (one recorder per file) names its thread here, and is judged the same way; it is read
// and written as entries are (readSmall, writeFresh: no link followed, no FIFO waited on).
// `file` is always the record's real path (database.ts recordPath): a link to the record has no lock of its own. A
// hard link (or the file bind-mounted at another path) is another name that no path shows to be one: it is locked
// beside its own name, and a process recording by another name does not see that lock (README: netlens history).
// Something else than a folder at `<file>.users` (a file, a link: NetLens makes only a folder there) is neither
// followed nor written into: no opener can name itself, so none takes the lock, and each says what is there
// (usersNotAFolder). The recorder moves it aside as it starts (moveUsersAside), so that it records.
// Turns: the VFS's lock is a mkdir that each try makes or not, no queue. So a process reading the record back to back
// (a History tab refreshed nonstop, a script running `netlens history` in a loop) took it again the moment it let it
// go, and another process, trying every 25 ms, met it again and again: `netlens history` failed busy after its 5 s (a
// third of its reads), the recorder's batches waited flush after flush and its open never got through
// (docs/performance.md, "the lock in turns"). So an operation (a read, a batch; Turn) whose try met another's lock
// queues: its thread's `.turn` holds its ticket, one more than the highest of those waiting, touched as it tries; and
// no operation tries while another thread's turn comes before its own (the lower ticket, then the name): one that is
// not queued defers to any turn, and queues behind them. First come, first served, and no two wait for each other (one
// order of tickets and names). A turn counts only while its waiter is alive (as above, `judge`) and touches it: not
// touched within TURN_STALE_MS by its file time or as this process saw it change (its monotonic clock: a wall clock
// stepped back gives a time in the future), it is passed over, so a waiter stopped (SIGSTOP) or stuck holds nobody for
// long. A turn is a small file read bounded, never followed (a link, a FIFO or a folder there is no turn), at most
// MAX_TURNS looked at. The deferring is no lock: a try past its deadline tries whatever the turns (busy, whenFree), and
// SQLite opened otherwise takes no turn.
// Limits: where only the heartbeat tells (another kernel; no FIFO and no start time), a thread stuck in one
// statement for longer than BEAT_STALE_MS is taken for gone. An entry of this very process (a worker that died:
// its pid, pid namespace and start time, not only its pid) is never a holder to it. SQLite opened otherwise (not
// through database.ts) is known by the grace alone.
import { randomBytes } from 'node:crypto';
import {
  type BigIntStats,
  closeSync,
  constants,
  lstatSync,
  lutimesSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  readSync,
  renameSync,
  rmdirSync,
  type Stats,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { pidExists } from '../../actions/process-identity.js';
import { parseLinuxStat } from '../../collectors/linux/process-facts.js';
import { runQuietSync } from '../../collectors/run-command.js';
import { writeAfresh } from '../../collectors/data-files.js';

/** How old a lock must be before it may be taken over (a holder that did not name itself). */
export const STALE_LOCK_MS = 15_000;
/** How often a thread with the record open touches its entry and says which lock it does not hold. */
export const BEAT_MS = 5_000;
/** A heartbeat older than this is a thread gone, where nothing else tells (see the header). */
export const BEAT_STALE_MS = 60_000;
/** A clearer takes milliseconds: its mark older than this is one killed while clearing. */
const CLEARING_STALE_MS = 10_000;

/** A connection to the record: it holds the lock only inside a statement or a transaction. */
export interface LockUser {
  readonly inTransaction: boolean;
}

/** This thread among the users of a record. */
const me = `${process.pid}-${randomBytes(6).toString('hex')}`;
/** A thread's name among the users: its pid, and a random token. */
const NAME = '([1-9]\\d{0,9})-[0-9a-f]{12}';
const ENTRY = new RegExp(`^${NAME}$`);
const PIPE = new RegExp(`^\\\\\\\\\\.\\\\pipe\\\\netlens-record-${NAME}$`);
/** What a thread keeps beside its entry (its FIFO, its mark, a file being written), by the entry's name. */
const BESIDE = new RegExp(`^(${NAME})\\.(fifo|waits|turn|tmp|waits\\.tmp|turn\\.tmp)$`);
/** A thread's turn: it waits to take the lock (see the header, "Turns"). */
const TURN = new RegExp(`^(${NAME})\\.turn$`);

export const usersDir = (file: string) => `${file}.users`;
const lockDir = (file: string) => `${file}.lock`;
/** Which lock directory this is: another made later at the same path has another mtime (or inode). */
const identity = (st: BigIntStats) => `${st.ino}:${st.mtimeNs}`;

interface Entry {
  pid: number;
  /** Linux start time in clock ticks after boot, '' elsewhere. */
  start: string;
  kernel: string;
  pidns: string;
  fifo: boolean;
  pipe: string | null;
}

let here: { kernel: string; pidns: string } | null = null;
/** This kernel (Linux: its boot id; elsewhere the host) and pid namespace (Linux), where pids mean the same. */
function space(): { kernel: string; pidns: string } {
  if (here) return here;
  let kernel = `${process.platform}:${hostname()}`;
  let pidns = '';
  if (process.platform === 'linux') {
    try {
      kernel = `linux:${readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()}`;
      pidns = readlinkSync('/proc/self/ns/pid');
    } catch {
      // No /proc: the heartbeat decides.
    }
  }
  here = { kernel, pidns };
  return here;
}

/** Linux's start time of a process in clock ticks (tells it from a later one given its pid), '' where not known
 *  cheaply, null when there is no such process. */
function processStart(pid: number): string | null {
  if (process.platform === 'linux') {
    try {
      const ticks = parseLinuxStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.startTicks;
      return ticks === undefined ? '' : String(ticks);
    } catch {
      // Gone, or no /proc.
    }
  }
  return pidExists(pid) ? '' : null;
}

/** At most `max` bytes of a file (an entry is ~150): one a record's folder holds may be anybody's (`--db`), and
 *  never waits (a FIFO there). */
export function readSmall(path: string, max: number): string {
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  try {
    const buffer = Buffer.alloc(max);
    return buffer.toString('utf8', 0, readSync(fd, buffer, 0, max, 0));
  } finally {
    closeSync(fd);
  }
}

/** An entry's text, checked (its pid is its name's). */
function parseEntry(text: string): Omit<Entry, 'pid'> | null {
  try {
    const e = JSON.parse(text) as Partial<Entry>;
    if (
      typeof e.start !== 'string' ||
      typeof e.kernel !== 'string' ||
      typeof e.pidns !== 'string' ||
      typeof e.fifo !== 'boolean'
    )
      return null;
    return {
      start: e.start,
      kernel: e.kernel,
      pidns: e.pidns,
      fifo: e.fifo,
      pipe: typeof e.pipe === 'string' && PIPE.test(e.pipe) ? e.pipe : null,
    };
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// This thread's own entries

interface Named {
  users: Set<LockUser>;
  /** The entry is written (the folder may be written). */
  listed: boolean;
  /** Its FIFO, open for reading; made once a connection opened (settleUser). */
  fifo: number | null;
  server: Server | null;
  pipe: string | null;
  /** This thread made `<file>.users` (for a file that then was no record: removed with its entry). */
  made: boolean;
  /** The identity of the lock its `.waits` names, once written after that lock was made (markWaiting). */
  marked: string | null;
  /** Its turn's ticket while its `.turn` is written (queued), else null; and its operations queued (Turn). */
  turn: number | null;
  queued: number;
  /** When its `.turn` was last touched, by the monotonic clock. */
  touched: number;
}
const named = new Map<string, Named>();
let beating: NodeJS.Timeout | null = null;

function writeEntry(file: string, state: Named): void {
  const entry: Entry = {
    pid: process.pid,
    start: processStart(process.pid) ?? '',
    ...space(),
    fifo: state.fifo !== null,
    pipe: state.pipe,
  };
  writeFresh(join(usersDir(file), me), JSON.stringify(entry));
}

/** Writes `text` as `path`, whole or not at all for a reader (a rename), and never into a file planted there (the
 *  folder may be anybody's: `--db`): a new file (O_EXCL, which a link at its name fails), renamed over the name. */
export function writeFresh(path: string, text: string): void {
  writeAfresh(path, text, `${path}.tmp`);
}

/** Removes a file that may not be there (never made, or removed by another process first). */
function remove(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Not there.
  }
}

/** A FIFO at `path` held open for reading by this process, or null (no mkfifo, a file system without FIFOs). */
function openFifo(path: string): number | null {
  if (process.platform === 'win32') return null;
  try {
    if (!runQuietSync('mkfifo', ['-m', '0600', '--', path], 5000)) return null;
    // Never blocks for a writer; closed by the kernel when this process ends (and not inherited: O_CLOEXEC).
    return openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch {
    remove(path);
    return null;
  }
}

/** Windows: a named pipe served while the record is open; the entry names it once it is served. */
function servePipe(file: string, state: Named): void {
  const name = `\\\\.\\pipe\\netlens-record-${me}`;
  try {
    const server = createServer((socket) => socket.destroy());
    server.on('error', () => {
      // No pipe: the pid and the heartbeat tell.
    });
    server.listen(name, () => {
      if (named.get(file) !== state) return;
      state.pipe = name;
      try {
        writeEntry(file, state);
      } catch {
        // Unchanged: the entry without it.
      }
    });
    server.unref();
    state.server = server;
  } catch {
    // As above.
  }
}

/** What is at a path, for a message that refuses it (a link, from lstat, counts as a link wherever it leads). */
export function whatIs(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isFile()) return 'a file';
  return st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : 'a device';
}

/** What a `<file>.users` that is not a folder is, else null. */
const notAFolder = (st: Stats): string | null => (st.isDirectory() ? null : whatIs(st));

/** What is at `<file>.users` when it is not a folder: something else put it there (NetLens only ever makes a folder
 *  there), and until it is moved away no opener can name itself, so none takes the lock (the recorder does not
 *  record). Null: a folder, nothing yet, or not for this user to see. */
export function usersNotAFolder(file: string): string | null {
  try {
    return notAFolder(lstatSync(usersDir(file)));
  } catch {
    return null;
  }
}

/** Moves what was put at `<file>.users` instead of the folder (usersNotAFolder) into a new folder beside it
 *  (`<file>.users.aside-XXXXXX/`), and returns where it is now; null when there was nothing to move, or it could
 *  not be moved (then no opener can name itself, and ownFolder says why). For the recorder, whose record is in its
 *  own data folder (never for `netlens history --db`, whose folder may be anybody's). It never follows a link (a
 *  rename moves the link itself), never removes anything but its own placeholder, and never moves a folder: the
 *  placeholder it moves it onto is a file, onto which rename moves no folder (ENOTDIR), so a folder of users made
 *  there in the meantime (by another NetLens, once this was moved away by hand) stays where it is. */
export function moveUsersAside(file: string): string | null {
  if (usersNotAFolder(file) === null) return null;
  let aside: string;
  try {
    aside = mkdtempSync(`${usersDir(file)}.aside-`);
  } catch {
    return null;
  }
  const to = join(aside, basename(usersDir(file)));
  try {
    writeFileSync(to, '', { flag: 'wx' });
    renameSync(usersDir(file), to);
    return to;
  } catch {
    remove(to);
    try {
      rmdirSync(aside);
    } catch {
      // Not empty: not this process's to remove.
    }
    return null;
  }
}

/** Throws unless `<file>.users` is a folder, not a link to one: a record named by `netlens history --db` may sit in
 *  anybody's folder, and what is written and removed in there must stay in there. */
function ownFolder(file: string): void {
  const kind = notAFolder(lstatSync(usersDir(file)));
  if (kind !== null)
    throw new Error(
      `it is ${kind}, not a folder (NetLens follows no link there, and writes into no file it did not make): move it away, and NetLens makes the folder`,
    );
}

/** Writes this thread's entry; says why it could not (then the opener must not take the lock: database.ts). */
function list(file: string, state: Named): unknown {
  state.listed = false;
  // Its mark, if any, went with its entry (removed as gone): written again at the next lock met.
  state.marked = null;
  for (let attempt = 0; ; attempt++) {
    try {
      // Not over what was put there instead (ownFolder says what it is).
      if (usersNotAFolder(file) === null && mkdirSync(usersDir(file), { recursive: true }) !== undefined)
        state.made = true;
      ownFolder(file);
      writeEntry(file, state);
      state.listed = true;
      return null;
    } catch (err) {
      // The folder removed as it was made (by a reader of a file that was no record, which made it): made again.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && attempt === 0) continue;
      // A folder this process may not write (nor the lock, mostly: else the opener reads without it), a full disk.
      return err;
    }
  }
}

/** Gives this thread's entry its FIFO (or pipe), once: the entry rewritten to say so after it is made. */
function settle(file: string, state: Named): void {
  if (!state.listed || state.fifo !== null || state.server !== null) return;
  if (process.platform === 'win32') servePipe(file, state);
  else {
    state.fifo = openFifo(join(usersDir(file), `${me}.fifo`));
    if (state.fifo !== null) {
      try {
        writeEntry(file, state);
      } catch {
        // Unchanged: the entry without it (its heartbeat and pid tell).
      }
    }
  }
  tidy(usersDir(file));
}

/** Removes what threads gone left (killed with the record open, outside a transaction: no lock to clear, whose
 *  clearing would remove them): once per open, a few entries. */
function tidy(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  removeOrphans(dir, names);
  for (const name of names) {
    const pid = Number(ENTRY.exec(name)?.[1]);
    if (pid && name !== me && !thisProcess(dir, name, pid) && !alive(dir, name, pid)) removeEntry(dir, name);
  }
}

function removeEntry(dir: string, name: string): void {
  // The entry first: a FIFO or mark without its entry is never looked at.
  for (const end of ['', '.fifo', '.waits', '.turn', '.tmp', '.waits.tmp', '.turn.tmp'])
    remove(join(dir, `${name}${end}`));
}

const holding = (state: Named) =>
  [...state.users].some((user) => {
    try {
      return user.inTransaction;
    } catch {
      return false;
    }
  });

/** Says this thread does not hold the lock `lock` (the record's, when not given), if it does not: once per lock
 *  (a reader's busy tries meet it every 25 ms), written again only when its mark would not count (waitsFor: not
 *  later than the lock by the file system's clock, whose ticks may be coarse) or was removed. */
function markWaiting(file: string, state: Named, lock?: BigIntStats): void {
  if (!state.listed || holding(state)) return;
  try {
    const st = lock ?? statSync(lockDir(file), { bigint: true });
    const id = identity(st);
    if (state.marked === id) return;
    state.marked = null;
    const mark = join(usersDir(file), `${me}.waits`);
    writeFresh(mark, id);
    if (lstatSync(mark, { bigint: true }).mtimeNs > st.mtimeNs) state.marked = id;
  } catch {
    // No lock: nothing to say (or not written: said at the next try).
  }
}

/** What every BEAT_MS does (exported for the tests' processes, which cannot wait for it). */
export function beat(): void {
  const now = new Date();
  for (const [file, state] of named) {
    if (!state.listed) continue;
    try {
      lutimesSync(join(usersDir(file), me), now, now);
    } catch {
      // Removed (judged gone while this thread was stuck in a statement for longer than BEAT_STALE_MS, with
      // nothing else to tell), its FIFO with it: listed again.
      if (state.fifo !== null) closeSync(state.fifo);
      state.fifo = null;
      list(file, state);
      settle(file, state);
    }
    // Its mark removed (with its entry, by a process that judged it gone between two unlinks of the entry's files,
    // or by hand): written again.
    try {
      if (state.marked !== null) lstatSync(join(usersDir(file), `${me}.waits`));
    } catch {
      state.marked = null;
    }
    markWaiting(file, state);
  }
}

/** From now until `unnameUser`, `user` (a connection of this thread) has the record at `file` open. Returns null
 *  once this thread is named among its users, else why it is not (its entry could not be written): a thread not
 *  named must not take the lock, which nobody could then tell from one left behind (see the header). */
export function nameUser(file: string, user: LockUser): unknown {
  const known = named.get(file);
  if (known) {
    known.users.add(user);
    return known.listed ? null : new Error(`${usersDir(file)} could not be written`);
  }
  const state: Named = {
    users: new Set([user]),
    listed: false,
    fifo: null,
    server: null,
    pipe: null,
    made: false,
    marked: null,
    turn: null,
    queued: 0,
    touched: 0,
  };
  named.set(file, state);
  const failure = list(file, state);
  if (!beating) {
    beating = setInterval(beat, BEAT_MS);
    beating.unref();
  }
  return failure;
}

/** A connection of this thread opened the record (its first statement ran): the thread's entry gets what tells
 *  it alive beyond doubt (its FIFO), made once. Not at naming: an open that meets another process's lock (retried
 *  every 25 ms while `netlens history` reads) never held it, and costs no mkfifo. Until then its entry is fresh,
 *  and its pid, start time and heartbeat tell. */
export function settleUser(file: string): void {
  const state = named.get(file);
  if (state) settle(file, state);
}

/** `user` closed: with the last of this thread's connections to `file`, its entry goes; with `notARecord` (the
 *  file was none), the folder of users too if this thread made it and nobody else is in it. */
export function unnameUser(file: string, user: LockUser, notARecord = false): void {
  const state = named.get(file);
  if (!state?.users.delete(user) || state.users.size > 0) return;
  named.delete(file);
  if (state.listed) removeEntry(usersDir(file), me);
  if (notARecord && state.made) {
    try {
      rmdirSync(usersDir(file));
    } catch {
      // Another process's entry there (it opens the file too), or not made after all.
    }
  }
  if (state.fifo !== null) closeSync(state.fifo);
  state.server?.close();
  if (named.size === 0 && beating) {
    clearInterval(beating);
    beating = null;
  }
}

// ---------------------------------------------------------------------------------------------
// Judging the others

/** Whether some process has the FIFO at `path` open for reading; null when that cannot be told (not a FIFO, not
 *  this user's to open). */
function fifoRead(path: string): boolean | null {
  try {
    if (!lstatSync(path).isFIFO()) return null;
    closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW));
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENXIO' ? false : null;
  }
}

/** Whether the named pipe is served (Windows); null when that cannot be told. */
function pipeServed(pipe: string): boolean | null {
  try {
    closeSync(openSync(pipe, 'r+'));
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? false : code === 'EBUSY' ? true : null;
  }
}

/** What the signs of entry `name` (in `dir`) say of its thread (see the header): alive; gone beyond doubt (its
 *  FIFO or pipe not open, or in this kernel and pid namespace its pid gone or another process's); or `silent`,
 *  taken for gone by its heartbeat alone, or removed as it was looked at (it closed the record). Its heartbeat by
 *  the real clock (a test's clock moved on ages locks, not processes). */
type Verdict = 'alive' | 'gone' | 'silent';
function judge(dir: string, name: string, pid: number): Verdict {
  const path = join(dir, name);
  let fresh: boolean;
  try {
    fresh = Date.now() - statSync(path).mtimeMs < BEAT_STALE_MS;
  } catch {
    return 'silent';
  }
  const heard: Verdict = fresh ? 'alive' : 'silent';
  let entry: Omit<Entry, 'pid'> | null;
  try {
    entry = parseEntry(readSmall(path, 4096));
  } catch {
    // Not this user's to read (another user's NetLens, written under umask 077): its heartbeat, or its pid, which
    // may be another process's (then the lock is kept: the safe way).
    return fresh || pidExists(pid) ? 'alive' : 'silent';
  }
  if (!entry) return heard;
  const { kernel, pidns } = space();
  if (entry.kernel === kernel) {
    const served = entry.fifo ? fifoRead(`${path}.fifo`) : entry.pipe ? pipeServed(entry.pipe) : null;
    if (served !== null) return served ? 'alive' : 'gone';
    if (entry.pidns === pidns) {
      const start = processStart(pid);
      if (start === null) return 'gone';
      if (start !== '' && entry.start !== '') return start === entry.start ? 'alive' : 'gone';
    }
  }
  return heard;
}

function alive(dir: string, name: string, pid: number): boolean {
  return judge(dir, name, pid) === 'alive';
}

/** Whether entry `name` is another thread of this very process: a worker that died, whose lock is this process's
 *  to take back (one thread has the record open in a process). Its pid, kernel, pid namespace and start time: not
 *  a process of another container given the same pid (containers started alike number their processes alike). */
function thisProcess(dir: string, name: string, pid: number): boolean {
  if (pid !== process.pid) return false;
  try {
    const entry = parseEntry(readSmall(join(dir, name), 4096));
    const { kernel, pidns } = space();
    return entry?.kernel === kernel && entry.pidns === pidns && entry.start === (processStart(pid) ?? '');
  } catch {
    return false;
  }
}

/** Whether entry `name` says it waits for the lock of this identity, since after it was made. */
function waitsFor(dir: string, name: string, lock: BigIntStats): boolean {
  const path = join(dir, `${name}.waits`);
  try {
    return statSync(path, { bigint: true }).mtimeNs > lock.mtimeNs && readSmall(path, 64) === identity(lock);
  } catch {
    return false;
  }
}

/** The other threads named, as they bear on `lock`: the pids of those that may hold it (neither waiting for it nor
 *  gone), and whether one is gone beyond doubt (`judge`; or another thread of this very process: a worker that
 *  died); null when that cannot be told (a folder of users this user may not read). The entries of those gone
 *  are removed when `tidy`. */
function possibleHolders(file: string, lock: BigIntStats, tidy: boolean): { holders: number[]; gone: boolean } | null {
  const dir = usersDir(file);
  let names: string[];
  try {
    // Its own folder, not a link to entries of anybody's making (which would tell the lock a dead one's).
    ownFolder(file);
    names = readdirSync(dir);
  } catch (err) {
    // None: nobody named (SQLite opened otherwise: the grace alone).
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? { holders: [], gone: false } : null;
  }
  const holders: number[] = [];
  let gone = false;
  if (tidy) removeOrphans(dir, names);
  for (const name of names) {
    const pid = Number(ENTRY.exec(name)?.[1]);
    if (!pid || name === me) continue;
    if (thisProcess(dir, name, pid)) {
      gone = true;
      continue;
    }
    if (waitsFor(dir, name, lock)) continue;
    const verdict = judge(dir, name, pid);
    if (verdict === 'alive') holders.push(pid);
    else {
      gone ||= verdict === 'gone';
      if (tidy) removeEntry(dir, name);
    }
  }
  return { holders, gone };
}

/** Whether `lock`, as the users judged say (`possibleHolders`), is a dead holder's: nobody named may hold it, and
 *  either a thread named is gone beyond doubt (the grace is for a lock nobody named can be its maker, and every
 *  opener through database.ts is named before its first statement), or it is older than STALE_LOCK_MS. */
function stale(judged: { holders: number[]; gone: boolean } | null, lock: BigIntStats, now: number): boolean {
  return judged !== null && judged.holders.length === 0 && (judged.gone || now - Number(lock.mtimeMs) >= STALE_LOCK_MS);
}

/** FIFOs, marks and files being written of threads that have no entry: kept FIFOs of processes gone (a live one
 *  keeps its FIFO open), and what a process killed between two unlinks, or as it wrote, left. */
function removeOrphans(dir: string, names: string[]): void {
  const entries = new Set(names.filter((name) => ENTRY.test(name)));
  for (const name of names) {
    const m = BESIDE.exec(name);
    if (!m || entries.has(m[1]!) || Number(m[2]) === process.pid) continue;
    if (m[3] === 'fifo' && fifoRead(join(dir, name)) !== false) continue;
    // A thread's first entry is written (`.tmp`) before its entry exists: for microseconds.
    if (m[3]!.endsWith('tmp') && !older(join(dir, name), BEAT_STALE_MS)) continue;
    remove(join(dir, name));
  }
}

/** Whether the file at `path` was last changed more than `ms` ago (by the real clock). */
function older(path: string, ms: number): boolean {
  try {
    return Date.now() - lstatSync(path).mtimeMs > ms;
  } catch {
    return false;
  }
}

/** This thread's name among a record's users (`<file>.users/<name>`), for the recorder's `<file>.pid`. */
export const userName = (): string => me;

/** Whether the thread named `name` among the users of `file` is alive (see the header; another thread of this
 *  process is not: a worker that died); null when it has no entry (it has not the record open), or `name` is not a
 *  name. */
export function userAlive(file: string, name: string): boolean | null {
  const pid = Number(ENTRY.exec(name)?.[1]);
  if (!pid) return null;
  if (name === me) return true;
  try {
    statSync(join(usersDir(file), name));
  } catch {
    return null;
  }
  return !thisProcess(usersDir(file), name, pid) && alive(usersDir(file), name, pid);
}

/** The record's lock as another process sees it: free, or held (by one of `holders`, or by nobody alive:
 *  `stale`, old enough to be taken over). Changes nothing: for a reader that may not write the folder. */
export type LockState = { held: false } | { held: true; stale: boolean; holders: number[]; identity: string };

export function lockState(file: string, now = Date.now()): LockState {
  let lock: BigIntStats;
  try {
    lock = statSync(lockDir(file), { bigint: true });
  } catch {
    return { held: false };
  }
  const judged = possibleHolders(file, lock, false);
  return { held: true, stale: stale(judged, lock, now), holders: judged?.holders ?? [], identity: identity(lock) };
}

/** The identity of the record's lock directory, or null when there is none. */
export function lockIdentity(file: string): string | null {
  try {
    return identity(statSync(lockDir(file), { bigint: true }));
  } catch {
    return null;
  }
}

/** Removes the lock a dead holder left (see the header): one older than STALE_LOCK_MS at `now` that no other
 *  thread named may hold. First says this thread waits for it (if it holds nothing). */
export function clearStaleLock(file: string, now = Date.now()): boolean {
  let lock: BigIntStats;
  try {
    lock = statSync(lockDir(file), { bigint: true });
  } catch {
    return false;
  }
  const state = named.get(file);
  if (state) markWaiting(file, state, lock);
  // Within the grace, only a lock whose users show it a dead holder's (judged without clearing first: the busy
  // retries of a reader meet a live holder's lock every 25 ms).
  if (now - Number(lock.mtimeMs) < STALE_LOCK_MS && !stale(possibleHolders(file, lock, false), lock, now)) return false;
  const clearing = join(usersDir(file), 'clearing');
  try {
    mkdirSync(usersDir(file), { recursive: true });
    ownFolder(file);
    mkdirSync(clearing);
  } catch (err) {
    // Another process is clearing it (or this one may not write the folder, and cannot).
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') dropStaleClearing(clearing);
    return false;
  }
  try {
    if (!stale(possibleHolders(file, lock, true), lock, now)) return false;
    // The very lock judged, right before it goes: not one made since by a process that took the record after
    // another clearer (one that took this one's mark for left while it judged: stopped, or slowed past
    // CLEARING_STALE_MS).
    if (identity(statSync(lockDir(file), { bigint: true })) !== identity(lock)) return false;
    rmdirSync(lockDir(file));
    return true;
  } catch {
    return false;
  } finally {
    try {
      rmdirSync(clearing);
    } catch {
      // Removed as stale by another process (this one stuck longer than CLEARING_STALE_MS).
    }
  }
}

/** A clearer's mark left by a process killed while clearing, by the real clock. */
function dropStaleClearing(clearing: string): void {
  try {
    if (older(clearing, CLEARING_STALE_MS)) rmdirSync(clearing);
  } catch {
    // Gone already.
  }
}

// ---------------------------------------------------------------------------------------------
// Turns

/** A turn not touched for this long is passed over: its waiter stopped waiting (stopped, killed, stuck). */
export const TURN_STALE_MS = 3000;
/** A waiter touches its turn at most this often (its tries come every 25 ms or more). */
const TURN_TOUCH_MS = 500;
/** Turns looked at, at most, each time: the folder may hold anything (`--db`). */
const MAX_TURNS = 64;
/** A ticket is a small number: one more than the highest of those waiting when it was taken. */
const TICKET = /^[1-9]\d{0,11}$/;

/** Each turn last seen to change, and when (this process's monotonic clock): a turn whose waiter stopped touching
 *  it is passed over TURN_STALE_MS later whatever the wall clock says (stepped back: its time in the future). */
const turnsSeen = new Map<string, Map<string, { mtimeNs: bigint; at: number }>>();

/** The turns of the other threads now waiting for the lock of `file`: a ticket in a `.turn` (a file, read bounded)
 *  touched within TURN_STALE_MS both by its time and as this process saw it change, of a thread named and alive. */
function othersWaiting(file: string): { name: string; ticket: number }[] {
  const dir = usersDir(file);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const now = performance.now();
  const before = turnsSeen.get(dir);
  const seen = new Map<string, { mtimeNs: bigint; at: number }>();
  const turns: { name: string; ticket: number }[] = [];
  let looked = 0;
  for (const name of names) {
    const m = TURN.exec(name);
    if (!m || m[1] === me) continue;
    if (++looked > MAX_TURNS) break;
    const path = join(dir, name);
    try {
      const st = lstatSync(path, { bigint: true });
      const was = before?.get(name);
      const since = was?.mtimeNs === st.mtimeNs ? was : { mtimeNs: st.mtimeNs, at: now };
      seen.set(name, since);
      if (now - since.at > TURN_STALE_MS) continue;
      if (!st.isFile() || Date.now() - Number(st.mtimeMs) > TURN_STALE_MS) continue;
      const ticket = readSmall(path, 16);
      if (TICKET.test(ticket) && judge(dir, m[1]!, Number(m[2])) === 'alive')
        turns.push({ name: m[1]!, ticket: Number(ticket) });
    } catch {
      // Gone as it was looked at (its waiter's turn came), or not a file to read: no turn.
    }
  }
  if (seen.size > 0) turnsSeen.set(dir, seen);
  else turnsSeen.delete(dir);
  return turns;
}

/** Writes this thread's turn (`ticket`), or touches it; false when it cannot (then it waits as if nobody queued). */
function showTurn(file: string, state: Named, ticket: number): boolean {
  const path = join(usersDir(file), `${me}.turn`);
  try {
    if (state.turn === ticket && performance.now() - state.touched < TURN_TOUCH_MS) return true;
    // Touched; written where it is new, or was removed (with its entry, by a process that judged this thread gone):
    // into the folder of users only while it is one.
    if (state.turn !== ticket || !touch(path)) {
      ownFolder(file);
      writeFresh(path, String(ticket));
    }
    state.turn = ticket;
    state.touched = performance.now();
    return true;
  } catch {
    return false;
  }
}

/** Sets a file's times to now, not following a link; false when it is not there. */
function touch(path: string): boolean {
  try {
    const now = new Date();
    lutimesSync(path, now, now);
    return true;
  } catch {
    return false;
  }
}

/**
 * One operation of this thread that takes the record's lock (a read, a batch, an open), and may have to wait for it.
 * First come, first served: once one try met another's lock, it queues (`met`: its thread's `.turn` written); and
 * no operation tries while another thread's turn comes before its own (`ahead`): one not queued defers to every
 * turn (and queues behind them), so a thread that lets the lock go while others wait does not take it again before
 * them. Turns of threads gone, or not touched within TURN_STALE_MS (a waiter stopped), are passed over. `end` once
 * over, whatever its outcome: its thread's turn goes with the last of its operations queued.
 */
export class Turn {
  private state: Named | null = null;

  constructor(private readonly file: string) {}

  /** Whether another thread's turn comes first: this operation must not try now (it queues, if not yet). Never
   *  while this thread holds the lock (a transaction of it: others wait for it), or is not named. */
  ahead(): boolean {
    const state = named.get(this.file);
    if (!state?.listed || holding(state)) return false;
    const others = othersWaiting(this.file);
    if (this.state === null) {
      if (others.length === 0) return false;
      this.queue(state, others);
    }
    const mine = state.turn;
    if (mine === null || !showTurn(this.file, state, mine)) return false;
    return others.some((other) => other.ticket < mine || (other.ticket === mine && other.name < me));
  }

  /** Its try met another process's lock: it queues (once; its turn touched at each try since). */
  met(): void {
    const state = named.get(this.file);
    if (!state?.listed) return;
    if (this.state === null) this.queue(state, othersWaiting(this.file));
    else if (state.turn !== null) showTurn(this.file, state, state.turn);
  }

  /** Over (done, failed, given up): its thread's turn is removed with the last of its operations queued. */
  end(): void {
    const state = this.state;
    this.state = null;
    if (state === null || --state.queued > 0 || state.turn === null) return;
    state.turn = null;
    // Not another open's (its entry, and this turn with it, went as the record closed).
    if (named.get(this.file) === state) remove(join(usersDir(this.file), `${me}.turn`));
  }

  private queue(state: Named, others: { ticket: number }[]): void {
    this.state = state;
    state.queued++;
    if (state.turn === null) showTurn(this.file, state, 1 + Math.max(0, ...others.map((other) => other.ticket)));
  }
}
