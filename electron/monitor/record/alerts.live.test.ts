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
