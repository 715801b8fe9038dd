// Remote Linux hosts over ssh, for real: hosts are network namespaces with Debian's sshd (ssh-namespaces.ts).
// `netlens dump --host` rows equal what `ss` run inside the namespace sees; `netlens watch --host` follows
// connections opened there; a wrong host key is refused; a host torn down shows as disconnected, with the
// reason, and comes back when it is made again.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyDiff } from '../../shared/diff.js';
import type { ServerMessage } from '../../shared/protocol.js';
import type { Connection, Counter, NetInterface, ProcessTraffic, Route } from '../../shared/types.js';
import { parseSs } from '../../electron/capture/ss.js';
import { userFromPasswd } from '../../electron/collectors/linux/process-facts.js';
import { DOWN, near, UP } from '../transfer.js';
import { CLI, requireBuild, until } from './support.js';
import { SSHD, SshLab, type NamespaceHost } from './ssh-namespaces.js';

const isRoot = process.getuid?.() === 0;
/** Waits and test timeouts generous enough for a machine loaded by other work. */
const WAIT_MS = 60_000;
const TEST_MS = 180_000;

/** Endpoints, state, inode and owners: what a row says about a socket. */
function socketKey(c: Connection): string {
  const owners = c.processes
    .map((p) => `${p.pid}/${p.name}`)
    .sort()
    .join(',');
  return [c.proto, c.family, c.localAddress, c.localPort, c.remoteAddress, c.remotePort, c.state, c.inode, owners].join(
    ' ',
  );
}

/** Sockets of the test's own programs (not sshd's port 22, whose sessions come and go with each ssh). */
const notSsh = (c: Connection) => c.localPort !== 22 && c.remotePort !== 22;

describe.skipIf(process.platform !== 'linux' || !isRoot || !existsSync(SSHD))('remote hosts over ssh', () => {
  let lab: SshLab;
  let one: NamespaceHost;
  let two: NamespaceHost;
  const programs: ChildProcess[] = [];
  let transferPort = 0;

  beforeAll(async () => {
    requireBuild();
    lab = new SshLab();
    one = lab.add(1);
    two = lab.add(2);
    lab.trust();
    await one.up();
    await two.up();
    // Traffic inside host one: a TCP server with two clients and a bound UDP socket, all of one process.
    programs.push(
      one.spawn(process.execPath, [
        '-e',
        `
      const net = require('net'), dgram = require('dgram');
      const s = net.createServer((c) => c.on('data', (d) => c.write(d))).listen(7000, '0.0.0.0', () => {
        for (let i = 0; i < 2; i++) { const c = net.connect(7000, '127.0.0.1'); setInterval(() => c.write('x'), 200); }
      });
      dgram.createSocket('udp6').bind(7001, '::1');
      console.log('ready');
    `,
      ]),
    );
    await new Promise<void>((resolve) => programs[0]!.stdout!.once('data', () => resolve()));
    // A known transfer inside host one, by a process of its own, kept open: UP bytes one way, DOWN the other.
    programs.push(
      one.spawn(process.execPath, [
        '-e',
        `
      const net = require('net');
      let serverGot = 0, clientGot = 0;
      const s = net.createServer((c) => { c.on('data', (d) => { serverGot += d.length; if (serverGot === ${UP}) c.write(Buffer.alloc(${DOWN}, 1)); }); })
        .listen(7200, '127.0.0.1', () => {
          const c = net.connect(7200, '127.0.0.1', () => c.write(Buffer.alloc(${UP}, 2)));
          c.on('data', (d) => { clientGot += d.length; if (clientGot === ${DOWN}) console.log('sent ' + c.localPort); });
        });
    `,
      ]),
    );
    transferPort = await new Promise<number>((resolve) =>
      programs[1]!.stdout!.once('data', (d: Buffer) => resolve(Number(/sent (\d+)/.exec(d.toString())![1]))),
    );
  });

  afterAll(async () => {
    for (const p of programs) p.kill('SIGKILL');
    await lab?.cleanup();
  });

  function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [CLI, ...args, '--ssh-config', lab.config], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  it(
    'dumps connections equal to ss inside the namespace, owners included',
    () => {
      const r = cli(['dump', 'connections', '--host', one.alias, '--json']);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const remote = (JSON.parse(r.stdout) as Connection[]).filter((c) => c.proto !== 'unix' && notSsh(c));
      const ss = parseSs(one.exec('ss', ['-tuwanpeH']), 'ss').rows.filter(notSsh);
      expect(remote.map(socketKey).sort()).toEqual(ss.map(socketKey).sort());
      // The server, both ends of two connections and the UDP socket; the node program owns them.
      expect(remote.filter((c) => c.localPort === 7000 || c.remotePort === 7000)).toHaveLength(5);
      expect(remote.find((c) => c.localPort === 7001)).toMatchObject({
        proto: 'udp',
        family: 'inet6',
        ownerStatus: 'known',
        user: 'root',
      });
      expect(remote.every((c) => c.processes[0]?.name === 'node')).toBe(true);
    },
    TEST_MS,
  );

  it(
    "carries the TCP traffic of the namespace's connections, and totals it by process",
    () => {
      const r = cli(['dump', 'connections', '--host', one.alias, '--json']);
      expect(r.status).toBe(0);
      const rows = JSON.parse(r.stdout) as Connection[];
      const clientEnd = rows.find((c) => c.proto === 'tcp' && c.localPort === transferPort && c.remotePort === 7200);
      const serverEnd = rows.find((c) => c.proto === 'tcp' && c.localPort === 7200 && c.remotePort === transferPort);
      near(clientEnd?.bytesSent, UP);
      near(clientEnd?.bytesReceived, DOWN);
      near(serverEnd?.bytesSent, DOWN);
      near(serverEnd?.bytesReceived, UP);
      expect(clientEnd?.rttMs).toBeGreaterThan(0);
      expect(clientEnd?.trafficNote).toBeNull();
      // What ss inside the namespace says of the same socket.
      const ss = one.exec('ss', ['-tinH', 'sport', '=', `:${transferPort}`]);
      near(Number(/bytes_received:(\d+)/.exec(ss)?.[1]), clientEnd!.bytesReceived!);
      const listener = rows.find((c) => c.proto === 'tcp' && c.localPort === 7200 && c.state === 'LISTEN');
      expect(listener?.bytesSent).toBeNull();
      // Per process: the transfer's process holds both ends.
      const p = cli(['dump', 'processes', '--host', one.alias, '--json']);
      expect(p.status).toBe(0);
      const owner = clientEnd!.processes[0]!;
      const total = (JSON.parse(p.stdout) as ProcessTraffic[]).find((x) => x.pid === owner.pid);
      near(total?.bytesSent, UP + DOWN);
      near(total?.bytesReceived, UP + DOWN);
      expect(total?.note).toMatch(/destroy events are not read remotely/);
    },
    TEST_MS,
  );

  it(
    'dumps routes, interfaces and statistics of the namespace, not of this machine',
    () => {
      const routes = JSON.parse(cli(['dump', 'routes', '--host', one.alias, '--json']).stdout) as Route[];
      expect(routes.some((r) => r.destination === '10.209.1.0' && r.prefixLength === 24 && r.iface === 'eth0')).toBe(
        true,
      );
      const ifaces = JSON.parse(cli(['dump', 'interfaces', '--host', one.alias, '--json']).stdout) as NetInterface[];
      expect(ifaces.map((i) => i.name).sort()).toEqual(['eth0', 'lo']);
      const eth0 = ifaces.find((i) => i.name === 'eth0')!;
      expect(eth0.addresses.map((a) => a.address)).toContain(one.address);
      expect(eth0.operState).toBe('up');
      expect(eth0.flags).toContain('RUNNING');
      const stats = JSON.parse(cli(['dump', 'statistics', '--host', one.alias, '--json']).stdout) as Counter[];
      const estab = stats.find((c) => c.id === 'Tcp.CurrEstab')!;
      // Two connections, both ends, plus the ssh session of this very dump.
      expect(estab.value).toBeGreaterThanOrEqual(4);
      const table = cli(['dump', 'connections', '--host', one.alias]);
      expect(table.stdout).toMatch(/tcp\s+\d+\s+\d+\s+0\.0\.0\.0:7000\s+0\.0\.0\.0:\*\s+LISTEN\s+\d+\/node/);
    },
    TEST_MS,
  );

  it(
    "gives a socket's process the user it runs as, not the socket's owner",
    async () => {
      // Root makes a listening socket, then the process becomes nobody (65534) and keeps it, as a daemon that drops
      // its privileges does: the socket's owner stays root, the process that holds it runs as nobody.
      const nobody = userFromPasswd(readFileSync('/etc/passwd', 'utf8'), 65534);
      expect(nobody).not.toBeNull();
      const daemon = one.spawn(process.execPath, [
        '-e',
        "require('net').createServer().listen(7300, '127.0.0.1', () => { process.setuid(65534); console.log(process.getuid()); });",
      ]);
      programs.push(daemon);
      const uid = await new Promise<string>((resolve, reject) => {
        daemon.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
        daemon.once('exit', (code) => reject(new Error(`the daemon exited (${code})`)));
      });
      expect(uid).toBe('65534');
      const r = cli(['dump', 'connections', '--host', one.alias, '--json']);
      expect(r.status).toBe(0);
      const row = (JSON.parse(r.stdout) as Connection[]).find((c) => c.proto === 'tcp' && c.localPort === 7300);
      expect(row).toMatchObject({ state: 'LISTEN', user: 'root', ownerStatus: 'known' });
      expect(row!.processes.map((p) => [p.pid, p.user])).toEqual([[daemon.pid, nobody]]);
      // The others keep theirs: the node program of the first test runs as root.
      const server = (JSON.parse(r.stdout) as Connection[]).find((c) => c.proto === 'tcp' && c.localPort === 7000);
      expect(server?.processes[0]?.user).toBe('root');
    },
    TEST_MS,
  );

  it(
    'refuses a host whose key is not the one known',
    () => {
      lab.trust([two]);
      try {
        const r = cli(['dump', 'routes', '--host', two.alias]);
        expect(r.status).toBe(1);
        expect(r.stderr).toMatch(/host key changed/);
        expect(r.stdout).toBe('');
      } finally {
        lab.trust();
      }
      expect(cli(['dump', 'routes', '--host', two.alias]).status).toBe(0);
      expect(cli(['dump', 'routes', '--host', '-oProxyCommand=evil']).status).toBe(2);
      // A key the host does not authorize: refused with the reason, no prompt (BatchMode).
      const stranger = join(lab.dir, 'stranger');
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
      const config = join(lab.dir, 'stranger_config');
      writeFileSync(
        config,
        readFileSync(lab.config, 'utf8').replaceAll(`IdentityFile ${join(lab.dir, 'id')}`, `IdentityFile ${stranger}`),
      );
      const denied = spawnSync(process.execPath, [CLI, 'dump', 'routes', '--host', two.alias, '--ssh-config', config], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(denied.status).toBe(1);
      expect(denied.stderr).toMatch(/authentication failed/);
    },
    TEST_MS,
  );

  it(
    'watches a host, shows it disconnected when torn down, and follows it back',
    async () => {
      const child = spawn(
        process.execPath,
        [CLI, 'watch', 'connections', '--host', two.alias, '--ssh-config', lab.config, '--interval', '0.5', '--json'],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const table = new Map<string, Connection>();
      const notices: string[] = [];
      const errors: string[] = [];
      let rest = '';
      child.stdout!.on('data', (d: Buffer) => {
        const parts = (rest + d.toString()).split('\n');
        rest = parts.pop()!;
        for (const line of parts) {
          const m = JSON.parse(line) as ServerMessage;
          if (m.type === 'snapshot') {
            table.clear();
            for (const r of m.rows as Connection[]) table.set(r.id, r);
          } else if (m.type === 'diff') applyDiff(table, m.diff as never);
          else if (m.type === 'notice') notices.push(m.text);
          else if (m.type === 'collectorError') errors.push(m.message);
        }
      });
      const open = () => [...table.values()].filter((c) => c.closedAt == null && c.proto === 'tcp' && notSsh(c));
      try {
        await until('the first rows', () => table.size > 0, WAIT_MS);
        expect(notices).toContain(`${two.alias}: connected`);
        // A listener opened in the namespace shows up.
        programs.push(two.spawn(process.execPath, ['-e', "require('net').createServer().listen(7100, '127.0.0.1')"]));
        await until(
          'the new listener',
          () => open().some((c) => c.localPort === 7100 && c.state === 'LISTEN'),
          WAIT_MS,
        );
        const ss = parseSs(two.exec('ss', ['-tanpeH']), 'ss').rows.filter(notSsh);
        expect(open().map(socketKey).sort()).toEqual(ss.map(socketKey).sort());
        // Torn down: disconnected with a reason, and reads fail with it.
        await two.down();
        await until(
          'the disconnection',
          () => notices.some((n) => n.startsWith(`${two.alias}: disconnected: `)),
          WAIT_MS,
        );
        await until('a failing read', () => errors.some((e) => e.includes(`${two.alias} is disconnected`)), WAIT_MS);
        // Made again: connected again, and the stream goes on from what it had.
        await two.up();
        const before = notices.filter((n) => n === `${two.alias}: connected`).length;
        await until(
          'the reconnection',
          () => notices.filter((n) => n === `${two.alias}: connected`).length > before,
          2 * WAIT_MS,
        );
        await until('the listener gone (a new namespace)', () => !open().some((c) => c.localPort === 7100), WAIT_MS);
      } finally {
        child.kill('SIGINT');
        await new Promise((r) => child.once('exit', r));
      }
      expect(child.exitCode).toBe(0);
    },
    TEST_MS,
  );
});
