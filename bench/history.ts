// The cost of recording, measured against the tick it rides on, in the same run:
//   20,000 synthetic sockets (electron/monitor/testing/synthetic.ts), 1% of them changing per tick. Two identical
//   pipelines from the same seed, their ticks interleaved so both meet the same machine: the monitor's tick
//   (the synthetic collection, then ConnectionTable.update: derive and diff) alone, and the same tick with the
//   recorder noting the diff plus its batched writes (one transaction per FLUSH_MS of ticks at a 1 s interval,
//   pruning included), all on the worker's one thread as in the app.
// Then the growth of the database per hour of typical desktop load: 500 sockets, 1% churn, a tick a second,
// an hour of simulated ticks with the real per-minute interface traffic rows, measured as file bytes.
// Prints one JSON line:
//   tickMs                  mean time of a tick without recording (collection + derive + diff)
//   recordingMsPerTick      mean extra time per tick with recording (observe + amortized flushes)
//   recordingVsTick         recordingMsPerTick / tickMs (target <= 0.10)
//   flushMedianMs           median time of one flush (a transaction of FLUSH_MS of ticks)
//   desktopBytesPerHour     growth of history.sqlite over an hour at 500 sockets, 1% churn
//   desktopRowsPerHour      connection rows written in that hour
//   npm run bench:history
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_RECORDING } from '../shared/record.js';
import { ConnectionTable } from '../electron/monitor/connections.js';
import { FLUSH_MS, Recorder } from '../electron/monitor/record/recorder.js';
import { SyntheticConnections, syntheticInterface } from '../electron/monitor/testing/synthetic.js';

const ROWS = 20_000;
const CHURN = 0.01;
const TICKS = 60;
const WARMUP = 6;
const INTERVAL_MS = 1000;
const TICKS_PER_FLUSH = Math.max(1, Math.round(FLUSH_MS / INTERVAL_MS));

const collectGarbage = (globalThis as { gc?: () => void }).gc ?? (() => {});
const round = (n: number, digits = 3) => Number(n.toFixed(digits));
const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function recorderAt(file: string, table: ConnectionTable, now: () => number): Recorder {
  return new Recorder({
    file,
    config: DEFAULT_RECORDING,
    liveRows: () => table.rows(),
    notify: (level, code, text) => {
      throw new Error(`recorder ${level} ${code}: ${text}`);
    },
    log: () => {},
    now,
    // The bench flushes at tick boundaries itself, as the timer would every FLUSH_MS.
    flushMs: 1e9,
  });
}

function overhead() {
  const dir = mkdtempSync(join(tmpdir(), 'history-bench-'));
  try {
    const plain = { source: new SyntheticConnections(ROWS, CHURN, 42), table: new ConnectionTable() };
    const recorded = { source: new SyntheticConnections(ROWS, CHURN, 42), table: new ConnectionTable() };
    let at = Date.now();
    const recorder = recorderAt(join(dir, 'history.sqlite'), recorded.table, () => at);
    plain.table.update(plain.source.next(), at);
    recorder.connections(recorded.table.update(recorded.source.next(), at), (id) => recorded.table.get(id));
    recorder.flush();
    const tickMs: number[] = [];
    const withMs: number[] = [];
    const flushMs: number[] = [];
    for (let i = 0; i < TICKS + WARMUP; i++) {
      at += INTERVAL_MS;
      collectGarbage();
      const t0 = performance.now();
      plain.table.update(plain.source.next(), at);
      const t1 = performance.now();
      collectGarbage();
      const t2 = performance.now();
      const diff = recorded.table.update(recorded.source.next(), at);
      recorder.connections(diff, (id) => recorded.table.get(id));
      let f = 0;
      if ((i + 1) % TICKS_PER_FLUSH === 0) {
        const f0 = performance.now();
        recorder.flush();
        f = performance.now() - f0;
      }
      const t3 = performance.now();
      if (i < WARMUP) continue;
      tickMs.push(t1 - t0);
      withMs.push(t3 - t2);
      if (f > 0) flushMs.push(f);
    }
    recorder.close();
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const tick = mean(tickMs);
    const extra = mean(withMs) - tick;
    return { tickMs: round(tick), recordingMsPerTick: round(extra), recordingVsTick: round(extra / tick), flushMedianMs: round(median(flushMs)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function desktopGrowth() {
  const dir = mkdtempSync(join(tmpdir(), 'history-bench-'));
  try {
    const file = join(dir, 'history.sqlite');
    const source = new SyntheticConnections(500, CHURN, 7);
    const table = new ConnectionTable();
    let at = Date.now();
    const recorder = recorderAt(file, table, () => at);
    const ifaces = ['lo', 'eth0', 'wlan0'];
    let bytes = 0;
    const tick = () => {
      at += INTERVAL_MS;
      bytes += 50_000;
      recorder.connections(table.update(source.next(), at), (id) => table.get(id));
      recorder.interfaces(ifaces.map((n) => syntheticInterface(n, { rxBytes: bytes, txBytes: bytes / 2 })), at);
    };
    // The first minute: the rows open at start (the baseline), then an hour of ticks.
    for (let i = 0; i < 60; i++) {
      tick();
      if (i % TICKS_PER_FLUSH === 0) recorder.flush();
    }
    recorder.flush();
    const start = statSync(file).size;
    const rowsBefore = recorder.stats.rowsWritten;
    for (let i = 0; i < 3600; i++) {
      tick();
      if (i % TICKS_PER_FLUSH === 0) recorder.flush();
    }
    recorder.flush();
    const grown = statSync(file).size - start;
    const rows = Number((recorder.database!.get('SELECT count(*) AS n FROM conns') as { n: number }).n);
    recorder.close();
    return { desktopBytesPerHour: grown, desktopRowsPerHour: rows, desktopRowWritesPerHour: recorder.stats.rowsWritten - rowsBefore };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const figures = overhead();
const growth = desktopGrowth();
console.log(JSON.stringify({ bench: 'history', rows: ROWS, churn: CHURN, ticks: TICKS, ticksPerFlush: TICKS_PER_FLUSH, ...figures, ...growth }));
