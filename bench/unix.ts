// Benchmark of the unix part of a connections tick (issue 10, item 6): reading the unix sockets from one
// unix_diag dump (sock_diag through netlink, the default where it loads) against reading and parsing
// /proc/net/unix (the fallback, and what remote hosts give), with `ss -xa` measured in the same run, on
// --sockets unix sockets held by one Python child (bench/unix-sockets.ts).
// Owners are not attributed (the /proc/<pid>/fd walk is the same for both readers). Prints one JSON line:
// medians (ms) of wall and of this process's CPU time per reading, and their ratios. The machine is shared
// and loaded: read the ratios, not the milliseconds.
//   npm run bench:unix [-- --sockets N --rounds N]   (BENCH_NETNS=machine: in the machine's network namespace)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { LinuxConnectionsCollector } from '../electron/collectors/connections/linux.js';
import { NetlinkDumper } from '../electron/collectors/linux/netlink.js';
import { median, round2, timeCommand } from './loopback-sockets.js';
import { inOwnNetns, netnsOfThisRun } from './netns.js';
import { UNIX_SOCKETS_CHILD } from './unix-sockets.js';

const { values } = parseArgs({
  options: {
    sockets: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '11' },
  },
});
const SOCKETS = Number(values.sockets);
const ROUNDS = Number(values.rounds);

async function main(): Promise<void> {
  const unavailable = NetlinkDumper.unavailable();
  if (unavailable !== null) throw new Error(`bench:unix needs netlink: ${unavailable}`);
  const dir = mkdtempSync(join(tmpdir(), 'netlens-bench-unix-'));
  const child = spawn('python3', ['-c', UNIX_SOCKETS_CHILD, dir, String(SOCKETS)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  try {
    const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as string[];
    if (!line?.startsWith('ready')) throw new Error(`bench child failed: ${line}`);
    const held = Number(line.split(' ')[1]);
    const viaProc = new LinuxConnectionsCollector({ tables: ['unix'], attributeOwners: false, sockDiag: false });
    const viaDiag = new LinuxConnectionsCollector({ tables: ['unix'], attributeOwners: false });
    const rows = { proc: 0, diag: 0 };
    const t = { proc: [] as number[], diag: [] as number[], procCpu: [] as number[], diagCpu: [] as number[] };
    const ss: number[] = [];
    const timed = async (c: LinuxConnectionsCollector, wall: number[], cpu: number[]) => {
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      const r = await c.read();
      wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
      const used = process.cpuUsage(c0);
      cpu.push((used.user + used.system) / 1000);
      if (r.diagnostics.notes.length > 0 || r.diagnostics.skipped > 0)
        throw new Error(`a reading was not clean: ${JSON.stringify(r.diagnostics)}`);
      return r.rows.length;
    };
    // Warm-up, then the readers in turn each round, so that load on the machine falls on all of them.
    await viaProc.read();
    await viaDiag.read();
    for (let i = 0; i < ROUNDS; i++) {
      rows.proc = await timed(viaProc, t.proc, t.procCpu);
      rows.diag = await timed(viaDiag, t.diag, t.diagCpu);
      ss.push(timeCommand('ss', ['-xa']));
    }
    viaDiag.dispose();
    const m = {
      proc: median(t.proc),
      diag: median(t.diag),
      procCpu: median(t.procCpu),
      diagCpu: median(t.diagCpu),
      ss: median(ss),
    };
    console.log(
      JSON.stringify({
        bench: 'unix',
        netns: netnsOfThisRun(),
        socketsHeld: held,
        rows,
        rounds: ROUNDS,
        procNetUnixMs: round2(m.proc),
        sockDiagMs: round2(m.diag),
        ssXaMs: round2(m.ss),
        procNetUnixCpuMs: round2(m.procCpu),
        sockDiagCpuMs: round2(m.diagCpu),
        ratios: {
          sockDiagVsProc: round2(m.diag / m.proc),
          sockDiagCpuVsProcCpu: round2(m.diagCpu / m.procCpu),
          procVsSsXa: round2(m.proc / m.ss),
          sockDiagVsSsXa: round2(m.diag / m.ss),
        },
      }),
    );
  } finally {
    child.stdin?.end();
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

inOwnNetns('bench:unix', main);
