// Benchmark of the Linux connections collector with process attribution, against the tools people would
// otherwise run, all measured in the same run on the same 20,000 sockets:
//   10,000 established loopback TCP connections held by 4 child processes (each child listens and connects
//   to itself, so it holds both ends: 5,000 sockets per child).
// Prints one JSON line: medians (ms) of a cold tick (fresh collector: full /proc/<pid>/fd walk), a steady
// tick (warm cache), `ss -tanp`, `netstat -tanp` and `cat /proc/net/tcp /proc/net/tcp6`, their ratios, and
// the heap growth over 1,000 steady ticks.
//   npm run bench:collect [-- --connections N --rounds N --steady-ticks N]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { LinuxConnectionsCollector } from '../electron/collectors/connections/linux.js';

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

// Each child: a listener on 127.0.0.1 and `count` connections to it, kept open until stdin closes.
const CHILD_SCRIPT = `
const net = require('node:net');
const count = Number(process.argv[1]);
const held = [];
const server = net.createServer((s) => { held.push(s); s.on('error', () => {}); });
server.maxConnections = count + 10;
server.listen(0, '127.0.0.1', async () => {
  const port = server.address().port;
  let open = 0;
  const batch = 200;
  for (let i = 0; i < count; i += batch) {
    await Promise.all(Array.from({ length: Math.min(batch, count - i) }, () => new Promise((resolve, reject) => {
      const c = net.connect(port, '127.0.0.1', () => { open++; resolve(); });
      c.on('error', reject);
      held.push(c);
    })));
  }
  // Wait until the server side has accepted every connection too.
  while (held.length < 2 * count) await new Promise((r) => setTimeout(r, 20));
  process.stdout.write('ready ' + open + '\\n');
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

async function startChild(count: number): Promise<ChildProcess> {
  // prlimit raises the fd limit for the child alone (2 fds per connection plus node's own).
  const child = spawn('prlimit', [`--nofile=${2 * count + 1024}`, process.execPath, '-e', CHILD_SCRIPT, String(count)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await Promise.race([once(lines, 'line'), once(child, 'exit').then(() => ['exited'])])) as string[];
  if (!line?.startsWith('ready')) throw new Error(`bench child failed to start: ${line}`);
  return child;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] ?? NaN) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

function timeCommand(cmd: string, args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'ignore'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
  return ms;
}

async function timeRead(c: LinuxConnectionsCollector): Promise<{ ms: number; rows: number; owned: number }> {
  const t0 = process.hrtime.bigint();
  const r = await c.read();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  let owned = 0;
  for (const row of r.rows) if (row.ownerStatus === 'known') owned++;
  return { ms, rows: r.rows.length, owned };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

async function main(): Promise<void> {
  const children: ChildProcess[] = [];
  try {
    const per = Math.ceil(CONNECTIONS / CHILDREN);
    for (let i = 0; i < CHILDREN; i++) children.push(await startChild(per));
    const childPids = new Set(children.map((c) => c.pid));

    // The collector reads only what `ss -tanp` shows (TCP, both families) so the comparison is like for like.
    const tcpOnly = { tables: ['tcp', 'tcp6'] as const };
    const steady = new LinuxConnectionsCollector(tcpOnly);
    await steady.read();
    await steady.read();
    // What the app runs: every table (udp, raw, unix too), for the record.
    const everything = new LinuxConnectionsCollector();
    await everything.read();

    const times = { all: [] as number[], cold: [] as number[], steady: [] as number[], ss: [] as number[], netstat: [] as number[], cat: [] as number[] };
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
    const ownedByChildren = (await steady.read()).rows.filter((r) => r.processes.some((p) => childPids.has(p.pid))).length;

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
    console.log(JSON.stringify(out));
  } finally {
    for (const c of children) {
      c.stdin?.end();
      if (c.exitCode === null) c.kill('SIGTERM');
    }
    await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? once(c, 'exit') : null)));
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
