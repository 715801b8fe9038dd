// The agent as its parent meets it: the built `netlens agent` run as root here (the elevation itself is
// test/e2e/agent.test.ts's business), spoken to through the real AgentClient. It attributes another user's
// socket, refuses what it must, listens on nothing, and goes away with its input or its NetLens.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import {
  chmodSync,
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { requireBuild, CLI, until } from '../../test/e2e/support.js';
import { dropPrivilegesPrefix } from '../actions/test-support/as-user.js';
import { readProcessIdentity } from '../actions/process-identity.js';
import { AgentClient } from './client.js';
import { MAX_REJECTED_LINES } from './agent.js';

const linuxRoot = process.platform === 'linux' && process.getuid?.() === 0;
const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});

function agentCommand(parent = process.pid): string[] {
  return [process.execPath, CLI, 'agent', '--parent', String(parent)];
}

function startClient(command = agentCommand()): AgentClient {
  requireBuild();
  const client = new AgentClient({ command, log: () => {} });
  cleanup.push(() => client.stop());
  return client;
}

function track(child: ChildProcess): ChildProcess {
  cleanup.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return child;
}

/** A TCP listener in a process of another user (nobody), and its socket inode. */
async function listenerOfNobody(): Promise<{ child: ChildProcess; port: number; inode: number }> {
  const prefix = dropPrivilegesPrefix()!;
  const code = "const s=require('net').createServer().listen(0,'127.0.0.1',()=>console.log(s.address().port))";
  const child = track(
    spawn(prefix[0]!, [...prefix.slice(1), process.execPath, '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] }),
  );
  const [data] = (await once(child.stdout!, 'data')) as [Buffer];
  const port = Number(data.toString().trim());
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const line = readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .find((l) => l.includes(`0100007F:${hexPort} 00000000:0000 0A`));
  const inode = Number(line!.trim().split(/\s+/)[9]);
  return { child, port, inode };
}

/** What the agent process holds open, as link targets of /proc/<pid>/fd. */
function openFiles(pid: number): string[] {
  return readdirSync(`/proc/${pid}/fd`).map((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      return '(closed)';
    }
  });
}

describe.runIf(linuxRoot)('netlens agent', () => {
  it("says hello as root and attributes the socket of another user's process", async () => {
    const client = startClient();
    const hello = await client.ready;
    expect(hello.uid).toBe(0);
    const { child, inode } = await listenerOfNobody();
    const answer = await client.owners([inode, 999_999_999]);
    expect(answer.owners).toEqual([[inode, [0]]]);
    expect(answer.processes[0]).toMatchObject({ name: 'node', user: 'nobody' });
    // setpriv execs node, so the listener is the spawned process itself.
    expect(answer.processes[0]!.pid).toBe(child.pid);
    expect(answer.processes[0]!.startTime).toBe((await readProcessIdentity(child.pid!))!.startTime);
  });

  it('answers for 350 processes of another user named with 4,096 control characters each, and one named past a file name', async () => {
    // One line for all of them ran past the protocol's 8 MiB (each character a 6-byte escape), and a name of 615
    // characters failed the parent's schema: either way every hidden owner stayed hidden (an attack review of 12-06).
    const client = startClient();
    await client.ready;
    const dir = mkdtempSync(join(tmpdir(), 'netlens-agent-names-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    chmodSync(dir, 0o755);
    // comm keeps 15 bytes of the executable's name: the name in full is then looked for in argv[0] (past a file
    // name's length: not taken) and in the executable's path.
    const sleeper = join(dir, 'sleepsleepsleeps');
    copyFileSync(execFileSync('sh', ['-c', 'command -v sleep'], { encoding: 'utf8' }).trim(), sleeper);
    chmodSync(sleeper, 0o755);
    const n = 350;
    const code = `const net = require('net'), { spawn } = require('child_process'); const pids = []; let done = 0;
      for (let i = 0; i <= ${n}; i++) { const s = net.createServer().listen(0, '127.0.0.1', () => {
        const long = i === ${n};
        const c = spawn(long ? ${JSON.stringify(sleeper)} : 'sleep', ['600'], { argv0: long ? 'sleepsleepsleep' + 'b'.repeat(600) : '\\x01'.repeat(4096), stdio: ['ignore', 'ignore', 'ignore', s._handle.fd] });
        pids[i] = c.pid; if (++done === ${n + 1}) console.log(JSON.stringify(pids)); }); }`;
    const prefix = dropPrivilegesPrefix()!;
    const group = spawn(prefix[0]!, [...prefix.slice(1), process.execPath, '-e', code], {
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    cleanup.push(() => {
      try {
        process.kill(-group.pid!, 'SIGKILL');
      } catch {}
    });
    let out = '';
    group.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    await until('the sleepers started', () => out.includes('\n'), 60_000);
    const pids = JSON.parse(out) as number[];
    const inodes = pids.map((pid) => Number(/^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/3`))![1]));
    const answer = await client.owners(inodes);
    expect(client.stats.rejected).toBe(0);
    expect(answer.owners).toHaveLength(n + 1);
    const byPid = new Map(answer.processes.map((p) => [p.pid, p]));
    for (const pid of pids.slice(0, n)) expect(byPid.get(pid)).toMatchObject({ name: 'sleep', user: 'nobody' });
    expect(byPid.get(pids[0]!)!.cmdline).toMatch(/^\x01{4000}/);
    expect(byPid.get(pids[n]!)).toMatchObject({ name: 'sleepsleepsleeps', exe: sleeper });
  }, 120_000);

  it('opens no socket and listens on nothing, after serving every kind of request', async () => {
    const client = startClient();
    const { pid } = await client.ready;
    const { inode } = await listenerOfNobody();
    await client.owners([inode]);
    await client.capabilities();
    const refused = await client.kill({ pid: 1, startTime: 0, signal: 'TERM', elevate: false });
    expect(refused.outcome).toBe('refused');
    await client.closeConnection({
      proto: 'tcp',
      family: 'inet',
      localAddress: '127.0.0.1',
      localPort: 1,
      remoteAddress: '127.0.0.1',
      remotePort: 2,
    });
    // Its only sockets are unnamed socketpairs: the stdin and stdout NetLens gave it (Node makes a child's
    // stdio pipes that way) and those it gives ss in turn. Unix sockets without a name cannot be connected to;
    // no inet socket, nothing listening.
    const sockets = openFiles(pid).flatMap((f) =>
      /^socket:\[(\d+)\]$/.exec(f)?.[1] ? [Number(/^socket:\[(\d+)\]$/.exec(f)![1])] : [],
    );
    const unix = new Map(
      readFileSync(`/proc/${pid}/net/unix`, 'utf8')
        .split('\n')
        .slice(1)
        .filter(Boolean)
        .map((l) => {
          const t = l.trim().split(/\s+/);
          return [Number(t[6]), { listening: (parseInt(t[3]!, 16) & 0x10000) !== 0, path: t[7] ?? '' }] as const;
        }),
    );
    for (const inode of sockets) expect(unix.get(inode), `socket ${inode}`).toEqual({ listening: false, path: '' });
    expect(sockets.length).toBeGreaterThan(0);
    expect(readlinkSync(`/proc/${pid}/fd/0`)).toBe(`socket:[${sockets[0]}]`);
    const listening = execFileSync('ss', ['-lnpH', '-A', 'all'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    expect(listening.split('\n').filter((l) => l.includes(`pid=${pid},`))).toEqual([]);
  });

  it('refuses to kill NetLens itself (its parent) and pid 1, and kills a child of another user with the same guard', async () => {
    const client = startClient();
    await client.ready;
    const me = await readProcessIdentity(process.pid);
    expect(
      (await client.kill({ pid: process.pid, startTime: me!.startTime, signal: 'KILL', elevate: false })).message,
    ).toMatch(/part of NetLens/);
    const { child } = await listenerOfNobody();
    const start = (await readProcessIdentity(child.pid!))!.startTime;
    expect(
      (await client.kill({ pid: child.pid!, startTime: start! - 5000, signal: 'KILL', elevate: false })).outcome,
    ).toBe('refused');
    const killed = await client.kill({ pid: child.pid!, startTime: start, signal: 'KILL', elevate: false });
    expect(killed.outcome).toBe('killed');
  });

  it('refuses to signal any process between it and NetLens (sudo, and the second sudo of its use_pty)', async () => {
    // NetLens -> sh -> sh -> agent: the outer sh stands for sudo, the inner for its monitor.
    const inner = `${process.execPath} ${CLI} agent --parent ${process.pid}; true`;
    const client = startClient(['sh', '-c', `sh -c '${inner}'; true`]);
    const { pid } = await client.ready;
    const outer = client.pid!;
    const middle = Number(readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]!.split(' ')[1]);
    expect(middle).not.toBe(outer);
    for (const target of [outer, middle]) {
      const id = (await readProcessIdentity(target))!;
      const r = await client.kill({ pid: target, startTime: id.startTime, signal: 'KILL', elevate: false });
      expect(r).toEqual({ outcome: 'refused', message: `PID ${target} is part of NetLens itself` });
    }
  });

  it('exits when its stdin closes', async () => {
    const client = startClient();
    const { pid } = await client.ready;
    let reason = '';
    const exited = new Promise<void>((r) => {
      (client as unknown as { options: { onExit?: (s: string) => void } }).options.onExit = (s) => {
        reason = s;
        r();
      };
    });
    client.stop();
    await exited;
    expect(reason).toBe('the NetLens agent exited (code 0): [netlens agent] exiting: stdin closed');
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('answers the requests it has read before its stdin closes, then exits', async () => {
    requireBuild();
    const child = track(
      spawn(process.execPath, [CLI, 'agent', '--parent', String(process.pid)], { stdio: ['pipe', 'pipe', 'ignore'] }),
    );
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    // owners walks /proc (asynchronous): its answer is still to come when stdin ends right behind it.
    child.stdin!.end(
      '{"v":2,"id":1,"method":"owners","params":{"inodes":[1]}}\n{"v":2,"id":2,"method":"capabilities","params":{}}\n',
    );
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(0);
    const answered = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; id?: number; ok?: boolean });
    expect(
      answered
        .filter((l) => l.type === 'result')
        .map((l) => [l.id, l.ok])
        .sort(),
    ).toEqual([
      [1, true],
      [2, true],
    ]);
  });

  it('exits when the NetLens process named by --parent goes, even while its stdin stays open (sudo in between)', async () => {
    const netlens = track(spawn('sleep', ['600'], { stdio: 'ignore' }));
    const client = startClient(agentCommand(netlens.pid!));
    const { pid } = await client.ready;
    netlens.kill('SIGKILL');
    await until('the agent to exit', () => !existsPid(pid), 10_000);
  });

  it('exits when re-parented (its parent died without closing its stdin)', async () => {
    requireBuild();
    // sh starts the agent in the background with our pipe as its stdin, then waits; killing sh re-parents it.
    const sh = track(
      spawn('sh', ['-c', `"$0" "$1" agent --parent "$2" & echo $!; wait`, process.execPath, CLI, String(process.pid)], {
        stdio: ['pipe', 'pipe', 'inherit'],
      }),
    );
    const [data] = (await once(sh.stdout!, 'data')) as [Buffer];
    const pid = Number(data.toString().split('\n')[0]);
    await until(
      'the agent to say hello',
      () => statSync(`/proc/${pid}`) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('agent'),
      10_000,
    );
    sh.kill('SIGKILL');
    await until('the re-parented agent to exit', () => !existsPid(pid), 10_000);
  });

  it(`answers each invalid line with a refusal and stops after ${MAX_REJECTED_LINES}`, async () => {
    requireBuild();
    const child = track(
      spawn(process.execPath, [CLI, 'agent', '--parent', String(process.pid)], { stdio: ['pipe', 'pipe', 'ignore'] }),
    );
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stdin!.write('{"v":2,"id":1,"method":"exec","params":{"argv":["id"]}}\n');
    child.stdin!.write(`${'x'.repeat(9 * 1024 * 1024)}\n`);
    for (let i = 0; i < MAX_REJECTED_LINES; i++) child.stdin!.write('garbage\n');
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(2);
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; error?: string });
    expect(lines[0]!.type).toBe('hello');
    expect(lines.slice(1).every((l) => l.type === 'rejected')).toBe(true);
    expect(lines.length - 1).toBe(MAX_REJECTED_LINES);
    expect(lines[1]!.error).toMatch(/method/);
    expect(lines[2]!.error).toBe('line too long');
  });
});

function existsPid(pid: number): boolean {
  try {
    // A zombie (exited, not yet reaped by its parent) counts as gone.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
