// What the record's queries read: the same answers as the plain predicates over the whole table (old and new
// queries compared on random records and intervals), and reads that grow with what was open at a moment, not
// with the history before it. Reads are counted as the pages SQLite's VFS reads from the file on a fresh
// connection (node-sqlite3-wasm reads through Node's fs.readSync): a page cache starts empty there.
import fs, { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Database, openRecord, type RecordDatabase } from './database.js';
import { changes, connectionsBetween, MAX_RECORD_GAPS, MAX_RECORDED_ROWS } from './queries.js';
import { PRUNE_FIRST_SIGHTINGS } from './recorder.js';
import { seededRandom } from '../testing/synthetic.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function newRecord(): { file: string; db: RecordDatabase } {
  const dir = mkdtempSync(join(tmpdir(), 'record-queries-'));
  dirs.push(dir);
  const file = join(dir, 'history.sqlite');
  return { file, db: openRecord(file, { create: true }).db };
}

interface Row {
  session: number;
  listener: boolean;
  port: number;
  process: string | null;
  first: number;
  closed: number | null;
}

function insertRows(db: RecordDatabase, rows: Iterable<Row>): void {
  const insert = db.prepare(`INSERT INTO conns (session, proto, family, local_addr, local_port, remote_addr,
    remote_port, states, listener, process, first_seen, closed_at) VALUES (?, 'tcp', 'inet', '10.0.0.2', ?,
    '10.0.0.1', 443, 'ESTABLISHED', ?, ?, ?, ?)`);
  db.exec('BEGIN');
  for (const r of rows) insert.run([r.session, r.port, r.listener ? 1 : 0, r.process, r.first, r.closed]);
  db.exec('COMMIT');
  insert.finalize();
}

/** What main asked: the rows first seen by `to` and ended at `from` or later, the first_seen index read from the start. */
function oldBetween(db: RecordDatabase, from: number, to: number): number[] {
  return (
    db.all(
      `SELECT c.id FROM conns c JOIN sessions s ON s.id = c.session
        WHERE c.first_seen <= ? AND COALESCE(c.closed_at, s.alive) >= ? ORDER BY c.first_seen, c.id`,
      [to, from],
    ) as { id: number }[]
  ).map((r) => Number(r.id));
}

function oldStopped(db: RecordDatabase, from: number, to: number) {
  const openAt = (t: number) =>
    db.all(
      `SELECT c.process AS process, max(COALESCE(c.closed_at, s.alive)) AS last FROM conns c JOIN sessions s ON s.id = c.session
        WHERE c.process IS NOT NULL AND c.first_seen <= ? AND COALESCE(c.closed_at, s.alive) >= ? GROUP BY c.process`,
      [t, t],
    ) as { process: string; last: number }[];
  const after = new Set(openAt(to).map((p) => p.process));
  return openAt(from)
    .filter((p) => !after.has(p.process))
    .map((p) => {
      const last = db.get(
        `SELECT max(COALESCE(c.closed_at, s.alive)) AS last FROM conns c JOIN sessions s ON s.id = c.session
          WHERE c.process = ? AND c.first_seen <= ?`,
        [p.process, to],
      ) as { last: number };
      return { process: p.process, lastSeen: Number(last.last) };
    });
}

/** The pages a fresh connection to `file` reads while `fn` runs. */
function pagesRead<T>(file: string, fn: (db: RecordDatabase) => T): { value: T; pages: number } {
  const db = new Database(file, { fileMustExist: true });
  const read = fs.readSync;
  let pages = 0;
  fs.readSync = ((...args: Parameters<typeof fs.readSync>) => {
    pages++;
    return read(...args);
  }) as typeof fs.readSync;
  try {
    return { value: fn(db), pages };
  } finally {
    fs.readSync = read;
    db.close();
  }
}

describe('moments in the record', () => {
  it('finds the same rows open over random intervals as the plain predicate over the whole table', () => {
    const next = seededRandom(15);
    const int = (n: number) => Math.floor(next() * n);
    for (let round = 0; round < 6; round++) {
      const { db } = newRecord();
      // Sessions one after the other; the last one records now. Rows of every duration class, some left open (by
      // a session that ended, or open now), a few closed before they were first seen (a clock set back).
      const sessions = 4;
      let t = 1_000_000;
      const bounds: [number, number][] = [];
      for (let s = 1; s <= sessions; s++) {
        const start = t;
        t += 10_000 + int(4 * 3_600_000);
        db.run('INSERT INTO sessions (id, started, alive) VALUES (?, ?, ?)', [s, start, t]);
        bounds.push([start, t]);
        t += int(600_000);
      }
      const rows: Row[] = [];
      for (let i = 0; i < 1500; i++) {
        const session = 1 + int(sessions);
        const [start, alive] = bounds[session - 1]!;
        const first = start - int(60_000) + int(alive - start);
        const scale = [100, 5000, 120_000, 3_600_000, 86_400_000, 40 * 86_400_000][int(6)]!;
        const roll = next();
        const closed = roll < 0.15 ? null : roll < 0.18 ? first - int(5000) : Math.min(alive, first + int(scale));
        rows.push({
          session,
          listener: next() < 0.2,
          port: int(40),
          process: next() < 0.1 ? null : `p${int(60)}`,
          first,
          closed,
        });
      }
      insertRows(db, rows);
      const end = t;
      const moment = () => (next() < 0.1 ? end + int(1000) : 1_000_000 - 100_000 + int(end - 1_000_000 + 100_000));
      for (let q = 0; q < 40; q++) {
        let from = moment();
        let to = next() < 0.4 ? from : moment();
        if (from > to) [from, to] = [to, from];
        const between = connectionsBetween(db, from, to);
        expect(between.omitted).toBe(0);
        expect(between.rows.map((r) => Number(r.id))).toEqual(oldBetween(db, from, to));
        // A moment no session covers: before the first, the first's start is compared with; between two, the
        // last moment recorded before it.
        const resumes = bounds.find(([start]) => start > from);
        const gap =
          from < bounds[0]![0]
            ? { kind: 'before', begins: bounds[0]![0] }
            : bounds.some(([start, alive]) => start <= from && from <= alive) || resumes === undefined
              ? null
              : {
                  kind: 'between',
                  lastBefore: bounds.filter(([, alive]) => alive < from).at(-1)![1],
                  resumed: resumes[0],
                };
        expect(between.gap).toEqual(gap);
        const summary = changes(db, from, to);
        expect(summary.gap).toEqual(gap);
        const compared = gap === null ? from : gap.kind === 'before' ? gap.begins! : gap.lastBefore!;
        expect(summary.from).toBe(compared);
        // What changed compares with the last moment recorded at most.
        const last = Math.max(compared, Math.min(to, bounds[sessions - 1]![1]));
        expect(summary.stoppedProcesses).toEqual(oldStopped(db, compared, last));
        // Listeners open at a moment: compared through what changed between two moments.
        const listening = (at: number) => {
          const ids = new Map<string, number>();
          for (const id of oldBetween(db, at, at)) {
            const r = rows[id - 1]!;
            if (!r.listener) continue;
            const key = `${r.port}|${r.process ?? ''}`;
            if (!ids.has(key)) ids.set(key, id);
          }
          return ids;
        };
        const [before, after] = [listening(compared), listening(last)];
        const news = [...after].filter(([k]) => !before.has(k)).map(([, id]) => id);
        const gone = [...before].filter(([k]) => !after.has(k)).map(([, id]) => id);
        const byFirst = (ids: number[]) =>
          ids.sort((a, b) => rows[a - 1]!.first - rows[b - 1]!.first || a - b).map(String);
        expect(summary.newListeners.map((l) => l.id)).toEqual(byFirst(news));
        expect(summary.goneListeners.map((l) => l.id)).toEqual(byFirst(gone));
      }
      db.close();
    }
  }, 120_000); // 240 queries checked against plain predicates: 10-30 s on a loaded 2-core machine

  it('sends the first MAX_RECORDED_ROWS of a long range and counts the rest as the plain predicate does', () => {
    const next = seededRandom(27);
    const int = (n: number) => Math.floor(next() * n);
    const { db } = newRecord();
    // Three sessions, rows of every duration; some left open by the first two, some closed before they were first seen
    // (a clock set back), some first seen after their session's last write (the same).
    db.run(
      'INSERT INTO sessions (id, started, alive) VALUES (1, 0, 4000000), (2, 4100000, 8000000), (3, 8100000, 12000000)',
    );
    const rows: Row[] = [];
    for (let i = 0; i < MAX_RECORDED_ROWS + 14_000; i++) {
      const session = 1 + int(3);
      const start = (session - 1) * 4_100_000;
      const first = start + int(4_200_000);
      const roll = next();
      const closed =
        roll < 0.05 ? null : roll < 0.1 ? first - int(3_000_000) : first + int([900, 60_000, 2_000_000][int(3)]!);
      rows.push({ session, listener: false, port: int(40), process: `p${int(9)}`, first, closed });
    }
    insertRows(db, rows);
    const ranges: [number, number][] = [
      [0, 12_000_000],
      [-5, 20_000_000],
      [800_000, 12_000_000],
      [0, 10_500_000],
      [4_001_000, 12_400_000],
      [6_000_000, 6_000_000],
      [3_000_000, 9_000_000],
    ];
    for (let q = 0; q < 8; q++) {
      const a = int(12_500_000);
      const b = int(12_500_000);
      ranges.push([Math.min(a, b), Math.max(a, b)]);
    }
    let counted = 0;
    for (const [from, to] of ranges) {
      const all = oldBetween(db, from, to);
      const between = connectionsBetween(db, from, to);
      expect(between.rows.map((r) => Number(r.id))).toEqual(all.slice(0, MAX_RECORDED_ROWS));
      expect(between.omitted).toBe(Math.max(0, all.length - MAX_RECORDED_ROWS));
      if (between.omitted > 0) counted++;
    }
    expect(counted).toBeGreaterThanOrEqual(4);
    // More rows open at a moment than are sent: those open at the start of a range alone fill the answer.
    insertRows(
      db,
      Array.from({ length: MAX_RECORDED_ROWS + 500 }, (_, i) => ({
        session: 3,
        listener: false,
        port: i % 40,
        process: 'long',
        first: 8_200_000 + i,
        closed: 11_000_000 + (i % 7),
      })),
    );
    for (const [from, to] of [
      [9_000_000, 9_000_000],
      [9_000_000, 12_000_000],
      [8_210_000, 8_300_000],
    ] as const) {
      const all = oldBetween(db, from, to);
      const between = connectionsBetween(db, from, to);
      expect(between.rows.map((r) => Number(r.id))).toEqual(all.slice(0, MAX_RECORDED_ROWS));
      expect(between.omitted).toBe(all.length - MAX_RECORDED_ROWS);
      expect(between.omitted).toBeGreaterThan(0);
    }
    db.close();
  });

  it('answers the same from a record kept before its indexes, as a reader that never writes opens it', () => {
    // A record NetLens has not opened since (netlens history opens it read-only: no schema, no index made).
    const { file, db } = newRecord();
    db.run('INSERT INTO sessions (id, started, alive) VALUES (1, 0, 50000), (2, 60000, 90000)');
    insertRows(
      db,
      Array.from({ length: 400 }, (_, i) => ({
        session: i % 2 === 0 ? 1 : 2,
        listener: i % 7 === 0,
        port: i % 13,
        process: `p${i % 11}`,
        first: (i % 2 === 0 ? 0 : 60_000) + i * 70,
        closed: i % 5 === 0 ? null : (i % 2 === 0 ? 0 : 60_000) + i * 70 + ((i * 7919) % 40_000),
      })),
    );
    const ask = (d: RecordDatabase) =>
      [0, 20_000, 49_000, 55_000, 70_000, 89_000].map((t) => ({
        at: connectionsBetween(d, t, t).rows.map((r) => r.id),
        changed: changes(d, t, 90_000),
      }));
    const indexed = ask(db);
    db.exec('DROP INDEX conns_live; DROP INDEX conns_span');
    db.close();
    const old = new Database(file, { fileMustExist: true, readOnly: true });
    expect(ask(old)).toEqual(indexed);
    expect(indexed[3]!.at.length).toBeGreaterThan(0);
    old.close();
  });

  /**
   * A record of `hours` of history at a steady rate (closed connections of a few seconds to minutes, one session
   * after another), then the 300 connections open now. What the moment "now" reads should not grow with `hours`.
   */
  function history(hours: number): { file: string; now: number } {
    const { file, db } = newRecord();
    const start = 1_000_000_000;
    const now = start + hours * 3_600_000;
    const rows: Row[] = [];
    for (let h = 0; h < hours; h++) {
      // A session an hour (restarts): each left 5 rows open when it ended.
      db.run('INSERT INTO sessions (id, started, alive) VALUES (?, ?, ?)', [
        h + 1,
        start + h * 3_600_000,
        start + (h + 1) * 3_600_000,
      ]);
      for (let i = 0; i < 1000; i++) {
        const first = start + h * 3_600_000 + i * 3600;
        rows.push({
          session: h + 1,
          listener: i % 50 === 0,
          port: i % 50,
          process: `p${i % 97}`,
          first,
          closed: i < 5 ? null : first + 2000 + ((i * 7919) % 300_000),
        });
      }
    }
    db.run('UPDATE sessions SET alive = ? WHERE id = ?', [now, hours]);
    for (let i = 0; i < 300; i++)
      rows.push({
        session: hours,
        listener: i % 30 === 0,
        port: i,
        process: `now${i % 20}`,
        first: now - 600_000 + i,
        closed: null,
      });
    insertRows(db, rows);
    db.close();
    return { file, now };
  }

  it('reads what was open at a moment, not the history before it', () => {
    const read = (hours: number) => {
      const { file, now } = history(hours);
      const at = pagesRead(file, (db) => connectionsBetween(db, now, now));
      const changed = pagesRead(file, (db) => changes(db, now - 60_000, now));
      return {
        rows: at.value.rows.length,
        at: at.pages,
        changed: changed.pages,
        stopped: changed.value.stoppedProcesses.map((p) => ({ ...p, lastSeen: p.lastSeen - now })),
      };
    };
    const small = read(4);
    const big = read(40);
    // The 300, the 5 its session left open, and the last minutes' connections closed after now.
    expect(small.rows).toBeGreaterThan(300 + 5);
    expect(big.rows).toBe(small.rows);
    expect(big.stopped).toEqual(small.stopped);
    // Main read the first_seen index and every row from the start of the record: 10 x the history, 7.4-9.9 x
    // the pages (at 4,000 against 40,000 rows).
    expect(big.at / small.at).toBeLessThan(1.5);
    expect(big.changed / small.changed).toBeLessThan(1.5);
  });

  it('reads the rows a long range sends, not every row of the range (the rest counted in an index)', () => {
    const read = (hours: number) => {
      const { file } = history(hours);
      // Every moment of the record: all its rows, more than are sent.
      const all = pagesRead(file, (db) => connectionsBetween(db, 0, Number.MAX_SAFE_INTEGER));
      return { sent: all.value.rows.length, omitted: all.value.omitted, pages: all.pages };
    };
    const small = read(25);
    const big = read(50);
    expect(small).toMatchObject({ sent: MAX_RECORDED_ROWS, omitted: 25 * 1000 + 300 - MAX_RECORDED_ROWS });
    expect(big).toMatchObject({ sent: MAX_RECORDED_ROWS, omitted: 50 * 1000 + 300 - MAX_RECORDED_ROWS });
    // On main: every row of the range gathered and sorted, then counted: twice the history, about twice the pages.
    expect(big.pages / small.pages).toBeLessThan(1.3);
  });
});

describe('first sightings', () => {
  function sightings(n: number): { file: string; now: number } {
    const { file, db } = newRecord();
    const now = 10_000_000;
    db.exec('BEGIN');
    const put = (sql: string, rows: unknown[][]) => {
      const st = db.prepare(sql);
      for (const r of rows) st.run(r as (string | number)[]);
      st.finalize();
    };
    const old = Array.from({ length: n }, (_, i) => i);
    put(
      'INSERT INTO remotes (address, first_seen, process) VALUES (?, ?, ?)',
      old.map((i) => [`11.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, 1000 + i, 'app']),
    );
    put(
      'INSERT INTO reached (subject, first_seen) VALUES (?, ?)',
      old.map((i) => [`app\n11.${i >> 8}.${i & 255}.0/24`, 1000 + i]),
    );
    put(
      'INSERT INTO processes (name, first_seen) VALUES (?, ?)',
      old.map((i) => [`old${i}`, 1000 + i]),
    );
    // And a few new in the last minute.
    for (let i = 0; i < 3; i++) {
      db.run('INSERT INTO remotes (address, first_seen, process) VALUES (?, ?, ?)', [
        `10.9.${i}.1`,
        now - 1000 + i,
        'new',
      ]);
      db.run('INSERT INTO reached (subject, first_seen) VALUES (?, ?)', [`new\n10.9.${i}.0/24`, now - 1000 + i]);
      db.run('INSERT INTO processes (name, first_seen) VALUES (?, ?)', [`new${i}`, now - 1000 + i]);
    }
    db.run('INSERT INTO sessions (id, started, alive) VALUES (1, 0, ?)', [now]);
    db.exec('COMMIT');
    db.close();
    return { file, now };
  }

  it('lists the new ones since a moment by reading those alone', () => {
    const read = (n: number) => {
      const { file, now } = sightings(n);
      return pagesRead(file, (db) => changes(db, now - 60_000, now));
    };
    const small = read(2000);
    const big = read(20_000);
    expect(big.value.newRemoteHosts.map((h) => h.address)).toEqual(['10.9.0.1', '10.9.1.1', '10.9.2.1']);
    expect(big.value.newPlaces).toHaveLength(3);
    expect(big.value.startedProcesses.map((p) => p.process)).toEqual(['new0', 'new1', 'new2']);
    expect(small.value).toEqual(big.value);
    // Main scanned each table whole and sorted it (SCAN, USE TEMP B-TREE FOR ORDER BY): 9.4 x the pages.
    expect(big.pages / small.pages).toBeLessThan(1.5);
  });

  it('prunes the oldest over the cap by reading those alone', () => {
    const read = (n: number) => {
      const { file } = sightings(n);
      return pagesRead(file, (db) => {
        db.exec('BEGIN');
        const deleted = PRUNE_FIRST_SIGHTINGS.map((sql) => db.run(sql).changes);
        const oldest = db.get('SELECT min(first_seen) AS t FROM remotes') as { t: number };
        db.exec('ROLLBACK');
        return { deleted, oldest: Number(oldest.t) };
      });
    };
    const small = read(20_000);
    const big = read(200_000);
    expect(big.value).toEqual({ deleted: [500, 500, 500], oldest: 1500 });
    expect(small.value).toEqual(big.value);
    // Main sorted each whole table for its oldest 500 (SCAN, USE TEMP B-TREE FOR ORDER BY): 10 x the pages. Now
    // the oldest are read off first_seen's index; deleting 500 rows scattered over a larger table touches more of
    // its pages, at most a leaf each (2.9 x here).
    expect(big.pages / small.pages).toBeLessThan(4);
  });
});

describe('a record altered by hand (values of the wrong type)', () => {
  it('skips and counts the rows that cannot be connections, and keeps the others', () => {
    const { db } = newRecord();
    const at = 1_764_680_000_000;
    // (The record began a second before these rows: they are news since `at - 1`.)
    db.run('INSERT INTO sessions (id, started, alive) VALUES (1, ?, ?)', [at - 1000, at + 60_000]);
    const insert = db.prepare(`INSERT INTO conns (session, proto, family, local_addr, local_port, remote_addr,
      remote_port, states, listener, pid, process, first_seen, closed_at) VALUES (1, 'tcp', 'inet', ?, ?, '1.1.1.1', ?,
      'LISTEN', ?, ?, ?, ?, ?)`);
    const blob = new Uint8Array([255, 0, 254]);
    // [local address, local port, remote port, listener, pid, process, first seen, closed at]
    const rows: unknown[][] = [
      ['10.0.0.2', 80, 0, 1, 7, 'good', at, null],
      ['10.0.0.2', 81, 'notanint', 1, 7, 'text port', at, null],
      [blob, 82, 0, 1, 7, 'blob address', at, null],
      ['10.0.0.2', 83, 0, 1, 1.5, 'pid 1.5', at, null],
      ['10.0.0.2', 84, 0, 1, -1, 'pid -1', at, null],
      ['10.0.0.2', -5, 0, 1, 7, 'port -5', at, null],
      ['10.0.0.2', 99_999_999, 0, 1, 7, 'port 99999999', at, null],
      ['10.0.0.2', 85, 0, 1, 7, blob, at, null],
      ['10.0.0.2', 86, 0, 1, 7, 'first seen as text', `${at}x`, null],
      // A clock set back between its sighting and its close writes this: kept.
      ['10.0.0.2', 87, 0, 1, 7, 'clock set back', at + 1000, at + 500],
    ];
    for (const r of rows) insert.run(r as never);
    insert.finalize();
    db.run("INSERT INTO processes (name, first_seen) VALUES ('fine', ?), (?, ?), ('when', 'then')", [
      at + 1,
      blob,
      at + 2,
    ]);
    db.run("INSERT INTO remotes (address, first_seen, process) VALUES ('9.9.9.9', ?, 'x'), (?, ?, 'y')", [
      at + 1,
      blob,
      at + 2,
    ]);
    // On main: every row, printed `1.1.1.1:NaN`, `255,0,254`, pid 1.5.
    const between = connectionsBetween(db, at, at + 60_000);
    expect(between.rows.map((r) => r.process).sort()).toEqual(['clock set back', 'good']);
    // (The one first seen as text is at no moment: text sorts after every number.)
    expect(between.unreadable).toBe(7);
    const changed = changes(db, at - 1, at + 60_000);
    expect(changed.newListeners.map((r) => r.process)).toEqual(['good']);
    expect(changed.startedProcesses.map((p) => p.process)).toEqual(['fine']);
    expect(changed.newRemoteHosts.map((h) => h.address)).toEqual(['9.9.9.9']);
    // 7 listener rows whose values cannot be a connection's, a process and a remote address.
    expect(changed.unreadable).toBe(9);
    db.close();
  });
});

describe("a recorded socket's other owners", () => {
  it('are read back as written, and a row whose list is not one the recorder writes is skipped and counted', () => {
    const { db } = newRecord();
    const at = 1_764_680_000_000;
    db.run('INSERT INTO sessions (id, started, alive) VALUES (1, ?, ?)', [at - 1000, at + 60_000]);
    const insert = db.prepare(`INSERT INTO conns (session, proto, family, local_addr, local_port, remote_addr,
      remote_port, states, listener, pid, process, others, first_seen) VALUES (1, 'tcp', 'inet', '10.0.0.2', ?,
      '0.0.0.0', 0, 'LISTEN', 1, 7, ?, ?, ?)`);
    const others: [number, string, unknown][] = [
      [80, 'none', null],
      [81, 'workers', '[[8,"nginx"],[9,"nginx: worker"]]'],
      [82, 'not json', '[[8,'],
      [83, 'an object', '{"pid":8}'],
      [84, 'a negative pid', '[[-8,"x"]]'],
      [85, 'a name not text', '[[8,9]]'],
      [86, 'too many', JSON.stringify(Array.from({ length: 64 }, (_, i) => [i, 'w']))],
      [87, 'a blob', new Uint8Array([91, 93])],
    ];
    for (const [port, name, list] of others) insert.run([port, name, list, at] as never);
    insert.finalize();
    const read = connectionsBetween(db, at, at + 1000);
    expect(read.rows.map((r) => [r.process, r.others])).toEqual([
      ['none', []],
      [
        'workers',
        [
          { pid: 8, name: 'nginx' },
          { pid: 9, name: 'nginx: worker' },
        ],
      ],
    ]);
    expect(read.unreadable).toBe(6);
    db.close();
  });
});

// Records of recordings with pauses between them (gaps): moments are minutes after `at`.
const at = 1_764_680_000_000;
const min = 60_000;
/** A record of these recordings, [started, alive] minutes after `at`. */
function recorded(sessions: [number, number][]): RecordDatabase {
  const { db } = newRecord();
  for (const [started, alive] of sessions)
    db.run('INSERT INTO sessions (started, alive) VALUES (?, ?)', [at + started * min, at + alive * min]);
  return db;
}
const pause = (lastBefore: number, resumed: number) => ({
  kind: 'between',
  lastBefore: at + lastBefore * min,
  resumed: at + resumed * min,
});

describe('periods no recording covers within a range (gaps)', () => {
  const asked = (db: RecordDatabase, from: number, to: number) =>
    connectionsBetween(db, at + from * min, at + to * min);

  it('takes a pause of under SHORTEST_GAP_MS (Space pressed twice) for none, at a moment within it too', () => {
    const sec = 1000 / min;
    // Recording 0-60, paused for 0.5 s, recording again to 90; then a pause of 3 s, and to 120.
    const db = recorded([
      [0, 60],
      [60 + 0.5 * sec, 90],
      [90 + 3 * sec, 120],
    ]);
    // On main: "Nothing was recorded from 23:07:43 to 23:07:43", and "nothing recorded" at a moment within it.
    expect(asked(db, 10, 110)).toMatchObject({ gap: null, gaps: [pause(90, 90 + 3 * sec)] });
    expect(asked(db, 60 + 0.2 * sec, 60 + 0.2 * sec).gap).toBeNull();
    expect(asked(db, 90 + 1.5 * sec, 90 + 1.5 * sec).gap).toEqual(pause(90, 90 + 3 * sec));
  });

  it('lists each period between two recordings inside the range, with its start and end', () => {
    // Recording 0-60, closed 60-120, recording 120-150, closed 150-155, recording 155-240.
    const db = recorded([
      [0, 60],
      [120, 150],
      [155, 240],
    ]);
    // On main: no such field (and no format said them).
    expect(asked(db, 10, 230)).toMatchObject({ gap: null, gaps: [pause(60, 120), pause(150, 155)], gapsOmitted: 0 });
    // A range within one recording, or a moment: none.
    expect(asked(db, 10, 50)).toMatchObject({ gap: null, gaps: [], gapsOmitted: 0 });
    expect(asked(db, 90, 90)).toMatchObject({ gap: pause(60, 120), gaps: [], gapsOmitted: 0 });
    db.close();
  });

  it('at the edges: the one the range starts in is `gap` alone; one it ends in, or one starting at its start, is listed', () => {
    const db = recorded([
      [0, 60],
      [120, 150],
      [155, 240],
    ]);
    // Starts within 60-120: that one is `gap`, 150-155 is listed.
    expect(asked(db, 90, 200)).toMatchObject({ gap: pause(60, 120), gaps: [pause(150, 155)] });
    // Ends within 60-120 (resumed after the range): listed, with its real end.
    expect(asked(db, 10, 90)).toMatchObject({ gap: null, gaps: [pause(60, 120)] });
    // Starts at the last write before a period (a recording covers that moment): the period is within the range.
    expect(asked(db, 60, 130)).toMatchObject({ gap: null, gaps: [pause(60, 120)] });
    // Ends at the last write before it: nothing of the period is within the range.
    expect(asked(db, 10, 60)).toMatchObject({ gap: null, gaps: [] });
    // Before the record began: `gap` says so, and the periods after its first moment are listed.
    expect(asked(db, -30, 130)).toMatchObject({ gap: { kind: 'before', begins: at }, gaps: [pause(60, 120)] });
    // After the last recording (NetLens not running, or its last batch not written yet): not a period between two.
    expect(asked(db, 200, 300)).toMatchObject({ gap: null, gaps: [] });
    db.close();
  });

  it('counts two recordings at once (two NetLens, one file) as covering what either covers', () => {
    // 0-100 and 20-50 overlap; 110 resumes after 100, not after 50.
    const db = recorded([
      [0, 100],
      [20, 50],
      [110, 200],
    ]);
    expect(asked(db, 10, 190)).toMatchObject({ gap: null, gaps: [pause(100, 110)], gapsOmitted: 0 });
    // The recording that began before the range reaches past the other's end.
    expect(asked(db, 30, 190).gaps).toEqual([pause(100, 110)]);
    db.close();
  });

  it('lists the first MAX_RECORD_GAPS of many, counting the rest, and skips sessions of values no recorder writes', () => {
    // A pause of a minute every 10 minutes for a week (1,008 recordings).
    const db = recorded(Array.from({ length: 1008 }, (_, k): [number, number] => [k * 10, k * 10 + 9]));
    db.run("INSERT INTO sessions (started, alive) VALUES ('soon', 'later'), (?, 'x')", [at + 5 * min]);
    const all = asked(db, 0, 10_080);
    expect(all.gaps).toHaveLength(MAX_RECORD_GAPS);
    expect(all.gaps[0]).toEqual(pause(9, 10));
    expect(all.gaps[MAX_RECORD_GAPS - 1]).toEqual(pause(MAX_RECORD_GAPS * 10 - 1, MAX_RECORD_GAPS * 10));
    expect(all.gapsOmitted).toBe(1007 - MAX_RECORD_GAPS);
    expect(asked(db, 20, 45)).toMatchObject({ gaps: [pause(29, 30), pause(39, 40)], gapsOmitted: 0 });
    db.close();
  });

  it('says none in an empty record', () => {
    const db = recorded([]);
    expect(asked(db, 0, 60)).toMatchObject({ gap: null, gaps: [], gapsOmitted: 0 });
    db.close();
  });
});

describe('What changed says the periods no recording covers within its range (gaps)', () => {
  const since = (db: RecordDatabase, from: number, to: number) => changes(db, at + from * min, at + to * min);

  it('lists each period between two recordings inside the range, as the connections answer does', () => {
    // Recording 0-60, closed 60-120, recording 120-150, closed 150-155, recording 155-240.
    const db = recorded([
      [0, 60],
      [120, 150],
      [155, 240],
    ]);
    // On main: no such field (only the period the first moment lies in was said).
    expect(since(db, 10, 230)).toMatchObject({ gap: null, gaps: [pause(60, 120), pause(150, 155)], gapsOmitted: 0 });
    expect(since(db, 10, 230)).toMatchObject({
      gaps: connectionsBetween(db, at + 10 * min, at + 230 * min).gaps,
    });
    // The period the first moment lies in is `gap` alone (compared from its start), not listed again.
    expect(since(db, 90, 200)).toMatchObject({ gap: pause(60, 120), from: at + 60 * min, gaps: [pause(150, 155)] });
    // Before the record: compared from its first moment; the periods after it are listed.
    expect(since(db, -30, 130)).toMatchObject({ gap: { kind: 'before', begins: at }, gaps: [pause(60, 120)] });
    // "Now" after the last recording is as last recorded: the time since is no period between two.
    expect(since(db, 160, 300)).toMatchObject({ to: at + 240 * min, gaps: [], gapsOmitted: 0 });
    db.close();
  });

  it('says none within one recording, between two moments of the same pause, or in an empty record', () => {
    const db = recorded([
      [0, 60],
      [120, 240],
    ]);
    expect(since(db, 10, 50)).toMatchObject({ gap: null, gaps: [], gapsOmitted: 0 });
    expect(since(db, 70, 100)).toMatchObject({ gap: pause(60, 120), gaps: [], gapsOmitted: 0 });
    db.close();
    const empty = recorded([]);
    expect(since(empty, 0, 60)).toMatchObject({ gap: null, gaps: [], gapsOmitted: 0 });
    empty.close();
  });

  it('lists the first MAX_RECORD_GAPS of many and counts the rest', () => {
    // A pause of a minute every 10 minutes for a week (1,008 recordings).
    const db = recorded(Array.from({ length: 1008 }, (_, k): [number, number] => [k * 10, k * 10 + 9]));
    const week = since(db, 0, 10_080);
    expect(week.gaps).toHaveLength(MAX_RECORD_GAPS);
    expect(week.gaps[0]).toEqual(pause(9, 10));
    expect(week.gapsOmitted).toBe(1007 - MAX_RECORD_GAPS);
    db.close();
  });
});
