// Live: the owner cache on a process that churns connections, read tick after tick as the app reads it, each
// tick's owners compared with what `ss -tanp` says in the same quiet moment. Between two reads the child
// closes connections and opens new ones (the kernel hands the freed fd numbers out again, to sockets and to
// files), passes a connection to a process of its own (SCM_RIGHTS: the sender's fd closes and its number is
// reused), and its fd count moves every time: the cache then reads only the fd links it cannot vouch for, and
// must still agree with ss on every socket.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface, type Interface } from 'node:readline';
import fs, { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LinuxConnectionsCollector } from '../connections/linux.js';

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
        reads = 0;
        expect(await compare()).toBeGreaterThanOrEqual(2 * CONNECTIONS);
        // The fds it opened (a churn of 10: 20 sockets, 10 files) and those that held a socket or a file it let
        // go of: a small part of the 300-odd it holds, which a full walk would read.
        expect(reads, step).toBeGreaterThan(0);
        expect(reads, step).toBeLessThan(readdirSync(fdDir).length / 4);
      }
    } finally {
      vi.restoreAllMocks();
    }
  }, 60_000);
});
