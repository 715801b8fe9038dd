// The record's requests, answered in the monitor's worker: one that meets another process's lock (`netlens
// history` reading) must not stop that thread, which ticks every tab's live view.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from './database.js';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_RECORDING } from '../../../shared/record.js';
import { until } from '../../../test/until.js';
import { ConnectionTable } from '../connections.js';
import { answerRecordRequest } from './requests.js';
import { Recorder } from './recorder.js';
import { conn } from './testing/rows.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A recorder with two connections recorded (by a recording that stopped since), and its file. */
function recorded(enabled: boolean): { recorder: Recorder; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'record-requests-'));
  dirs.push(dir);
  const file = join(dir, 'history.sqlite');
  const table = new ConnectionTable(0);
  const options = {
    file,
    liveRows: () => table.rows(),
    notify: () => {},
    log: () => {},
    flushMs: 1_000_000,
    retryMs: 1_000_000,
  };
  const writer = new Recorder({ ...options, config: DEFAULT_RECORDING });
  writer.connections(table.update([conn(1), conn(2)], Date.now()), (id) => table.get(id));
  writer.close();
  const recorder = new Recorder({ ...options, config: { ...DEFAULT_RECORDING, enabled } });
  return { recorder, file };
}

/** Another holder of the record's lock (the VFS's `<file>.lock` directory), as `netlens history` mid-read. */
function holdLock(file: string): { release: () => void } {
  const holder = new Database(file, { fileMustExist: true });
  holder.exec('BEGIN IMMEDIATE');
  return {
    release: () => {
      holder.exec('COMMIT');
      holder.close();
    },
  };
}

describe('connections as they were', () => {
  it('say the last write of the recording running now, which tells the rows open now from those left open', async () => {
    for (const enabled of [true, false]) {
      const { recorder } = recorded(enabled);
      try {
        const ask = () => answerRecordRequest(recorder, 'recordConnections', { from: 0, to: Date.now() + 1000 });
        if (enabled) {
          // Not yet seen by the recording running now: left open by the one before, as it stopped.
          const before = await ask();
          expect(typeof before.recordingAt).toBe('number');
          expect(before.rows.every((r) => r.closedAt === null && r.lastSeen < before.recordingAt!)).toBe(true);
          // Seen again: the same sockets go on in the running recording.
          const seen = new ConnectionTable(0);
          recorder.connections(seen.update([conn(1), conn(2)], Date.now()), (id) => seen.get(id));
        }
        const answer = await ask();
        const open = answer.rows.filter((r) => r.closedAt === null);
        expect(open.map((r) => r.process).sort(), `recording ${enabled}`).toEqual(['app1', 'app2']);
        if (!enabled) {
          // Nothing records: every row left open is as its recording stopped (the History tab: "still open at …").
          expect(answer.recordingAt).toBeUndefined();
          continue;
        }
        // Recording: its rows go on in the running recording, last written at its last write (History: "still open").
        expect(typeof answer.recordingAt).toBe('number');
        expect(open.map((r) => r.lastSeen)).toEqual([answer.recordingAt, answer.recordingAt]);
      } finally {
        recorder.close();
      }
    }
  });
});

describe('a record request that meets another process lock', () => {
  for (const enabled of [true, false])
    it(`waits without stopping the thread, then answers (recording ${enabled ? 'on' : 'off'})`, async () => {
      const { recorder, file } = recorded(enabled);
      const lock = holdLock(file);
      // The monitor's ticks: timers of this thread.
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 2);
      try {
        let settled = false;
        const answer = answerRecordRequest(
          recorder,
          'recordConnections',
          { from: 0, to: Date.now() + 1000 },
          {
            tries: 100_000,
            stepMs: 2,
          },
        ).finally(() => (settled = true));
        await until('ticks while the request waits', () => ticks >= 10, 10_000, 1);
        // On main the request slept in Atomics.wait for 5 s (no tick ran) and then failed ("database is locked"),
        // or, recording off, answered nothing: the reader's open failed and the request read no record.
        expect(settled).toBe(false);
        lock.release();
        expect((await answer).rows.map((r) => r.process).sort()).toEqual(['app1', 'app2']);
      } finally {
        clearInterval(ticker);
        recorder.close();
      }
    });

  it('fails clearly after its bound: the record is busy, try again', async () => {
    const { recorder, file } = recorded(true);
    const lock = holdLock(file);
    try {
      for (const method of ['recordTimeline', 'recordChanges', 'recordAlerts', 'recordMarkKnown'] as const) {
        const params = {
          recordTimeline: { from: 0, to: 1 },
          recordChanges: { from: 0, to: 1 },
          recordAlerts: { limit: 10 },
          recordMarkKnown: { kind: 'process', subject: 'app1' },
        }[method];
        await expect(answerRecordRequest(recorder, method, params as never, { tries: 3, stepMs: 1 })).rejects.toThrow(
          'the record is busy (netlens history is reading it); try again',
        );
      }
    } finally {
      lock.release();
    }
    // Free again: answered.
    expect(await answerRecordRequest(recorder, 'recordMarkKnown', { kind: 'process', subject: 'app1' })).toEqual({
      known: true,
    });
    expect(await answerRecordRequest(recorder, 'recordAlerts', { limit: 10 })).toEqual([]);
    recorder.close();
  });
});

describe('a record that lacks a column of the schema (a copy altered by hand)', () => {
  for (const enabled of [true, false])
    it(`is refused with what it lacks, not a TypeError (recording ${enabled ? 'on' : 'off'})`, async () => {
      const { recorder, file } = recorded(false);
      recorder.close();
      const db = new Database(file, { fileMustExist: true });
      db.exec('ALTER TABLE conns DROP COLUMN states');
      db.close();
      const notices: string[] = [];
      const table = new ConnectionTable(0);
      const reader = new Recorder({
        file,
        liveRows: () => table.rows(),
        notify: (_level, _code, text) => notices.push(text),
        log: () => {},
        flushMs: 1_000_000,
        retryMs: 1_000_000,
        config: { ...DEFAULT_RECORDING, enabled },
      });
      try {
        // On main: rows read with `states` undefined, "Cannot read properties of undefined (reading 'split')".
        await expect(answerRecordRequest(reader, 'recordConnections', { from: 0, to: Date.now() })).rejects.toThrow(
          `${file} is not a NetLens record: its conns table has no column states`,
        );
        // Recording does not write to it: paused, saying why.
        if (enabled) expect(reader.status().state).toBe('paused');
        if (enabled) expect(notices.join('\n')).toContain('its conns table has no column states');
      } finally {
        reader.close();
      }
    });
});
