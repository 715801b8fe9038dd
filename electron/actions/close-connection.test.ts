// Close connection on real loopback TCP pairs the test owns: the chosen connection is reset at both ends,
// the others stay up. Windows and macOS: the command and its answers, through an injected runner.
import { once } from 'node:events';
import { readFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { RequestParams } from '../../shared/protocol.js';
import { until } from '../../test/until.js';
import type { CommandOptions, CommandResult } from './command.js';
import { runCommand } from './command.js';
import {
  checkTuple,
  closeConnection,
  configHasInetDiagDestroy,
  hasNetAdmin,
  interpretWindowsClose,
  linuxCloseArgs,
  linuxInodeArgs,
  probeLinuxCloseSupport,
  probeSockDestroy,
  windowsCloseCommand,
  WINDOWS_CLOSE_SCRIPT,
  type Tuple,
} from './close-connection.js';
import { createActions } from './index.js';

const linux = process.platform === 'linux';
const canDestroy = linux && process.getuid?.() === 0 && existsSync('/usr/bin/ss');

interface End {
  socket: Socket;
  /** What this end saw when the connection went away: an errno code, or 'close' for a clean close. */
  fate: Promise<string>;
}

function watch(socket: Socket): End {
  socket.on('error', () => {});
  const fate = new Promise<string>((resolve) => {
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    socket.once('end', () => resolve('end'));
    socket.once('close', () => resolve('close'));
  });
  return { socket, fate };
}

interface Pair {
  client: End;
  server: End;
}

class Loopback {
  private server!: Server;
  private accepted: Socket[] = [];
  readonly pairs: Pair[] = [];
  port = 0;
  constructor(readonly host: string) {}

  async start(): Promise<void> {
    this.server = createServer((s) => {
      this.accepted.push(s);
      s.on('error', () => {}); // resets are what these tests cause; watch() records them
      s.on('data', (d) => s.write(d)); // echo: proves a surviving connection still works
    });
    this.server.listen(0, this.host);
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
  }

  async pair(): Promise<Pair> {
    const before = this.accepted.length;
    const socket = connect(this.port, this.host);
    const client = watch(socket);
    await once(socket, 'connect');
    await until('the server to accept', () => this.accepted.length > before, 10_000, 5);
    const serverSide = this.accepted.find((s) => s.remotePort === socket.localPort)!;
    const p = { client, server: watch(serverSide) };
    this.pairs.push(p);
    return p;
  }

  stop(): void {
    for (const p of this.pairs) {
      p.client.socket.destroy();
      p.server.socket.destroy();
    }
    this.server.close();
  }
}

async function echoes(socket: Socket): Promise<boolean> {
  const reply = once(socket, 'data');
  socket.write('ping');
  const [data] = (await reply) as [Buffer];
  return data.toString() === 'ping';
}

function tupleOf(socket: Socket, family: 'inet' | 'inet6'): RequestParams<'closeConnection'> {
  return {
    proto: 'tcp',
    family,
    localAddress: socket.localAddress!,
    localPort: socket.localPort!,
    remoteAddress: socket.remoteAddress!,
    remotePort: socket.remotePort!,
  };
}

/** What ss lists of this tuple's ports in any state (its state first), trimmed: '' once it left the kernel. */
function ssListed(params: RequestParams<'closeConnection'>): string {
  return spawnSync(
    'ss',
    ['-H', '-n', '-t', 'state', 'all', 'sport', '=', `:${params.localPort}`, 'dport', '=', `:${params.remotePort}`],
    { encoding: 'utf8' },
  ).stdout.trim();
}

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'netlens-close-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe.runIf(canDestroy)('Close connection on Linux, on real loopback connections', () => {
  const loops: Loopback[] = [];
  afterEach(() => {
    for (const l of loops.splice(0)) l.stop();
  });
  async function startLoop(host: string): Promise<Loopback> {
    const loop = new Loopback(host);
    loops.push(loop);
    await loop.start();
    return loop;
  }

  for (const [host, family] of [
    ['127.0.0.1', 'inet'],
    ['::1', 'inet6'],
  ] as const) {
    it(`resets exactly the chosen ${family} connection; the others stay up`, async () => {
      const loop = await startLoop(host);
      const target = await loop.pair();
      const others = [await loop.pair(), await loop.pair()];
      const actions = createActions({ dataDir });
      expect((await actions.capabilities()).closeConnection).toEqual({ available: true, reason: null });

      const r = await actions.closeConnection(tupleOf(target.client.socket, family));
      expect(r.outcome).toBe('closed');
      // The destroyed end sees ECONNABORTED, its peer the RST as ECONNRESET.
      expect(await target.client.fate).toBe('ECONNABORTED');
      expect(await target.server.fate).toBe('ECONNRESET');
      for (const o of others) expect(await echoes(o.client.socket)).toBe(true);
      const ss = spawnSync('ss', ['-H', '-n', '-t', 'state', 'established', 'sport', '=', `:${loop.port}`], {
        encoding: 'utf8',
      });
      expect(ss.stdout.trim().split('\n')).toHaveLength(others.length);

      const again = await actions.closeConnection(tupleOf(others[0]!.client.socket, family));
      expect(again.outcome).toBe('closed');
      expect(await others[0]!.server.fate).toBe('ECONNRESET');
      expect(await echoes(others[1]!.client.socket)).toBe(true);
    });
  }

  it('logs the owner a client names only when the OS confirms it holds the socket (issue 10)', async () => {
    const loop = await startLoop('127.0.0.1');
    const dir = mkdtempSync(join(tmpdir(), 'security-close-owner-'));
    try {
      const actions = createActions({ dataDir: dir });
      const me = readFileSync('/proc/self/comm', 'utf8').trim();
      const truthful = await loop.pair();
      await actions.closeConnection({
        ...tupleOf(truthful.client.socket, 'inet'),
        owner: { pid: process.pid, name: 'whatever the UI showed', startTime: null },
      });
      expect((await actions.actionLog(1))[0]).toMatchObject({ outcome: 'closed', pid: process.pid, name: me });
      // A client claiming that PID 1 ("sshd") held a connection this process holds: closed (whose it is never refuses
      // a close: a process that forked and exited leaves the same socket to its child), but not logged as sshd's.
      const forged = await loop.pair();
      await actions.closeConnection({
        ...tupleOf(forged.client.socket, 'inet'),
        owner: { pid: 1, name: 'sshd', startTime: null },
      });
      const [entry] = await actions.actionLog(1);
      expect(entry).toMatchObject({
        outcome: 'closed',
        pid: null,
        name: null,
        message: expect.stringMatching(/owner not verified: the client named PID 1\)$/),
      });
      expect(JSON.stringify(entry)).not.toContain('sshd');
      // The socket's inode as the UI saw it: a socket with these ends and another inode is another connection now
      // (the one confirmed ended and another took its ends), not closed; the same inode closes.
      const pair = await loop.pair();
      const tuple = tupleOf(pair.client.socket, 'inet');
      const ss = spawnSync('ss', linuxInodeArgs(checkTuple(tuple) as Tuple), { encoding: 'utf8' });
      const inode = Number(/\bino:(\d+)\b/.exec(ss.stdout)?.[1]);
      expect(inode).toBeGreaterThan(0);
      const refused = await actions.closeConnection({ ...tuple, inode: inode + 1 });
      expect(refused).toMatchObject({
        outcome: 'failed',
        message: expect.stringMatching(/not closed: it is another connection now/),
      });
      expect(await echoes(pair.client.socket)).toBe(true);
      expect((await actions.actionLog(1))[0]).toMatchObject({ outcome: 'failed', message: refused.message });
      expect((await actions.closeConnection({ ...tuple, inode })).outcome).toBe('closed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('closes an IPv4-mapped connection from the IPv6 side', async () => {
    const loop = await startLoop('::');
    const socket = connect(loop.port, '127.0.0.1');
    const client = watch(socket);
    await once(socket, 'connect');
    const actions = createActions({ dataDir });
    const r = await actions.closeConnection({
      proto: 'tcp',
      family: 'inet6',
      localAddress: `::ffff:127.0.0.1`,
      localPort: loop.port,
      remoteAddress: '::ffff:127.0.0.1',
      remotePort: socket.localPort!,
    });
    expect(r.outcome).toBe('closed');
    expect(await client.fate).toBe('ECONNRESET');
    socket.destroy();
  });

  it('answers "gone" for a connection that no longer exists, and logs both', async () => {
    const loop = await startLoop('127.0.0.1');
    const p = await loop.pair();
    const params = tupleOf(p.client.socket, 'inet');
    // The server closes first, so the lingering TIME-WAIT is on its side and the client's tuple is gone.
    p.server.socket.destroy();
    await p.client.fate;
    p.client.socket.destroy();
    // Let the client's LAST-ACK finish so the tuple has really left the kernel's tables. Both ports: its source port,
    // once free, may be taken at once by another test's socket beside it (a full run waited 10 s on such a one).
    await until('the tuple to leave the kernel', () => ssListed(params) === '', 10_000, 20);
    const dir = mkdtempSync(join(tmpdir(), 'netlens-close-log-'));
    try {
      const actions = createActions({ dataDir: dir });
      const r = await actions.closeConnection(params);
      expect(r.outcome).toBe('gone');
      const [entry] = await actions.actionLog(1);
      expect(entry).toMatchObject({
        action: 'close-connection',
        outcome: 'gone',
        pid: null,
        target: `127.0.0.1:${params.localPort} -> 127.0.0.1:${params.remotePort}`,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('explains that a connection in TIME-WAIT cannot be closed', async () => {
    const loop = await startLoop('127.0.0.1');
    const p = await loop.pair();
    const params = tupleOf(p.client.socket, 'inet');
    // The client closes first: its end of the tuple lingers in TIME-WAIT once the server's FIN arrived.
    p.client.socket.end();
    await p.server.fate;
    await until('the client end in TIME-WAIT', () => ssListed(params).startsWith('TIME-WAIT'), 10_000, 20);
    const r = await createActions({ dataDir }).closeConnection(params);
    expect(r.outcome).toBe('failed');
    expect(r.message).toMatch(/is in state TIME_WAIT: only a connection open at an end \(established, closing\)/);
  });

  it('resets a connection stuck in CLOSE-WAIT, whose process never closed its end, and its peer in FIN-WAIT-2', async () => {
    // The peer closed (FIN): the client, half open, stays in CLOSE-WAIT for as long as its process keeps the socket.
    const server = createServer((s) => {
      s.on('error', () => {}); // the reset this test causes
      s.end();
    });
    onTestFinished(() => {
      server.close();
      client.destroy();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    const client = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    client.on('error', () => {});
    client.resume();
    await once(client, 'end');
    const params = tupleOf(client, 'inet');
    const ends = () =>
      spawnSync(
        'ss',
        [
          '-H',
          '-n',
          '-t',
          'state',
          'all',
          '(',
          'sport',
          '=',
          `:${params.localPort}`,
          'or',
          'dport',
          '=',
          `:${params.localPort}`,
          ')',
        ],
        {
          encoding: 'utf8',
        },
      )
        .stdout.trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(/\s+/)[0])
        .sort();
    await until('CLOSE-WAIT and FIN-WAIT-2', () => ends().join() === 'CLOSE-WAIT,FIN-WAIT-2', 10_000, 20);
    const r = await createActions({ dataDir }).closeConnection(params);
    // On main: "is in state CLOSE_WAIT: only established connections can be closed".
    expect(r).toMatchObject({ outcome: 'closed' });
    // (Its process reads nothing more from it, so it is told nothing: the kernel's tables say it is gone, the peer's
    // end reset with it.)
    await until('both ends gone', () => ends().length === 0, 10_000, 20);
  });

  it('the self-owned probe detects SOCK_DESTROY support empirically, agreeing with the kernel config', async () => {
    const probed = await probeSockDestroy(runCommand, '/usr/bin/ss');
    expect(probed).toBe(true);
    const support = await probeLinuxCloseSupport(runCommand);
    expect(support).toMatchObject({ netAdmin: true, destroy: true });
  });
});

describe('Close connection: checks and per-OS commands', () => {
  const base = {
    proto: 'tcp',
    family: 'inet',
    localAddress: '127.0.0.1',
    localPort: 5000,
    remoteAddress: '127.0.0.2',
    remotePort: 6000,
  } as const;

  it('re-checks the four-tuple before using it', () => {
    expect(typeof checkTuple(base)).toBe('object');
    const bad: Partial<RequestParams<'closeConnection'>>[] = [
      { localAddress: 'localhost' },
      { remoteAddress: '127.0.0.1; reboot' },
      { remoteAddress: '::1' }, // family mismatch
      { localPort: 70000 },
      { remotePort: 1.5 },
      { remotePort: 0 },
      { remoteAddress: '0.0.0.0' },
      { proto: 'udp' as 'tcp' },
    ];
    for (const b of bad) expect(typeof checkTuple({ ...base, ...b })).toBe('string');
  });

  // Every state of a connection open at an end (CLOSABLE_TCP_STATES) in ss's words: on main `state established` alone.
  const CLOSABLE_ARGS = [
    'established',
    'syn-sent',
    'syn-recv',
    'fin-wait-1',
    'fin-wait-2',
    'close-wait',
    'last-ack',
    'closing',
  ].flatMap((st) => ['state', st]);

  it('Linux: ss -K with each part of the four-tuple as its own argument', () => {
    expect(linuxCloseArgs(checkTuple(base) as Tuple)).toEqual([
      '-K',
      '-H',
      '-n',
      '-t',
      '-4',
      ...CLOSABLE_ARGS,
      'src',
      '127.0.0.1',
      'sport',
      '=',
      ':5000',
      'dst',
      '127.0.0.2',
      'dport',
      '=',
      ':6000',
    ]);
    const v6 = checkTuple({ ...base, family: 'inet6', localAddress: 'fe80::1%eth0', remoteAddress: '::1' }) as Tuple;
    expect(linuxCloseArgs(v6).slice(4)).toEqual([
      '-6',
      ...CLOSABLE_ARGS,
      'src',
      '[fe80::1]',
      'sport',
      '=',
      ':5000',
      'dst',
      '[::1]',
      'dport',
      '=',
      ':6000',
    ]);
  });

  it('reads CAP_NET_ADMIN from CapEff and INET_DIAG_DESTROY from a kernel config', () => {
    if (linux) expect(hasNetAdmin(readFileSync('/proc/self/status', 'utf8'))).toBe(process.getuid?.() === 0);
    expect(hasNetAdmin('CapEff:\t0000000000000000\n')).toBe(false);
    expect(hasNetAdmin('CapEff:\t0000000000001000\n')).toBe(true);
    expect(hasNetAdmin('Name: x\n')).toBeNull();
    if (existsSync('/proc/config.gz')) {
      const config = gunzipSync(readFileSync('/proc/config.gz')).toString('utf8');
      expect(configHasInetDiagDestroy(config)).toBe(/^CONFIG_INET_DIAG_DESTROY=y$/m.test(config));
    }
    expect(configHasInetDiagDestroy('CONFIG_INET_DIAG=m\n# CONFIG_INET_DIAG_DESTROY is not set\n')).toBe(false);
    expect(configHasInetDiagDestroy('')).toBeNull();
  });

  function recorder(answer: CommandResult) {
    const calls: { file: string; args: readonly string[]; env?: Record<string, string> }[] = [];
    const run = async (file: string, args: readonly string[], options?: CommandOptions) => {
      calls.push({ file, args, ...(options?.env ? { env: options.env } : {}) });
      return answer;
    };
    return { calls, run };
  }
  const noLinux = async () => ({ ssPath: null, netAdmin: false, destroy: null });

  it('Windows: SetTcpEntry from a constant, encoded script; the tuple travels in the environment', async () => {
    const { calls, run } = recorder({ code: 0, stdout: '0\r\n', stderr: '', error: null });
    const r = await closeConnection({ platform: 'win32', run, linuxSupport: noLinux }, base);
    expect(r.result.outcome).toBe('closed');
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.file).toBe('powershell.exe');
    expect(call.args.slice(0, 5)).toEqual([
      '-NoProfile',
      '-NonInteractive',
      '-ExecutionPolicy',
      'Bypass',
      '-EncodedCommand',
    ]);
    expect(Buffer.from(call.args[5]!, 'base64').toString('utf16le')).toBe(WINDOWS_CLOSE_SCRIPT);
    expect(call.env).toEqual({
      NETLENS_LADDR: '127.0.0.1',
      NETLENS_LPORT: '5000',
      NETLENS_RADDR: '127.0.0.2',
      NETLENS_RPORT: '6000',
    });
    expect(windowsCloseCommand(checkTuple(base) as Tuple).env).toEqual(call.env);
    expect(WINDOWS_CLOSE_SCRIPT).toContain('SetTcpEntry');
    expect(WINDOWS_CLOSE_SCRIPT).toContain('$row.dwState = 12');
  });

  it('Windows: SetTcpEntry answers mapped; IPv6 is unsupported without running anything', async () => {
    const t = checkTuple(base) as Tuple;
    expect(interpretWindowsClose(t, '5').outcome).toBe('denied');
    expect(interpretWindowsClose(t, '317').outcome).toBe('denied');
    expect(interpretWindowsClose(t, '1168').outcome).toBe('gone');
    expect(interpretWindowsClose(t, '87')).toEqual({ outcome: 'failed', message: 'SetTcpEntry failed with error 87' });
    const { calls, run } = recorder({ code: 0, stdout: '0', stderr: '', error: null });
    const v6 = await closeConnection(
      { platform: 'win32', run, linuxSupport: noLinux },
      { ...base, family: 'inet6', localAddress: '::1', remoteAddress: '::1' },
    );
    expect(v6.result.outcome).toBe('unsupported');
    expect(calls).toEqual([]);
  });

  it('macOS: unsupported, with the reason, and nothing runs', async () => {
    const { calls, run } = recorder({ code: 0, stdout: '', stderr: '', error: null });
    const r = await closeConnection({ platform: 'darwin', run, linuxSupport: noLinux }, base);
    expect(r.result).toEqual({
      outcome: 'unsupported',
      message: 'macOS has no public interface to close a single TCP connection',
    });
    expect(calls).toEqual([]);
  });
});
