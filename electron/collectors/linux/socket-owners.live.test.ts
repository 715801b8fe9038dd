// Live: the owner cache on a process that churns connections, read tick after tick as the app reads it, each
// tick's owners compared with what `ss -tanp` says in the same quiet moment. Between two reads the child
// closes connections and opens new ones (the kernel hands the freed fd numbers out again, to sockets and to
// files), passes a connection to a process of its own (SCM_RIGHTS: the sender's fd closes and its number is
// reused), and its fd count moves every time: the cache then reads only the fd links it cannot vouch for, and
// must still agree with ss on every socket.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface, type Interface } from 'node:readline';
import fs, { mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LinuxConnectionsCollector } from '../connections/linux.js';
import { SocketOwners } from './socket-owners.js';
import { UserNames } from './users.js';

const linux = process.platform === 'linux' && spawnSync('ss', ['-V']).status === 0;

// The child: a listener and CONNECTIONS connections to it (both ends its own). On "churn N" it closes N
// connections and the files it opened last time, opens N new connections, then as many files (which take
// the lowest free numbers: a socket's, freed just now, and next time a socket takes theirs); on "move" it
// passes one connection to its own child and lets go of it. It answers when the listener's side has caught
// up, so that the tables are quiet while they are read.
const CHILD = `
const net = require('node:net');
const fs = require('node:fs');
const { spawn } = require('node:child_process');
const clients = [];
let files = [];
let accepted = 0;
let sub = null;
const server = net.createServer((s) => { accepted++; s.on('error', () => {}); s.on('close', () => accepted--); });
const connect = (port) => new Promise((resolve, reject) => {
  const c = net.connect(port, '127.0.0.1', () => resolve(c));
  c.on('error', reject);
});
const settled = async () => {
  while (accepted !== clients.length + (sub ? 1 : 0)) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 50));
  process.stdout.write('ok\\n');
};
server.listen(0, '127.0.0.1', async () => {
  const port = server.address().port;
  for (let i = 0; i < Number(process.argv[1]); i++) clients.push(await connect(port));
  process.stdout.write(port + ' ' + process.pid + '\\n');
  await settled();
  require('node:readline').createInterface({ input: process.stdin }).on('line', async (line) => {
    const [what, n] = line.split(' ');
    if (what === 'churn') {
      for (let i = 0; i < Number(n); i++) clients.splice((i * 7) % clients.length, 1)[0].destroy();
      for (const f of files) fs.closeSync(f);
      files = [];
      await new Promise((r) => setTimeout(r, 50));
      for (let i = 0; i < Number(n); i++) clients.push(await connect(port));
      for (let i = 0; i < Number(n); i++) files.push(fs.openSync('/dev/null', 'r'));
    } else if (what === 'move') {
      sub = spawn(process.execPath, ['-e', 'process.on("disconnect", () => process.exit(0)); process.on("message", (m, s) => { globalThis.held = s; process.send("held"); })'], {
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      });
      sub.send('take', clients.shift());
      await new Promise((r) => sub.once('message', r));
      clients.push(await connect(port));
    }
    await settled();
  });
});
`;

/** The pids `ss -tanp` gives each established connection of the port (both ends), by "local remote". */
function ssOwners(port: number): Map<string, number[]> {
  const out = spawnSync('ss', ['-tanpH', 'state', 'established', `( sport = :${port} or dport = :${port} )`], {
    encoding: 'utf8',
  }).stdout;
  const owners = new Map<string, number[]>();
  for (const line of out.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4) continue;
    const pids = [...line.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
    owners.set(`${f[2]} ${f[3]}`, [...new Set(pids)]);
  }
  return owners;
}

describe.skipIf(!linux)('SocketOwners on a process churning connections', () => {
  const CONNECTIONS = 150;
  let child: ChildProcess;
  let lines: Interface;
  let port = 0;
  let childPid = 0;

  const answer = async () => ((await once(lines, 'line')) as [string])[0];
  const command = async (line: string) => {
    const said = answer();
    child.stdin!.write(`${line}\n`);
    expect(await said).toBe('ok');
  };

  beforeAll(async () => {
    child = spawn(process.execPath, ['-e', CHILD, String(CONNECTIONS)], { stdio: ['pipe', 'pipe', 'inherit'] });
    lines = createInterface({ input: child.stdout! });
    [port, childPid] = (await answer()).split(' ').map(Number) as [number, number];
    expect(await answer()).toBe('ok');
  }, 30_000);

  afterAll(() => {
    child?.stdin?.end();
    child?.kill('SIGKILL');
  });

  it('agrees with ss -tanp on every connection, tick after tick, reading few fd links', async () => {
    const collector = new LinuxConnectionsCollector({ tables: ['tcp', 'tcp6'] });
    const compare = async () => {
      const { rows } = await collector.read();
      const ss = ssOwners(port);
      let compared = 0;
      for (const row of rows) {
        if (row.state !== 'ESTABLISHED' || (row.localPort !== port && row.remotePort !== port)) continue;
        const key = `${row.localAddress}:${row.localPort} ${row.remoteAddress}:${row.remotePort}`;
        const pids = row.processes.map((p) => p.pid).sort((a, b) => a - b);
        expect(pids, key).toEqual(ss.get(key));
        compared++;
      }
      expect(compared).toBe(ss.size);
      return compared;
    };
    // The reads are a second apart on the collector's clock however slow the machine: on a loaded one the steps took
    // more than the owners' full-walk interval (10 s), and a full walk read every link (327 reads of 81 allowed).
    vi.useFakeTimers({ toFake: ['Date'] });
    let clock = Date.now();
    await compare();
    // Each step moves the child's fd count, so each read walks it again; the fd links of it read are counted.
    const fdDir = `/proc/${childPid}/fd/`;
    let reads = 0;
    const readlink = fs.readlinkSync;
    vi.spyOn(fs, 'readlinkSync').mockImplementation(((path: string, options?: never) => {
      if (path.startsWith(fdDir)) reads++;
      return readlink(path, options);
    }) as typeof fs.readlinkSync);
    try {
      for (const step of ['churn 10', 'churn 10', 'move', 'churn 10', 'churn 5', 'churn 10']) {
        await command(step);
        vi.setSystemTime((clock += 1_000));
        reads = 0;
        expect(await compare()).toBeGreaterThanOrEqual(2 * CONNECTIONS);
        // The fds it opened (a churn of 10: 20 sockets, 10 files) and those that held a socket or a file it let
        // go of: a small part of the 300-odd it holds, which a full walk would read.
        expect(reads, step).toBeGreaterThan(0);
        expect(reads, step).toBeLessThan(readdirSync(fdDir).length / 4);
      }
    } finally {
      vi.restoreAllMocks();
      vi.useRealTimers();
    }
  }, 60_000);
});

// The child: a listener dup'ed into fds 100-12,099 (but for holes at 3,000-3,009 and 7,000-7,099), three
// connections to it (both ends its own) moved past holes (3,010, 7,100 and 12,200: past the dup'ed range), and a
// unix socket pair at 12,300. On "close" it closes the connection at 7,100 and opens a new one (in the lowest free
// fds, behind a walk), answering "ok".
const DUPPER = `
import os, resource, socket, sys
hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
l = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
l.bind(('127.0.0.1', 0)); l.listen(16)
for fd in range(100, 12100):
    if not (3000 <= fd < 3010 or 7000 <= fd < 7100):
        os.dup2(l.fileno(), fd, inheritable=False)
def connect():
    c = socket.create_connection(l.getsockname())
    a, _ = l.accept()
    return c, a
keep = []
for at in (3010, 7100, 12200):
    c, a = connect()
    os.dup2(c.fileno(), at, inheritable=False); os.dup2(a.fileno(), at + 1, inheritable=False)
    c.close(); a.close()
u, v = socket.socketpair()
os.dup2(u.fileno(), 12300, inheritable=False); os.dup2(v.fileno(), 12301, inheritable=False)
u.close(); v.close()
print(l.getsockname()[1], flush=True)
for line in sys.stdin:
    os.close(7100); os.close(7101)
    keep.append(connect())
    print('ok', flush=True)
`;

/** The socket inodes a process holds, read from its fd folder (each link). */
function heldSockets(pid: number): Set<number> {
  const out = new Set<number>();
  for (const name of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${name}`));
      if (m) out.add(Number(m[1]));
    } catch {
      /* closed meanwhile */
    }
  }
  return out;
}

/** The pids `ss -tanpe` gives each TCP socket of the port (both ends of each connection, and the listener), by
 *  inode; the listener's under -1 (its line, 12,000 fds long, is cut at 64 kB before its inode). */
function ssByInode(port: number): Map<number, number[]> {
  const out = spawnSync('ss', ['-tanpeH', `( sport = :${port} or dport = :${port} )`], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  }).stdout;
  const owners = new Map<number, number[]>();
  for (const line of out.split('\n')) {
    const inode = /\bino:(\d+)/.exec(line);
    const listener = line.startsWith('LISTEN');
    if (!listener && (!inode || !line.startsWith('ESTAB'))) continue; // a closing one
    const pids = [...new Set([...line.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1])))].sort((a, b) => a - b);
    owners.set(listener ? -1 : Number(inode![1]), pids);
  }
  return owners;
}

const python =
  linux &&
  spawnSync('python3', ['-c', 'import resource; assert resource.getrlimit(resource.RLIMIT_NOFILE)[1] >= 12400'])
    .status === 0;

describe.skipIf(!python)("SocketOwners on a process holding 12,000 dup'ed fds", () => {
  let child: ChildProcess;
  let lines: Interface;
  let port = 0;

  beforeAll(async () => {
    child = spawn('python3', ['-c', DUPPER], { stdio: ['pipe', 'pipe', 'inherit'] });
    lines = createInterface({ input: child.stdout! });
    port = Number(((await once(lines, 'line')) as [string])[0]);
  }, 30_000);

  afterAll(() => {
    child?.stdin?.end();
    child?.kill('SIGKILL');
  });

  it('reads it by fd number, not listed, to exactly the sockets it holds, as ss -tanp tells, also after it changes', async () => {
    const pid = child.pid!;
    // A /proc showing the child alone (its folder a link to the real one), so that other large processes on
    // the machine (other tests' children) neither share the budget nor keep slices going.
    const proc = mkdtempSync(join(tmpdir(), 'netlens-dupper-'));
    writeFileSync(join(proc, 'stat'), fs.readFileSync('/proc/stat'));
    symlinkSync(`/proc/${pid}`, join(proc, String(pid)));
    const owners = new SocketOwners(new UserNames(), proc);
    let listings = 0;
    const readdir = fs.readdirSync;
    vi.spyOn(fs, 'readdirSync').mockImplementation(((path: string, options?: never) => {
      if (path === `${proc}/${pid}/fd`) listings++;
      return readdir(path, options);
    }) as typeof fs.readdirSync);
    /** Ticks until no process is read in slices (the sockets listed: the child's), then compares. */
    const walk = () => {
      const held = heldSockets(pid);
      const inodes = [...held];
      let ticks = 0;
      do owners.update(inodes, Date.now());
      while (owners.sliced().count > 0 && ++ticks < 40);
      expect(owners.sliced().count).toBe(0);
      const mine = inodes.filter((inode) => owners.processesOf(inode).some((p) => p.pid === pid));
      expect(new Set(mine)).toEqual(held);
      const ss = ssByInode(port);
      expect(ss.size).toBe(7); // the listener, three connections' two ends
      const listener = Number(/\d+/.exec(fs.readlinkSync(`/proc/${pid}/fd/100`))![0]);
      for (const [key, pids] of ss) {
        const inode = key === -1 ? listener : key;
        expect(
          owners.processesOf(inode).map((p) => p.pid),
          String(inode),
        ).toEqual(pids);
      }
      return ticks;
    };
    try {
      // 12,000-odd fds: read over several ticks, the folder never listed (dense but for its holes).
      expect(walk()).toBeGreaterThan(1);
      expect(listings).toBe(0);
      // A connection closed, another opened in fds behind where a walk would be: its fd count moved, it is read
      // again, keeping what the last walk vouches for.
      child.stdin!.write('close\n');
      expect(((await once(lines, 'line')) as [string])[0]).toBe('ok');
      walk();
      // Killed while a walk of it goes on: forgotten, with nothing thrown.
      const fresh = new SocketOwners(new UserNames(), proc);
      const inodes = [...heldSockets(pid)];
      fresh.update(inodes, Date.now());
      expect(fresh.sliced().processes.map((p) => p.pid)).toContain(pid);
      child.kill('SIGKILL');
      await once(child, 'exit');
      fresh.update(inodes, Date.now());
      fresh.update(inodes, Date.now());
      expect(fresh.sliced().count).toBe(0);
      expect(fresh.processesOf(inodes[0]!)).toEqual([]);
    } finally {
      vi.restoreAllMocks();
      rmSync(proc, { recursive: true, force: true });
    }
  }, 60_000);
});
