// `netlens history --changes` prints what the record holds; process names are anybody's choice, so every
// character inertText escapes is escaped there too (bidi marks, line separators, zero-width characters).
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatDateTime } from '../../shared/format.js';
import { HISTORY_CSV_COLUMNS, type RecordedConnection } from '../../shared/record.js';
import { inertText } from '../../shared/inert-text.js';
import { until } from '../../test/until.js';
import { Database, openRecord } from '../monitor/record/database.js';
import { MAX_RECORD_GAPS, MAX_RECORDED_ROWS } from '../monitor/record/queries.js';
import { bundleWorker } from '../monitor/testing/bundle-worker.js';
import { historyCommand } from './history.js';
import { historyCsv as historyTabCsv, toHistoryRow } from '../../renderer/tabs/History/rows.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function run(argv: string[]): Promise<{ code: unknown; out: string; err: string }> {
  let out = '';
  let err = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const errors = vi.spyOn(console, 'error').mockImplementation((line: unknown) => {
    err += `${String(line)}\n`;
  });
  try {
    return { code: await historyCommand.run(argv), out, err };
  } finally {
    spy.mockRestore();
    errors.mockRestore();
  }
}

/** A record with one connection of process `app` (the last minute), in a folder of its own. */
function record(): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'netlens-history-'));
  dirs.push(dir);
  const file = join(dir, 'record.db');
  const at = Date.now() - 60_000;
  const { db } = openRecord(file, { create: true });
  // Recorded for the last two hours (the default --since 1h within it: no gap said), the connection opened a
  // minute ago: a change.
  db.run('INSERT INTO sessions (id, started, alive) VALUES (1, ?, ?)', [at - 7_200_000, Date.now()]);
  db.run(
    `INSERT INTO conns (session, proto, family, local_addr, local_port, remote_addr, remote_port, states, listener,
      pid, process, user, first_seen) VALUES (1, 'tcp', 'inet', '10.0.0.2', 5000, '10.0.0.1', 443, 'ESTABLISHED', 0, 7, 'app', 'ann', ?)`,
    [at],
  );
  db.run("INSERT INTO processes (name, first_seen) VALUES ('app', ?)", [at]);
  db.close();
  return { dir, file };
}

/** The bytes and times of every file in `dir`: what a reader must leave as it found. */
function snapshot(dir: string): string {
  return readdirSync(dir)
    .sort()
    .map((f) => {
      const st = statSync(join(dir, f));
      // A folder beside it (the record's users: a reader names itself there while it reads) by what it holds.
      if (!st.isFile()) return `${f}/ ${readdirSync(join(dir, f)).join(' ')}`;
      const hash = createHash('sha256')
        .update(readFileSync(join(dir, f)))
        .digest('hex');
      return `${f} ${st.size} ${st.mtimeMs} ${hash}`;
    })
    .join('\n');
}

// A folder this user may not write: no lock can be made beside the file. Root may write any folder of a
// writable file system, so for root a read-only bind mount stands for it.
const asRoot = process.getuid?.() === 0;
const noReadOnlyFolder = process.platform === 'win32' || (asRoot && process.platform !== 'linux');

/** `dir` as this user may not write it (`folder`, read-only); `set(false)` makes it writable again. */
async function readOnly(dir: string): Promise<{ folder: string; set: (readOnly: boolean) => void }> {
  const { execFileSync } = await import('node:child_process');
  const folder = asRoot ? mkdtempSync(join(tmpdir(), 'netlens-history-ro-')) : dir;
  if (asRoot) dirs.push(folder);
  const set = (ro: boolean) => {
    if (asRoot) execFileSync(ro ? 'mount' : 'umount', ro ? ['--bind', '-o', 'ro', dir, folder] : [folder]);
    else chmodSync(dir, ro ? 0o555 : 0o755);
  };
  set(true);
  return { folder, set };
}

describe('netlens history', () => {
  it('prints hostile process names inert, as every other terminal output does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlens-history-'));
    dirs.push(dir);
    const file = join(dir, 'record.db');
    // An Arabic letter mark (a bidi control), a line separator, a zero-width space, an escape.
    const name = 'evil\u061cgpj.exe\u2028forged\u200b\u001b[2J';
    const { db } = openRecord(file, { create: true });
    db.run('INSERT INTO processes (name, first_seen) VALUES (?, ?)', [name, Date.now() - 1000]);
    db.close();
    const { code, out } = await run(['--changes', '--since', '1h', '--db', file]);
    expect(code).toBe(0);
    expect(out).toContain(`  ${inertText(name)}  first `);
    expect(out).not.toMatch(/[\u061c\u2028\u200b\u001b]/);
  });

  it("says a connection never closed in the record is still open at its recording's last write", async () => {
    const { file } = record();
    const db = new Database(file, { fileMustExist: true });
    const alive = Number((db.get('SELECT alive FROM sessions WHERE id = 1') as { alive: number }).alive);
    db.close();
    const { code, out } = await run(['--db', file]);
    expect(code).toBe(0);
    const row = out.split('\n').find((l) => l.includes('10.0.0.2:5000'))!;
    // On main "open at …", which read as when it opened.
    expect(row).toMatch(new RegExp(` still open at ${formatDateTime(alive)}$`));
  });
});

describe('a moment before the record began', () => {
  it('is compared as the record began (what was open then is its baseline, not new), and said so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlens-history-'));
    dirs.push(dir);
    const file = join(dir, 'record.db');
    // NetLens started 10 minutes ago: sshd listened then (the baseline); nc started listening 5 minutes later.
    const begins = Math.floor(Date.now() / 1000) * 1000 - 600_000;
    const { db } = openRecord(file, { create: true });
    db.run('INSERT INTO sessions (id, started, alive) VALUES (1, ?, ?)', [begins, Date.now()]);
    for (const [port, process, first] of [
      [22, 'sshd', begins],
      [8080, 'nc', begins + 300_000],
    ] as const) {
      db.run(
        `INSERT INTO conns (session, proto, family, local_addr, local_port, remote_addr, remote_port, states, listener,
          pid, process, user, first_seen) VALUES (1, 'tcp', 'inet', '0.0.0.0', ?, '0.0.0.0', 0, 'LISTEN', 1, 7, ?, 'root', ?)`,
        [port, process, first],
      );
      db.run('INSERT INTO processes (name, first_seen) VALUES (?, ?)', [process, first]);
    }
    db.close();
    const said = `The record begins at ${formatDateTime(begins)}, later than the `;
    const changed = await run(['--changes', '--since', '2h', '--db', file]);
    expect(changed.code).toBe(0);
    // On main: "What changed from <2 hours ago>", sshd among the new listeners and the processes that started.
    expect(changed.out).toContain(`What changed from ${formatDateTime(begins)} to `);
    expect(changed.out).toContain(said);
    expect(changed.out).toMatch(/New listeners \(1\)\n {2}tcp 0\.0\.0\.0:8080 {2}7\/nc /);
    expect(changed.out).toMatch(/Processes that started using the network \(1\)\n {2}nc /);
    const json = JSON.parse((await run(['--changes', '--since', '2h', '--json', '--db', file])).out);
    expect(json).toMatchObject({ from: begins, gap: { kind: 'before', begins } });
    // The rows open over the last 3 hours: all of them, and that the record holds nothing before its start.
    const table = await run(['--since', '3h', '--db', file]);
    expect(table.out).toContain(`The record begins at ${formatDateTime(begins)}: nothing was recorded before it.`);
  });
});

describe('a record from elsewhere (--db)', () => {
  it('has every string it prints inert: addresses, states, protocols and places too, not only names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlens-history-'));
    dirs.push(dir);
    const file = join(dir, 'record.db');
    const at = Date.now() - 60_000;
    const esc = '\u001b]0;pwned\u0007\u001b[2J\u202e';
    const { db } = openRecord(file, { create: true });
    db.run('INSERT INTO sessions (id, started, alive) VALUES (1, ?, ?)', [at - 1000, Date.now()]);
    for (const [listener, state] of [
      [0, `ESTABLISHED${esc}`],
      [1, `LISTEN${esc}`],
    ] as const)
      db.run(
        `INSERT INTO conns (session, proto, family, local_addr, local_port, remote_addr, remote_port, states, listener,
          pid, process, user, exe, path, first_seen, closed_at) VALUES (1, ?, 'inet', ?, 80, ?, 443, ?, ?, 1, 'app', ?, NULL, NULL, ?, NULL)`,
        [`tcp${esc}`, `0.0.0.0${esc}`, `10.0.0.1${esc}`, state, listener, `ann${esc}`, at],
      );
    db.run('INSERT INTO remotes (address, first_seen, process) VALUES (?, ?, ?)', [`10.0.0.1${esc}`, at, 'app']);
    db.run('INSERT INTO reached (subject, first_seen) VALUES (?, ?)', [`app → country ${esc}`, at]);
    db.close();
    for (const argv of [
      ['--since', '1h', '--db', file],
      ['--changes', '--since', '1h', '--db', file],
    ]) {
      const { code, out } = await run(argv);
      expect(code).toBe(0);
      expect(out).toContain('\\x1b');
      expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    }
  });
});

describe('a record altered by hand', () => {
  it('skips the rows whose values cannot be a connection, and says how many', async () => {
    const { file } = record();
    const db = new Database(file, { fileMustExist: true });
    const at = Date.now() - 30_000;
    for (const [port, addr, pid] of [
      ['notanint', '10.0.0.3', 7],
      [80, new Uint8Array([255, 0, 254]), 7],
      [81, '10.0.0.3', 1.5],
      [-5, '10.0.0.3', 7],
    ] as const)
      db.run(
        `INSERT INTO conns (session, proto, family, local_addr, local_port, remote_addr, remote_port, states, listener,
          pid, process, first_seen) VALUES (1, 'tcp', 'inet', ?, ?, '1.1.1.1', 443, 'LISTEN', 1, ?, 'crafted', ?)`,
        [addr, port, pid, at],
      );
    db.close();
    const table = await run(['--db', file]);
    expect(table.code).toBe(0);
    // On main: `10.0.0.3:NaN`, `255,0,254:80`, `1.5/crafted`, `10.0.0.3:-5`.
    expect(table.out).not.toMatch(/NaN|255,0,254|1\.5\/|:-5|crafted/);
    expect(table.out).toContain('10.0.0.2:5000');
    expect(table.out).toContain('(4 rows of the record could not be read');
    const csv = await run(['--format', 'csv', '--db', file]);
    expect(csv.out.trim().split('\n')).toHaveLength(2);
    expect(csv.err).toContain('netlens history: 4 rows of the record could not be read');
    const changes = await run(['--changes', '--since', '1h', '--db', file]);
    expect(changes.out).toContain('New listeners (0)');
    expect(changes.out).toContain('(4 rows of the record could not be read');
  });
});

describe('a reader', () => {
  it('refuses a file that is not a NetLens record, and writes nothing to it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlens-history-'));
    dirs.push(dir);
    const empty = join(dir, 'empty.db');
    writeFileSync(empty, '');
    const other = join(dir, 'other.db');
    const db = new Database(other);
    db.exec('CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES (1)');
    db.close();
    const before = snapshot(dir);
    for (const file of [empty, other])
      for (const argv of [
        ['--db', file],
        ['--changes', '--db', file],
      ]) {
        const { code, out, err } = await run(argv);
        expect(code).toBe(1);
        expect(out).toBe('');
        // On main the empty file became a record of 57 KB (the schema written into it), the other got its tables.
        expect(err).toBe(`netlens history: ${file} is not a NetLens record\n`);
      }
    expect(snapshot(dir)).toBe(before);
  });

  it('refuses a record that lacks a column, saying which (not a TypeError)', async () => {
    const { file } = record();
    const db = new Database(file, { fileMustExist: true });
    db.exec('ALTER TABLE conns DROP COLUMN states; DROP TABLE reached');
    db.close();
    // On main: "cannot read …: Cannot read properties of undefined (reading 'split')".
    const said = `netlens history: ${file} is not a NetLens record: its conns table has no column states; it has no table reached\n`;
    const runs = [await run(['--db', file]), await run(['--changes', '--db', file])];
    expect(runs).toEqual([
      { code: 1, out: '', err: said },
      { code: 1, out: '', err: said },
    ]);
  });

  it('refuses a record whose table is a view or whose column is computed as it is read (a crafted file)', async () => {
    const view = record().file;
    let db = new Database(view, { fileMustExist: true });
    // Every column of conns, from a recursive view (here of 3 rows, so that the test ends on main too: there a view
    // without the bound held netlens history for good, its memory growing).
    const columns = (db.all('SELECT name FROM pragma_table_info(?)', ['conns']) as { name: string }[]).map(
      (c) => `${c.name === 'id' ? 'x' : c.name === 'first_seen' || c.name === 'session' ? '1' : "'1'"} AS ${c.name}`,
    );
    db.exec(
      `DROP TABLE conns; CREATE VIEW conns AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3) SELECT ${columns.join(', ')} FROM c`,
    );
    db.close();
    const computed = record().file;
    db = new Database(computed, { fileMustExist: true });
    db.exec("ALTER TABLE remotes ADD COLUMN pad TEXT GENERATED ALWAYS AS (printf('%.*c', 100000000, 'x')) VIRTUAL");
    db.close();
    // A virtual table (a module's code at each read) whose SQL text was rewritten so that no pattern on it knows it.
    const virtual = record().file;
    db = new Database(virtual, { fileMustExist: true });
    const names = (db.all('SELECT name FROM pragma_table_info(?)', ['reached']) as { name: string }[]).map(
      (c) => c.name,
    );
    db.exec(`DROP TABLE reached; CREATE VIRTUAL TABLE reached USING fts5(${names.join(', ')})`);
    db.exec('PRAGMA writable_schema = ON');
    db.run("UPDATE sqlite_master SET sql = replace(sql, 'CREATE VIRTUAL', 'CREATE/**/VIRTUAL') WHERE name = 'reached'");
    db.close();
    for (const [file, why] of [
      [view, 'its conns is a view, not a table'],
      [computed, 'its remotes table has generated column pad'],
      [virtual, 'its reached is a virtual table'],
    ] as const) {
      const said = `netlens history: ${file} is not a NetLens record: ${why}\n`;
      expect([await run(['--db', file, '--since', '7d']), await run(['--changes', '--db', file])]).toEqual([
        { code: 1, out: '', err: said },
        { code: 1, out: '', err: said },
      ]);
    }
  });

  it.skipIf(process.platform === 'win32')('refuses a FIFO named as the record without waiting on it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlens-history-'));
    dirs.push(dir);
    // Somebody's folder named by --db: its "record" a FIFO, which an open for reading waits on until a writer comes.
    const file = join(dir, 'record.db');
    const { execFileSync, spawn } = await import('node:child_process');
    execFileSync('mkfifo', [file]);
    // A writer 10 s from now (it marks that it comes), so that a reader that waits on it ends.
    const writer = spawn('sh', ['-c', 'sleep 10; : > "$0.writer"; exec 3>"$0"', file], { stdio: 'ignore' });
    const { code, err } = await run(['--db', file]);
    writer.kill('SIGKILL');
    // On main the open waited for the writer (for good without one).
    expect(existsSync(`${file}.writer`)).toBe(false);
    expect(code).toBe(1);
    expect(err).toBe(`netlens history: ${file} is not a NetLens record (a FIFO)\n`);
  });

  it('reads a record of mode 0444 and leaves it as it was', async () => {
    const { dir, file } = record();
    chmodSync(file, 0o444);
    const before = snapshot(dir);
    const { code, out, err } = await run(['--format', 'csv', '--db', file]);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain(',7,app,ann,');
    expect(snapshot(dir)).toBe(before);
  });

  it.skipIf(noReadOnlyFolder)('reads a record in a folder it may not write', async () => {
    const { dir, file } = record();
    const { folder, set } = await readOnly(dir);
    try {
      const before = snapshot(folder);
      const seen = join(folder, 'record.db');
      // On main: "cannot read …: disk I/O error" (the lock directory could not be made).
      const { code, out, err } = await run(['--format', 'csv', '--db', seen]);
      expect(err).toBe('');
      expect(code).toBe(0);
      expect(out).toContain(',7,app,ann,');
      expect((await run(['--changes', '--db', seen])).out).toMatch(
        /Processes that started using the network \(1\)\n {2}app /,
      );
      expect(snapshot(folder)).toBe(before);
      // A write that did not finish (a journal left by a killed writer) can be rolled back only by a process
      // that may write the folder: refused, with what to do.
      set(false);
      writeFileSync(`${file}-journal`, 'x'.repeat(512));
      set(true);
      const hot = await run(['--db', seen]);
      expect(hot.code).toBe(1);
      expect(hot.err).toMatch(
        /record\.db-journal holds a write that did not finish, which cannot be rolled back \(it does not begin as a journal does\); NetLens moves it aside when it next opens the record/,
      );
    } finally {
      set(false);
    }
  });
});

describe('a lock left by a killed process', () => {
  it.skipIf(noReadOnlyFolder)(
    'is read past in a folder it may not write (it cannot remove it), and said so',
    async () => {
      const { dir, file } = record();
      const { spawn } = await import('node:child_process');
      // A NetLens killed in a transaction: its lock left, a minute old.
      const holder = await bundleWorker(
        mkdtempSync(join(tmpdir(), 'netlens-history-holder-')),
        'electron/monitor/record/testing/holder.ts',
      );
      dirs.push(dirname(holder));
      const child = spawn(process.execPath, [holder, file], { stdio: ['pipe', 'pipe', 'inherit'] });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      await until('the holder to hold the lock', () => out.includes('holding'), 15_000, 10);
      child.kill('SIGKILL');
      await exited;
      const minuteAgo = new Date(Date.now() - 60_000);
      utimesSync(`${file}.lock`, minuteAgo, minuteAgo);
      const { folder, set } = await readOnly(dir);
      try {
        const before = snapshot(folder);
        const seen = join(folder, 'record.db');
        // On main: exit 1, "the record is busy (NetLens is writing it); try again", until NetLens opens it.
        const { code, out: rows, err } = await run(['--format', 'csv', '--db', seen]);
        expect(code).toBe(0);
        expect(rows).toContain(',7,app,ann,');
        expect(err).toBe(
          `netlens history: ${seen}.lock is a lock left by a process that is gone; this user may not write its folder to remove it, so the record was read without it. NetLens removes it when it next opens the record (so does netlens history run by a user who may write ${folder})\n`,
        );
        expect(snapshot(folder)).toBe(before);
      } finally {
        set(false);
      }
    },
  );
});

describe('SQLite', () => {
  /** The files a module loads when it is loaded: its static imports, followed (not `import type`, not import()). */
  function staticallyLoaded(entry: string): Set<string> {
    const seen = new Set<string>();
    const walk = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)(?:[^;'"]*?\sfrom\s+)?'(\.[^']+)'/gm)) {
        const path = normalize(join(dirname(file), m[1]!)).replace(/\.js$/, '');
        const found = ['.ts', '.tsx'].map((ext) => path + ext).find((f) => existsSync(f));
        if (found) walk(found);
      }
    };
    walk(entry);
    return seen;
  }

  it('is loaded by this command and the recorder, not with the CLI or the Electron main process', () => {
    const database = join('electron', 'monitor', 'record', 'database.ts');
    // The walk sees imports: the recorder's module loads the database module.
    expect(staticallyLoaded(join('electron', 'monitor', 'record', 'recorder.ts'))).toContain(database);
    // The host's thread has no record to write (the monitor's worker records): 4 MB of memory it would not use.
    expect(staticallyLoaded(join('electron', 'cli.ts'))).not.toContain(database);
    expect(staticallyLoaded(join('electron', 'main.ts'))).not.toContain(database);
  });
});

/** A record in a folder of its own (file, its handle `db` to close), recorded from 5 h ago, closed from 4 h to 3 h
 *  ago and from 2 h to 90 min ago, recording since; the two periods as JSON writes them (`gaps`) and as the CLI says them
 *  (`said`). */
function twoPauses() {
  const dir = mkdtempSync(join(tmpdir(), 'netlens-history-'));
  dirs.push(dir);
  const file = join(dir, 'record.db');
  const now = Math.floor(Date.now() / 1000) * 1000;
  const hour = 3_600_000;
  const { db } = openRecord(file, { create: true });
  db.run('INSERT INTO sessions (id, started, alive) VALUES (1, ?, ?), (2, ?, ?), (3, ?, ?)', [
    now - 5 * hour,
    now - 4 * hour,
    now - 3 * hour,
    now - 2 * hour,
    now - 1.5 * hour,
    now,
  ]);
  const gaps = [
    { kind: 'between', lastBefore: now - 4 * hour, resumed: now - 3 * hour },
    { kind: 'between', lastBefore: now - 2 * hour, resumed: now - 1.5 * hour },
  ];
  const said = gaps.map(
    (g) =>
      `Nothing was recorded from ${formatDateTime(g.lastBefore)} to ${formatDateTime(g.resumed)} (NetLens was not recording).`,
  );
  return { file, db, now, gaps, said };
}

/** A record in a folder of its own: a recording of 50 s each minute of the last 3 hours (179 pauses of 10 s). */
function pausedEachMinute(): { file: string; now: number } {
  const dir = mkdtempSync(join(tmpdir(), 'netlens-history-'));
  dirs.push(dir);
  const file = join(dir, 'record.db');
  const now = Math.floor(Date.now() / 1000) * 1000;
  const { db } = openRecord(file, { create: true });
  const insert = db.prepare('INSERT INTO sessions (started, alive) VALUES (?, ?)');
  for (let k = 180; k > 0; k--) insert.run([now - k * 60_000, now - k * 60_000 + 50_000]);
  insert.finalize();
  db.close();
  return { file, now };
}

describe('the history CSV', () => {
  it("says on stderr, in the table's words, what of the range is not recorded or not written (stdout rows alone)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlens-history-'));
    dirs.push(dir);
    const file = join(dir, 'record.db');
    const now = Math.floor(Date.now() / 1000) * 1000;
    const { db } = openRecord(file, { create: true });
    // Recorded from 3 h to 2 h ago, then from 1 h ago on: 90 minutes ago lies between; 4 hours ago before.
    db.run('INSERT INTO sessions (id, started, alive) VALUES (1, ?, ?), (2, ?, ?)', [
      now - 3 * 3_600_000,
      now - 2 * 3_600_000,
      now - 3_600_000,
      now,
    ]);
    db.run(
      `INSERT INTO conns (session, proto, family, local_addr, local_port, remote_addr, remote_port, states, listener,
        pid, process, user, first_seen) VALUES (2, 'tcp', 'inet', '10.0.0.2', 5000, '10.0.0.1', 443, 'ESTABLISHED', 0, 7, 'app', 'ann', ?)`,
      [now - 60_000],
    );
    db.close();
    const header = 'proto,family,localAddress,';
    for (const [since, lines] of [
      ['90m', 1],
      ['4h', 2],
    ] as const) {
      const table = await run(['--since', since, '--db', file]);
      const said = table.out.split('\n').slice(1, 1 + lines);
      // The table's second line: "Nothing was recorded from … to …" or "The record begins at …" (then, from 4 h ago,
      // the period between the two recordings).
      expect(said[0]).toMatch(/^(Nothing was recorded from|The record begins at) /);
      const csv = await run(['--since', since, '--format', 'csv', '--db', file]);
      expect(csv.code).toBe(0);
      // On main the CSV's stderr was empty.
      expect(csv.err).toBe(said.map((line) => `netlens history: ${line}\n`).join(''));
      expect(csv.out.startsWith(header)).toBe(true);
      expect(csv.out.split('\r\n')).toHaveLength(3);
    }
    // Within a recording: nothing said.
    expect((await run(['--since', '30m', '--format', 'csv', '--db', file])).err).toBe('');
  });

  it('says every period between two recordings within the range: the table, on stderr beside the CSV, in the JSON', async () => {
    const { file, db, now, gaps, said } = twoPauses();
    db.run(
      `INSERT INTO conns (session, proto, family, local_addr, local_port, remote_addr, remote_port, states, listener,
        pid, process, user, first_seen) VALUES (3, 'tcp', 'inet', '10.0.0.2', 5000, '10.0.0.1', 443, 'ESTABLISHED', 0, 7, 'app', 'ann', ?)`,
      [now - 60_000],
    );
    db.close();
    // On main none of the three said either period (the range begins within a recording).
    const table = await run(['--since', '270m', '--db', file]);
    expect(table.code).toBe(0);
    expect(table.out.split('\n').slice(1, 3)).toEqual(said);
    const csv = await run(['--since', '270m', '--format', 'csv', '--db', file]);
    expect(csv.err).toBe(said.map((line) => `netlens history: ${line}\n`).join(''));
    expect(csv.out.split('\r\n')).toHaveLength(3);
    const json = JSON.parse((await run(['--since', '270m', '--json', '--db', file])).out);
    expect(json).toMatchObject({ gap: null, gaps, gapsOmitted: 0 });
    // A range within the last recording: nothing said.
    expect((await run(['--since', '80m', '--format', 'csv', '--db', file])).err).toBe('');
  });

  it('lists the periods between recordings of the answer and says how many more there are', async () => {
    const { file, now } = pausedEachMinute();
    const table = (await run(['--since', '3h', '--db', file])).out.split('\n');
    const notes = table.filter((l) => l.startsWith('Nothing was recorded') || l.startsWith('Not listed:'));
    // The first ten are listed (a month of daily pauses would push the table a screen down), the rest counted.
    expect(notes).toHaveLength(11);
    expect(notes[0]).toBe(
      `Nothing was recorded from ${formatDateTime(now - 180 * 60_000 + 50_000)} to ${formatDateTime(now - 179 * 60_000)} (NetLens was not recording).`,
    );
    expect(notes[10]).toBe(
      'Not listed: 169 more periods in the range when nothing was recorded (narrow --since/--until).',
    );
    const csv = await run(['--since', '3h', '--format', 'csv', '--db', file]);
    expect(csv.err.split('\n').filter(Boolean)).toEqual(notes.map((l) => `netlens history: ${l}`));
    const json = JSON.parse((await run(['--since', '3h', '--json', '--db', file])).out);
    expect(json.gaps).toHaveLength(MAX_RECORD_GAPS);
    expect(json.gapsOmitted).toBe(179 - MAX_RECORD_GAPS);
  });

  it('--changes says every period between two recordings within its range: the table (csv the same), the JSON', async () => {
    const { file, db, now, gaps, said } = twoPauses();
    db.close();
    // 270 minutes before the record's now, as a moment: '270m' is counted from each run's clock, and two runs a
    // second apart print two first lines.
    const since = new Date(now - 270 * 60_000).toISOString();
    // On main neither period was said (the range begins within a recording): the lists read as complete.
    const table = await run(['--changes', '--since', since, '--db', file]);
    expect(table.code).toBe(0);
    expect(table.out.split('\n').slice(1, 4)).toEqual([...said, '']);
    // --changes has no CSV of its own: --format csv prints the same text, the periods in it, and stderr says nothing.
    const csv = await run(['--changes', '--since', since, '--format', 'csv', '--db', file]);
    expect(csv).toMatchObject({ code: 0, out: table.out, err: '' });
    const json = JSON.parse((await run(['--changes', '--since', since, '--json', '--db', file])).out);
    expect(json).toMatchObject({ gap: null, gaps, gapsOmitted: 0 });
    // From within the first pause: that one is the first moment's line, the second is listed after it.
    const within = (await run(['--changes', '--since', '210m', '--db', file])).out.split('\n');
    expect(within[1]).toMatch(/^Nothing was recorded from .*: compared with /);
    expect(within.slice(2, 4)).toEqual([said[1], '']);
    // A range within the last recording: nothing said.
    const recent = (await run(['--changes', '--since', '80m', '--db', file])).out;
    expect(recent).not.toContain('Nothing was recorded');
  });

  it('--changes lists the periods between recordings of the answer and says how many more there are', async () => {
    const { file } = pausedEachMinute();
    const notes = (await run(['--changes', '--since', '3h', '--db', file])).out
      .split('\n')
      .filter((l) => l.startsWith('Nothing was recorded') || l.startsWith('Not listed:'));
    expect(notes).toHaveLength(11);
    expect(notes[10]).toBe(
      'Not listed: 169 more periods in the range when nothing was recorded (narrow --since/--until).',
    );
    const json = JSON.parse((await run(['--changes', '--since', '3h', '--json', '--db', file])).out);
    expect(json.gaps).toHaveLength(MAX_RECORD_GAPS);
    expect(json.gapsOmitted).toBe(179 - MAX_RECORD_GAPS);
  });

  it("is told to scripts as it is: docs/CHANGES.md's new header is the one written, its old names the snake_case ones", async () => {
    const changes = readFileSync('docs/CHANGES.md', 'utf8');
    const told = /- Headers:([\s\S]*?)The column order is the same\./.exec(changes)?.[1] ?? '';
    const spans = [...told.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    const { out } = await run(['--format', 'csv', '--db', record().file]);
    // On main there was no docs/CHANGES.md.
    // The header of 12-06, then the columns the entries since say were added at its end.
    const since = changes.slice(0, changes.indexOf(told));
    const added = [...since.matchAll(/a column more at its end, `(\w+)`/g)].map((m) => m[1]!).reverse();
    expect([spans.filter((t) => t.includes(',')).join(''), ...added].join(',')).toBe(out.split('\r\n')[0]);
    expect(added).toEqual(['others']);
    const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    expect(spans.filter((t) => /^[a-z]+(?:_[a-z]+)+$/.test(t)).sort()).toEqual(
      HISTORY_CSV_COLUMNS.map(snake)
        .filter((n) => n.includes('_'))
        .sort(),
    );
    expect(readFileSync('README.md', 'utf8')).toContain('[docs/CHANGES.md](docs/CHANGES.md)');
  });

  it('says on stderr how many rows past the cap it did not write, as the table does', async () => {
    const { file } = record();
    const db = new Database(file, { fileMustExist: true });
    const at = Date.now() - 30_000;
    const insert = db.prepare(
      `INSERT INTO conns (session, proto, family, local_addr, local_port, remote_addr, remote_port, states, listener,
        pid, process, first_seen) VALUES (1, 'tcp', 'inet', '10.0.0.2', ?, '10.0.0.9', 443, 'ESTABLISHED', 0, 7, 'app', ?)`,
    );
    db.exec('BEGIN');
    for (let i = 0; i < MAX_RECORDED_ROWS + 4; i++) insert.run([i % 65_536, at]);
    db.exec('COMMIT');
    insert.finalize();
    db.close();
    const table = await run(['--db', file]);
    expect(table.out).toContain('(5 more rows not shown: narrow --since/--until)');
    const csv = await run(['--format', 'csv', '--db', file]);
    expect(csv.code).toBe(0);
    // On main the CSV's stderr was empty.
    expect(csv.err).toBe('netlens history: 5 more rows not shown: narrow --since/--until\n');
    expect(csv.out.split('\r\n')).toHaveLength(MAX_RECORDED_ROWS + 2);
  }, 60_000);

  it("is one file whether the CLI or the History tab's Export CSV writes it: RFC 4180 lines, the JSON's names", async () => {
    const { file } = record();
    // The socket shared with another process (schema 4): its other owners in the last column.
    const db = new Database(file, { fileMustExist: true });
    db.run(`UPDATE conns SET others = '[[8,"app"],[9,"app, helper"]]'`);
    db.close();
    const json = await run(['--json', '--db', file]);
    const rows = (JSON.parse(json.out) as { rows: RecordedConnection[] }).rows;
    expect(rows).toHaveLength(1);
    const { code, out } = await run(['--format', 'csv', '--db', file]);
    expect(code).toBe(0);
    // On main the CLI wrote local_address, 0 for false and LF; the tab localAddress, false and CRLF.
    expect(out).toBe(historyTabCsv(rows.map(toHistoryRow)));
    const iso = (t: number) => new Date(t).toISOString();
    expect(out).toBe(
      'proto,family,localAddress,localPort,remoteAddress,remotePort,states,listener,pid,process,user,exe,path,' +
        'firstSeen,lastSeen,closedAt,bytesSent,bytesReceived,others\r\n' +
        `tcp,inet,10.0.0.2,5000,10.0.0.1,443,ESTABLISHED,false,7,app,ann,,,${iso(rows[0]!.firstSeen)},${iso(rows[0]!.lastSeen)},,,,"8/app; 9/app, helper"\r\n`,
    );
    // The table says how many more, as the History tab's Process and PID cells do.
    const table = await run(['--db', file]);
    expect(table.out).toContain('7/app +2');
  });
});
