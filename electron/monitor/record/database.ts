// The record's SQLite database: opening it (schema, pragmas, a corrupt file moved aside), and waiting out a
// lock held by another process. SQLite is node-sqlite3-wasm: a WebAssembly build whose VFS does file I/O
// through Node's fs, so the same code runs in plain Node and inside Electron with nothing to rebuild.
//
// What that VFS offers decides the journal: it has no shared-memory methods (xShm*), so WAL is refused
// (`PRAGMA journal_mode=WAL` answers 'delete'), and a lock is a directory `<file>.lock` made with mkdir: one
// holder at a time, readers included, and no sleeping busy handler (busy_timeout returns at once). Hence:
// - a rollback journal (TRUNCATE: no unlink and directory sync per commit). A kill -9 mid-transaction leaves a
//   hot journal, which SQLite never rolls back here: the VFS's xCheckReservedLock says "reserved" whenever
//   `<file>.lock` exists, its opener's own lock included, so no journal is ever judged hot. The record's open
//   (openRecord) plays it back itself, under the lock, before SQLite reads the file (journal.ts): at most the
//   last batch is lost (tested: a journal made mid-transaction rolled back to the very bytes of the file before
//   it). `netlens history` (read-only) never plays one back: it refuses the record while one is there (once it
//   holds the lock, where it may take it: a journal then is no live write's).
// - synchronous OFF: no fsync per batch. The OS still has every write when NetLens is killed or crashes, so
//   that case is safe; an OS crash or a power cut while writing may lose more or damage the file, which the
//   next start then moves aside. The fsync was half the cost of recording (bench:history: a batch's commit
//   took 2-20 ms under load, against a tick of 20-60 ms), and the record is a log, not a ledger.
// - a lock directory left by a killed process is removed, once no other process that may hold it is alive:
//   each thread that has the record open names itself in `<file>.users/` with what tells it is alive (a FIFO
//   it keeps open, which the kernel closes when it ends), and says which lock it is waiting for (lock.ts). A
//   transaction of any length keeps its lock, whatever the OS tells of pids (reused, another pid namespace),
//   and a killed holder's is taken over, also while several processes wait for it: at once when its entry
//   shows it gone, so every opener here names itself before its first statement, and one that cannot takes no
//   lock (the recorder and the worker's reader fail to open, `netlens history` reads without it).
// - one real path per record (recordPath): the VFS makes the lock beside the name it opens, so a record reached
//   through a symbolic link is opened by the file it leads to, by every opener (the recorder and its `.pid`, the
//   worker's reader, `netlens history`), and anything but a regular file is refused before SQLite opens it.
// - a statement that meets another process's lock is retried: `busy()` sleeps between tries (up to
//   BUSY_WAIT_MS) and is for the CLI only, a process of its own with nothing else to do; the monitor's worker
//   never sleeps (its thread ticks every tab's live view): its record requests retry with `whenFree()`, a timer
//   between tries, and end in RecordBusyError after a bound; its flushes keep what they hold and try again soon.
//   Each waits its turn (lock.ts Turn): first come, first served, so a process reading back to back does not
//   take the lock again before those waiting for it.
// - a read of several statements (`netlens history`, the History tab's requests) is one read transaction
//   (snapshot): it keeps the lock from its first statement to its last, so that all of it sees one commit.
// - what is checked when: PRAGMA quick_check reads every page (O(file): seconds on a record of gigabytes), so
//   it runs only where damage is likely and a fresh start is the cure: the recorder's first open after an
//   unclean end (a `<file>.pid` its writer did not remove: killed, crashed, an OS crash or power cut). Its
//   other opens check the header (headerCheck: a few bytes, finds a truncated file; not in readers, which
//   could catch a commit of the writer half done). Damage elsewhere is met by the statement that reads it
//   ("database disk image is malformed"): the recorder then moves the file aside (writeFailed), a reader (the
//   History tab's, `netlens history`) reports it.
// First: how V8 compiles SQLite's WebAssembly, a flag read when the module loads (heap.ts baselineWasmOnly).
import './sqlite-compiler.js';
import { Database } from 'node-sqlite3-wasm';
import { type JournalOutcome, rollBackJournal, unsoundJournal } from './journal.js';
import {
  clearStaleLock,
  lockIdentity,
  lockState,
  nameUser,
  readSmall,
  STALE_LOCK_MS,
  settleUser,
  Turn,
  unnameUser,
  usersNotAFolder,
  whatIs,
} from './lock.js';
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  lstatSync,
  mkdtempSync,
  openSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  type Stats,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { errorText } from '../../../shared/error-text.js';

export { clearStaleLock, STALE_LOCK_MS } from './lock.js';
const BUSY_WAIT_MS = 5000;
const BUSY_STEP_MS = 25;

/** How a record request in the worker waits for another process's lock: tries, and the time between them. */
export interface BusyWait {
  tries: number;
  stepMs: number;
}
/** About BUSY_WAIT_MS in all, none of it blocking. */
export const REQUEST_WAIT: BusyWait = { tries: BUSY_WAIT_MS / BUSY_STEP_MS, stepMs: BUSY_STEP_MS };

/** A record request that met another process's lock for longer than its bound (REQUEST_WAIT). */
export class RecordBusyError extends Error {
  constructor() {
    super('the record is busy (netlens history is reading it); try again');
    this.name = 'RecordBusyError';
  }
}
export const SCHEMA_VERSION = 4;

/** The meta key of the last close among the connections removed to keep the record under its size cap: before it,
 *  what was open is no longer all there (queries.ts recordBegins). */
export const CUT_UNTIL = 'cut_until';

/** Keeps `t` as the record's CUT_UNTIL, unless a later one is kept already. */
export function cutUntil(db: RecordDatabase, t: number): void {
  db.run(
    `INSERT INTO meta (key, value) VALUES ('${CUT_UNTIL}', ?1) ON CONFLICT (key) DO UPDATE SET value = ?1
      WHERE CAST(value AS INTEGER) < ?1`,
    [t],
  );
}

/**
 * The classes of a closed connection's duration (closed_at - first_seen) that conns_span indexes: under 1 s, 4 s,
 * 16 s, ... (x4 each) up to about 194 days, then one class for longer. A row of class k open at a moment t was
 * first seen in (t - SPAN_BOUNDS[k], t]: so the rows open at t are found among those first seen a class's bound
 * before t: at a steady rate about 4 x as many as were open at t (for the last class: every one first seen before t).
 */
export const SPAN_BOUNDS: readonly number[] = Array.from({ length: 13 }, (_, k) => 1000 * 4 ** k);
/** The class of a closed row's duration (conns_span's first column): queries use this very expression. */
export const SPAN = `CASE ${SPAN_BOUNDS.map((b, k) => `WHEN closed_at - first_seen < ${b} THEN ${k}`).join(' ')} ELSE ${SPAN_BOUNDS.length} END`;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
-- One run of a recorder: rows it left open ended no later than its last write (alive).
CREATE TABLE IF NOT EXISTS sessions (id INTEGER PRIMARY KEY, started INTEGER NOT NULL, alive INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS conns (
  id INTEGER PRIMARY KEY,
  session INTEGER NOT NULL,
  proto TEXT NOT NULL, family TEXT NOT NULL,
  local_addr TEXT NOT NULL, local_port INTEGER NOT NULL, remote_addr TEXT NOT NULL, remote_port INTEGER NOT NULL,
  states TEXT NOT NULL,
  listener INTEGER NOT NULL,
  pid INTEGER, process TEXT, user TEXT, exe TEXT, path TEXT,
  first_seen INTEGER NOT NULL,
  closed_at INTEGER,
  bytes_sent INTEGER, bytes_received INTEGER,
  -- The socket's inode (schema 3): tells apart a process's unnamed unix and raw sockets, which share all else.
  inode INTEGER,
  -- The socket's other owners (schema 4), after the one in pid and process: a JSON array of [pid, name] in PID
  -- order (recorder.ts othersJson), NULL for a socket of one owner or none.
  others TEXT
);
-- Indexes on conns (each costs every insert and close: bench:history). first_seen: the timeline, and pruning.
CREATE INDEX IF NOT EXISTS conns_first ON conns (first_seen);
-- What was open at a moment t (queries.ts OVERLAPPING): rows still open (closed_at NULL: open now, or left open
-- when their recording ended) by session, then first_seen; closed rows by the class of their duration, then
-- first_seen: a row of class k that was open at t was first seen in (t - SPAN_BOUNDS[k], t].
CREATE INDEX IF NOT EXISTS conns_live ON conns (session, first_seen) WHERE closed_at IS NULL;
CREATE INDEX IF NOT EXISTS conns_span ON conns (${SPAN}, first_seen) WHERE closed_at IS NOT NULL;
-- Listeners by first sighting (what changed: those that opened and closed within a range, which neither end of it
-- shows), with what chooses among them (queries.ts LISTENERS_FIRST_SEEN): a few rows of the many, so a week's range
-- reads them and not every connection of the week.
CREATE INDEX IF NOT EXISTS conns_listeners ON conns (first_seen, proto, local_port) WHERE listener = 1;
-- When each process and remote address was first seen: "what changed" and alerts ask these small tables
-- instead of searching every connection. Kept beyond the retention (names and addresses only).
-- A process's user and executable as first seen using the network (schema 4; NULL where unknown): a name is anybody's
-- choice, so another user's or program's use of a name seen before is news too (recorder.ts otherProgram).
CREATE TABLE IF NOT EXISTS processes (name TEXT PRIMARY KEY, first_seen INTEGER NOT NULL, user TEXT, exe TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS remotes (address TEXT PRIMARY KEY, first_seen INTEGER NOT NULL, process TEXT) WITHOUT ROWID;
-- By first sighting: "new since" lists (what changed) and over-cap pruning, oldest first.
CREATE INDEX IF NOT EXISTS processes_first ON processes (first_seen);
CREATE INDEX IF NOT EXISTS remotes_first ON remotes (first_seen);
-- Which process reached which country, autonomous system or (where neither is known) prefix: the subjects of
-- shared/record.ts networkNews, so "new country or network" alerts compare per process. Kept like the above.
CREATE TABLE IF NOT EXISTS reached (subject TEXT PRIMARY KEY, first_seen INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS reached_first ON reached (first_seen);
CREATE TABLE IF NOT EXISTS iface_minutes (minute INTEGER NOT NULL, iface TEXT NOT NULL, rx INTEGER NOT NULL, tx INTEGER NOT NULL,
  PRIMARY KEY (minute, iface)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS process_minutes (minute INTEGER NOT NULL, process TEXT NOT NULL, rx INTEGER NOT NULL, tx INTEGER NOT NULL,
  PRIMARY KEY (minute, process)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS alerts (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, kind TEXT NOT NULL, subject TEXT NOT NULL, text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS alerts_at ON alerts (at);
CREATE TABLE IF NOT EXISTS known (kind TEXT NOT NULL, subject TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (kind, subject)) WITHOUT ROWID;
-- The oldest marks go first past the recorder's MAX_KNOWN.
CREATE INDEX IF NOT EXISTS known_at ON known (at);
`;

export type RecordDatabase = Database;
/** SQLite's own connection, for tests that hold the record's lock or read its file as it is: from here, so that
 *  SQLite is loaded after its compiler flag (heap.test.ts checks that this module alone loads it). */
export { Database };

/** A connection to the record that names its process among the record's users while open (see the header). */
class RecordConnection extends Database {
  private named: string | null = null;

  /** From now until closed, this process is among the users of the record at `file` (lock.ts). Throws when it
   *  cannot be named (its entry not written): it must then take no lock (lock.ts: the grace). */
  nameAs(file: string): void {
    if (this.named !== null) return;
    this.named = file;
    const failure = nameUser(file, this);
    if (failure === null) return;
    // A full disk keeps its code (the recorder says so).
    if ((failure as NodeJS.ErrnoException).code === 'ENOSPC') throw failure;
    throw new Error(`cannot name this process among the users of the record in ${file}.users: ${errorText(failure)}`);
  }

  /** Its first statement ran: named beyond doubt (lock.ts settleUser). */
  settle(): void {
    if (this.named !== null) settleUser(this.named);
  }

  /** Closes it; `notARecord`: the file was none (lock.ts unnameUser). */
  override close(notARecord = false): void {
    try {
      super.close();
    } finally {
      if (this.named !== null) unnameUser(this.named, this, notARecord);
      this.named = null;
    }
  }
}

/** Brings a record written by an earlier NetLens up to SCHEMA_VERSION (or stamps a new one). */
function migrate(db: Database, from: number | null): void {
  db.exec('BEGIN IMMEDIATE');
  if (from === 1) {
    // Version 1 indexed conns three more ways; version 2 keeps first sightings in their own tables.
    db.exec(
      'DROP INDEX IF EXISTS conns_open; DROP INDEX IF EXISTS conns_remote; DROP INDEX IF EXISTS conns_process; ALTER TABLE conns DROP COLUMN key',
    );
    db.exec(`INSERT OR IGNORE INTO processes (name, first_seen) SELECT process, min(first_seen) FROM conns WHERE process IS NOT NULL GROUP BY process;
      INSERT OR IGNORE INTO remotes (address, first_seen, process)
        SELECT remote_addr, min(first_seen), process FROM conns WHERE proto != 'unix' AND listener = 0 GROUP BY remote_addr`);
  }
  // Schema 3 keeps each socket's inode (rows written before have none).
  if (from !== null && from < 3) db.exec('ALTER TABLE conns ADD COLUMN inode INTEGER');
  // Schema 4 keeps a shared socket's other owners (rows written before have one), and the user and executable a
  // process name was first seen with (filled at its next sighting for the names seen before).
  if (from !== null && from < 4)
    db.exec(
      'ALTER TABLE conns ADD COLUMN others TEXT; ALTER TABLE processes ADD COLUMN user TEXT; ALTER TABLE processes ADD COLUMN exe TEXT',
    );
  db.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('version', ?)", [String(SCHEMA_VERSION)]);
  db.exec('COMMIT');
}

/** A file that is not a NetLens record (readRecord), or one this NetLens cannot read as one. */
export class NotARecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotARecordError';
  }
}

/** What a file that is not a regular one is, for the message that refuses it. */
const kindOf = (path: string): string => whatIs(statSync(path));

/** What is at `path` when it is there and not a regular file (never followed), else null. */
function notAJournal(path: string): string | null {
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(path);
  } catch {
    return null;
  }
  return st.isFile() ? null : whatIs(st);
}

/**
 * The record's one real path (symbolic links resolved), which every opener uses: the recorder and its `.pid`, the
 * History tab's reads, `netlens history`. The lock is made beside the name SQLite opens, so a record reached
 * through a link must be opened by its real path, else a reader through the link locks beside the link and reads
 * while the recorder writes. A name that leads to no regular file is refused (NotARecordError) before SQLite
 * opens it: a dangling link (never a file created through it), a loop of links, a FIFO (whose open waits for a
 * writer), a folder. `create`: a record not there yet is the name in its folder's real path. Its folder may be
 * anybody's (`--db`): the lock's own files there are written as lock.ts writes them (no link followed). A name
 * changed after this (a link swapped) is opened as SQLite opens names: the VFS follows links. A hard link is not
 * resolved (nothing tells which name is the record's): its reader locks beside it, unseen by a recorder writing
 * by another name (README). Refusing files of several names would refuse hard-linked snapshots, which nobody
 * writes.
 */
export function recordPath(file: string, create: boolean): string {
  let st: Stats;
  try {
    st = lstatSync(file);
  } catch (err) {
    if (!create || (err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return join(realpathSync(dirname(resolve(file))), basename(file));
  }
  const link = st.isSymbolicLink();
  // A link another user made (in a folder others may write to: `--db` there) is not followed: it could lead the
  // recorder to a file of this user's (root's: any), which it would open, and move aside as a corrupt record
  // (attack review of 12-05). This user's links and root's are followed.
  const me = process.getuid?.();
  if (link && me !== undefined && st.uid !== me && st.uid !== 0)
    throw new NotARecordError(
      `${file} is a symbolic link another user made (uid ${st.uid}): NetLens does not follow it to a record`,
    );
  let real: string;
  try {
    real = realpathSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new NotARecordError(`${file} is a loop of symbolic links, not a NetLens record`);
    if (code === 'ENOENT' && link) throw new NotARecordError(`${file} is a symbolic link to nothing`);
    throw err;
  }
  if (!statSync(real).isFile())
    throw new NotARecordError(`${file} is not a NetLens record (${link ? `a link to ${real}: ` : ''}${kindOf(real)})`);
  return real;
}

/** What kind of failure an SQLite error is: the recorder moves a corrupt file aside, pauses on I/O errors. */
export function failureKind(err: unknown): 'corrupt' | 'busy' | 'io' {
  // Its message names the file, whose name may say anything.
  if (err instanceof NotARecordError) return 'io';
  const text = err instanceof Error ? err.message : String(err);
  if (/malformed|not a database|corrupt/i.test(text)) return 'corrupt';
  if (/database is locked|database table is locked|\bbusy\b/i.test(text)) return 'busy';
  return 'io';
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** What a try of `fn` in its turn (lock.ts Turn) came to: its value, or that it must wait (the lock another's, or
 *  another's turn first: its error then, if it tried). The last try (`last`) tries whatever the turns. */
function inTurn<T>(turn: Turn, fn: () => T, last: boolean): { value: T } | { busy: unknown } {
  if (!last && turn.ahead()) return { busy: null };
  try {
    return { value: fn() };
  } catch (err) {
    if (failureKind(err) !== 'busy') throw err;
    turn.met();
    return { busy: err };
  }
}

/** Runs `fn`, retrying while another process holds the database's lock (up to `waitMs`, by the monotonic clock: a
 *  wall clock stepped does not end it), sleeping between tries: for the CLI only (see the header; the worker uses
 *  whenFree, and sleeps only as the recorder closes). In its turn (lock.ts Turn): first come, first served; `turn`:
 *  the caller's, for an operation of several steps (readRecord), which it ends. */
export function busy<T>(file: string, fn: () => T, turn?: Turn, waitMs = BUSY_WAIT_MS): T {
  const deadline = performance.now() + waitMs;
  const own = turn ?? new Turn(file);
  try {
    for (;;) {
      const last = performance.now() > deadline;
      const tried = inTurn(own, fn, last);
      if ('value' in tried) return tried.value;
      if (last) throw tried.busy;
      clearStaleLock(file);
      // A synchronous sleep: the database API is synchronous, and this runs in the worker or the CLI.
      Atomics.wait(sleeper, 0, 0, BUSY_STEP_MS);
    }
  } finally {
    if (!turn) own.end();
  }
}

/**
 * Runs `fn`, retrying while another process holds the database's lock, with a timer between tries: the thread
 * keeps running everything else meanwhile (the monitor's ticks). After `wait.tries` retries: RecordBusyError. In its
 * turn (lock.ts Turn), as busy().
 */
export async function whenFree<T>(file: string, fn: () => T, wait: BusyWait = REQUEST_WAIT): Promise<T> {
  const turn = new Turn(file);
  try {
    for (let retries = 0; ; retries++) {
      const last = retries >= wait.tries;
      const tried = inTurn(turn, fn, last);
      if ('value' in tried) return tried.value;
      if (last) throw new RecordBusyError();
      clearStaleLock(file);
      await new Promise((resolve) => setTimeout(resolve, wait.stepMs));
    }
  } finally {
    turn.end();
  }
}

function stamp(at: number): string {
  return new Date(at).toISOString().replace(/[:.]/g, '-');
}

export interface Opened {
  db: RecordDatabase;
  /** Set when the file was corrupt: where it was moved. */
  movedAside: string | null;
  /** What the open did with a journal a killed writer left (journal.ts). */
  journal: JournalOutcome;
}

/** The first `length` bytes of a file (SQLite's header is its first 100). */
function readHeader(file: string, length: number): Buffer {
  const header = Buffer.alloc(length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, header, 0, length, 0);
  } finally {
    closeSync(fd);
  }
  return header;
}

/** A file's size, or null when it cannot be told (missing, or not for this user to see: the open says why). */
function sizeOf(path: string): number | null {
  try {
    return statSync(path).size;
  } catch {
    return null;
  }
}

/**
 * Throws a corrupt error when the file's header says it is longer than it is (a truncated record): O(1). Not
 * while a journal is beside it (the open rolls that back first), nor for an empty or missing file (a new one).
 * For the recorder's open only: nobody else writes the file then.
 */
function headerCheck(file: string): void {
  const size = sizeOf(file);
  if (!size || (sizeOf(`${file}-journal`) ?? 0) > 0) return;
  const header = readHeader(file, 100);
  // Not SQLite at all: the open says "file is not a database" itself.
  if (header.toString('latin1', 0, 16) !== 'SQLite format 3\0') return;
  const raw = header.readUInt16BE(16);
  const pageSize = raw === 1 ? 65536 : raw;
  const pages = header.readUInt32BE(28);
  // The page count is valid when the change counter matches "version valid for" (SQLite's file format, 1.3.7).
  if (header.readUInt32BE(24) !== header.readUInt32BE(92) || pages === 0) return;
  if (pages * pageSize > size)
    throw new Error(
      `database disk image is malformed (${pages} pages of ${pageSize} bytes in its header, ${size} bytes on disk)`,
    );
}

function openChecked(file: string, create: boolean, wait: boolean, check: boolean): RecordDatabase {
  clearStaleLock(file);
  if (create) headerCheck(file);
  const db = new RecordConnection(file, { fileMustExist: !create });
  try {
    db.nameAs(file);
  } catch (err) {
    db.close();
    throw err;
  }
  try {
    (wait ? busy : (_: string, fn: () => void) => fn())(file, () => {
      // auto_vacuum must be set before the first table: pruning then gives pages back to the file system.
      // A 4 MB page cache. With SQLite's default 2 MB the pages a batch touches were read back through the VFS
      // (a syscall each) and a flush took twice as long (bench:history); 16 MB flushed no faster than 4
      // (bench:history, 4 runs: 25-26 ms against 27-28), and its pages stay in SQLite's WebAssembly memory, which
      // never shrinks: 13.2 MB resident against 4.8 after 600 ticks of 20,000 sockets at 1 % churn, and up to
      // about 18 once the record outgrows the cache (docs/performance.md, "SQLite's page cache").
      db.exec(
        'PRAGMA auto_vacuum = INCREMENTAL; PRAGMA journal_mode = TRUNCATE; PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF; PRAGMA cache_size = -4096',
      );
      // Past another process's lock (the pragmas read the file): what follows may be long (a check of every
      // page, a migration), and the lock this connection takes for it must be seen alive throughout.
      db.settle();
      if (check) {
        const result = db.all('PRAGMA quick_check(1)') as { quick_check: string }[];
        if (result[0]?.quick_check !== 'ok')
          throw new Error(`database disk image is malformed (${String(result[0]?.quick_check)})`);
      }
      db.exec(`BEGIN IMMEDIATE; ${SCHEMA} COMMIT`);
      const version = db.get("SELECT value FROM meta WHERE key = 'version'") as { value: string } | null;
      if (version !== null && Number(version.value) > SCHEMA_VERSION)
        throw new Error(`the record was written by a newer NetLens (schema ${version.value})`);
      if (version === null || Number(version.value) < SCHEMA_VERSION)
        migrate(db, version === null ? null : Number(version.value));
      // Tables missing were made above; a column missing (a file altered by hand) is refused, never written to.
      const problem = schemaProblem(db);
      if (problem !== null) throw new NotARecordError(`${file} is not a NetLens record: ${problem}`);
    });
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    db.close();
    throw err;
  }
  return db;
}

/**
 * Opens (or creates) the record. A file that is not a database, or fails SQLite's quick check (a truncated
 * or overwritten file), is moved aside as `<file>.corrupt-<time>` with its journal, and a fresh one started.
 * Other failures (permission denied, a read-only folder, a full disk) are thrown for the caller to report.
 */
export function openRecord(
  file: string,
  options: {
    create: boolean;
    now?: number;
    /** false: another process's lock fails the open at once (a busy error), for the worker to retry later. */
    wait?: boolean;
    /** Reads every page first (PRAGMA quick_check): the recorder's open after an unclean end (see the header). */
    check?: boolean;
    /** Told what was done with a journal a killed writer left (journal.ts) before the open goes on, and may fail. */
    journal?: (outcome: JournalOutcome) => void;
  },
): Opened {
  const wait = options.wait ?? true;
  file = recordPath(file, options.create);
  // SQLite writes the journal at `<file>-journal` by its name, and this VFS opens it following a link: a link put
  // there would have the record's journal written into whatever file it names (run as root: any file), a FIFO would
  // hang the open. Only a regular file (or none) is SQLite's.
  const planted = notAJournal(`${file}-journal`);
  if (planted !== null)
    throw new NotARecordError(
      `${file}-journal is ${planted}, not the record's journal: NetLens will not write the journal through it (remove it)`,
    );
  // A journal a killed writer left, played back (journal.ts) before SQLite, which never does here, reads the file;
  // by every open here, the worker's reader's too: the first statement of each (PRAGMA auto_vacuum) is a write
  // transaction, whose commit deletes it. One that is not sound is moved aside (kept, and said: `journal`), and the
  // recorder's open checks every page. One that must stay where it is (sound but not played back, or not movable)
  // refuses the open: SQLite would delete it.
  const roll = (): JournalOutcome => {
    const outcome = rollBackJournal(file, options.now ?? Date.now());
    // A journal beside a lock another holds: live (its write going on), or left by a holder killed since. SQLite's
    // open, taking the lock once free, would delete it unplayed: tried again here instead (a busy error).
    if (outcome.kind === 'held') throw new Error('database is locked');
    return outcome;
  };
  const journal = wait ? busy(file, roll) : roll();
  options.journal?.(journal);
  if (journal.kind === 'failed' || (journal.kind === 'refused' && journal.aside === null))
    throw new NotARecordError(
      journal.kind === 'failed'
        ? `${file}-journal holds a write that did not finish, and ${journal.reason}; NetLens will not open the record until it can (SQLite would discard it): the record and its folder must be writable to NetLens`
        : `${file}-journal is a write left unfinished that cannot be rolled back (${journal.reason}); NetLens will not open the record while it is there (SQLite would discard it): move it away (it may be kept to look at)`,
    );
  const check = (options.check ?? false) || (options.create && journal.kind === 'refused');
  try {
    return { db: openChecked(file, options.create, wait, check), movedAside: null, journal };
  } catch (err) {
    if (failureKind(err) !== 'corrupt' || !options.create) throw err;
    const aside = `${file}.corrupt-${stamp(options.now ?? Date.now())}`;
    renameSync(file, aside);
    if (existsSync(`${file}-journal`)) renameSync(`${file}-journal`, `${aside}-journal`);
    return { db: openChecked(file, true, wait, false), movedAside: aside, journal };
  }
}

// ---------------------------------------------------------------------------------------------
// Reading a record from another process (`netlens history`): never a write

/** Every table of SCHEMA and its columns, as SQLite reads them (an empty database in memory made with it, once). */
let schemaColumns: Map<string, string[]> | null = null;
function expectedColumns(): Map<string, string[]> {
  if (schemaColumns) return schemaColumns;
  const mem = new Database();
  try {
    mem.exec(SCHEMA);
    const tables = mem.all("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") as { name: string }[];
    schemaColumns = new Map(
      tables.map((t) => [
        t.name,
        (mem.all('SELECT name FROM pragma_table_info(?)', [t.name]) as { name: string }[]).map((c) => c.name),
      ]),
    );
  } finally {
    mem.close();
  }
  return schemaColumns;
}

/** What a record of this schema lacks (a table, a column), said for its refusal; null when it has them all. A
 *  file made otherwise (a copy altered by hand, another program's) would fail its queries with what they met
 *  (a JavaScript TypeError on a column read as undefined). Reads the schema only (sqlite_master, O(tables)).
 *  Each table must be a plain table: a view, a virtual table or a column computed as it is read (generated
 *  VIRTUAL) answers pragma_table_info as a table does, but runs whatever SQL the file's author wrote at every
 *  read (an endless recursive view held `netlens history` for good, its memory growing). */
export function schemaProblem(db: RecordDatabase): string | null {
  const missing: string[] = [];
  for (const [table, columns] of expectedColumns()) {
    // A table of stored values has pages of its own: a view and a virtual table have none (rootpage 0), whatever
    // their SQL text says (`CREATE/**/VIRTUAL` reads past any pattern on it).
    const made = db.get(
      "SELECT type, rootpage FROM sqlite_master WHERE name = ? COLLATE NOCASE AND type IN ('table', 'view')",
      [table],
    ) as { type: string; rootpage: number } | null;
    if (made !== null && made.rootpage === 0) {
      missing.push(`its ${table} is ${made.type === 'view' ? 'a view, not a table' : 'a virtual table'}`);
      continue;
    }
    const info = db.all('SELECT name, hidden FROM pragma_table_xinfo(?)', [table]) as {
      name: string;
      hidden: number;
    }[];
    const has = new Set(info.map((c) => c.name));
    if (has.size === 0) missing.push(`it has no table ${table}`);
    else {
      const lacks = columns.filter((c) => !has.has(c));
      if (lacks.length > 0)
        missing.push(`its ${table} table has no column${lacks.length > 1 ? 's' : ''} ${lacks.join(', ')}`);
      const computed = info.filter((c) => c.hidden !== 0).map((c) => c.name);
      if (computed.length > 0)
        missing.push(`its ${table} table has generated column${computed.length > 1 ? 's' : ''} ${computed.join(', ')}`);
    }
  }
  return missing.length === 0 ? null : missing.join('; ');
}

/** The record's version, checked: a file that is not a NetLens record, or one of another schema, is refused; so is
 *  one of this schema that lacks a table or a column of it (schemaProblem). */
function checkRecord(db: RecordDatabase, file: string): void {
  const meta = db.get("SELECT 1 AS k FROM sqlite_master WHERE type = 'table' AND name = 'meta'");
  const version = meta
    ? (db.get("SELECT value FROM meta WHERE key = 'version'") as { value: string } | null)?.value
    : undefined;
  if (version === undefined || !/^\d{1,6}$/.test(version)) throw new NotARecordError(`${file} is not a NetLens record`);
  if (Number(version) > SCHEMA_VERSION)
    throw new NotARecordError(`${file} was written by a newer NetLens (schema ${version})`);
  if (Number(version) < SCHEMA_VERSION)
    throw new NotARecordError(
      `${file} was written by an older NetLens (schema ${version}): NetLens brings it up to date when it next records to it`,
    );
  const problem = schemaProblem(db);
  if (problem !== null) throw new NotARecordError(`${file} is not a NetLens record: ${problem}`);
}

/** Opens `path` read-only (no journal, no schema, no migration) and checks it is a record, named `shown`. When
 *  `named`, `path` is the record's real path, and the connection is named among its users before its first
 *  statement takes the lock (lock.ts: a lock nobody named made is kept for the grace); else (a private symlink's
 *  lock) it is not. */
function openReadOnly(path: string, shown: string, named: boolean): RecordDatabase {
  const db = new RecordConnection(path, { readOnly: true });
  try {
    if (named) db.nameAs(path);
    db.exec('PRAGMA cache_size = -16384');
    checkRecord(db, shown);
    if (named) db.settle();
  } catch (err) {
    db.close(err instanceof NotARecordError);
    throw err;
  }
  return db;
}

/** Whether the file begins as SQLite's do: nothing else is named among its users (no `.users` beside a file of
 *  somebody's that `--db` named). Read without waiting (a FIFO put in its place). */
function looksLikeSqlite(file: string): boolean {
  try {
    return readSmall(file, 16) === 'SQLite format 3\0';
  } catch {
    return false;
  }
}

/** What tells that a file changed: SQLite's change counter (header bytes 24-27, bumped by every commit), its
 *  size and its modification time. */
function fileVersion(file: string): string {
  const header = readHeader(file, 28);
  const st = statSync(file, { bigint: true });
  return `${header.readUInt32BE(24)} ${st.size} ${st.mtimeNs}`;
}

/** Refuses a record beside which a write left unfinished (a killed writer's journal, which only an open that may
 *  write plays back: journal.ts), where no live write can be holding it (its lock held by this reader, or none). A
 *  reader would read the write's half. `unlocked`: why it reads without the lock, or null. */
function refuseUnfinished(file: string, unlocked: string | null): void {
  let journal = 0;
  try {
    journal = statSync(`${file}-journal`).size;
  } catch {
    // No journal: nothing to roll back.
  }
  if (journal === 0) return;
  // What NetLens does with it, and when: its open of the record, as recording starts or the History tab reads.
  const when = 'when it next opens the record (as it starts recording, or as its History tab reads)';
  const unsound = unsoundJournal(file);
  throw new Error(
    unsound === null
      ? `${file}-journal holds a write that did not finish; NetLens rolls it back ${when}${unlocked === null ? '' : ` (${unlocked})`}`
      : `${file}-journal holds a write that did not finish, which cannot be rolled back (${unsound}); NetLens moves it aside ${when}, and the record may keep part of that write${unlocked === null ? '' : ` (${unlocked})`}`,
  );
}

/** Tries of a read without the lock (a read-only folder) that the record changed under. */
const UNLOCKED_TRIES = 3;

/** Why the record's lock kept a reader out (BUSY_WAIT_MS): whose it is, as far as can be told (lock.ts). */
function busyError(file: string, state = lockState(file)): Error {
  const lock = `${file}.lock`;
  if (!state.held) return new Error('the record is busy; try again');
  if (state.holders.length > 0)
    return new Error(
      `the record is busy: ${lock} is held by process ${state.holders.join(' or ')} (NetLens writing it, or netlens history reading it); try again`,
    );
  const planted = usersNotAFolder(file);
  if (planted !== null)
    return new Error(
      `the record is busy: ${lock} is held, by whom cannot be told: ${file}.users is ${planted}, not a folder of the record's users (NetLens moves it away as it next starts recording, where it may; until then it cannot record to the file)`,
    );
  if (state.stale)
    return new Error(
      `the record is busy: ${lock} is a lock left by a process that is gone, and this user may not remove it; NetLens removes it when it next opens the record`,
    );
  return new Error(
    `the record is busy: ${lock} is held, by whom this user cannot tell (a process that ended moments ago: its lock is taken over ${STALE_LOCK_MS / 1000} s after it was taken; or one whose name in ${file}.users this user may not read); try again`,
  );
}

/**
 * Runs `read` in one read transaction: every statement of it sees the same commit of the record. The VFS's lock is
 * taken by a statement and, outside a transaction, let go at its end: a read of several statements (what changed
 * runs a dozen) could see a batch the recorder wrote between two of them, and mix two moments (a listener whose
 * owner was written meanwhile, listed as new and as gone). In a transaction the lock is kept from its first
 * statement to its end: the recorder's batch meanwhile meets it and waits for its next flush (recorder.ts), a
 * request of the History tab waits as for any holder (whenFree). A failure rolls it back: a first statement that
 * met another holder's lock is retried from the start (busy, whenFree), the read afresh.
 */
export function snapshot<T>(db: RecordDatabase, read: (db: RecordDatabase) => T): T {
  // Already in one (a caller's transaction): its statements see one commit already.
  if (db.inTransaction) return read(db);
  db.exec('BEGIN');
  try {
    const value = read(db);
    db.exec('COMMIT');
    return value;
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw err;
  }
}

/** Runs `fn` as busy() does, failing with what holds the lock (busyError) instead of SQLite's "database is
 *  locked". */
function busyOrSay<T>(file: string, fn: () => T, turn: Turn): T {
  try {
    return busy(file, fn, turn);
  } catch (err) {
    if (failureKind(err) === 'busy') throw busyError(file);
    throw err;
  }
}

/**
 * Reads the record at `file` with `read`, for another process than its recorder (`netlens history`): opened
 * read-only, so a record the user may only read is read (a file of mode 0444), and nothing is ever written to
 * the file, nor tables created in it: a file that is not a NetLens record is refused (NotARecordError).
 *
 * Locking: the VFS's lock is a directory made beside the file (its real path: recordPath). In a folder the user
 * may not write, none can be made; nor may a reader take it that cannot name itself among the record's users (a
 * `<file>.users` it may not write, or none yet in another user's folder, which it does not make: lock.ts, the
 * grace; or something else than a folder put there, which `warn` is told: the recorder cannot record either). The record is then read without it, through a symlink in a private temporary folder (the VFS locks
 * beside the name it opens): only when no lock is held or the lock is stale (its holder gone: lock.ts; this
 * user cannot remove it, and `warn` is told), and the read counts only if the file did not change while it ran
 * (fileVersion before and after, and the same lock, or none, at the end); else it is read again, up to
 * UNLOCKED_TRIES times. A journal left by a killed writer is played back only by an open that may write the file
 * (openRecord, journal.ts): such a record is refused until NetLens opens it, with the lock or without.
 * The read is one read transaction (snapshot): all of it sees one commit of the record, and the lock is held
 * throughout.
 */
export function readRecord<T>(
  file: string,
  read: (db: RecordDatabase) => T,
  warn: (text: string) => void = () => {},
): T {
  const shown = file;
  // One real path, the recorder's (recordPath); and a file: SQLite's open of anything else may wait for good (a
  // FIFO, in the folder of whoever --db names: an open for reading waits for a writer).
  file = recordPath(file, false);
  if (!looksLikeSqlite(file)) throw new NotARecordError(`${shown} is not a NetLens record`);
  // Why it reads without the lock, if it does (said in what it reports), else null.
  let unlocked: string | null = null;
  try {
    accessSync(dirname(file), constants.W_OK);
  } catch {
    unlocked = 'this user may not write its folder';
  }
  // Named for the whole read, its tries included (a reader waiting for a dead holder's lock says so at each:
  // lock.ts markWaiting). One that cannot be named (a `.users` of another user's in a folder it may write) reads
  // as where it may not write: without the lock.
  const reader = { inTransaction: false };
  // Nor does a reader make the folder of users in a folder of another user's (root reading with --db): its owner's
  // NetLens could not name itself in there after.
  const uid = process.getuid?.();
  if (unlocked === null && uid !== undefined && !existsSync(`${file}.users`) && statSync(dirname(file)).uid !== uid)
    unlocked = `this user may not make ${file}.users in another user's folder`;
  // Said with what was read: what else than a folder is at `<file>.users`, which keeps the recorder from recording.
  let plantedNote: string | null = null;
  if (unlocked === null && nameUser(file, reader) !== null) {
    unnameUser(file, reader);
    const planted = usersNotAFolder(file);
    unlocked =
      planted === null ? `this user may not name itself in ${file}.users` : `${file}.users is ${planted}, not a folder`;
    // (A lock held: busyError says it.)
    if (planted !== null)
      plantedNote = `${file}.users is ${planted}, not a folder of the record's users: the record was read without its lock. NetLens cannot record to it until that is moved away, which NetLens does as it next starts recording (where it may)`;
  }
  if (unlocked === null) {
    let notARecord = false;
    // One turn for the open and the read: one waits for the lock once.
    const turn = new Turn(file);
    try {
      const db = busyOrSay(file, () => openReadOnly(file, shown, true), turn);
      try {
        return busyOrSay(
          file,
          () =>
            snapshot(db, (db) => {
              // Its first statement takes the lock: a journal there now is no live write's, but one left unfinished.
              db.get('SELECT 1 FROM sqlite_master LIMIT 1');
              refuseUnfinished(file, null);
              return read(db);
            }),
          turn,
        );
      } finally {
        db.close();
      }
    } catch (err) {
      notARecord = err instanceof NotARecordError;
      throw err;
    } finally {
      turn.end();
      unnameUser(file, reader, notARecord);
    }
  }
  for (let attempt = 0; attempt < UNLOCKED_TRIES; attempt++) {
    // No lock, or a stale one (its identity: the same must be there after the read): else wait, as a reader
    // that may take the lock would.
    const left = busy(file, () => {
      const state = lockState(file);
      if (state.held && !state.stale) throw busyError(file, state);
      return state.held ? state.identity : null;
    });
    refuseUnfinished(file, unlocked);
    const before = fileVersion(file);
    const dir = mkdtempSync(join(tmpdir(), 'netlens-record-'));
    try {
      const link = join(dir, basename(file));
      symlinkSync(resolve(file), link);
      let result: { value: T } | null = null;
      let failure: unknown = null;
      try {
        const db = openReadOnly(link, shown, false);
        try {
          result = { value: snapshot(db, read) };
        } finally {
          db.close();
        }
      } catch (err) {
        failure = err;
      }
      // A failure of a read that a write ran under may be that write's doing: read again.
      if (lockIdentity(file) === left && fileVersion(file) === before) {
        if (left !== null)
          warn(
            `${file}.lock is a lock left by a process that is gone; ${unlocked} to remove it, so the record was read without it. NetLens removes it when it next opens the record (so does netlens history run by a user who may write ${dirname(file)})`,
          );
        if (!result) throw failure;
        if (plantedNote !== null) warn(plantedNote);
        return result.value;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  throw new Error(`the record kept changing while it was read without its lock (${unlocked}); try again`);
}
