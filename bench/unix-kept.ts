// The unix part of a connections tick at rest, as the Connections tab asks for it (owners attributed, traffic on,
// so every unix row has its gap): the Linux collector's read of --sockets unix sockets (bench/unix-sockets.ts,
// nothing changing) and the monitor's diff of it (ConnectionTable.update, with the read's keptRows), in a network
// namespace of its own. Prints one JSON line: medians over --ticks ticks of the read's wall and CPU time, the
// diff's, and the heap each tick leaves to collect (V8's GC profiler: what collections freed plus the heap's
// growth), with `ss -xa` timed in the same run as a peer. Run it in two checkouts in one bench-lock hold and
// compare. Bench support only (not part of npm run bench).
//   node scripts/run-ts.mjs bench/unix-kept.ts [--sockets N] [--ticks N]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { LinuxConnectionsCollector } from '../electron/collectors/connections/linux.js';
import { ConnectionTable } from '../electron/monitor/connections.js';
import { median, round2, timeCommand } from './loopback-sockets.js';
import { inOwnNetns, netnsOfThisRun } from './netns.js';
import { UNIX_SOCKETS_CHILD } from './unix-sockets.js';

const { values } = parseArgs({
  options: {
    sockets: { type: 'string', default: '300' },
    ticks: { type: 'string', default: '100' },
  },
});
const SOCKETS = Number(values.sockets);
const TICKS = Number(values.ticks);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'netlens-bench-unix-kept-'));
  const child = spawn('python3', ['-c', UNIX_SOCKETS_CHILD, dir, String(SOCKETS)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  // The host's read (owners attributed) and one without owners (the rows, their gaps and the diff alone: the owner
  // walk reads the machine's /proc, which other work moves), a tick of each in turn.
  const setups = [
    { name: 'owners', collector: new LinuxConnectionsCollector(options(true)), table: new ConnectionTable() },
    { name: 'noOwners', collector: new LinuxConnectionsCollector(options(false)), table: new ConnectionTable() },
  ].map((s) => ({ ...s, wall: [] as number[], cpu: [] as number[], diff: [] as number[], rows: 0, changed: 0 }));
  try {
    const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as string[];
    if (!line?.startsWith('ready')) throw new Error(`bench child failed: ${line}`);
    for (const s of setups) s.collector.setExtras(['traffic']);
    const ss: number[] = [];
    const tick = async (s: (typeof setups)[number], timed: boolean) => {
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      const r = await s.collector.read();
      const t1 = process.hrtime.bigint();
      const used = process.cpuUsage(c0);
      const d = s.table.update(r.rows, Date.now(), r.closed, r.keptRows, r.readAt);
      const t2 = process.hrtime.bigint();
      if (!timed) return;
      s.wall.push(Number(t1 - t0) / 1e6);
      s.cpu.push((used.user + used.system) / 1000);
      s.diff.push(Number(t2 - t1) / 1e6);
      s.rows = r.rows.length;
      s.changed += d.added.length + d.changed.length + d.removed.length;
    };
    // Warm-up: the owner cache filled, the tables holding every row.
    for (let i = 0; i < 10; i++) for (const s of setups) await tick(s, false);
    const heap0 = v8.getHeapStatistics().used_heap_size;
    const profiler = new v8.GCProfiler();
    profiler.start();
    for (let i = 0; i < TICKS; i++) {
      for (const s of setups) await tick(s, true);
      if (i % 10 === 0) ss.push(timeCommand('ss', ['-xa']));
    }
    const gcs = profiler.stop();
    let freed = v8.getHeapStatistics().used_heap_size - heap0;
    for (const g of gcs.statistics)
      freed += g.beforeGC.heapStatistics.usedHeapSize - g.afterGC.heapStatistics.usedHeapSize;
    const out: Record<string, unknown> = {
      bench: 'unix-kept',
      netns: netnsOfThisRun(),
      sockets: SOCKETS,
      ticks: TICKS,
      ssXaMs: round2(median(ss)),
      // Both setups' ticks together.
      garbageKBPerTickPair: Math.round(freed / TICKS / 1024),
    };
    for (const s of setups)
      out[s.name] = {
        rows: s.rows,
        rowsChangedInAllTicks: s.changed,
        readMs: round2(median(s.wall)),
        readCpuMs: round2(median(s.cpu)),
        diffMs: round2(median(s.diff)),
        readCpuVsSsXa: round2(median(s.cpu) / median(ss)),
      };
    console.log(JSON.stringify(out));
  } finally {
    for (const s of setups) s.collector.dispose();
    child.stdin?.end();
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

function options(attributeOwners: boolean) {
  return { tables: ['unix'], attributeOwners, destroyEvents: { command: ['true'] } };
}

inOwnNetns('bench unix-kept', main);
