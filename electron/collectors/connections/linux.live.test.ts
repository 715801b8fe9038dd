// Live: real sockets on this machine, found by the collector and compared with ss.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../../shared/types.js';
import { LinuxConnectionsCollector } from './linux.js';

const linux = process.platform === 'linux';
const myName = linux ? readFileSync('/proc/self/comm', 'utf8').trim() : '';

describe.skipIf(!linux)('LinuxConnectionsCollector on this machine', () => {
  const closers: (() => void)[] = [];
  let dir = '';
  let tcp4: net.Server;
  let tcp6: net.Server;
  let client: net.Socket;
  let udpBound: dgram.Socket;
  let udpConnected: dgram.Socket;
  let unixPath = '';
  let child: ChildProcess;
  let childPort = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netlens live '));
    tcp4 = net.createServer((s) => closers.push(() => s.destroy())).listen(0, '127.0.0.1');
    tcp6 = net.createServer().listen(0, '::1');
    await Promise.all([once(tcp4, 'listening'), once(tcp6, 'listening')]);
    client = net.connect((tcp4.address() as net.AddressInfo).port, '127.0.0.1');
    await once(client, 'connect');
    udpBound = dgram.createSocket('udp4');
    udpBound.bind(0, '127.0.0.1');
    await once(udpBound, 'listening');
    udpConnected = dgram.createSocket('udp4');
    udpConnected.connect(udpBound.address().port, '127.0.0.1');
    await once(udpConnected, 'connect');
    // A path with spaces and a non-ASCII letter: /proc/net/unix prints it raw (UTF-8), and it must stay whole.
    unixPath = join(dir, 'contrôle socket');
    const unixServer = net.createServer().listen(unixPath);
    await once(unixServer, 'listening');
    closers.push(() => unixServer.close());
    child = spawn(
      process.execPath,
      [
        '-e',
        "const s=require('net').createServer().listen(0,'127.0.0.1',()=>console.log(s.address().port));setInterval(()=>{},1e6)",
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const [data] = (await once(child.stdout!, 'data')) as [Buffer];
    childPort = Number(String(data).trim());
  });

  afterAll(() => {
    client?.destroy();
    tcp4?.close();
    tcp6?.close();
    udpBound?.close();
    udpConnected?.close();
    for (const c of closers) c();
    child?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function mine(rows: Connection[], pred: (r: Connection) => boolean): Connection {
    const found = rows.filter(pred);
    expect(found, 'exactly one matching row').toHaveLength(1);
    return found[0] as Connection;
  }

  it('finds each socket with protocol, addresses, state and owning process', async () => {
    const collector = new LinuxConnectionsCollector();
    const { rows } = await collector.read();
    const p4 = (tcp4.address() as net.AddressInfo).port;
    const p6 = (tcp6.address() as net.AddressInfo).port;
    const owner = { pid: process.pid, name: myName };

    const l4 = mine(rows, (r) => r.proto === 'tcp' && r.localPort === p4 && r.state === 'LISTEN');
    expect(l4).toMatchObject({
      family: 'inet',
      localAddress: '127.0.0.1',
      remoteAddress: '0.0.0.0',
      ownerStatus: 'known',
    });
    expect(l4.processes[0]).toMatchObject(owner);
    expect(l4.processes[0]?.user).toBe('root');
    expect(l4.processes[0]?.exe).toBe(readlinkSelf());

    const l6 = mine(rows, (r) => r.proto === 'tcp' && r.localPort === p6 && r.state === 'LISTEN');
    expect(l6).toMatchObject({ family: 'inet6', localAddress: '::1', remoteAddress: '::' });
    expect(l6.processes[0]).toMatchObject(owner);

    const out = mine(rows, (r) => r.proto === 'tcp' && r.localPort === client.localPort && r.remotePort === p4);
    expect(out).toMatchObject({ state: 'ESTABLISHED', localAddress: '127.0.0.1', remoteAddress: '127.0.0.1' });
    expect(out.processes.map((p) => p.pid)).toEqual([process.pid]);
    const inbound = mine(rows, (r) => r.proto === 'tcp' && r.localPort === p4 && r.remotePort === client.localPort);
    expect(inbound.state).toBe('ESTABLISHED');

    const ub = mine(rows, (r) => r.proto === 'udp' && r.localPort === udpBound.address().port && r.remotePort === 0);
    expect(ub).toMatchObject({ state: 'UNCONN', localAddress: '127.0.0.1' });
    expect(ub.processes[0]).toMatchObject(owner);
    const uc = mine(rows, (r) => r.proto === 'udp' && r.localPort === udpConnected.address().port);
    expect(uc).toMatchObject({ state: 'ESTABLISHED', remoteAddress: '127.0.0.1', remotePort: udpBound.address().port });

    const ux = mine(rows, (r) => r.proto === 'unix' && r.path === unixPath);
    expect(ux).toMatchObject({ state: 'LISTENING', socketType: 'STREAM' });
    expect(ux.processes[0]).toMatchObject(owner);

    const fromChild = mine(rows, (r) => r.proto === 'tcp' && r.localPort === childPort && r.state === 'LISTEN');
    expect(fromChild.processes.map((p) => p.pid)).toEqual([child.pid]);
    expect(fromChild.processes[0]?.cmdline).toContain('-e');
    expect(fromChild.processes[0]?.startTime).toBeGreaterThan(Date.now() - 10 * 60_000);
  });

  it('keeps attributing across ticks as sockets open and close', async () => {
    // Our listener on 127.0.0.1: a test running beside this one may listen on the same port number at another
    // address (::1, 127.0.0.2), which a port alone would also match.
    const isOurs = (r: Connection, p: number) =>
      r.localAddress === '127.0.0.1' && r.localPort === p && r.state === 'LISTEN';
    const collector = new LinuxConnectionsCollector({ tables: ['tcp', 'tcp6'] });
    await collector.read();
    const server = net.createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as net.AddressInfo).port;
    const second = await collector.read();
    expect(mine(second.rows, (r) => isOurs(r, port)).processes[0]?.pid).toBe(process.pid);
    server.close();
    await once(server, 'close');
    // The same fd number may now be reused by a new socket: it must still be attributed.
    const again = net.createServer().listen(0, '127.0.0.1');
    await once(again, 'listening');
    const port2 = (again.address() as net.AddressInfo).port;
    const third = await collector.read();
    expect(third.rows.some((r) => isOurs(r, port))).toBe(false);
    expect(mine(third.rows, (r) => isOurs(r, port2)).processes[0]?.pid).toBe(process.pid);
    again.close();
  });

  it('sees the same TCP and UDP sockets as ss -tuanpH (protocol, endpoints, state, pids)', async () => {
    const collector = new LinuxConnectionsCollector({ tables: ['tcp', 'tcp6', 'udp', 'udp6'] });
    let last = '';
    // Other processes open and close sockets meanwhile: compare what both ss reads agree on, and retry a
    // few times before calling a difference real.
    for (let attempt = 0; attempt < 4; attempt++) {
      const before = ssKeys();
      const ours = new Set((await collector.read()).rows.map(ourKey));
      const after = ssKeys();
      const stable = [...before].filter((k) => after.has(k));
      const missing = stable.filter((k) => !ours.has(k));
      const extra = [...ours].filter((k) => !before.has(k) && !after.has(k));
      if (missing.length === 0 && extra.length === 0) {
        expect(stable.length).toBeGreaterThan(5);
        return;
      }
      last = JSON.stringify({ missing: missing.slice(0, 5), extra: extra.slice(0, 5) });
    }
    expect.fail(`differences with ss persisted: ${last}`);
  });
});

function readlinkSelf(): string {
  return execFileSync('readlink', [`/proc/${process.pid}/exe`], { encoding: 'utf8' }).trim();
}

const SS_STATES: Record<string, string> = {
  ESTABLISHED: 'ESTAB',
  SYN_SENT: 'SYN-SENT',
  SYN_RECV: 'SYN-RECV',
  FIN_WAIT1: 'FIN-WAIT-1',
  FIN_WAIT2: 'FIN-WAIT-2',
  TIME_WAIT: 'TIME-WAIT',
  CLOSE: 'UNCONN',
  CLOSE_WAIT: 'CLOSE-WAIT',
  LAST_ACK: 'LAST-ACK',
  LISTEN: 'LISTEN',
  CLOSING: 'CLOSING',
  UNCONN: 'UNCONN',
};

function ourKey(r: Connection): string {
  const pids = r.processes
    .map((p) => p.pid)
    .sort((a, b) => a - b)
    .join(',');
  return [
    r.proto,
    r.localAddress,
    r.localPort,
    r.remoteAddress,
    r.remotePort,
    SS_STATES[r.state] ?? r.state,
    pids,
  ].join(' ');
}

/** "[::1]:631", "[fe80::1]%eth0:22", "127.0.0.53%lo:53", "*:22" -> [address, port] in our notation. */
function ssEndpoint(s: string): [string, number] {
  const colon = s.lastIndexOf(':');
  let addr = s.slice(0, colon);
  const port = s.slice(colon + 1);
  // The zone goes first: ss writes a link-local address as `[fe80::1]%eth0:22`.
  addr = addr.replace(/%.*$/, '');
  if (addr.startsWith('[')) addr = addr.slice(1, -1);
  if (addr === '*') addr = '::';
  return [addr, port === '*' ? 0 : Number(port)];
}

function ssKeys(): Set<string> {
  const out = execFileSync('ss', ['-tuanpH'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const keys = new Set<string>();
  for (const line of out.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 6) continue;
    const [proto, state, , , local, remote] = f;
    const [la, lp] = ssEndpoint(local ?? '');
    const [ra, rp] = ssEndpoint(remote ?? '');
    const pids = [...line.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
    keys.add([proto, la, lp, ra, rp, state, [...new Set(pids)].join(',')].join(' '));
  }
  return keys;
}
