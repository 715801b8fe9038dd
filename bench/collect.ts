// Benchmark of the Linux connections collector with process attribution, against the tools people would
// otherwise run, all measured in the same run on the same 20,000 sockets:
//   10,000 established loopback TCP connections held by 4 child processes (each child listens and connects
//   to itself, so it holds both ends: 5,000 sockets per child).
// Prints one JSON line: medians (ms) of a cold tick (fresh collector: full /proc/<pid>/fd walk), a steady
// tick (warm cache), `ss -tanp`, `netstat -tanp` and `cat /proc/net/tcp /proc/net/tcp6`, their ratios, and
// the heap growth over 1,000 steady ticks.
//   npm run bench:collect [-- --connections N --rounds N --steady-ticks N]
// Two more runs, each its own JSON line:
//   --curve 1000,10000,50000,100000   the cost curve: the same figures at each number of sockets (children
//                                     are added as it grows), then the browser host's RSS at the last one
//                                     (the built CLI, `netlens web`, recording on, after --host-seconds)
//   --churn-minutes 10                the browser host's RSS at 20,000 sockets (--connections) after that many
//                                     minutes of 1 % churn (1 % of the sockets close and as many open per second),
//                                     its CPU meanwhile, and the collector's ticks against ss and cat on those
//                                     sockets in the same run (--rounds of them, before the host starts)
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { LinuxConnectionsCollector } from '../electron/collectors/connections/linux.js';
import { NetlinkDumper } from '../electron/collectors/linux/netlink.js';
import type { ChildProcess } from 'node:child_process';
import { startHost } from '../test/e2e/support.js';
import { inOwnNetns, netnsOfThisRun } from './netns.js';
import {
  benchWithSockets,
  cpuSeconds,
  median,
  round2,
  startChild,
  stopChildren,
  timeCommand,
} from './loopback-sockets.js';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '10000' },
    children: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '11' },
    'steady-ticks': { type: 'string', default: '1000' },
    curve: { type: 'string' },
    'host-seconds': { type: 'string', default: '30' },
    'churn-minutes': { type: 'string' },
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

function twentyThousand(): Promise<void> {
  return benchWithSockets(CONNECTIONS, CHILDREN, async (childPids) => {
    // The collector reads only what `ss -tanp` shows (TCP, both families) so the comparison is like for like.
    const tcpOnly = { tables: ['tcp', 'tcp6'] as const };
    const steady = new LinuxConnectionsCollector(tcpOnly);
    await steady.read();
    await steady.read();
    // The same reading /proc/net/tcp and tcp6 as text (where netlink does not load; the collector before).
    const steadyProc = new LinuxConnectionsCollector({ ...tcpOnly, sockDiag: false });
    await steadyProc.read();
    await steadyProc.read();
    // What the app runs: every table (udp, raw, unix too), for the record.
    const everything = new LinuxConnectionsCollector();
    await everything.read();

    const times = {
      all: [] as number[],
      cold: [] as number[],
      steady: [] as number[],
      steadyProc: [] as number[],
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
      times.steadyProc.push((await timeRead(steadyProc)).ms);
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
      steadyTickFromProcMs: median(times.steadyProc),
      ssTanpMs: median(times.ss),
      netstatTanpMs: median(times.netstat),
      catProcNetTcpMs: median(times.cat),
      steadyTickAllTablesMs: median(times.all),
    };
    const out = {
      bench: 'collect',
      netns: netnsOfThisRun(),
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
        steadyFromProcVsCat: round2(m.steadyTickFromProcMs / m.catProcNetTcpMs),
      },
      // How the steady tick read TCP (a note says so when netlink did not load and /proc was read).
      tcpSource: NetlinkDumper.unavailable() === null ? 'sock_diag' : `/proc (${NetlinkDumper.unavailable()})`,
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
}

/** The most connections one child holds: two fds each under the hard fd limit (20,000 on the machines this
 *  runs on, which prlimit may not raise without CAP_SYS_RESOURCE), and one ephemeral port each (28,000-odd
 *  in the default range) since they all go to one listener. */
const PER_CHILD = 9_000;

/** One point of the curve: medians of `rounds` rounds of each figure, on whatever the tables hold now. */
async function point(rounds: number) {
  const tcpOnly = { tables: ['tcp', 'tcp6'] as const };
  const steady = new LinuxConnectionsCollector(tcpOnly);
  await steady.read();
  await steady.read();
  // A cold read first, so that no point pays for compiling the collector.
  await new LinuxConnectionsCollector(tcpOnly).read();
  const t = { cold: [] as number[], steady: [] as number[], ss: [] as number[], cat: [] as number[] };
  let sockets = 0;
  for (let round = 0; round < rounds; round++) {
    t.ss.push(timeCommand('ss', ['-tanp']));
    t.cat.push(timeCommand('cat', ['/proc/net/tcp', '/proc/net/tcp6']));
    t.cold.push((await timeRead(new LinuxConnectionsCollector(tcpOnly))).ms);
    const warm = await timeRead(steady);
    t.steady.push(warm.ms);
    sockets = warm.rows;
  }
  const m = { cold: median(t.cold), steady: median(t.steady), ss: median(t.ss), cat: median(t.cat) };
  return {
    sockets,
    coldTickMs: round2(m.cold),
    steadyTickMs: round2(m.steady),
    ssTanpMs: round2(m.ss),
    catProcNetTcpMs: round2(m.cat),
    steadyVsSs: round2(m.steady / m.ss),
    steadyVsCat: round2(m.steady / m.cat),
    coldVsSs: round2(m.cold / m.ss),
    // Per 1,000 sockets: flat along the curve when the cost grows linearly.
    steadyMsPer1000: round2((1000 * m.steady) / sockets),
  };
}

/** A process's resident memory now and at its peak (VmRSS, VmHWM of /proc/<pid>/status), in MB. */
function memoryMB(pid: number): { rssMB: number; peakRssMB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'latin1');
  const kB = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMB: Math.round(kB('VmRSS') / 102.4) / 10, peakRssMB: Math.round(kB('VmHWM') / 102.4) / 10 };
}

/** The browser host's memory after `seconds` of reading what the tables hold now (recording on, no page), and
 *  the share of a core it used meanwhile (what its garbage collections cost shows there). */
async function hostMemory(seconds: number) {
  const host = await startHost();
  try {
    const pid = host.child.pid!;
    const cpu0 = cpuSeconds(pid);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const cpuPct = round2((100 * (cpuSeconds(pid) - cpu0)) / seconds);
    return { hostSeconds: seconds, hostCpuPct: cpuPct, ...memoryMB(pid) };
  } finally {
    await host.stop();
  }
}

async function costCurve(sizes: number[]): Promise<void> {
  const held: ChildProcess[] = [];
  let connections = 0;
  const points = [];
  try {
    for (const size of sizes) {
      // Both ends of each connection are sockets: size / 2 connections, in children of at most PER_CHILD.
      while (connections < size / 2) {
        const n = Math.min(PER_CHILD, size / 2 - connections);
        held.push(await startChild(n));
        connections += n;
      }
      points.push(await point(size >= 50_000 ? Math.min(ROUNDS, 5) : ROUNDS));
    }
    const host = await hostMemory(Number(values['host-seconds']));
    const last = points[points.length - 1]!;
    console.log(
      JSON.stringify({
        bench: 'collect-curve',
        netns: netnsOfThisRun(),
        rounds: ROUNDS,
        points,
        host: { sockets: last.sockets, ...host },
        targets: {
          steadyAtMost03Ss: points.map((p) => p.steadyVsSs <= 0.3),
          steadyAtMost13Cat: points.map((p) => p.steadyVsCat <= 1.3),
          coldAtMost08Ss: points.map((p) => p.coldVsSs <= 0.8),
          hostRssUnder300MB: host.rssMB < 300,
        },
      }),
    );
  } finally {
    await stopChildren(held);
  }
}

async function hostAfterChurn(minutes: number): Promise<void> {
  const held: ChildProcess[] = [];
  try {
    // 1 % of the sockets a second: each closed connection is two sockets, and a new one two more.
    const perChild = Math.ceil(CONNECTIONS / CHILDREN);
    const churn = Math.max(1, Math.round((0.01 * 2 * CONNECTIONS) / 2 / CHILDREN));
    for (let i = 0; i < CHILDREN; i++) held.push(await startChild(perChild, churn));
    // The collector's tick against its peers on the same churning sockets, before the host starts: a change
    // made for memory must keep these.
    const ticks = await point(ROUNDS);
    const host = await hostMemory(minutes * 60);
    console.log(
      JSON.stringify({
        bench: 'collect-churn',
        netns: netnsOfThisRun(),
        sockets: 2 * perChild * CHILDREN,
        churnConnectionsPerSecond: churn * CHILDREN,
        minutes,
        ticks,
        ...host,
        targets: {
          hostRssAtMost150MB: host.rssMB <= 150,
          steadyAtMost03Ss: ticks.steadyVsSs <= 0.3,
          steadyAtMost13Cat: ticks.steadyVsCat <= 1.3,
          coldAtMost08Ss: ticks.coldVsSs <= 0.8,
        },
      }),
    );
  } finally {
    await stopChildren(held);
  }
}

// Last, so that every constant above is set before a run starts. In a network namespace of its own (see
// netns.ts; BENCH_NETNS=machine for the machine's): on a shared machine, other work's sockets would be read too.
inOwnNetns('bench:collect', async () => {
  if (values.curve) await costCurve(values.curve.split(',').map(Number));
  else if (values['churn-minutes']) await hostAfterChurn(Number(values['churn-minutes']));
  else await twentyThousand();
});
