// A write the recorder did not finish (killed mid-transaction) leaves a journal beside the record, which SQLite never
// plays back with this VFS (journal.ts): the recorder's open does, to the very bytes of the file before the write.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../../test/until.js';
import { bundleWorker } from '../testing/bundle-worker.js';
import { Database, openRecord, readRecord } from './database.js';
import { rollBackJournal } from './journal.js';
import { Recorder } from './recorder.js';
import { DEFAULT_RECORDING } from '../../../shared/record.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'journal-test-'));
  dirs.push(d);
  return realpathSync(d);
}
const children: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The journal's length: 0 when emptied, or removed (SQLite removes an empty one as it opens the file). */
const journalSize = (file: string) => (existsSync(`${file}-journal`) ? statSync(`${file}-journal`).size : 0);
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * A record killed in the middle of a write: 5,000 alerts committed, then an UPDATE of all of them with a page cache of
 * 5 pages, so that SQLite spills changed pages to the file (after journaling them) long before COMMIT; the file and
 * its journal copied then, as a writer killed at that moment leaves them (with the record's pragmas: TRUNCATE,
 * synchronous OFF).
 */
function killedMidWrite(synchronous: 'OFF' | 'NORMAL' = 'OFF') {
  const dir = tempDir();
  const source = join(dir, 'source.sqlite');
  openRecord(source, { create: true }).db.close();
  const db = new Database(source);
  db.exec(`PRAGMA journal_mode = TRUNCATE; PRAGMA synchronous = ${synchronous}; PRAGMA cache_size = 5`);
  db.exec('BEGIN');
  for (let i = 0; i < 5000; i++)
    db.run("INSERT INTO alerts (at, kind, subject, text) VALUES (?, 'k', 's', ?)", [i, 'x'.repeat(100)]);
  db.exec('COMMIT');
  const before = readFileSync(source);
  db.exec('BEGIN');
  db.run("UPDATE alerts SET text = 'y' || text");
  const file = join(dir, 'history.sqlite');
  copyFileSync(source, file);
  copyFileSync(`${source}-journal`, `${file}-journal`);
  db.exec('ROLLBACK');
  db.close();
  const during = readFileSync(file);
  const journal = readFileSync(`${file}-journal`);
  // The copy is the half-written transaction (else the test could not fail).
  expect(sha(during)).not.toBe(sha(before));
  expect(journal.length).toBeGreaterThan(10 * 4096);
  return { file, before, during, journal };
}

/** Where a notice says a journal was moved aside. */
const asideOf = (text: string) => /moved aside to (\S+-journal\.left-\S+?),/.exec(text)![1]!;

/** What the record holds: integrity, and how many rows of the unfinished write are in it. */
function contents(file: string): { integrity: string; updated: number; rows: number } {
  const db = new Database(file, { readOnly: true });
  try {
    const integrity = (db.get('PRAGMA integrity_check') as { integrity_check: string }).integrity_check;
    const counts = db.get("SELECT count(*) AS rows, coalesce(sum(text LIKE 'y%'), 0) AS updated FROM alerts") as {
      rows: number;
      updated: number;
    };
    return { integrity, updated: Number(counts.updated), rows: Number(counts.rows) };
  } finally {
    db.close();
  }
}

describe('a journal left by a writer killed mid-transaction', () => {
  it('is rolled back by the recorder’s open: the file is byte for byte what it was before the write', () => {
    const { file, before, journal } = killedMidWrite();
    const dir = dirname(file);
    // The same, played back alone: the very bytes.
    const alone = join(dir, 'alone.sqlite');
    copyFileSync(file, alone);
    writeFileSync(`${alone}-journal`, journal);
    // The file before the write, opened as the recorder opens it (a commit of the schema: its change counter).
    const reference = join(dir, 'reference.sqlite');
    writeFileSync(reference, before);
    openRecord(reference, { create: true }).db.close();
    const opened = openRecord(file, { create: true });
    opened.db.close();
    // On main: the journal left as it was, the file half written (some 5,000 rows updated and some not).
    expect(opened.journal).toMatchObject({ kind: 'rolled-back' });
    expect(journalSize(file)).toBe(0);
    expect(sha(readFileSync(file))).toBe(sha(readFileSync(reference)));
    expect(contents(file)).toEqual({ integrity: 'ok', updated: 0, rows: 5000 });
    expect(rollBackJournal(alone)).toMatchObject({ kind: 'rolled-back' });
    expect(sha(readFileSync(alone))).toBe(sha(before));
    expect(journalSize(alone)).toBe(0);
  });

  it('rolls back the whole records of a journal cut short in a record, and no more', () => {
    const { file, before, during, journal } = killedMidWrite();
    const pageSize = journal.readUInt32BE(24);
    const sector = journal.readUInt32BE(20);
    const record = pageSize + 8;
    const whole = 7;
    // Cut in the middle of the eighth record.
    truncateSync(`${file}-journal`, sector + whole * record + record / 2);
    const pgno = (i: number) => journal.readUInt32BE(sector + i * record);
    const page = (bytes: Buffer, n: number) => sha(bytes.subarray((n - 1) * pageSize, n * pageSize));
    expect(rollBackJournal(file)).toEqual({
      kind: 'rolled-back',
      pages: whole,
      size: journal.readUInt32BE(16) * pageSize,
    });
    const after = readFileSync(file);
    // Cut to the file's length before the write; the pages of the whole records as they were; the next ones as the
    // write left them.
    expect(after.length).toBe(before.length);
    for (let i = 0; i < whole; i++) expect(page(after, pgno(i))).toBe(page(before, pgno(i)));
    const later = Array.from({ length: 20 }, (_, k) => pgno(whole + k)).filter((n) => n * pageSize <= before.length);
    for (const n of later) expect(page(after, n)).toBe(page(during, n));
    expect(later.some((n) => page(during, n) !== page(before, n))).toBe(true);
    expect(statSync(`${file}-journal`).size).toBe(0);
  });
});

describe('a journal that is not sound', () => {
  /** The journal of killedMidWrite, changed by `damage`: returns the file's and the journal's bytes. */
  function damaged(damage: (journal: Buffer) => Buffer) {
    const { file, during, journal } = killedMidWrite();
    writeFileSync(`${file}-journal`, damage(Buffer.from(journal)));
    return { file, during, journal: readFileSync(`${file}-journal`) };
  }
  const at = (offset: number, value: number) => (j: Buffer) => {
    j.writeUInt32BE(value, offset);
    return j;
  };

  it.each([
    ['a bad magic', (j: Buffer) => j.fill(0x41, 0, 8), /does not begin as a journal/],
    ['a page size that is none', at(24, 1000), /page size \(1000\) is none/],
    ['a page size not the file’s', at(24, 1024), /page size \(1024\) is not the file's/],
    ['a sector size that is none', at(20, 3), /sector size \(3\) is none/],
    ['a page count past reason', at(16, 0xfffffff0), /would grow the file/],
    [
      'a super-journal named at its end',
      (j: Buffer) => Buffer.concat([j, Buffer.from('d9d505f920a163d7', 'hex')]),
      /super-journal/,
    ],
  ])('with %s is not played back: moved aside as it is, and the file left as it is', (_, damage, reason) => {
    const { file, during, journal } = damaged(damage);
    const outcome = rollBackJournal(file, Date.UTC(2026, 0, 2, 3, 4, 5, 6));
    const aside = `${file}-journal.left-2026-01-02T03-04-05-006Z`;
    expect(outcome).toEqual({ kind: 'refused', reason: expect.stringMatching(reason), aside });
    expect(sha(readFileSync(file))).toBe(sha(during));
    expect(existsSync(`${file}-journal`)).toBe(false);
    expect(sha(readFileSync(aside))).toBe(sha(journal));
  });

  it('with a huge count of records and no sound one plays back nothing, and leaves the file as it was', () => {
    const { file, during } = damaged((j) => {
      j.writeUInt32BE(0x7ffffffe, 8);
      // Every record's checksum wrong.
      j.writeUInt32BE((j.readUInt32BE(12) ^ 1) >>> 0, 12);
      return j;
    });
    // The file's length kept (its page count now): the damage is in the records alone.
    const j = readFileSync(`${file}-journal`);
    j.writeUInt32BE(during.length / j.readUInt32BE(24), 16);
    writeFileSync(`${file}-journal`, j);
    expect(rollBackJournal(file)).toEqual({ kind: 'rolled-back', pages: 0, size: during.length });
    expect(sha(readFileSync(file))).toBe(sha(during));
  });

  it.skipIf(process.platform === 'win32')('that is a FIFO is left where it is, never opened', () => {
    const { file, during } = killedMidWrite();
    rmSync(`${file}-journal`);
    expect(spawnSync('mkfifo', [`${file}-journal`]).status).toBe(0);
    expect(rollBackJournal(file)).toEqual({ kind: 'refused', reason: 'it is not a regular file', aside: null });
    expect(sha(readFileSync(file))).toBe(sha(during));
  });

  it.skipIf(process.getuid?.() !== 0)(
    'that another user made is moved aside, never played back (a record in a folder others may write)',
    () => {
      const { file, during, journal } = killedMidWrite();
      // Sound in every other way: made by a writer killed mid-transaction, then owned by another user (nobody).
      expect(spawnSync('chown', ['65534', `${file}-journal`]).status).toBe(0);
      expect(rollBackJournal(file)).toEqual({
        kind: 'refused',
        reason: `it belongs to another user (uid 65534) than the record (uid ${process.getuid?.()})`,
        aside: expect.stringContaining(`${file}-journal.left-`),
      });
      expect(sha(readFileSync(file))).toBe(sha(during));
      expect(existsSync(`${file}-journal`)).toBe(false);
      expect(readdirSync(dirname(file)).filter((n) => n.includes('-journal.left-'))).toHaveLength(1);
      const [aside] = readdirSync(dirname(file)).filter((n) => n.includes('-journal.left-'));
      expect(sha(readFileSync(join(dirname(file), aside!)))).toBe(sha(journal));
    },
  );

  it.skipIf(process.platform === 'win32')('that is a symbolic link is never written through: the open refuses', () => {
    const { file, during } = killedMidWrite();
    const victim = join(dirname(file), 'victim.txt');
    writeFileSync(victim, 'not the journal\n');
    rmSync(`${file}-journal`);
    symlinkSync(victim, `${file}-journal`);
    // On main: SQLite wrote its journal through the link (into the victim: run as root, /etc/passwd was written).
    expect(() => openRecord(file, { create: true })).toThrow(/journal is a symbolic link, not the record's journal/);
    expect(readFileSync(victim, 'utf8')).toBe('not the journal\n');
    expect(sha(readFileSync(file))).toBe(sha(during));
  });

  it('is said by the recorder, kept aside (not discarded by its open), and the whole record checked before it records', () => {
    const { file, journal } = damaged(at(24, 1000));
    const notices: { code: string; text: string }[] = [];
    const logged: string[] = [];
    const recorder = new Recorder({
      file,
      liveRows: () => [],
      notify: (_level, code, text) => notices.push({ code, text }),
      log: (line) => logged.push(line),
    });
    try {
      expect(recorder.status().state).toBe('recording');
      // Then the check finds the half-written write's damage, which moves the file aside (record-reset).
      expect(notices[0]).toEqual({
        code: 'record-journal-left',
        text: expect.stringMatching(
          /could not be rolled back: its page size \(1000\) is none\. It was moved aside to \S+-journal\.left-\S+, kept for you to look at .*The record is checked whole before recording goes on\.$/,
        ),
      });
      expect(notices[1]?.code).toBe('record-reset');
      // On main: deleted by the open's first statement (a write transaction, in the DELETE journal mode).
      expect(sha(readFileSync(asideOf(notices[0]!.text)))).toBe(sha(journal));
    } finally {
      recorder.close();
    }
  });

  it('that cannot be moved aside refuses the open, which would discard it: the journal and the file left as they are', () => {
    const { file, during, journal } = damaged(at(24, 1000));
    const now = Date.UTC(2026, 0, 2, 3, 4, 5, 6);
    // Every name it could be moved to taken.
    const left = `${file}-journal.left-2026-01-02T03-04-05-006Z`;
    for (let n = 0; n < 10; n++) writeFileSync(n === 0 ? left : `${left}-${n}`, 'taken');
    const notices: string[] = [];
    // On main: opened, and the journal deleted by the open's first statement.
    expect(() => openRecord(file, { create: true, now, journal: (j) => notices.push(j.kind) })).toThrow(
      /history\.sqlite-journal is a write left unfinished that cannot be rolled back \(its page size \(1000\) is none; it could not be moved aside: ten names for it are taken\); NetLens will not open the record while it is there/,
    );
    expect(notices).toEqual(['refused']);
    expect(sha(readFileSync(`${file}-journal`))).toBe(sha(journal));
    expect(sha(readFileSync(file))).toBe(sha(during));
    expect(readFileSync(left, 'utf8')).toBe('taken');
  });

  it('is kept aside and said by the History tab’s reader (recording off), the record checked whole as recording starts, and netlens history reads after', () => {
    const { file, during, journal } = damaged(at(24, 1000));
    const notices: { code: string; text: string }[] = [];
    const recorder = new Recorder({
      file,
      config: { ...DEFAULT_RECORDING, enabled: false },
      liveRows: () => [],
      notify: (_level, code, text) => notices.push({ code, text }),
      log: () => {},
    });
    try {
      // netlens history first: refused, saying what NetLens will do (on main: "NetLens rolls it back", untrue).
      expect(() => readRecord(file, (db) => db.all('SELECT 1'))).toThrow(
        /history\.sqlite-journal holds a write that did not finish, which cannot be rolled back \(its page size \(1000\) is none\); NetLens moves it aside when it next opens the record \(as it starts recording, or as its History tab reads\), and the record may keep part of that write$/,
      );
      expect(recorder.readable()).not.toBeNull();
      // On main: no notice, and the journal deleted by the reader's open (SQLite's first write transaction).
      expect(notices).toEqual([
        {
          code: 'record-journal-left',
          text: expect.stringMatching(
            /could not be rolled back: its page size \(1000\) is none\. It was moved aside to .* The History tab reads the record as that write left it/,
          ),
        },
      ]);
      expect(sha(readFileSync(asideOf(notices[0]!.text)))).toBe(sha(journal));
      expect(existsSync(`${file}-journal`)).toBe(false);
      // Recording turned on: the record checked whole first, as the notice says (the half-written write damaged it).
      recorder.configure({ ...DEFAULT_RECORDING, enabled: true });
      expect(notices.map((n) => n.code)).toEqual(['record-journal-left', 'record-reset']);
      recorder.close();
      expect(sha(readFileSync(file))).not.toBe(sha(during));
      expect(readRecord(file, (db) => db.get('SELECT 1 AS one'))).toEqual({ one: 1 });
    } finally {
      recorder.close();
    }
  });
});

// SQLite's pager writes the journal in segments: a header (its own nonce and count of records) padded to a sector,
// then records. With synchronous OFF (the record's) there is one, of count 0xffffffff ("to the end of the file");
// otherwise each sync of the journal before a page of the file is overwritten (a cache spill) ends a segment with its
// count and begins the next at the next sector boundary; the records written since the last sync are past the last
// count (none of their pages is in the file yet: not played back). Played back here as SQLite's own pager plays a hot journal (pager.c pager_playback), which
// python3's sqlite3 module is made to do on a copy (its VFS judges the journal hot): the very bytes.
const MAGIC = Buffer.from('d9d505f920a163d7', 'hex');

/** The segments of a journal: where each header is, its count of records and its nonce. */
function segments(journal: Buffer): { at: number; count: number; nonce: number }[] {
  const sector = journal.readUInt32BE(20);
  const found: { at: number; count: number; nonce: number }[] = [];
  for (let at = 0; at + 28 <= journal.length; at += sector)
    if (journal.subarray(at, at + 8).equals(MAGIC))
      found.push({ at, count: journal.readUInt32BE(at + 8), nonce: journal.readUInt32BE(at + 12) });
  return found;
}

/** A journal record as the pager writes it: page number, the page, and its checksum (the nonce plus the page's
 *  bytes at pageSize-200, -400, ... > 0). `sum` changes the checksum (a record that is not sound). */
function recordOf(pgno: number, page: Buffer, nonce: number, sum = 0): Buffer {
  let check = nonce;
  for (let k = page.length - 200; k > 0; k -= 200) check = (check + page[k]!) >>> 0;
  const record = Buffer.alloc(page.length + 8);
  record.writeUInt32BE(pgno, 0);
  page.copy(record, 4);
  record.writeUInt32BE((check + sum) >>> 0, page.length + 4);
  return record;
}

const hasPythonSqlite =
  spawnSync('python3', ['-c', 'import sqlite3'], { stdio: 'ignore' }).status === 0 && process.platform !== 'win32';

/** What SQLite's own pager makes of the file and its journal: a copy opened by python3's sqlite3, whose first read
 *  plays the hot journal back. */
function sqliteRollsBack(file: string, journal: Buffer): Buffer {
  const dir = tempDir();
  const copy = join(dir, 'oracle.sqlite');
  copyFileSync(file, copy);
  writeFileSync(`${copy}-journal`, journal);
  const run = spawnSync(
    'python3',
    [
      '-c',
      'import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nc.execute("PRAGMA schema_version").fetchall()\nc.close()',
      copy,
    ],
    { encoding: 'utf8' },
  );
  expect(run.stderr).toBe('');
  expect(existsSync(`${copy}-journal`)).toBe(false);
  return readFileSync(copy);
}

describe.skipIf(!hasPythonSqlite)('a journal of several segments, or with pages SQLite skips', () => {
  it('of several headers (synchronous NORMAL: a segment per sync) is played back whole, as SQLite does', () => {
    const { file, before, journal } = killedMidWrite('NORMAL');
    const parts = segments(journal);
    // Several segments with their counts, and records after the last one's count (written since its last sync).
    expect(parts.length).toBeGreaterThan(5);
    expect(parts.every((p) => p.count > 0 && p.count !== 0xffffffff)).toBe(true);
    const last = parts.at(-1)!;
    const records = (journal.length - last.at - journal.readUInt32BE(20)) / (journal.readUInt32BE(24) + 8);
    expect(Math.floor(records)).toBeGreaterThan(last.count);
    expect(new Set(parts.map((p) => p.nonce)).size).toBe(parts.length);
    const oracle = sqliteRollsBack(file, journal);
    expect(sha(oracle)).toBe(sha(before));
    expect(rollBackJournal(file)).toMatchObject({ kind: 'rolled-back' });
    expect(sha(readFileSync(file))).toBe(sha(oracle));
  });

  it('of several headers cut in the middle of a segment plays back what SQLite does, and no more', () => {
    const { file, journal } = killedMidWrite('NORMAL');
    const parts = segments(journal);
    const third = parts[2]!;
    // Cut half way into the third segment's second record: its first record played back, and the segments before.
    const record = journal.readUInt32BE(24) + 8;
    const cut = journal.subarray(0, third.at + journal.readUInt32BE(20) + record + record / 2);
    writeFileSync(`${file}-journal`, cut);
    const oracle = sqliteRollsBack(file, cut);
    expect(sha(oracle)).not.toBe(sha(readFileSync(file)));
    expect(rollBackJournal(file)).toMatchObject({ kind: 'rolled-back' });
    expect(sha(readFileSync(file))).toBe(sha(oracle));
  });

  it('skips a record of a page past the file’s first page count, whatever its checksum, as SQLite does', () => {
    const { file, before, journal } = killedMidWrite();
    const pageSize = journal.readUInt32BE(24);
    const sector = journal.readUInt32BE(20);
    const initial = journal.readUInt32BE(16);
    const record = pageSize + 8;
    // After the third record: a page past the file's length then (SQLite never journals one), checksum wrong.
    const at = sector + 3 * record;
    const stray = recordOf(initial + 5, Buffer.alloc(pageSize, 0x5a), journal.readUInt32BE(12), 1);
    const odd = Buffer.concat([journal.subarray(0, at), stray, journal.subarray(at)]);
    writeFileSync(`${file}-journal`, odd);
    const oracle = sqliteRollsBack(file, odd);
    expect(sha(oracle)).toBe(sha(before));
    // On main: its checksum checked first, which ended the playback there (the pages of the records after it left
    // as the write had made them).
    expect(rollBackJournal(file)).toMatchObject({ kind: 'rolled-back' });
    expect(sha(readFileSync(file))).toBe(sha(oracle));
  });

  it.each(['OFF', 'NORMAL'] as const)(
    'with a page journaled twice plays back the first copy (the page as it was): synchronous %s',
    (synchronous) => {
      const { file, before, during, journal } = killedMidWrite(synchronous);
      const pageSize = journal.readUInt32BE(24);
      const sector = journal.readUInt32BE(20);
      const parts = segments(journal);
      const first = journal.readUInt32BE(sector);
      const page = (bytes: Buffer, n: number) => bytes.subarray((n - 1) * pageSize, n * pageSize);
      // A second copy of the first record's page, sound (the last segment's nonce), holding what the write made of it:
      // SQLite never journals a page twice in a transaction (its pInJournal); a journal that does is replayed
      // oldest first. (SQLite's hot playback would write each copy in turn: the last would stay.)
      expect(sha(page(during, first))).not.toBe(sha(page(before, first)));
      // Put after the last segment's counted records, and counted.
      const last = parts.at(-1)!;
      const whole = last.count === 0xffffffff ? (journal.length - sector) / (pageSize + 8) : last.count;
      const end = last.at + sector + whole * (pageSize + 8);
      const twice = Buffer.concat([
        journal.subarray(0, end),
        recordOf(first, page(during, first), last.nonce),
        journal.subarray(end),
      ]);
      if (last.count !== 0xffffffff) twice.writeUInt32BE(last.count + 1, last.at + 8);
      writeFileSync(`${file}-journal`, twice);
      expect(rollBackJournal(file)).toMatchObject({ kind: 'rolled-back' });
      const after = readFileSync(file);
      expect(sha(page(after, first))).toBe(sha(page(before, first)));
      expect(sha(after)).toBe(sha(before));
    },
  );
});

describe('a journal while another process holds the record’s lock', () => {
  /** A process holding the record's lock (testing/holder.ts) beside the journal of killedMidWrite: it opens the
   *  record (which would play the journal back itself) with the journal out of the way, which is then put back. */
  async function heldBeside(file: string) {
    const saved = `${file}.saved`;
    renameSync(`${file}-journal`, saved);
    const holder = spawn(
      process.execPath,
      [await bundleWorker(tempDir(), 'electron/monitor/record/testing/holder.ts'), file],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    children.push(holder);
    let out = '';
    holder.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    await until('the holder to hold the lock', () => out.includes('holding'), 15_000, 10);
    // (Its open committed the schema: the file's change counter moved.)
    const held = sha(readFileSync(file));
    renameSync(saved, `${file}-journal`);
    return { holder, held };
  }

  it('is left alone while it is held, and rolled back once its holder is gone', async () => {
    const { file, journal } = killedMidWrite();
    const { holder, held } = await heldBeside(file);
    // Its journal is live, not left: not played back (on main: no such function).
    expect(rollBackJournal(file)).toEqual({ kind: 'held' });
    expect(() => openRecord(file, { create: true, wait: false })).toThrow(/locked/);
    expect(sha(readFileSync(file))).toBe(held);
    expect(sha(readFileSync(`${file}-journal`))).toBe(sha(journal));
    // Killed holding it: its lock is a dead holder's (lock.ts), taken over at once, and the journal played back.
    holder.stdin!.write('kill\n');
    await new Promise((resolve) => holder.once('exit', resolve));
    const opened = openRecord(file, { create: true, wait: false });
    opened.db.close();
    expect(opened.journal).toMatchObject({ kind: 'rolled-back' });
    expect(contents(file)).toEqual({ integrity: 'ok', updated: 0, rows: 5000 });
  }, 30_000);

  it.skipIf(process.platform === 'win32')(
    'is played back by an open that waited for the lock, its holder killed meanwhile (not deleted by SQLite)',
    async () => {
      const { file, journal } = killedMidWrite();
      const { holder } = await heldBeside(file);
      // Killed half a second into the open's wait (which blocks this thread: the kill comes from another process).
      const killer = spawn('sh', ['-c', `sleep 0.5; kill -9 ${holder.pid}`], { stdio: 'ignore' });
      children.push(killer);
      const opened = openRecord(file, { create: true });
      opened.db.close();
      // On main: the journal found held, then the open waited for the lock (busy) and took it once the holder was
      // gone, and its first statement (a write transaction) deleted the journal: the half-written UPDATE kept.
      expect(opened.journal).toMatchObject({ kind: 'rolled-back' });
      expect(contents(file)).toEqual({ integrity: 'ok', updated: 0, rows: 5000 });
      expect(journal.length).toBeGreaterThan(10 * 4096);
    },
    30_000,
  );
});

describe('netlens history', () => {
  it('refuses a record with a journal left unfinished, once it holds the lock, instead of reading half a write', () => {
    const { file, during, journal } = killedMidWrite();
    // On main: read (the half-written UPDATE: some rows changed and others not).
    expect(() => readRecord(file, (db) => db.all("SELECT count(*) AS n FROM alerts WHERE text LIKE 'y%'"))).toThrow(
      /history\.sqlite-journal holds a write that did not finish; NetLens rolls it back when it next opens the record \(as it starts recording, or as its History tab reads\)$/,
    );
    expect(sha(readFileSync(file))).toBe(sha(during));
    expect(sha(readFileSync(`${file}-journal`))).toBe(sha(journal));
  });
});
