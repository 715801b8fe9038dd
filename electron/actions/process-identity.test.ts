import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandOptions, CommandResult } from './command.js';
import { startNamedProcess, type NamedProcess } from './test-support/named-process.js';
import {
  darwinPsArgs,
  parseDarwinPsLine,
  readProcessIdentity,
  windowsIdentityCommand,
  WINDOWS_IDENTITY_SCRIPT,
} from './process-identity.js';
import {
  isLinuxKernelThread,
  linuxStartTimeMs,
  parseBtime,
  parseLinuxStat,
} from '../collectors/linux/process-facts.js';
import { linuxStartTimeFromTicks } from '../collectors/process-start-time.js';

const linux = process.platform === 'linux';
// A real executable whose comm has spaces and both parentheses: the classic /proc/[pid]/stat trap.
const TRICKY_NAME = 'a) b (c';

describe.runIf(linux)('Linux process identity, on real processes', () => {
  let named: NamedProcess;
  let child: ChildProcess;

  beforeAll(() => {
    named = startNamedProcess('/bin/sleep', TRICKY_NAME, () => ['60'], 'netlens-identity-');
    child = named.child;
  });

  afterAll(() => named.stop());

  it('splits /proc/[pid]/stat at the last parenthesis', () => {
    const line = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
    const stat = parseLinuxStat(line);
    expect(stat).not.toBeNull();
    expect(stat!.comm).toBe(TRICKY_NAME);
    expect(stat!.pid).toBe(child.pid);
    expect(stat!.ppid).toBe(process.pid);
    expect(isLinuxKernelThread(stat!)).toBe(false);
  });

  it('reads name, owner and a start time that agrees with ps', async () => {
    const id = await readProcessIdentity(child.pid!);
    expect(id).not.toBeNull();
    expect(id!.name).toBe(TRICKY_NAME);
    expect(id!.uid).toBe(process.getuid!());
    expect(id!.kernelThread).toBe(false);
    expect(id!.zombie).toBe(false);
    // ps prints lstart in whole local seconds, from the same boot time and tick count.
    const ps = spawnSync('ps', ['-o', 'lstart=', '-p', String(child.pid)], {
      encoding: 'utf8',
      env: { ...process.env, LC_ALL: 'C' },
    });
    const psMs = new Date(ps.stdout.trim()).getTime();
    expect(Number.isFinite(psMs)).toBe(true);
    expect(id!.startTime! - psMs).toBeGreaterThanOrEqual(0);
    expect(id!.startTime! - psMs).toBeLessThan(1000);
  });

  it('computes the start time from field 22 and btime with one formula', () => {
    const line = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
    const btime = parseBtime(readFileSync('/proc/stat', 'utf8'))!;
    const ticks = Number(line.slice(line.lastIndexOf(')') + 2).split(' ')[19]);
    expect(linuxStartTimeMs(line, btime)).toBe(btime * 1000 + Math.round((ticks * 1000) / 100));
    expect(linuxStartTimeFromTicks(ticks, btime)).toBe(linuxStartTimeMs(line, btime));
  });

  it('parses ps -o output (the macOS column set, run here with procps) for the same process', async () => {
    const ps = spawnSync('ps', darwinPsArgs(child.pid!), { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
    const parsed = parseDarwinPsLine(ps.stdout.split('\n')[0]!);
    const id = await readProcessIdentity(child.pid!);
    expect(parsed).not.toBeNull();
    expect(parsed!.pid).toBe(child.pid);
    expect(parsed!.ppid).toBe(process.pid);
    expect(parsed!.uid).toBe(process.getuid!());
    expect(parsed!.name).toBe(TRICKY_NAME);
    expect(id!.startTime! - parsed!.startTime!).toBeGreaterThanOrEqual(0);
    expect(id!.startTime! - parsed!.startTime!).toBeLessThan(1000);
  });

  it('marks kernel threads by PF_KTHREAD, kthreadd and its children', async ({ skip }) => {
    const kthreadd = await readProcessIdentity(2);
    if (kthreadd === null) return skip('a pid namespace without kernel threads (containers)');
    expect(kthreadd.kernelThread).toBe(true);
    const children = readdirSync('/proc')
      .filter((e) => /^\d+$/.test(e))
      .map(Number)
      .filter((pid) => {
        try {
          return parseLinuxStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.ppid === 2;
        } catch {
          return false;
        }
      });
    expect(children.length).toBeGreaterThan(0);
    for (const pid of children.slice(0, 5)) expect((await readProcessIdentity(pid))?.kernelThread ?? true).toBe(true);
    expect((await readProcessIdentity(process.pid))!.kernelThread).toBe(false);
  });

  it('answers null for a pid that does not exist and refuses invalid pids', async () => {
    const gone = spawn('/bin/true');
    await new Promise((r) => gone.on('exit', r));
    expect(await readProcessIdentity(gone.pid!)).toBeNull();
    await expect(readProcessIdentity(1.5)).rejects.toThrow(/invalid pid/);
    await expect(readProcessIdentity(-1)).rejects.toThrow(/invalid pid/);
  });

  it('rejects a malformed stat line', () => {
    expect(parseLinuxStat('')).toBeNull();
    expect(parseLinuxStat('12 (x')).toBeNull();
    expect(parseLinuxStat('12 (x) R 1')).toBeNull();
  });
});

describe('macOS and Windows identity: argv and parsing, through an injected runner', () => {
  function recorder(answer: (file: string, args: readonly string[]) => CommandResult) {
    const calls: { file: string; args: readonly string[]; options?: CommandOptions }[] = [];
    const run = async (file: string, args: readonly string[], options?: CommandOptions) => {
      calls.push({ file, args, ...(options ? { options } : {}) });
      return answer(file, args);
    };
    return { calls, run };
  }

  it('macOS asks /bin/ps for one pid with LC_ALL=C and reads "not found" as null', async () => {
    const { calls, run } = recorder(() => ({ code: 1, stdout: '', stderr: '', error: null }));
    expect(await readProcessIdentity(4242, { platform: 'darwin', run })).toBeNull();
    expect(calls).toEqual([
      {
        file: '/bin/ps',
        args: ['-o', 'pid=,ppid=,uid=,user=,state=,lstart=,comm=', '-p', '4242'],
        options: { env: { LC_ALL: 'C' } },
      },
    ]);
  });

  it('Windows passes the pid in the environment to a constant script', async () => {
    const { calls, run } = recorder(() => ({ code: 0, stdout: 'null\r\n', stderr: '', error: null }));
    expect(await readProcessIdentity(4242, { platform: 'win32', run })).toBeNull();
    const c = windowsIdentityCommand(4242);
    expect(calls[0]!.file).toBe('powershell.exe');
    expect(calls[0]!.args).toEqual(c.args);
    expect(calls[0]!.args).toContain(WINDOWS_IDENTITY_SCRIPT);
    expect(calls[0]!.args.join(' ')).not.toContain('4242');
    expect(calls[0]!.options?.env).toEqual({ NETLENS_PID: '4242' });
  });

  it('Windows: a PowerShell failure is an error, never "gone"', async () => {
    const { run } = recorder(() => ({ code: 1, stdout: '', stderr: 'Get-CimInstance : Access denied', error: null }));
    await expect(readProcessIdentity(4242, { platform: 'win32', run })).rejects.toThrow(/Access denied/);
  });
});
