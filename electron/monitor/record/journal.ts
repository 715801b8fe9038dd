// Rolling back the journal a killed writer left (a hot journal), which SQLite never does here: node-sqlite3-wasm's
// VFS answers xCheckReservedLock "reserved" whenever `<file>.lock` exists, its opener's own lock included, and SQLite
// asks it right after taking that lock, so a journal beside the file is never judged hot, and the half-written
// transaction stays in the file (pages of a batch written, others not: a record of wrong rows, or a damaged one).
// The VFS is inside the library's closure: so the record's open (database.ts openRecord: the recorder's, and the
// worker's reader's, whose first write transaction would discard the journal) plays it back itself before SQLite
// opens the file, as SQLite's pager would
// (pager.c pager_playback; https://www.sqlite.org/fileformat2.html#the_rollback_journal):
//   - a header: magic d9d505f920a163d7, the count of records (0xffffffff: as many as the file holds, which is what
//     synchronous=OFF writes), the checksum's nonce, the file's page count before the transaction, the sector size
//     and the page size (the first header only); padded to the sector size;
//   - records: a page number, the page as it was, a checksum (the nonce plus the page's bytes at pageSize-200,
//     -400, ... > 0); after a header's records, the next header at the next sector boundary;
//   - played back until a bad checksum, a page number of 0 or the lock-byte page, a bad magic, or the end of the
//     file (a record cut short: not played); a page past the first header's page count is skipped (before its
//     checksum is looked at, as SQLite does), and of a page recorded twice the first (the older) copy counts (SQLite
//     never journals a page twice in a transaction; its hot playback would leave the last); then the file is cut (or
//     grown) to that page count. Several headers: synchronous NORMAL or FULL syncs the journal before a page of the
//     file is overwritten, and each sync ends a segment (its count written) and begins the next; synchronous OFF (the
//     record's) writes one, of count 0xffffffff (tested on journals SQLite wrote, against SQLite's own playback).
// Safe against a damaged or hostile journal: nothing is written unless the whole journal was read first and found
// sound: owned by the record's owner (not planted by another user in a folder others may write), page and sector
// sizes powers of two (512..65536 and 32..65536), the page size the file's own, the file's new length within
// reason (a transaction that shrank it journals every page it moved, and each page it dropped is free: listed on a
// free-list page it journaled, at most pageSize/4 of them on each); and never a write past that length. A journal
// that is not sound, or names a super-journal (a transaction over several databases, which NetLens never writes),
// is moved aside, under the lock, to `<file>-journal.left-<time>` (kept for the user to look at, never used) and said;
// the recorder's open then checks every page (the file may hold what the journal would have undone). Left where it
// is, SQLite would discard it: every open's first statement (PRAGMA auto_vacuum) is a write transaction, which in
// the DELETE journal mode a connection starts in deletes `<file>-journal` as it commits (tested). So a journal that
// cannot be moved aside, or a sound one that could not be played back (the file not writable), refuses the open
// (database.ts openRecord) until it can be. It is done under the record's lock, taken as SQLite's openers take it: named among the
// record's users first (lock.ts), a lock left by a process that is gone cleared as theirs is (clearStaleLock), and
// a lock a live process holds left alone: the open then waits for it, or fails busy (to be tried again), and never
// goes on to SQLite, which would take the lock once free and delete the journal (a holder killed while the open
// waited: tested).
import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  type Stats,
  ftruncateSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmdirSync,
  writeSync,
} from 'node:fs';
import { errorText } from '../../../shared/error-text.js';
import { clearStaleLock, nameUser, unnameUser } from './lock.js';

const MAGIC = Buffer.from('d9d505f920a163d7', 'hex');
/** The header's fields: magic, record count, nonce, page count, sector size, page size. */
const HEADER = 28;
/** SQLite's PENDING_BYTE: the page that holds it is never in a file, nor in a journal. */
const PENDING_BYTE = 0x40000000;

/** What the record's open found beside the file: nothing to do, a lock another holds (played back once it is free:
 *  the open waits, or fails busy), this thread not named among the record's users (the open says why), a journal
 *  played back (`pages` written), one that is not sound (`refused`: why), moved aside to `aside`
 *  (null: it could not be, and is where it was), or a sound one whose playback failed (`failed`: left as it is). */
export type JournalOutcome =
  | { kind: 'none' }
  | { kind: 'held' }
  | { kind: 'unnamed' }
  | { kind: 'rolled-back'; pages: number; size: number }
  | { kind: 'refused'; reason: string; aside: string | null }
  | { kind: 'failed'; reason: string };

const isPowerOfTwo = (n: number) => n > 0 && (n & (n - 1)) === 0;

/** The page size in a SQLite file's header, or null when the file does not begin as SQLite's do. */
function filePageSize(fd: number): number | null {
  const header = Buffer.alloc(100);
  if (readSync(fd, header, 0, 100, 0) < 100 || header.toString('latin1', 0, 16) !== 'SQLite format 3\0') return null;
  const raw = header.readUInt16BE(16);
  return raw === 1 ? 65536 : raw;
}

/** What playing back the journal would do, read whole and checked first: the records to write (page number, and
 *  where the page is in the journal) and the file's length after; or why it is not played back. */
interface Plan {
  pageSize: number;
  pages: { pgno: number; at: number }[];
  size: number;
}

function readAt(fd: number, buffer: Buffer, at: number): boolean {
  return readSync(fd, buffer, 0, buffer.length, at) === buffer.length;
}

/** Reads the journal (fd, `length` bytes) as SQLite's pager would play it back onto a file of `fileSize` bytes
 *  and page size `filePage` (null: not a SQLite file). */
export function planPlayback(fd: number, length: number, fileSize: number, filePage: number | null): Plan | string {
  const header = Buffer.alloc(HEADER);
  if (!readAt(fd, header, 0) || !header.subarray(0, 8).equals(MAGIC)) return 'it does not begin as a journal does';
  const pageSize = header.readUInt32BE(24);
  const sector = header.readUInt32BE(20);
  const initial = header.readUInt32BE(16);
  if (!isPowerOfTwo(pageSize) || pageSize < 512 || pageSize > 65536) return `its page size (${pageSize}) is none`;
  if (!isPowerOfTwo(sector) || sector < 32 || sector > 65536) return `its sector size (${sector}) is none`;
  if (filePage === null && !(fileSize === 0 && initial === 0)) return 'the file is not a SQLite database';
  if (filePage !== null && filePage !== pageSize) return `its page size (${pageSize}) is not the file's (${filePage})`;
  // The header not whole (a writer killed as it wrote it): nothing was written to the file yet; nothing to undo.
  if (length < sector) return { pageSize, pages: [], size: fileSize };
  if (length >= sector + 16) {
    const tail = Buffer.alloc(8);
    if (readAt(fd, tail, length - 8) && tail.equals(MAGIC))
      return 'it names a super-journal (a transaction over several databases)';
  }
  const record = pageSize + 8;
  const lockPage = Math.floor(PENDING_BYTE / pageSize) + 1;
  const buffer = Buffer.alloc(record);
  const pages: { pgno: number; at: number }[] = [];
  const done = new Set<number>();
  let read = 0;
  let off = 0;
  let first = true;
  scan: while (off + HEADER <= length) {
    if (!first) {
      if (!readAt(fd, header, off) || !header.subarray(0, 8).equals(MAGIC)) break;
    }
    const nonce = header.readUInt32BE(12);
    const count = header.readUInt32BE(8);
    off += sector;
    // As many as there are (0xffffffff), or as the header says: never past the end of the file.
    const n = Math.min(count, Math.floor(Math.max(0, length - off) / record));
    for (let i = 0; i < n; i++) {
      if (!readAt(fd, buffer, off)) break scan;
      const pgno = buffer.readUInt32BE(0);
      if (pgno === 0 || pgno === lockPage) break scan;
      off += record;
      // Past the file's length before the write: skipped before its checksum is looked at, as SQLite does (pager.c
      // pager_playback_one_page), which never journals such a page; the records after it are played back.
      if (pgno > initial) continue;
      let sum = nonce;
      for (let k = pageSize - 200; k > 0; k -= 200) sum = (sum + buffer[4 + k]!) >>> 0;
      if (sum !== buffer.readUInt32BE(4 + pageSize)) break scan;
      read++;
      // Of a page journaled twice (SQLite never does in a transaction), the first copy: the page as it was.
      if (!done.has(pgno)) {
        done.add(pgno);
        pages.push({ pgno, at: off - record + 4 });
      }
    }
    // A header's records end where the next header's sector begins (a count short of the file's end).
    if (count !== 0xffffffff && n < count) break;
    off = Math.ceil(off / sector) * sector;
    first = false;
  }
  const size = initial * pageSize;
  const now = Math.ceil(fileSize / pageSize);
  if (initial > now && initial - now > (read + 1) * (pageSize / 4))
    return `it would grow the file from ${now} pages to ${initial}, more than its ${read} pages can account for`;
  return { pageSize, pages, size };
}

/** Where a journal that is not sound is moved (beside it, a name nothing has yet), and moves it; null when it
 *  could not be (`why` is told). Under the record's lock: never a live write's journal. */
function moveAside(journal: string, now: number, why: (err: unknown) => void): string | null {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  for (let n = 0; n < 10; n++) {
    const aside = `${journal}.left-${stamp}${n === 0 ? '' : `-${n}`}`;
    try {
      lstatSync(aside);
      continue;
    } catch {
      // Free.
    }
    try {
      renameSync(journal, aside);
      return aside;
    } catch (err) {
      why(err);
      return null;
    }
  }
  why(new Error('ten names for it are taken'));
  return null;
}

/** Plays back `<file>-journal` onto `file` under its lock (see the header); `file` is the record's real path. A
 *  journal that is not sound is moved aside, stamped with `now`. */
export function rollBackJournal(file: string, now = Date.now()): JournalOutcome {
  const journal = `${file}-journal`;
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(journal);
  } catch {
    return { kind: 'none' };
  }
  if (st.size === 0 && st.isFile()) return { kind: 'none' };
  if (!st.isFile()) return { kind: 'refused', reason: 'it is not a regular file', aside: null };
  // Named before the lock is taken, holding it throughout (no `.waits` of this thread's: lock.ts), as any opener.
  const user = { inTransaction: true };
  if (nameUser(file, user) !== null) {
    unnameUser(file, user);
    // The open says why (it cannot name itself either, and takes no lock).
    return { kind: 'unnamed' };
  }
  try {
    const lock = `${file}.lock`;
    let locked = false;
    for (let tries = 0; tries < 2 && !locked; tries++) {
      try {
        mkdirSync(lock);
        locked = true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !clearStaleLock(file)) return { kind: 'held' };
      }
    }
    if (!locked) return { kind: 'held' };
    try {
      let outcome: JournalOutcome;
      try {
        outcome = playBack(file, journal);
      } catch (err) {
        // Not this user's to write, or the disk failing: SQLite could not have played it back either.
        return { kind: 'failed', reason: `it could not be played back: ${errorText(err)}` };
      }
      if (outcome.kind !== 'refused') return outcome;
      let failure = '';
      const aside = moveAside(journal, now, (err) => (failure = errorText(err)));
      return aside === null
        ? { kind: 'refused', reason: `${outcome.reason}; it could not be moved aside: ${failure}`, aside: null }
        : { ...outcome, aside };
    } finally {
      try {
        rmdirSync(lock);
      } catch {
        // Taken over meanwhile: not this thread's to remove.
      }
    }
  } finally {
    unnameUser(file, user);
  }
}

/** What playing back the journal (jfd, of `jst`) onto the record (dbfd) would do, or why it is not sound. */
function examine(jfd: number, jst: Stats, dbfd: number): Plan | string {
  if (!jst.isFile()) return 'it is not a regular file';
  const db = fstatSync(dbfd);
  if (!db.isFile()) return 'the record is not a regular file';
  // Made by another user than the record's owner (a record in a folder others may write, such as /tmp): not a
  // journal the record's writer left, and played back it would write that user's pages into the record.
  if (jst.uid !== db.uid) return `it belongs to another user (uid ${jst.uid}) than the record (uid ${db.uid})`;
  return planPlayback(jfd, jst.size, db.size, db.size === 0 ? null : filePageSize(dbfd));
}

/** Why `<file>-journal` could not be played back (not sound), or null (sound, gone, or not to be read by this user:
 *  the open tells). Reads only, without the lock: for `netlens history`, which never writes the record. */
export function unsoundJournal(file: string): string | null {
  const nofollow = constants.O_NOFOLLOW ?? 0;
  let jfd: number;
  try {
    jfd = openSync(`${file}-journal`, constants.O_RDONLY | nofollow | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ELOOP' ? 'it is a symbolic link' : null;
  }
  try {
    const dbfd = openSync(file, constants.O_RDONLY | nofollow | (constants.O_NONBLOCK ?? 0));
    try {
      const plan = examine(jfd, fstatSync(jfd), dbfd);
      return typeof plan === 'string' ? plan : null;
    } finally {
      closeSync(dbfd);
    }
  } catch {
    return null;
  } finally {
    closeSync(jfd);
  }
}

function playBack(file: string, journal: string): JournalOutcome {
  const nofollow = constants.O_NOFOLLOW ?? 0;
  let jfd: number;
  try {
    jfd = openSync(journal, constants.O_RDWR | nofollow | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    // Gone between the look and the lock: an opener that held the lock meanwhile played it back (or its writer
    // finished), and its first commit deleted it. Under the lock now, nothing is left to roll back.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    throw err;
  }
  try {
    const jst = fstatSync(jfd);
    if (jst.isFile() && jst.size === 0) return { kind: 'none' };
    const dbfd = openSync(file, constants.O_RDWR | nofollow);
    try {
      const plan = examine(jfd, jst, dbfd);
      if (typeof plan === 'string') return { kind: 'refused', reason: plan, aside: null };
      const page = Buffer.alloc(plan.pageSize);
      for (const { pgno, at } of plan.pages) {
        if (!readAt(jfd, page, at)) throw new Error('it changed while it was played back');
        writeSync(dbfd, page, 0, page.length, (pgno - 1) * plan.pageSize);
      }
      ftruncateSync(dbfd, plan.size);
      fsyncSync(dbfd);
      ftruncateSync(jfd, 0);
      fsyncSync(jfd);
      return { kind: 'rolled-back', pages: plan.pages.length, size: plan.size };
    } finally {
      closeSync(dbfd);
    }
  } finally {
    closeSync(jfd);
  }
}
