// A read of the record (`netlens history`, the History tab's requests) runs several statements: what changed runs a
// dozen. Each must see the same commit of the recorder, else one answer mixes two moments of the record: here a
// listener whose owner was found late (a batch writes its process) is reported both new and gone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Connection } from '../../../shared/types.js';
import { DEFAULT_RECORDING } from '../../../shared/record.js';
import { ConnectionTable } from '../connections.js';
import { readRecord, type RecordDatabase } from './database.js';
import { changes } from './queries.js';
import { Recorder } from './recorder.js';
import { answerRecordRequest } from './requests.js';
import { conn } from './testing/rows.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const START = Date.parse('2026-11-30T10:00:00Z');

/** A recorder at `file` fed through the monitor's table, with a clock the test moves. */
function recording(file: string) {
  const table = new ConnectionTable(0);
  let now = START;
  const recorder = new Recorder({
    file,
    liveRows: () => table.rows(),
    notify: () => {},
    log: () => {},
    now: () => now,
    flushMs: 1_000_000,
    retryMs: 1_000_000,
  });
  return {
    recorder,
    tick(rows: Connection[]) {
      now += 1000;
      recorder.connections(table.update(rows, now), (id) => table.get(id));
    },
  };
}

const listener = (processes: Connection['processes']) =>
  conn(2, {
    state: 'LISTEN',
    localAddress: '0.0.0.0',
    remoteAddress: '0.0.0.0',
    remotePort: 0,
    processes,
    ownerStatus: processes.length > 0 ? 'known' : 'none',
  });
const nginx = [{ pid: 7, name: 'nginx', cmdline: '', exe: '/usr/sbin/nginx', user: 'root', startTime: 1 }];

/**
 * A record with a listener open throughout, its owner unknown, and its owner found since the last batch: the next
 * flush writes it (an UPDATE of the listener's row). Returns the recorder and the moment to compare with.
 */
function ownerFoundLate() {
  const dir = mkdtempSync(join(tmpdir(), 'record-snapshot-'));
  dirs.push(dir);
  const file = join(dir, 'history.sqlite');
  const r = recording(file);
  r.tick([conn(1), listener([])]);
  r.recorder.flush();
  const from = START + 1500;
  for (let i = 0; i < 3; i++) r.tick([conn(1), listener([])]);
  r.recorder.flush();
  r.tick([conn(1), listener(nginx)]);
  return { file, recorder: r.recorder, from };
}

/** `db`, with `between` run once after its first statement that hands back rows (`all`). */
function hooked(db: RecordDatabase, between: () => void): RecordDatabase {
  let done = false;
  return new Proxy(db, {
    get(target, key) {
      const value = Reflect.get(target, key) as unknown;
      if (key === 'all')
        return (...args: Parameters<RecordDatabase['all']>) => {
          const rows = target.all(...args);
          if (!done) {
            done = true;
            between();
          }
          return rows;
        };
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('a read of the record', () => {
  it('sees one commit: `netlens history --changes` while the recorder writes a batch mid-read', () => {
    const { file, recorder, from } = ownerFoundLate();
    try {
      const asked = START + 3_600_000;
      const before = readRecord(file, (db) => changes(db, from, asked));
      expect(before.newListeners).toEqual([]);
      // The recorder's batch comes between two statements of the read (its flush is due).
      const summary = readRecord(file, (db) =>
        changes(
          hooked(db, () => recorder.flush()),
          from,
          asked,
        ),
      );
      // On main the batch was written between them: the listener open at both moments was listed as new (with its
      // owner) and as gone (the same row).
      expect(summary.newListeners).toEqual([]);
      expect(summary.goneListeners).toEqual([]);
      expect(summary).toEqual(before);
      // The batch met the read's lock: kept, and written by the next flush. Nothing lost.
      expect(recorder.status().state).toBe('recording');
      recorder.flush();
      const after = readRecord(file, (db) => changes(db, from, asked));
      expect(after.newListeners).toEqual([]);
      expect(after.goneListeners).toEqual([]);
      expect(after.to).toBeGreaterThan(before.to);
      const owner = readRecord(file, (db) => db.get('SELECT process FROM conns WHERE listener = 1'));
      expect(owner).toEqual({ process: 'nginx' });
    } finally {
      recorder.close();
    }
  });

  it("sees one commit: the History tab's what changed while another NetLens records to the file", async () => {
    const { file, recorder, from } = ownerFoundLate();
    // This NetLens records nothing (off): its worker reads the file another NetLens (here `recorder`) writes.
    const viewer = new Recorder({
      file,
      liveRows: () => [],
      notify: () => {},
      log: () => {},
      config: { ...DEFAULT_RECORDING, enabled: false },
    });
    try {
      const readable = viewer.readable.bind(viewer);
      let between = () => {};
      viewer.readable = () => {
        const db = readable();
        return db && hooked(db, between);
      };
      const asked = { from, to: START + 3_600_000 };
      const before = await answerRecordRequest(viewer, 'recordChanges', asked);
      between = () => recorder.flush();
      const summary = await answerRecordRequest(viewer, 'recordChanges', asked);
      expect(summary.newListeners).toEqual([]);
      expect(summary.goneListeners).toEqual([]);
      expect(summary).toEqual(before);
      recorder.flush();
      between = () => {};
      const after = await answerRecordRequest(viewer, 'recordChanges', asked);
      expect(after.goneListeners).toEqual([]);
      expect(after.to).toBeGreaterThan(before.to);
    } finally {
      viewer.close();
      recorder.close();
    }
  });
});
