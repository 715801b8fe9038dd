// The kill guard and thread ids (issue 10): /proc/<TID> answers for any thread, so a thread id with its
// own start time looked like a process: a worker thread's TID of NetLens itself got past "never NetLens"
// and killed it, with no action-log line. Only thread-group leaders are signalled; the own-process and
// PID-1 rules apply to the thread group; every attempt is logged; the elevated helper re-checks the
// process after the password prompt.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINUX_ELEVATED_KILL_SCRIPT, elevatedKillCommand, interpretElevatedResult } from './elevate.js';
import { createActions } from './index.js';
import { killProcess, type KillDeps } from './kill.js';
import { readProcessIdentity } from './process-identity.js';

const linux = process.platform === 'linux';
let dataDir: string;
let worker: Worker | null = null;
const children: ChildProcess[] = [];

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'security-kill-'));
});
afterAll(async () => {
  await worker?.terminate();
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** The TIDs of a process's threads other than its leader. */
function threadIds(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`)
    .map(Number)
    .filter((tid) => tid !== pid);
}

/** A thread id of this process that belongs to a worker thread started here. */
async function ownWorkerTid(): Promise<number> {
  const before = new Set(threadIds(process.pid));
  worker = new Worker('setInterval(() => {}, 1000); require("node:worker_threads").parentPort.postMessage("up")', {
    eval: true,
  });
  await new Promise((r) => worker!.once('message', r));
  const tid = threadIds(process.pid).find(
    (t) =>
      !before.has(t) &&
      /^Name:\s+(node|WorkerThread|worker)/m.test(readFileSync(`/proc/${process.pid}/task/${t}/status`, 'utf8')),
  );
  return tid ?? threadIds(process.pid).find((t) => !before.has(t))!;
}

describe.runIf(linux)('kill guard and threads, on real threads', () => {
  it("refuses a NetLens worker thread's TID (with its own start time), logs the attempt, and NetLens lives", async () => {
    const tid = await ownWorkerTid();
    const identity = await readProcessIdentity(tid);
    expect(identity?.tgid).toBe(process.pid);
    const actions = createActions({ dataDir });
    const r = await actions.kill({ pid: tid, startTime: identity!.startTime, signal: 'KILL', elevate: false });
    expect(r).toMatchObject({
      outcome: 'refused',
      message: `PID ${tid} is a thread of NetLens itself (PID ${process.pid})`,
    });
    const log = await actions.actionLog(5);
    expect(log[0]).toMatchObject({ action: 'kill:KILL', pid: tid, outcome: 'refused' });
  });

  it("refuses another process's thread id: only the process (thread-group leader) is killed", async () => {
    const child = spawn(
      process.execPath,
      [
        '-e',
        // Ready once the worker thread runs, so the process has a second thread id to refuse.
        'new (require("node:worker_threads").Worker)("setInterval(()=>{},1000)", { eval: true }).on("online", () => console.log("ready")); setInterval(() => {}, 1000)',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    children.push(child);
    await new Promise((r) => child.stdout!.once('data', r));
    const tid = threadIds(child.pid!)[0]!;
    const identity = await readProcessIdentity(tid);
    const actions = createActions({ dataDir });
    const r = await actions.kill({ pid: tid, startTime: identity!.startTime, signal: 'KILL', elevate: false });
    expect(r).toMatchObject({
      outcome: 'refused',
      message: `PID ${tid} is a thread of process ${child.pid}, not a process: kill the process instead`,
    });
    expect(child.exitCode).toBeNull();
    expect(child.signalCode).toBeNull();
    expect((await actions.actionLog(1))[0]).toMatchObject({ pid: tid, outcome: 'refused' });
  });

  it('the elevated helper script signals only when start time and Tgid still match after the prompt', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000); console.log("ready")'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    await new Promise((r) => child.stdout!.once('data', r));
    const identity = await readProcessIdentity(child.pid!);
    const run = (pid: number, ticks: number) => {
      // As pkexec would run it, minus pkexec: the same argv after the program name.
      const cmd = elevatedKillCommand('linux', pid, 'KILL', 'pkexec', ticks);
      expect(cmd.args.slice(0, 2)).toEqual(['/bin/sh', '-c']);
      const r = spawnSync(cmd.args[0]!, cmd.args.slice(1), { encoding: 'utf8' });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr, error: null };
    };
    const stale = run(child.pid!, identity!.startTicks! + 1);
    expect(interpretElevatedResult('linux', stale).kind).toBe('changed');
    expect(child.exitCode === null && child.signalCode === null).toBe(true);
    const tid = threadIds(child.pid!)[0]!;
    const tidTicks = (await readProcessIdentity(tid))!.startTicks!;
    expect(interpretElevatedResult('linux', run(tid, tidTicks)).kind).toBe('changed');
    expect(child.signalCode).toBeNull();
    expect(interpretElevatedResult('linux', run(child.pid!, identity!.startTicks!)).kind).toBe('done');
    await new Promise((r) => (child.signalCode ? r(null) : child.once('exit', r)));
    expect(child.signalCode).toBe('SIGKILL');
    expect(interpretElevatedResult('linux', run(child.pid!, identity!.startTicks!)).kind).toBe('gone');
    expect(LINUX_ELEVATED_KILL_SCRIPT).not.toMatch(/\$\{?(pid|PID)\}?/); // values arrive as $1..$3 only
  });
});

describe('kill guard rules on the thread group (injected identities)', () => {
  const deps = (tgid: number, ownPids = [process.pid]): KillDeps => ({
    platform: 'linux',
    ownPids: () => ownPids,
    identity: async (pid) => ({
      pid,
      name: 'systemd',
      startTime: 5,
      ppid: 0,
      uid: 0,
      user: 'root',
      kernelThread: false,
      zombie: false,
      tgid,
    }),
    elevation: async () => ({ available: true, reason: null }),
    run: async () => ({ code: 0, stdout: '', stderr: '', error: null }),
    graceMs: 0,
    pollMs: 1,
  });

  it('a thread of PID 1 is refused as PID 1', async () => {
    const r = await killProcess(deps(1), { pid: 4242, startTime: 5, signal: 'KILL', elevate: true });
    expect(r.result).toMatchObject({
      outcome: 'refused',
      message: expect.stringMatching(/^PID 4242 is a thread of PID 1: PID 1 is init/),
    });
  });

  it("a thread of one of NetLens's other processes is refused as NetLens", async () => {
    const r = await killProcess(deps(777, [process.pid, 777]), {
      pid: 4242,
      startTime: 5,
      signal: 'TERM',
      elevate: false,
    });
    expect(r.result.message).toBe('PID 4242 is a thread of NetLens itself (PID 777)');
  });

  it('an elevated kill whose process changed during the prompt is refused, not reported done', async () => {
    const d = {
      ...deps(4242),
      run: async () => ({
        code: 3,
        stdout: '',
        stderr: 'netlens: PID 4242 is no longer the process that was confirmed',
        error: null,
      }),
    };
    const r = await killProcess(d, { pid: 4242, startTime: 5, signal: 'KILL', elevate: true });
    expect(r.result).toMatchObject({
      outcome: 'refused',
      message: expect.stringMatching(/changed while the administrator prompt was open/),
    });
  });
});
