// Live: a socket shared by more processes than NetLens lists of one (MAX_SOCKET_OWNERS). A process that forks
// shares its sockets with each child, so a thousand forks of a thousand sockets made a million owner entries, each
// row carrying its owners whole, and a snapshot past what the host can send (attack review of 12-06). The row lists
// the owners with the lowest PIDs, says it has more ('partial'), and the read says how many sockets were cut.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SOCKET_OWNERS } from '../../../shared/types.js';
import { LinuxConnectionsCollector } from '../connections/linux.js';
import { until } from '../../../test/until.js';

const linux = process.platform === 'linux' && spawnSync('python3', ['-V']).status === 0;
const FORKS = MAX_SOCKET_OWNERS + 6;

// A UDP socket on loopback, then FORKS children that share it and sleep; prints the port and the PIDs.
const CHILD = `
import os, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', 0))
pids = [os.getpid()]
for i in range(${FORKS}):
    pid = os.fork()
    if pid == 0:
        time.sleep(600)
        os._exit(0)
    pids.append(pid)
print(s.getsockname()[1], ' '.join(map(str, pids)), flush=True)
sys.stdin.read()
`;

let child: ChildProcess | null = null;
let port = 0;
let pids: number[] = [];

beforeAll(async () => {
  if (!linux) return;
  child = spawn('python3', ['-c', CHILD], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve) => createInterface({ input: child!.stdout! }).once('line', resolve));
  const [p, ...rest] = line.split(' ');
  port = Number(p);
  pids = rest.map(Number);
});

afterAll(() => {
  for (const pid of pids.slice(1)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  child?.kill('SIGKILL');
});

describe.runIf(linux)('a socket with more owners than are listed', () => {
  it('lists the lowest PIDs, is partial, and the read counts it', async () => {
    expect(pids).toHaveLength(FORKS + 1);
    const collector = new LinuxConnectionsCollector({ tables: ['udp'] });
    // The forks are new processes: their walk waits out a grace of a few reads.
    const row = await until('the socket with its owners cut', async () => {
      const { rows, diagnostics } = await collector.read();
      const r = rows.find((x) => x.localPort === port && x.localAddress === '127.0.0.1');
      return r?.ownerStatus === 'partial' ? { r, diagnostics } : null;
    });
    expect(row.r.processes).toHaveLength(MAX_SOCKET_OWNERS);
    expect(row.r.processes.map((p) => p.pid)).toEqual([...pids].sort((a, b) => a - b).slice(0, MAX_SOCKET_OWNERS));
    expect(row.diagnostics.notes.some((n) => n.includes(`more than ${MAX_SOCKET_OWNERS} owners`))).toBe(true);
  }, 60_000);
});
