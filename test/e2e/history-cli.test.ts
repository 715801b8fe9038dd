// The connection record end to end: the browser host records (whatever is shown: no browser here at all),
// survives a restart, and `netlens history` finds what happened; a read-only data folder pauses recording
// and nothing else.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedConnection } from '../../shared/record.js';
import { CLI, startHost, until, type RunningHost } from './support.js';
import { stopProcess } from '../stop-process.js';

const dirs: string[] = [];
const SENT = 256 * 1024;
const hosts: RunningHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function history(dataDir: string, args: string[]): { code: number; out: string; err: string } {
  try {
    // The record holds every socket of this machine (other tests' too): more than execFileSync's default 1 MiB.
    const out = execFileSync(process.execPath, [CLI, 'history', ...args], {
      env: { ...process.env, NETLENS_DATA_DIR: dataDir },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 256 * 1024 * 1024,
    });
    return { code: 0, out, err: '' };
  } catch (err) {
    const e = err as { status: number; stdout: string; stderr: string };
    return { code: e.status, out: e.stdout, err: e.stderr };
  }
}

/** A process that listens on loopback, connects to itself, sends itself SENT bytes and holds both ends until
 *  `close()`. */
async function probe(): Promise<{ pid: number; port: number; close: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `
    const net = require('node:net');
    let got = 0;
    const server = net.createServer((s) => { s.on('error', () => {}); s.on('data', (b) => { got += b.length; if (got === ${SENT}) console.log(port); }); });
    let port = 0;
    server.listen(0, '127.0.0.1', () => {
      port = server.address().port;
      const c = net.connect(port, '127.0.0.1', () => c.write(Buffer.alloc(${SENT})));
      process.stdin.on('end', () => { c.destroy(); server.close(); process.exit(0); });
      process.stdin.resume();
    });`,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const port = Number(await until('the probe to connect', () => /^\d+\n/.test(out) && out.trim()));
  const exited = new Promise((r) => child.once('exit', r));
  return {
    pid: child.pid!,
    port,
    async close() {
      child.stdin!.end();
      await exited;
    },
  };
}

/** A browser host recording to a data folder of its own, once its first read (its baseline) is in the record, and
 *  the rows `netlens history --json` lists of the last 10 minutes. */
async function recordingHost(): Promise<{ dataDir: string; host: RunningHost; rows: () => RecordedConnection[] }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'history-e2e-'));
  dirs.push(dataDir);
  const host = await startHost([], { NETLENS_DATA_DIR: dataDir });
  hosts.push(host);
  const rows = () =>
    JSON.parse(history(dataDir, ['--since', '10m', '--json']).out || '{"rows":[]}').rows as RecordedConnection[];
  await until('the baseline in the record', () => rows().length > 0, 30_000, 500);
  return { dataDir, host, rows };
}

describe('netlens history', () => {
  it('keeps the other processes of a listener a process shares with the child it forked', async () => {
    const { dataDir, host, rows } = await recordingHost();
    // A listener, then a fork that inherits it (as a server's workers do): two owners of one socket, until stdin ends.
    const child = spawn(
      'python3',
      [
        '-c',
        `import os, socket, sys
s = socket.socket()
s.bind(('127.0.0.1', 0))
s.listen()
pid = os.fork()
if pid == 0:
    sys.stdin.read()
    os._exit(0)
print(s.getsockname()[1], pid, flush=True)
sys.stdin.read()
os.waitpid(pid, 0)`,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise((r) => child.once('exit', r));
    const [port, forked] = String(await until('the listener and its fork', () => /^\d+ \d+\n/.test(out) && out))
      .trim()
      .split(' ')
      .map(Number);
    const listener = (closed: boolean) =>
      rows().find((r) => r.listener && r.localPort === port && (r.closedAt !== null) === closed);
    await until('the listener in the record', () => listener(false), 30_000, 500);
    child.stdin!.end();
    await exited;
    // Written at its close whatever the host saw first (the fork may come after the socket's first sighting).
    const closed = await until('its close in the record', () => listener(true), 30_000, 500);
    await host.stop();
    // On main the record kept the parent alone.
    expect(closed).toMatchObject({ pid: child.pid, process: 'python3', others: [{ pid: forked, name: 'python3' }] });
    const table = history(dataDir, ['--since', '10m']);
    expect(table.out).toMatch(new RegExp(`listen +tcp +127\\.0\\.0\\.1:${port} +${child.pid}/python3 \\+1`));
    const csv = history(dataDir, ['--since', '10m', '--format', 'csv']).out.split('\r\n');
    expect(csv.find((l) => l.startsWith(`tcp,inet,127.0.0.1,${port},`))?.endsWith(`,${forked}/python3`)).toBe(true);
  });

  it('finds a probe that listened, connected and exited, after the host restarts', async () => {
    // The record's first read (its baseline: the host's own listener among it) written before the probe starts: a
    // socket open as the record began is no change since.
    const { dataDir, host: first, rows } = await recordingHost();
    const p = await probe();
    const inRecord = (closed: boolean) =>
      rows().some((r) => r.listener && r.localPort === p.port && r.pid === p.pid && (r.closedAt !== null) === closed);
    // Written within a batch (5 s) of being seen; the probe ends once the host has seen it, and its close is
    // written within the next batch.
    await until('the probe in the record', () => inRecord(false), 30_000, 500);
    await p.close();
    await until('its close in the record', () => inRecord(true), 30_000, 500);
    await first.stop();
    const second = await startHost([], { NETLENS_DATA_DIR: dataDir });
    hosts.push(second);
    await second.stop();

    const recorded = rows();
    const listener = recorded.find((r) => r.listener && r.localPort === p.port)!;
    expect(listener).toMatchObject({
      proto: 'tcp',
      localAddress: '127.0.0.1',
      pid: p.pid,
      process: 'node',
      states: ['LISTEN'],
    });
    expect(listener.closedAt).not.toBeNull();
    const outgoing = recorded.find((r) => r.remotePort === p.port && r.remoteAddress === '127.0.0.1')!;
    expect(outgoing).toMatchObject({ pid: p.pid, listener: false });
    expect(outgoing.states[0]).toBe('ESTABLISHED');
    // Byte totals, with no client showing traffic (no browser at all): the recorder asks for them itself.
    const accepted = recorded.find((r) => r.localPort === p.port && !r.listener)!;
    const near = (n: number | null) => n !== null && Math.abs(n - SENT) <= SENT / 100;
    expect([outgoing.bytesSent, accepted.bytesReceived].map(near)).toEqual([true, true]);

    const table = history(dataDir, ['--since', '10m']);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(
      new RegExp(`\\d\\d:\\d\\d:\\d\\d  listen +tcp +127\\.0\\.0\\.1:${p.port} +${p.pid}/node`),
    );
    expect(table.out).toMatch(
      new RegExp(`\\d\\d:\\d\\d:\\d\\d  closed +tcp +127\\.0\\.0\\.1:${p.port} +${p.pid}/node`),
    );
    const csv = history(dataDir, ['--since', '10m', '--format', 'csv']).out.split('\r\n');
    expect(csv[0]).toBe(
      'proto,family,localAddress,localPort,remoteAddress,remotePort,states,listener,pid,process,user,exe,path,firstSeen,lastSeen,closedAt,bytesSent,bytesReceived,others',
    );
    expect(csv.some((l) => l.startsWith(`tcp,inet,127.0.0.1,${p.port},0.0.0.0,0,LISTEN,true,${p.pid},node,`))).toBe(
      true,
    );
    // Before the probe listened, and after it went, its listener is a change.
    const moment = (t: number) => new Date(t).toISOString();
    const changes = JSON.parse(
      history(dataDir, [
        '--changes',
        '--since',
        moment(listener.firstSeen - 1000),
        '--until',
        moment(listener.firstSeen + 500),
        '--json',
      ]).out,
    );
    expect(changes.newListeners.some((l: RecordedConnection) => l.localPort === p.port)).toBe(true);
  }, 90_000);

  it('refuses bad moments and says where a missing record would be', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'history-e2e-'));
    dirs.push(dataDir);
    expect(history(dataDir, ['--since', 'yesterday-ish'])).toMatchObject({ code: 2 });
    expect(history(dataDir, ['--format', 'xml'])).toMatchObject({ code: 2 });
    const missing = history(dataDir, []);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain(`no record at ${join(dataDir, 'history.sqlite')}`);
  });

  // Root only: setpriv runs the host as another user.
  it.skipIf(process.getuid?.() !== 0)(
    'with a read-only data folder, pauses recording with a notice and serves as usual',
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'history-ro-'));
      dirs.push(dataDir);
      chmodSync(dataDir, 0o555);
      const child = spawn(
        'setpriv',
        ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, 'web', '--port', '0'],
        {
          env: { ...process.env, NETLENS_DATA_DIR: dataDir, HOME: dataDir },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      try {
        const url = await until('the host serving', () => /serving at (http:\/\/\S+)/.exec(out)?.[1]);
        await until('the recorder to say why it paused', () => /recorder: cannot open .*permission denied/.test(out));
        const page = await fetch(url);
        expect(page.status).toBe(200);
        expect(child.exitCode).toBeNull();
      } finally {
        await stopProcess(child);
      }
    },
    60_000,
  );
});
