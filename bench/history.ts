// The cost of recording, measured against the tick it rides on, in the same run:
//   20,000 synthetic sockets (electron/monitor/testing/synthetic.ts), 1% of them changing per tick. Two identical
//   pipelines from the same seed, their ticks interleaved so both meet the same machine load: the monitor's
//   tick (the synthetic collection, then ConnectionTable.update: derive and diff) alone, and the same tick with
//   the recorder noting the diff plus its batch (one transaction per FLUSH_MS of ticks at a 1 s interval,
//   checkpoints and pruning included), all on one thread as in the worker. Figures are medians over flush
//   cycles, each cycle's ticks paired: a busy machine slows both sides of a pair alike.
// Then the growth of the database per hour of typical desktop load: 500 sockets, 1% churn, a tick a second,
// three interfaces' per-minute traffic, an hour of simulated ticks, measured as file bytes.
// Prints one JSON line:
// Times are CPU time of the process (see cpuMs), except flushMedianMs (wall clock).
//   tickMs                  a tick without recording (collection + derive + diff): also what keeping connections
//                           polled costs while no tab shows them (recording needs them read whatever is shown)
//   recordingMsPerTick      the extra time per tick with recording (observe + the batch, amortized)
//   recordingVsTick         recordingMsPerTick / tickMs (target <= 0.10)
//   recorderOwnMsPerTick    the recorder's own calls per tick (noting the diff, and the batch amortized), timed
//                           directly: the paired difference above also carries the two pipelines' unequal
//                           garbage collections and cache misses, which swing it by several ms between runs
//   recorderOwnVsTick       recorderOwnMsPerTick / tickMs
//   flushMedianMs           one batch: a transaction of FLUSH_MS of ticks
//   desktopBytesPerHour     growth of history.sqlite over an hour at 500 sockets, 1% churn
//   desktopRowsPerHour      connection rows it holds after that hour; desktopRowWritesPerHour, the writes
//   dayRows, readNowMs, readMidDayMs, changesHourMs, openDayMs, indexBuildMs: reading that record made a day
//                           long (see reads)
//   npm run bench:history
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_RECORDING } from '../shared/record.js';
import { ConnectionTable } from '../electron/monitor/connections.js';
import { openRecord } from '../electron/monitor/record/database.js';
import { changes, connectionsBetween } from '../electron/monitor/record/queries.js';
import { FLUSH_MS, Recorder } from '../electron/monitor/record/recorder.js';
import { SyntheticConnections, syntheticInterface } from '../electron/monitor/testing/synthetic.js';

const ROWS = 20_000;
const CHURN = 0.01;
/** Flush cycles measured (each TICKS_PER_FLUSH ticks). */
const TICKS = 40;
const WARMUP = 6;
const INTERVAL_MS = 1000;
const TICKS_PER_FLUSH = Math.max(1, Math.round(FLUSH_MS / INTERVAL_MS));

/** CPU time of this process (user + system): unlike the wall clock, it does not count the time spent waiting
 *  for a core on a busy machine, which made wall-clock ratios swing by more than the figure measured. Writes
 *  are not fsynced (database.ts), so nothing the recorder does waits off the CPU. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
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
    // Paired per flush cycle (TICKS_PER_FLUSH ticks of each pipeline, interleaved): the machine's load hits both.
    const baseCycles: number[] = [];
    const extraCycles: number[] = [];
    const flushMs: number[] = [];
    const ownCycles: number[] = [];
    let base = 0;
    let withRecording = 0;
    let own = 0;
    for (let i = 0; i < (TICKS + WARMUP) * TICKS_PER_FLUSH; i++) {
      at += INTERVAL_MS;
      collectGarbage();
      const t0 = cpuMs();
      plain.table.update(plain.source.next(), at);
      const t1 = cpuMs();
      collectGarbage();
      const t2 = cpuMs();
      const diff = recorded.table.update(recorded.source.next(), at);
      const o0 = cpuMs();
      recorder.connections(diff, (id) => recorded.table.get(id));
      const last = (i + 1) % TICKS_PER_FLUSH === 0;
      let f = 0;
      if (last) {
        const f0 = performance.now();
        recorder.flush();
        f = performance.now() - f0;
      }
      const t3 = cpuMs();
      own += t3 - o0;
      base += t1 - t0;
      withRecording += t3 - t2;
      if (!last) continue;
      if (i >= WARMUP * TICKS_PER_FLUSH) {
        baseCycles.push(base / TICKS_PER_FLUSH);
        extraCycles.push((withRecording - base) / TICKS_PER_FLUSH);
        flushMs.push(f);
        ownCycles.push(own / TICKS_PER_FLUSH);
      }
      base = withRecording = own = 0;
    }
    recorder.close();
    const tick = median(baseCycles);
    const extra = median(extraCycles);
    return {
      tickMs: round(tick),
      recordingMsPerTick: round(extra),
      recordingVsTick: round(extra / tick),
      recorderOwnMsPerTick: round(median(ownCycles)),
      recorderOwnVsTick: round(median(ownCycles) / tick),
      flushMedianMs: round(median(flushMs)),
    };
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
      recorder.interfaces(
        ifaces.map((n) => syntheticInterface(n, { rxBytes: bytes, txBytes: bytes / 2 })),
        at,
      );
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
    return {
      desktopBytesPerHour: grown,
      desktopRowsPerHour: rows,
      desktopRowWritesPerHour: recorder.stats.rowsWritten - rowsBefore,
      ...reads(file, at),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Median CPU time of `fn` over `n` runs (after one unmeasured). */
function timed(n: number, fn: () => unknown): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = cpuMs();
    fn();
    times.push(cpuMs() - t0);
  }
  return round(median(times));
}

/**
 * Reading the desktop hour's record made a day long: its closed rows copied 23 times an hour apart before it (the
 * same shape of connections), then what the History tab asks, as the worker does (one open database):
 *   readNowMs       the connections open now (As it was, now)
 *   readMidDayMs    the connections open 12 hours ago
 *   changesHourMs   what changed in the last hour
 *   openDayMs       opening that record (quick_check included); indexBuildMs, the same with the record's indexes
 *                   other than conns_first and alerts_at dropped first (what a record kept by an older NetLens
 *                   costs at its first open)
 */
function reads(file: string, now: number) {
  const opened = openRecord(file, { create: false }).db;
  const columns =
    'session, proto, family, local_addr, local_port, remote_addr, remote_port, states, listener, pid, process, user, exe, path';
  opened.exec('BEGIN');
  for (let k = 1; k < 24; k++)
    opened.run(
      `INSERT INTO conns (${columns}, first_seen, closed_at, bytes_sent, bytes_received)
        SELECT ${columns}, first_seen - ?1, closed_at - ?1, bytes_sent, bytes_received FROM conns
        WHERE closed_at IS NOT NULL AND first_seen > ?2`,
      [k * 3_600_000, now - 3_600_000 - 60_000],
    );
  opened.exec('COMMIT');
  const dayRows = Number((opened.get('SELECT count(*) AS n FROM conns') as { n: number }).n);
  const figures = {
    dayRows,
    readNowMs: timed(15, () => connectionsBetween(opened, now, now)),
    readMidDayMs: timed(15, () => connectionsBetween(opened, now - 12 * 3_600_000, now - 12 * 3_600_000)),
    changesHourMs: timed(15, () => changes(opened, now - 3_600_000, now)),
  };
  const indexes = (
    opened.all(
      "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND name NOT IN ('conns_first', 'alerts_at')",
    ) as { name: string }[]
  ).map((r) => r.name);
  opened.close();
  const openTime = () => {
    const t0 = performance.now();
    openRecord(file, { create: false }).db.close();
    return round(performance.now() - t0);
  };
  const openDayMs = openTime();
  const db = openRecord(file, { create: false }).db;
  for (const name of indexes) db.exec(`DROP INDEX ${name}`);
  db.close();
  return { ...figures, openDayMs, indexBuildMs: openTime() };
}

const figures = overhead();
const growth = desktopGrowth();
console.log(
  JSON.stringify({
    bench: 'history',
    rows: ROWS,
    churn: CHURN,
    ticks: TICKS,
    ticksPerFlush: TICKS_PER_FLUSH,
    ...figures,
    ...growth,
  }),
);
