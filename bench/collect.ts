// Benchmark of the Linux connections collector with process attribution, against the tools people would
// otherwise run, all measured in the same run on the same 20,000 sockets:
//   10,000 established loopback TCP connections held by 4 child processes (each child listens and connects
//   to itself, so it holds both ends: 5,000 sockets per child).
// Prints one JSON line: medians (ms) of a cold tick (fresh collector: full /proc/<pid>/fd walk), a steady
// tick (warm cache), `ss -tanp`, `netstat -tanp` and `cat /proc/net/tcp /proc/net/tcp6`, their ratios, and
// the heap growth over 1,000 steady ticks.
//   npm run bench:collect [-- --connections N --rounds N --steady-ticks N]
import { parseArgs } from 'node:util';
import { LinuxConnectionsCollector } from '../electron/collectors/connections/linux.js';
import { benchWithSockets, median, round2, timeCommand } from './loopback-sockets.js';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '10000' },
    children: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '11' },
    'steady-ticks': { type: 'string', default: '1000' },
  },
});
const CONNECTIONS = Number(values.connections);
const CHILDREN = Number(values.children);
const ROUNDS = Number(values.rounds);
const STEADY_TICKS = Number(values['steady-ticks']);

async function timeRead(c: LinuxConnectionsCollector): Promise<{ ms: number; rows: number; owned: number }> {
  const t0 = process.hrtime.bigint();
  const r = await c.read();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  let owned = 0;
  for (const row of r.rows) if (row.ownerStatus === 'known') owned++;
  return { ms, rows: r.rows.length, owned };
}

benchWithSockets(CONNECTIONS, CHILDREN, async (childPids) => {
  // The collector reads only what `ss -tanp` shows (TCP, both families) so the comparison is like for like.
  const tcpOnly = { tables: ['tcp', 'tcp6'] as const };
  const steady = new LinuxConnectionsCollector(tcpOnly);
  await steady.read();
  await steady.read();
  // What the app runs: every table (udp, raw, unix too), for the record.
  const everything = new LinuxConnectionsCollector();
  await everything.read();

  const times = {
    all: [] as number[],
    cold: [] as number[],
    steady: [] as number[],
    ss: [] as number[],
    netstat: [] as number[],
    cat: [] as number[],
  };
  let check = { rows: 0, owned: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    times.ss.push(timeCommand('ss', ['-tanp']));
    times.netstat.push(timeCommand('netstat', ['-tanp']));
    times.cat.push(timeCommand('cat', ['/proc/net/tcp', '/proc/net/tcp6']));
    const cold = await timeRead(new LinuxConnectionsCollector(tcpOnly));
    times.cold.push(cold.ms);
    const warm = await timeRead(steady);
    times.steady.push(warm.ms);
    check = { rows: warm.rows, owned: warm.owned };
    times.all.push((await timeRead(everything)).ms);
  }

  // Attribution check on the bench's own sockets: every one of the 20,000 must name its child.
  const ownedByChildren = (await steady.read()).rows.filter((r) =>
    r.processes.some((p) => childPids.has(p.pid)),
  ).length;

  // Heap growth over many steady ticks, measured between two full collections.
  const gc = (globalThis as { gc?: () => void }).gc;
  // Warm up first: optimised code and caches filling up are not growth.
  for (let i = 0; i < 50; i++) await steady.read();
  gc?.();
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < STEADY_TICKS; i++) await steady.read();
  const steadyLoopMs = Number(process.hrtime.bigint() - t0) / 1e6;
  gc?.();
  gc?.();
  const heapAfter = process.memoryUsage().heapUsed;

  const m = {
    coldTickMs: median(times.cold),
    steadyTickMs: median(times.steady),
    ssTanpMs: median(times.ss),
    netstatTanpMs: median(times.netstat),
    catProcNetTcpMs: median(times.cat),
    steadyTickAllTablesMs: median(times.all),
  };
  const out = {
    bench: 'collect',
    sockets: check.rows,
    attributedSockets: check.owned,
    ownedByBenchChildren: ownedByChildren,
    rounds: ROUNDS,
    medians: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, round2(v)])),
    ratios: {
      steadyVsSs: round2(m.steadyTickMs / m.ssTanpMs),
      coldVsSs: round2(m.coldTickMs / m.ssTanpMs),
      steadyVsNetstat: round2(m.steadyTickMs / m.netstatTanpMs),
      steadyVsCat: round2(m.steadyTickMs / m.catProcNetTcpMs),
    },
    heapGrowthMB: gc ? round2((heapAfter - heapBefore) / 1048576) : null,
    steadyTicksForHeap: STEADY_TICKS,
    steadyLoopMeanMs: round2(steadyLoopMs / STEADY_TICKS),
    ownerStats: steady.ownerStats,
    targets: {
      steadyAtMostHalfSs: m.steadyTickMs <= 0.5 * m.ssTanpMs,
      coldAtMostSs: m.coldTickMs <= m.ssTanpMs,
      heapUnder10MB: gc ? heapAfter - heapBefore < 10 * 1048576 : null,
    },
  };
  return out;
});
