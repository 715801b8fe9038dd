// Kill on real child processes: Terminate, Force kill, the start-time guard and the refusals.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RequestParams } from '../../shared/protocol.js';
import type { CommandOptions, CommandResult } from './command.js';
import { WINDOWS_ELEVATED_KILL_SCRIPT, elevatedKillCommand } from './elevate.js';
import { createActions, ownProcessIds } from './index.js';
import { until } from '../../test/until.js';
import { killProcess, windowsKillArgs, type KillDeps } from './kill.js';
import { readProcessIdentity } from './process-identity.js';

const linux = process.platform === 'linux';
const children: ChildProcess[] = [];
let dataDir: string;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'netlens-kill-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** A node child that prints "ready" once its signal handlers are in place. */
async function startChild(ignoreTerm: boolean): Promise<ChildProcess> {
  const code = `${ignoreTerm ? "process.on('SIGTERM', () => {});" : ''} setInterval(() => {}, 1000); console.log('ready');`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', () => reject(new Error('child exited early')));
  });
  return child;
}

async function startTimeOf(pid: number): Promise<number> {
  const id = await readProcessIdentity(pid);
  if (!id?.startTime) throw new Error(`no start time for ${pid}`);
  return id.startTime;
}

function isAlive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

const exited = (child: ChildProcess) =>
  new Promise<void>((r) => (isAlive(child) ? child.once('exit', () => r()) : r()));

function params(p: Partial<RequestParams<'kill'>> & { pid: number }): RequestParams<'kill'> {
  return { startTime: null, signal: 'TERM', elevate: false, ...p };
}

describe.runIf(linux)('kill, on real processes', () => {
  it("refuses NetLens's own helpers (its ss -tinHeE, an ssh), and its page is told them; not another child", async () => {
    // This process stands for the host: its children running ss or ssh are its helpers.
    const ss = spawn('ss', ['-tinHeE'], { stdio: ['ignore', 'ignore', 'ignore'] });
    children.push(ss);
    const other = await startChild(false);
    await until('the ss child to run ss', () => {
      try {
        return readFileSync(`/proc/${ss.pid}/comm`, 'utf8').trim() === 'ss';
      } catch {
        return false;
      }
    });
    // On main only this process, its parent and its launcher: ss showed as any process, with Kill offered.
    expect(ownProcessIds()).toContain(ss.pid);
    expect(ownProcessIds()).not.toContain(other.pid);
    const actions = createActions({ dataDir });
    const r = await actions.kill(params({ pid: ss.pid!, startTime: await startTimeOf(ss.pid!) }));
    expect(r).toMatchObject({ outcome: 'refused', message: `PID ${ss.pid} is part of NetLens itself` });
    expect(isAlive(ss)).toBe(true);
  });

  it('Terminate ends a cooperative child', async () => {
    const actions = createActions({ dataDir });
    const child = await startChild(false);
    const r = await actions.kill(params({ pid: child.pid!, startTime: await startTimeOf(child.pid!) }));
    expect(r.outcome).toBe('killed');
    expect(r.message).toMatch(new RegExp(`^Terminated \\S+ \\(PID ${child.pid}\\)$`));
    await exited(child);
    expect(child.signalCode).toBe('SIGTERM');
  });

  it('a child that ignores SIGTERM survives Terminate and dies on Force kill', async () => {
    const actions = createActions({ dataDir, graceMs: 600 });
    const child = await startChild(true);
    const startTime = await startTimeOf(child.pid!);
    const term = await actions.kill(params({ pid: child.pid!, startTime }));
    expect(term.outcome).toBe('alive');
    expect(term.message).toMatch(/still running after SIGTERM: Force kill\?/);
    expect(isAlive(child)).toBe(true);
    const force = await actions.kill(params({ pid: child.pid!, startTime, signal: 'KILL' }));
    expect(force.outcome).toBe('killed');
    await exited(child);
    expect(child.signalCode).toBe('SIGKILL');
  });

  it('reads the start again right before the signal: a pid that changed hands while the identity was read lives on', async () => {
    const child = await startChild(false);
    const identity = (await readProcessIdentity(child.pid!))!;
    // As if the process had exited while its status and the users file were read, and its pid gone to another.
    const deps: KillDeps = {
      ...fakeDeps('linux', async () => ({ code: 0, stdout: '', stderr: '', error: null })),
      identity: async () => identity,
      startTicksNow: () => identity.startTicks! + 1,
    };
    const r = await killProcess(deps, params({ pid: child.pid!, startTime: identity.startTime, signal: 'KILL' }));
    expect(r.result).toEqual({
      outcome: 'refused',
      message: `the process has exited; PID ${child.pid} now belongs to another process`,
    });
    expect(isAlive(child)).toBe(true);
    const gone = await killProcess(
      { ...deps, startTicksNow: () => null },
      params({ pid: child.pid!, startTime: identity.startTime, signal: 'KILL' }),
    );
    expect(gone.result.outcome).toBe('gone');
    expect(isAlive(child)).toBe(true);
    // Read for real, the start is the same: killed.
    const real = await killProcess(
      { ...deps, startTicksNow: undefined, identity: (pid) => readProcessIdentity(pid), graceMs: 5000 },
      params({ pid: child.pid!, startTime: identity.startTime, signal: 'KILL' }),
    );
    expect(real.result.outcome).toBe('killed');
  });

  it('refuses when the start time differs (a reused pid) and the process lives on', async () => {
    const actions = createActions({ dataDir });
    const child = await startChild(false);
    const startTime = await startTimeOf(child.pid!);
    const r = await actions.kill(params({ pid: child.pid!, startTime: startTime - 10_000, signal: 'KILL' }));
    expect(r.outcome).toBe('refused');
    expect(r.message).toBe(`the process has exited; PID ${child.pid} now belongs to node`);
    expect(isAlive(child)).toBe(true);
    expect((await readProcessIdentity(child.pid!))?.startTime).toBe(startTime);
  });

  it('refuses when the UI did not know the start time', async () => {
    const actions = createActions({ dataDir });
    const child = await startChild(false);
    const r = await actions.kill(params({ pid: child.pid!, startTime: null, signal: 'KILL' }));
    expect(r.outcome).toBe('refused');
    expect(r.message).toMatch(/cannot make sure/);
    expect(isAlive(child)).toBe(true);
  });

  it('says "the process has exited" for a pid that is gone', async () => {
    const actions = createActions({ dataDir });
    const child = await startChild(false);
    const startTime = await startTimeOf(child.pid!);
    child.kill('SIGKILL');
    await exited(child);
    const r = await actions.kill(params({ pid: child.pid!, startTime }));
    expect(r).toEqual({ outcome: 'gone', message: 'the process has exited' });
  });

  it('refuses pid 0, pid 1, its own pid, the pids NetLens names as its own, and kernel threads', async () => {
    const sibling = await startChild(false);
    const actions = createActions({ dataDir, ownPids: () => [sibling.pid!] });
    const one = await actions.kill(params({ pid: 1, startTime: 0, signal: 'KILL' }));
    expect(one.outcome).toBe('refused');
    expect(one.message).toMatch(/PID 1 is init/);
    expect((await actions.kill(params({ pid: 0, startTime: 0 }))).message).toMatch(/PID 0/);
    const self = await actions.kill(
      params({ pid: process.pid, startTime: await startTimeOf(process.pid), signal: 'KILL' }),
    );
    expect(self).toEqual({ outcome: 'refused', message: `PID ${process.pid} is part of NetLens itself` });
    // The log names what was asked, not "unknown".
    const [logged] = await actions.actionLog(1);
    expect(logged).toMatchObject({ pid: process.pid, outcome: 'refused' });
    expect(logged!.name).toBe((await readProcessIdentity(process.pid))!.name);
    const own = await actions.kill(
      params({ pid: sibling.pid!, startTime: await startTimeOf(sibling.pid!), signal: 'KILL' }),
    );
    expect(own.outcome).toBe('refused');
    expect(isAlive(sibling)).toBe(true);
    const kthreadd = await readProcessIdentity(2);
    if (kthreadd?.kernelThread) {
      const k = await actions.kill(params({ pid: 2, startTime: kthreadd.startTime, signal: 'KILL' }));
      expect(k.outcome).toBe('refused');
      expect(k.message).toMatch(/kernel thread/);
    }
  });

  it('refuses pids that are not positive safe integers, before touching anything', async () => {
    const actions = createActions({ dataDir });
    for (const pid of [1.5, -5, Number.NaN, Infinity, 2 ** 53, '123', null] as unknown as number[]) {
      const r = await actions.kill(params({ pid, startTime: 0 }));
      expect(r.outcome).toBe('refused');
      expect(r.message).toMatch(/invalid pid/);
    }
    const badSignal = await actions.kill({ pid: 12345, startTime: 0, signal: 'HUP' as 'TERM', elevate: false });
    expect(badSignal.message).toMatch(/unknown signal/);
  });

  it('writes every attempt to the action log, newest first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlens-kill-log-'));
    try {
      const actions = createActions({ dataDir: dir });
      const child = await startChild(false);
      const startTime = await startTimeOf(child.pid!);
      await actions.kill(params({ pid: 1, startTime: 0 }));
      await actions.kill(params({ pid: child.pid!, startTime }));
      const log = await actions.actionLog(10);
      expect(log.map((e) => [e.action, e.pid, e.outcome])).toEqual([
        ['kill:TERM', child.pid, 'killed'],
        ['kill:TERM', 1, 'refused'],
      ]);
      expect(log[0]).toMatchObject({ name: 'node', startTime, target: null });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Elevation and Windows: the argv is checked through an injected runner; nothing is ever elevated here.

function recorder(answer: (file: string, args: readonly string[]) => CommandResult) {
  const calls: { file: string; args: readonly string[]; env?: Record<string, string> }[] = [];
  const run = async (file: string, args: readonly string[], options?: CommandOptions) => {
    calls.push({ file, args, ...(options?.env ? { env: options.env } : {}) });
    return answer(file, args);
  };
  return { calls, run };
}

const ok = (stdout = ''): CommandResult => ({ code: 0, stdout, stderr: '', error: null });

describe('elevated kill command lines', () => {
  it('Linux: pkexec kill -SIGNAL pid, as separate arguments', () => {
    expect(elevatedKillCommand('linux', 4242, 'TERM', '/usr/bin/pkexec')).toEqual({
      file: '/usr/bin/pkexec',
      args: ['kill', '-TERM', '4242'],
    });
    expect(elevatedKillCommand('linux', 4242, 'KILL').args).toEqual(['kill', '-KILL', '4242']);
  });

  it('macOS: osascript with administrator privileges, the pid interpolated only as a validated integer', () => {
    expect(elevatedKillCommand('darwin', 4242, 'KILL')).toEqual({
      file: '/usr/bin/osascript',
      args: ['-e', 'do shell script "/bin/kill -KILL 4242" with administrator privileges'],
    });
    for (const bad of [1.5, -1, Number.NaN, '1; rm -rf /' as unknown as number]) {
      expect(() => elevatedKillCommand('darwin', bad, 'TERM')).toThrow(/invalid pid/);
    }
  });

  it('Windows: Start-Process taskkill -Verb RunAs from a constant script, pid in the environment', () => {
    const c = elevatedKillCommand('win32', 4242, 'KILL');
    expect(c.file).toBe('powershell.exe');
    expect(c.args).toEqual([
      '-NoProfile',
      '-NonInteractive',
      '-ExecutionPolicy',
      'Bypass',
      '-Command',
      WINDOWS_ELEVATED_KILL_SCRIPT,
    ]);
    expect(c.env).toEqual({ NETLENS_PID: '4242', NETLENS_FORCE: '1' });
    expect(WINDOWS_ELEVATED_KILL_SCRIPT).toContain(
      "Start-Process -FilePath 'taskkill.exe' -ArgumentList $argv -Verb RunAs",
    );
    expect(WINDOWS_ELEVATED_KILL_SCRIPT).toContain("@('/T', '/F')");
    expect(elevatedKillCommand('win32', 4242, 'TERM').env).toEqual({ NETLENS_PID: '4242', NETLENS_FORCE: '0' });
  });
});

function fakeDeps(platform: NodeJS.Platform, run: KillDeps['run'], startTime = 1_700_000_000_000): KillDeps {
  return {
    platform,
    ownPids: () => [process.pid],
    identity: async (pid) => ({
      pid,
      name: 'victim',
      startTime,
      ppid: 1,
      uid: 501,
      user: 'alice',
      kernelThread: false,
      zombie: false,
    }),
    elevation: async () => ({ available: true, reason: null }),
    run,
    graceMs: 0,
    pollMs: 1,
  };
}

describe('kill through the injected runner', () => {
  it('elevate runs pkexec with the validated pid after the guard, and a dismissed prompt is "denied"', async () => {
    const { calls, run } = recorder(() => ({ code: 126, stdout: '', stderr: '', error: null }));
    const deps = { ...fakeDeps('linux', run), pkexecPath: async () => '/usr/bin/pkexec' };
    const r = await killProcess(deps, { pid: 4242, startTime: 1_700_000_000_000, signal: 'KILL', elevate: true });
    expect(calls).toEqual([{ file: '/usr/bin/pkexec', args: ['kill', '-KILL', '4242'] }]);
    expect(r.result.outcome).toBe('denied');
    expect(r.result.message).toMatch(/dismissed/);
  });

  it('elevate is never attempted when the guard refuses or elevation is unavailable', async () => {
    const { calls, run } = recorder(() => ok());
    const deps = fakeDeps('linux', run);
    const stale = await killProcess(deps, { pid: 4242, startTime: 1, signal: 'KILL', elevate: true });
    expect(stale.result.outcome).toBe('refused');
    const unavailable = await killProcess(
      { ...deps, elevation: async () => ({ available: false, reason: 'pkexec is not installed' }) },
      { pid: 4242, startTime: 1_700_000_000_000, signal: 'KILL', elevate: true },
    );
    expect(unavailable.result).toMatchObject({ outcome: 'denied', elevation: { available: false } });
    expect(calls).toEqual([]);
  });

  it('Windows Terminate is taskkill /PID n; Force kill adds /T /F', async () => {
    expect(windowsKillArgs(4242, 'TERM')).toEqual(['/PID', '4242']);
    expect(windowsKillArgs(4242, 'KILL')).toEqual(['/PID', '4242', '/T', '/F']);
    const { calls, run } = recorder(() => ({
      code: 128,
      stdout: '',
      stderr: 'ERROR: The process "4242" not found.',
      error: null,
    }));
    const r = await killProcess(fakeDeps('win32', run), {
      pid: 4242,
      startTime: 1_700_000_000_000,
      signal: 'KILL',
      elevate: false,
    });
    expect(calls).toEqual([{ file: 'taskkill.exe', args: ['/PID', '4242', '/T', '/F'] }]);
    expect(r.result).toEqual({ outcome: 'gone', message: 'the process has exited' });
  });

  it('Windows "Access is denied" offers Kill as administrator; PID 4 is refused', async () => {
    const { run } = recorder(() => ({
      code: 1,
      stdout: '',
      error: null,
      stderr: 'ERROR: The process with PID 4242 could not be terminated.\r\nReason: Access is denied.\r\n',
    }));
    const r = await killProcess(fakeDeps('win32', run), {
      pid: 4242,
      startTime: 1_700_000_000_000,
      signal: 'TERM',
      elevate: false,
    });
    expect(r.result).toMatchObject({ outcome: 'denied', elevation: { available: true, reason: null } });
    const system = await killProcess(fakeDeps('win32', run), { pid: 4, startTime: 0, signal: 'KILL', elevate: false });
    expect(system.result.message).toMatch(/System process/);
  });

  it('Windows critical processes are refused even as administrator, and taskkill never runs', async () => {
    const { calls, run } = recorder(() => ok());
    const deps = fakeDeps('win32', run);
    const csrss = await killProcess(
      {
        ...deps,
        identity: async (pid) => ({
          pid,
          name: 'csrss.exe',
          startTime: 5,
          ppid: 600,
          uid: null,
          user: null,
          kernelThread: false,
          zombie: false,
        }),
      },
      { pid: 700, startTime: 5, signal: 'KILL', elevate: true },
    );
    expect(csrss.result.outcome).toBe('refused');
    expect(csrss.result.message).toMatch(/critical Windows process/);
    expect(calls).toEqual([]);
  });
});
