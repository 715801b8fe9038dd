// Live: per-process traffic on this machine. A connection that opens, moves 1 MiB and closes between two
// readings still lands in its process's totals (destroy events); a process of another user gets its bytes
// without being named; the destroy-event reader, killed, comes back with a notice.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { OTHER_USERS, type ProcessTraffic } from '../../../shared/types.js';
import { CLI, requireBuild, until } from '../../../test/e2e/support.js';
import { createInThreadMonitor } from '../../monitor/monitor.js';
import { TestClient } from '../../monitor/testing/test-client.js';
import { LinuxConnectionsCollector } from '../connections/linux.js';
import { LinuxProcessesCollector } from './linux.js';
import { createCollectors } from '../index.js';

const MiB = 1024 * 1024;
const linux = process.platform === 'linux';
const children: ChildProcess[] = [];
const disposers: (() => void)[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of disposers.splice(0)) d();
});

/** A node child running `script`; resolves with it and its first line of output. */
async function node(
  script: string,
  prefix: string[] = [],
): Promise<{ child: ChildProcess; first: string; lines: string[] }> {
  const [file, ...args] = [...prefix, process.execPath, '-e', script];
  const child = spawn(file!, args, { stdio: ['pipe', 'pipe', 'inherit'], cwd: '/' });
  children.push(child);
  const lines: string[] = [];
  child.stdout!.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
  const first = await until('the child to start', () => lines[0]);
  return { child, first, lines };
}

// Listens; on "go" (stdin) connects to itself, sends 1 MiB, and closes both ends; prints "done".
const ONE_SHOT = `
const net = require('net');
const server = net.createServer((s) => { s.on('data', () => {}); s.on('end', () => s.end()); });
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.stdin.on('data', () => {
  const c = net.connect(server.address().port, '127.0.0.1', () => c.end(Buffer.alloc(${MiB})));
  c.on('data', () => {});
  c.on('close', () => console.log('done'));
});
`;

describe.skipIf(!linux)('per-process traffic', () => {
  it('counts a connection that opened, moved 1 MiB and closed between two readings', async () => {
    const connections = new LinuxConnectionsCollector({ tables: ['tcp', 'tcp6'] });
    disposers.push(() => connections.dispose());
    const processes = new LinuxProcessesCollector(connections);
    connections.setExtras(['traffic']);
    const probe = await node(ONE_SHOT);
    await until('the destroy-event reader', () => connections.destroyed.stats.running);
    // A reading that knows the listener and its process, before the connection exists.
    const before = await processes.read();
    const mine = (rows: ProcessTraffic[]) => rows.find((r) => r.pid === probe.child.pid);
    expect(mine(before.rows)?.bytesReceived ?? 0).toBe(0);
    probe.child.stdin!.write('go\n');
    await until('the transfer to finish', () => probe.lines.includes('done'));
    // The reading after: the connection is gone, its destroy event is what is left of it.
    const row = await until('the bytes in the process totals', async () => {
      const r = mine((await processes.read()).rows);
      return r && (r.bytesReceived ?? 0) >= MiB ? r : null;
    });
    expect(row.bytesReceived).toBeGreaterThanOrEqual(MiB);
    expect(row.bytesReceived).toBeLessThanOrEqual(MiB * 1.01);
    expect(row.closedConnections).toBeGreaterThanOrEqual(1);
    expect(connections.destroyed.stats.parseFailures).toBe(0);
  });

  const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
  it.skipIf(!setpriv || process.getuid?.() !== 0)(
    'gives another user’s process its bytes under (other users), without naming it',
    async () => {
      requireBuild();
      // The transfer runs as nobody and keeps its connection open; NetLens runs as yet another user.
      const HOLD = `
const net = require('net');
const server = net.createServer((s) => s.on('data', () => {}));
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1', () => c.write(Buffer.alloc(${MiB}), () => console.log(c.localPort)));
});
setInterval(() => {}, 1000);
`;
      const nobody = await node(HOLD, [setpriv!, '--reuid=65534', '--regid=65534', '--clear-groups']);
      const { stdout } = await promisify(execFile)(
        setpriv!,
        ['--reuid=64212', '--regid=64212', '--clear-groups', process.execPath, CLI, 'dump', 'processes', '--json'],
        { cwd: '/', maxBuffer: 64 * MiB },
      );
      const rows = JSON.parse(stdout) as ProcessTraffic[];
      const other = rows.find((r) => r.id === OTHER_USERS);
      expect(other?.bytesSent ?? 0).toBeGreaterThanOrEqual(MiB);
      expect(other?.note).toMatch(/may not inspect/);
      expect(rows.some((r) => r.pid === nobody.child.pid)).toBe(false);
    },
  );

  it('restarts a killed destroy-event reader and says so to every client', async () => {
    // The real collectors, with the Linux connections collector at hand (createCollectors wraps it for names).
    const raw = new LinuxConnectionsCollector();
    const collectors = { ...createCollectors(), connections: raw, processes: new LinuxProcessesCollector(raw) };
    const monitor = createInThreadMonitor({ collectors, log: () => {} });
    disposers.push(() => void monitor.close());
    const client = new TestClient(monitor);
    client.handle({ type: 'subscribe', dataset: 'processes' });
    client.handle({ type: 'visibility', hidden: false, visible: ['processes'] });
    const stream = raw.destroyed;
    const first = await until('the reader to run', () => (stream.stats.running ? stream.pid : null));
    process.kill(first!, 'SIGKILL');
    await until('a notice', () => client.of('notice').find((n) => n.code === 'traffic-events-restarted'));
    expect(client.of('notice').find((n) => n.code === 'traffic-events-restarted')?.text).toMatch(
      /ss -E.*SIGKILL.*restarting/,
    );
    const second = await until('the reader to run again', () =>
      stream.stats.running && stream.pid !== first ? stream.pid : null,
    );
    expect(second).not.toBe(first);
    // The next reading's diagnostics say so too.
    await until(
      'a diagnostics note',
      () =>
        client.of('diff').some((m) => m.diagnostics.notes.some((n) => n.includes('restarted 1 time'))) ||
        client.of('snapshot').some((m) => m.diagnostics.notes.some((n) => n.includes('restarted 1 time'))),
    );
  });
});
