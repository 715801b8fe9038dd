// Pruning's search for the rows that recordings ended before the cut-off left open (recorder.ts pruneBatch): it
// runs every minute, in a write transaction, mostly finding nothing. Read by the conns_live index (the rows still
// open, by session), it touches those rows alone, not every row first seen before the cut-off.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { seededRandom } from '../testing/synthetic.js';
import { Database, openRecord, type RecordDatabase } from './database.js';
import { PRUNE_BATCH, Recorder } from './recorder.js';

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-30T10:00:00Z');
const CUTOFF = NOW - 7 * DAY;

/** Main's search (64f39ac), the reference for the answers: rows first seen before the cut-off, left open by a
 *  session whose last write was before it, not this recorder's. */
const MAIN = `SELECT c.id FROM conns c JOIN sessions s ON s.id = c.session
          WHERE c.first_seen < ? AND c.closed_at IS NULL AND s.alive < ? AND c.session != ? LIMIT ${PRUNE_BATCH}`;

/** A record of `sessions` recordings and `rows` connections around the cut-off, drawn from `seed`. */
function record(seed: number, sessions: number, rows: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'record-prune-test-'));
  dirs.push(dir);
  const file = join(dir, 'history.sqlite');
  const random = seededRandom(seed);
  const around = () => Math.floor(CUTOFF + (random() - 0.6) * 4 * DAY);
  const { db } = openRecord(file, { create: true });
  db.exec('BEGIN');
  for (let s = 1; s <= sessions; s++) {
    const alive = around();
    db.run('INSERT INTO sessions (id, started, alive) VALUES (?, ?, ?)', [s, alive - DAY, alive]);
  }
  const insert = db.prepare(`INSERT INTO conns (session, proto, family, local_addr, local_port, remote_addr,
    remote_port, states, listener, first_seen, closed_at) VALUES (?, 'tcp', 'inet', '10.0.0.2', ?, '10.0.0.1', 443,
    'ESTABLISHED', 0, ?, ?)`);
  for (let i = 0; i < rows; i++) {
    const first = around();
    const closed = random() < 0.5 ? null : first + Math.floor(random() * 2 * DAY);
    insert.run([1 + Math.floor(random() * sessions), i % 60_000, first, closed]);
  }
  insert.finalize();
  db.exec('COMMIT');
  db.close();
  return file;
}

/** The search pruning runs (its SELECT, and its parameters), caught as a recorder opening `file` prunes. */
function leftOpenSearch(file: string): { sql: string; params: unknown[] } {
  const run = vi.spyOn(Database.prototype, 'run');
  const recorder = new Recorder({ file, liveRows: () => [], notify: () => {}, log: () => {}, now: () => NOW });
  const call = run.mock.calls.find(([sql]) => /closed_at IS NULL/.test(sql) && /sessions/.test(sql));
  run.mockRestore();
  recorder.close();
  if (!call) throw new Error('no search for rows left open ran');
  const select = /\((SELECT[\s\S]*LIMIT \d+)\)/.exec(call[0])?.[1];
  if (!select) throw new Error(`not a DELETE … IN (SELECT …): ${call[0]}`);
  return { sql: select, params: call[1] as unknown[] };
}

const ids = (db: RecordDatabase, sql: string, params: unknown[]) =>
  (db.all(sql, params as never) as { id: number }[]).map((r) => r.id).sort((a, b) => a - b);
const unlimited = (sql: string) => sql.replace(/LIMIT \d+$/, '');

describe('pruning rows left open by recordings that ended', () => {
  it('reads them by the conns_live index, not every row first seen before the cut-off', () => {
    const file = record(1, 8, 2000);
    const { sql, params } = leftOpenSearch(file);
    const { db } = openRecord(file, { create: false });
    try {
      const plan = (db.all(`EXPLAIN QUERY PLAN ${sql}`, params as never) as { detail: string }[])
        .map((r) => r.detail)
        .join(' | ');
      // On main: "SEARCH c USING INDEX conns_first (first_seen<?) | SEARCH s USING INTEGER PRIMARY KEY (rowid=?)".
      expect(plan).toMatch(/USING INDEX conns_live \(session=\? AND first_seen<\?\)/);
      expect(plan).not.toMatch(/conns_first/);
    } finally {
      db.close();
    }
  });

  it("finds the very rows main's search found", () => {
    // The search as the recorder runs it: its parameters are main's (the cut-off twice, then the session spared).
    const { sql, params } = leftOpenSearch(record(0, 2, 10));
    expect(params.slice(0, 2)).toEqual([CUTOFF, CUTOFF]);
    const found: number[] = [];
    for (let seed = 1; seed <= 12; seed++) {
      // Some with fewer rows to prune than a batch, some with more; the session spared one of them.
      const sessions = 1 + (seed % 6);
      const file = record(seed, sessions, seed % 2 ? 300 : 4000);
      const args = [CUTOFF, CUTOFF, 1 + (seed % sessions)];
      const db = new Database(file, { fileMustExist: true });
      try {
        const all = ids(db, unlimited(MAIN), args);
        expect(ids(db, unlimited(sql), args)).toEqual(all);
        const batch = ids(db, sql, args);
        expect(batch).toHaveLength(Math.min(PRUNE_BATCH, all.length));
        expect(batch.every((id) => all.includes(id))).toBe(true);
        found.push(all.length);
      } finally {
        db.close();
      }
    }
    // Both cases met: none, a part of a batch, more than a batch.
    expect(Math.min(...found)).toBe(0);
    expect(found.some((n) => n > 0 && n < PRUNE_BATCH)).toBe(true);
    expect(Math.max(...found)).toBeGreaterThan(PRUNE_BATCH);
  });
});
