// Live: "new country or network" alerts from real connections, in a network namespace of the test's own (root
// only). A recording monitor (testing/alerts-monitor.ts) runs there; a named client connects to a server at
// LAN addresses of the namespace: LAN has no country or AS, so the /24 stands in, once per process and prefix.
// (Places of public ranges are tested by feeding the recorder rows, recorder.test.ts: no traffic goes to them.)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../shared/record.js';
import { until } from '../../../test/e2e/support.js';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const NS = `alerts${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'alerts-live-'));
const CLIENT = `alertsnet${process.pid % 10000}`;
const children: ChildProcess[] = [];

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
}

/** A process in the namespace; its stdout lines are collected. */
function inNs(command: string, args: string[]): { child: ChildProcess; lines: string[] } {
  const child = spawn('ip', ['netns', 'exec', NS, command, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  const lines: string[] = [];
  let rest = '';
  child.stdout!.on('data', (d: Buffer) => {
    const parts = (rest + d.toString()).split('\n');
    rest = parts.pop()!;
    lines.push(...parts);
  });
  return { child, lines };
}

afterAll(async () => {
  for (const c of children) {
    c.stdin?.end();
    if (c.exitCode === null) c.kill('SIGTERM');
  }
  spawnSync('ip', ['netns', 'del', NS]);
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(process.platform !== 'linux' || !isRoot)('alerts about new networks from real connections', () => {
  it('fire once per process and /24 where the address has no place, and say why', async () => {
    spawnSync('ip', ['netns', 'del', NS]);
    ip('netns', 'add', NS);
    ip('-n', NS, 'link', 'set', 'lo', 'up');
    // LAN addresses on the namespace's loopback device: a connection to them has them as its remote address.
    for (const a of ['10.213.7.2/24', '10.213.7.3/24', '10.214.7.2/24']) ip('-n', NS, 'addr', 'add', a, 'dev', 'lo');

    const monitor = inNs(process.execPath, [
      'scripts/run-ts.mjs',
      'electron/monitor/record/testing/alerts-monitor.ts',
      join(dir, 'history.sqlite'),
    ]);
    await until('the baseline recorded', () => monitor.lines.includes('ready'), 60_000);
    const server = inNs(process.execPath, [
      '-e',
      `require('net').createServer((s) => s.on('error', () => {})).listen(4701, '0.0.0.0', () => console.log('up'));`,
    ]);
    await until('the server', () => server.lines.includes('up'));
    symlinkSync(process.execPath, join(dir, CLIENT));
    // Two addresses of one /24 and one of another: two alerts for the client.
    const client = inNs(join(dir, CLIENT), [
      '-e',
      `const net = require('net'); const open = [];
       for (const a of ['10.213.7.2', '10.213.7.3', '10.214.7.2']) open.push(net.connect(4701, a));
       Promise.all(open.map((s) => new Promise((r) => s.once('connect', r)))).then(() => console.log('connected'));
       setInterval(() => {}, 1000);`,
    ]);
    await until('the client connected', () => client.lines.includes('connected'));
    const alerts = () => monitor.lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Alert);
    const ofClient = () => alerts().filter((a) => a.subject.startsWith(`${CLIENT} → `));
    await until('two alerts for the client', () => ofClient().length >= 2, 30_000);
    expect(
      ofClient()
        .map((a) => [a.kind, a.subject, a.text])
        .sort(),
    ).toEqual([
      [
        'network',
        `${CLIENT} → 10.213.7.0/24`,
        expect.stringMatching(
          new RegExp(
            `^${CLIENT} reached 10\\.213\\.7\\.0/24 for the first time \\(10\\.213\\.7\\.[23]; LAN: no country or network known, so by prefix\\)$`,
          ),
        ),
      ],
      [
        'network',
        `${CLIENT} → 10.214.7.0/24`,
        `${CLIENT} reached 10.214.7.0/24 for the first time (10.214.7.2; LAN: no country or network known, so by prefix)`,
      ],
    ]);
    // The server's accepted ends reach the client's addresses: news about the server's own process, not the client.
    expect(alerts().every((a) => a.kind === 'network')).toBe(true);
    monitor.child.stdin!.end();
    await until('the monitor to leave', () => monitor.child.exitCode !== null, 30_000);
    expect(monitor.child.exitCode).toBe(0);
  });
});

// UDP clients (Node's dgram, WebRTC) bind unconnected sockets to port 0: the kernel gives each a port of its
// ephemeral range (ip_local_port_range), a new one every time. One alert per process covers them; a socket
// on a fixed port is still a listener of its own.
describe.skipIf(process.platform !== 'linux' || !isRoot)('alerts about UDP sockets on ephemeral ports', () => {
  const UDP_NS = `ui2udp${process.pid}`;
  const UDP_CLIENT = `udpclient${process.pid % 10000}`;
  afterAll(() => {
    spawnSync('ip', ['netns', 'del', UDP_NS]);
  });

  it('are one alert per process, while a fixed port has its own', async () => {
    spawnSync('ip', ['netns', 'del', UDP_NS]);
    ip('netns', 'add', UDP_NS);
    ip('-n', UDP_NS, 'link', 'set', 'lo', 'up');
    const run = (command: string, args: string[]) => {
      const child = spawn('ip', ['netns', 'exec', UDP_NS, command, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
      children.push(child);
      const lines: string[] = [];
      child.stdout!.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
      return { child, lines };
    };
    const monitor = run(process.execPath, [
      'scripts/run-ts.mjs',
      'electron/monitor/record/testing/alerts-monitor.ts',
      join(dir, 'udp.sqlite'),
      'listener',
    ]);
    await until('the baseline recorded', () => monitor.lines.includes('ready'), 60_000);
    symlinkSync(process.execPath, join(dir, UDP_CLIENT));
    // Three client sockets (port 0: the kernel's choice) and one on a fixed port; each line on stdin opens
    // two more client sockets and one more fixed port. Nothing is sent anywhere.
    const client = run(join(dir, UDP_CLIENT), [
      '-e',
      `const dgram = require('dgram'); let fixed = 4810;
       const open = (port) => new Promise((r) => { const s = dgram.createSocket('udp4'); s.bind(port, () => r(s.address().port)); });
       const batch = (n) => Promise.all([...Array.from({ length: n }, () => open(0)), open(fixed++)]).then((p) => console.log(p.join(' ')));
       batch(3);
       process.stdin.on('data', () => batch(2));`,
    ]);
    await until('the client sockets', () => client.lines.length >= 1);
    const range = spawnSync('ip', ['netns', 'exec', UDP_NS, 'cat', '/proc/sys/net/ipv4/ip_local_port_range'], {
      encoding: 'utf8',
    });
    const [lo, hi] = range.stdout.trim().split(/\s+/).map(Number) as [number, number];
    // The kernel's choices are in its range (what the alert relies on); the fixed port is not.
    for (const port of client.lines[0]!.split(' ').slice(0, 3).map(Number)) {
      expect(port).toBeGreaterThanOrEqual(lo);
      expect(port).toBeLessThanOrEqual(hi);
    }
    const alerts = () =>
      monitor.lines
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Alert)
        .filter((a) => a.subject.includes(UDP_CLIENT));
    await until('the two alerts', () => alerts().length >= 2, 30_000);
    // More client sockets on new random ports: nothing new; the next fixed port: its own alert (seen in the same
    // read or a later one than the new client sockets, so their silence is not a matter of time).
    client.child.stdin!.write('more\n');
    await until('the next fixed port', () => alerts().some((a) => a.subject.includes(':4811 ')), 30_000);
    expect(
      alerts()
        .map((a) => [a.kind, a.subject])
        .sort(),
    ).toEqual([
      ['listener', `UDP sockets on ephemeral ports of ${UDP_CLIENT}`],
      ['listener', `udp 0.0.0.0:4810 ${UDP_CLIENT}`],
      ['listener', `udp 0.0.0.0:4811 ${UDP_CLIENT}`],
    ]);
    monitor.child.stdin!.end();
    await until('the monitor to leave', () => monitor.child.exitCode !== null, 30_000);
  });
});
