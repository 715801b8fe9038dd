// Benchmark of the owner cache (electron/collectors/linux/socket-owners.ts) on processes holding far more fds
// than the tables list sockets: each dups one listening TCP socket into --fds fds (every --stride-th fd number,
// so 2 leaves a hole between two fds), up to its hard fd limit (20,000 on the machines this runs on, where
// RLIMIT_NOFILE may not be raised without CAP_SYS_RESOURCE). Such a process is read in slices; this measures
// the ticks of its first whole reading (cold), then of a walk after it closed one fd (its fd count moved:
// what it holds is read again, keeping what the last walk vouches for), per tick: the CPU of `update` and its
// wall time, with `ls /proc/PID/fd | wc -l` and `ss -tanp` timed in the same run as peers. Prints one JSON line.
//   npm run bench:dups [-- --procs N --fds N --stride N --rounds N]
// The owner cache is the checkout's own: run it from two checkouts to compare them on the same machine.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, readlinkSync } from 'node:fs';
import { createInterface, type Interface } from 'node:readline';
import { parseArgs } from 'node:util';
import { SocketOwners } from '../electron/collectors/linux/socket-owners.js';
import { UserNames } from '../electron/collectors/linux/users.js';
import { median, round2, timeCommand } from './loopback-sockets.js';

const { values } = parseArgs({
  options: {
    procs: { type: 'string', default: '1' },
    fds: { type: 'string', default: '19800' },
    stride: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '3' },
  },
});
const PROCS = Number(values.procs);
const FDS = Number(values.fds);
const STRIDE = Number(values.stride);
const ROUNDS = Number(values.rounds);

// The child: a listener dup'ed FDS times (onto every STRIDE-th number past it); on "close" it closes its
// highest fd, answering "ok".
const CHILD = `
import os, resource, socket, sys
n, stride = int(sys.argv[1]), int(sys.argv[2])
hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(('127.0.0.1', 0)); s.listen(1)
fd = s.fileno()
top = fd
for i in range(1, n + 1):
    if fd + i * stride >= hard: break
    top = os.dup2(fd, fd + i * stride, inheritable=False)
print(fd, top, flush=True)
for line in sys.stdin:
    os.close(top); top -= stride
    print('ok', flush=True)
`;

interface Child {
  proc: ChildProcess;
  lines: Interface;
  inode: number;
}

async function startChild(): Promise<Child> {
  const proc = spawn('python3', ['-c', CHILD, String(FDS), String(STRIDE)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout! });
  const [line] = (await once(lines, 'line')) as [string];
  const fd = Number(line.split(' ')[0]);
  const inode = Number(/socket:\[(\d+)\]/.exec(readlinkSync(`/proc/${proc.pid}/fd/${fd}`))![1]);
  return { proc, lines, inode };
}

/** The socket inodes the machine's tables list (tcp, tcp6, unix), as a tick would give the owner cache. */
function listedInodes(): number[] {
  const out: number[] = [];
  for (const [file, column] of [
    ['/proc/net/tcp', 9],
    ['/proc/net/tcp6', 9],
    ['/proc/net/unix', 6],
  ] as const) {
    const lines = readFileSync(file, 'latin1').split('\n').slice(1);
    for (const line of lines) {
      const f = line.trim().split(/\s+/);
      const inode = Number(f[column]);
      if (Number.isInteger(inode) && inode > 0) out.push(inode);
    }
  }
  return out;
}

interface Walk {
  ticks: number;
  cpuMs: number[];
  wallMs: number[];
  links: number;
}

/** Ticks until no process is read in slices (at most 2,000), each timed. */
function walk(owners: SocketOwners, inodes: number[]): Walk {
  const w: Walk = { ticks: 0, cpuMs: [], wallMs: [], links: 0 };
  const links = owners.stats.linksRead;
  do {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    owners.update(inodes, Date.now());
    w.wallMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const c = process.cpuUsage(c0);
    w.cpuMs.push((c.user + c.system) / 1000);
    w.ticks++;
  } while (owners.sliced().count > 0 && w.ticks < 2000);
  w.links = owners.stats.linksRead - links;
  return w;
}

const summary = (w: Walk) => ({
  ticks: w.ticks,
  cpuMedianMs: round2(median(w.cpuMs)),
  cpuMaxMs: round2(Math.max(...w.cpuMs)),
  cpuTotalMs: round2(w.cpuMs.reduce((a, b) => a + b, 0)),
  wallMaxMs: round2(Math.max(...w.wallMs)),
  links: w.links,
});

async function main(): Promise<void> {
  const children: Child[] = [];
  try {
    for (let i = 0; i < PROCS; i++) children.push(await startChild());
    const pids = children.map((c) => c.proc.pid!);
    const fdTables = pids.map((pid) =>
      Number(readFileSync(`/proc/${pid}/status`, 'latin1').match(/FDSize:\s+(\d+)/)![1]),
    );
    const rounds: unknown[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const inodes = [...listedInodes(), ...children.map((c) => c.inode)];
      const owners = new SocketOwners(new UserNames(), '/proc');
      // The first tick reads every process (a full scan): the large ones go into slices.
      const cold = walk(owners, inodes);
      for (const c of children) {
        const ok = once(c.lines, 'line');
        c.proc.stdin!.write('close\n');
        await ok;
      }
      const moved = walk(owners, inodes);
      const owned = children.filter((c) => owners.processesOf(c.inode).some((p) => p.pid === c.proc.pid)).length;
      const ls = pids.map((pid) => timeCommand('sh', ['-c', `ls /proc/${pid}/fd | wc -l`]));
      const ss = timeCommand('ss', ['-tanp']);
      rounds.push({ cold: summary(cold), moved: summary(moved), owned, lsMs: round2(median(ls)), ssMs: round2(ss) });
    }
    console.log(
      JSON.stringify({
        procs: PROCS,
        fds: FDS,
        stride: STRIDE,
        fdTable: fdTables[0],
        load: readFileSync('/proc/loadavg', 'latin1').split(' ').slice(0, 3).join(' '),
        rounds,
      }),
    );
  } finally {
    for (const c of children) c.proc.kill('SIGKILL');
  }
}

void main();
