// Who a pid is right now: its name, its start time and its owner. The start time is what tells a process
// apart from a later one that got the same pid, so the collectors (which put ProcessInfo.startTime in the
// rows the UI shows) and the kill action (which re-reads it just before signalling) must compute it with
// the very same functions: those of collectors/linux/process-facts.ts (which the socket owners use too),
// parseDarwinPsLine and parseWindowsIdentity below.
import { WINDOWS_START_MS, linuxStartTimeFromTicks, parseLstart } from '../collectors/process-start-time.js';
import {
  COMM_MAX_BYTES,
  isLinuxKernelThread,
  parseBtime,
  parseLinuxStat,
  parseStatusTgid,
  parseStatusUid,
  processName,
  userFromPasswd,
  type LinuxStat,
} from '../collectors/linux/process-facts.js';
import { readFileSync } from 'node:fs';
import { readFile, readlink } from 'node:fs/promises';
import { readProcCmdline } from '../collectors/cmdline.js';
import { basename } from 'node:path';
import { runCommand, type RunCommand } from './command.js';
import { isValidPid } from './validation.js';

/** Whether a process with this pid exists: signal 0 probes without signalling, and EPERM means it exists
 *  but belongs to someone else. (It cannot tell a reused pid apart: readIdentity's start time does that.) */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface ProcessIdentity {
  pid: number;
  /** Linux comm, macOS executable base name, Windows image name. */
  name: string;
  /** ms since the epoch, or null when this OS would not tell. */
  startTime: number | null;
  ppid: number | null;
  /** The real uid (Linux: parseStatusUid), the one kill(2) compares with the sender's; the rows show the
   *  effective one (processUserUid), which differs for a setuid program. */
  uid: number | null;
  user: string | null;
  /** A kernel thread (Linux), or a kernel pseudo-process (Windows System, macOS kernel_task). */
  kernelThread: boolean;
  /** Exited but not yet reaped by its parent: signals no longer do anything to it. */
  zombie: boolean;
  /** Linux: the thread group (process) this id belongs to. /proc/<TID> answers for any thread too, so a
   *  thread id looks like a process unless Tgid is compared with the id. */
  tgid?: number | null;
  /** Linux: field 22 of /proc/<pid>/stat as read, for an exact re-check by the elevated helper. */
  startTicks?: number;
}

// ---------------------------------------------------------------------------------------------
// Linux: /proc/[pid]/stat

let btimeCache: number | null = null;

/** btime never changes while the machine is up, so it is read once. */
export async function readLinuxBtime(): Promise<number | null> {
  if (btimeCache !== null) return btimeCache;
  try {
    btimeCache = parseBtime(await readFile('/proc/stat', 'utf8'));
  } catch {
    return null;
  }
  return btimeCache;
}

function isGoneError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  // ESRCH: the process exited between opening and reading /proc/[pid]/stat.
  return code === 'ENOENT' || code === 'ESRCH';
}

/** What `read` gives, or `fallback` where it cannot be read (gone, or another user's). */
async function readOr<T>(read: () => T | Promise<T>, fallback: T): Promise<T> {
  try {
    return await read();
  } catch {
    return fallback;
  }
}

/** Linux: /proc/<pid>/stat of the process that has `pid` now, read synchronously, or null when none has it or it
 *  cannot be read (the agent's walk up its parents). */
export function linuxStatNow(pid: number, procRoot = '/proc'): LinuxStat | null {
  try {
    return parseLinuxStat(readFileSync(`${procRoot}/${pid}/stat`, 'latin1'));
  } catch {
    return null;
  }
}

/** Linux: the start ticks of the process that has `pid` now (field 22 of /proc/<pid>/stat), or null. A kill reads it
 *  right before its signal, with nothing awaited between: readLinuxIdentity awaits other files after the stat, in
 *  which time the pid may change hands. */
export function linuxStartTicksNow(pid: number, procRoot = '/proc'): number | null {
  return linuxStatNow(pid, procRoot)?.startTicks ?? null;
}

async function readLinuxIdentity(pid: number): Promise<ProcessIdentity | null> {
  let statLine: string;
  try {
    // Latin-1: comm's bytes kept as they are, for processName (a UTF-8 name the kernel cut mid-character).
    statLine = await readFile(`/proc/${pid}/stat`, 'latin1');
  } catch (err) {
    if (isGoneError(err)) return null;
    throw err;
  }
  const stat = parseLinuxStat(statLine);
  if (!stat) throw new Error(`unreadable /proc/${pid}/stat`);
  const btime = await readLinuxBtime();
  let uid: number | null = null;
  let tgid: number | null = null;
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    uid = parseStatusUid(status);
    tgid = parseStatusTgid(status);
  } catch (err) {
    if (!isGoneError(err)) throw err;
  }
  let user: string | null = null;
  if (uid !== null) {
    try {
      user = userFromPasswd(await readFile('/etc/passwd', 'utf8'), uid);
    } catch {
      user = null; // no passwd file (a minimal container): the uid alone still identifies the owner
    }
  }
  // The name as the Connections grid shows it (the socket owners read it so too). Its command line and executable only
  // where comm may be cut: kill's wait for an exit reads the identity again and again.
  const comm = Buffer.from(stat.comm, 'latin1');
  const cut = comm.length >= COMM_MAX_BYTES;
  return {
    pid,
    name: processName(
      comm,
      cut ? await readOr(() => readProcCmdline(`/proc/${pid}/cmdline`), '') : '',
      cut ? await readOr(() => readlink(`/proc/${pid}/exe`), null) : null,
    ),
    startTime: btime === null ? null : linuxStartTimeFromTicks(stat.startTicks, btime),
    ppid: stat.ppid,
    uid,
    user,
    kernelThread: isLinuxKernelThread(stat),
    zombie: stat.state === 'Z' || stat.state === 'X',
    tgid,
    startTicks: stat.startTicks,
  };
}

// ---------------------------------------------------------------------------------------------
// macOS: ps

/** The argv of the ps call; LC_ALL=C keeps lstart in English ("Sat Nov 28 00:57:39 2026"). */
export function darwinPsArgs(pid: number): string[] {
  return ['-o', 'pid=,ppid=,uid=,user=,state=,lstart=,comm=', '-p', String(pid)];
}

/** One line of `ps -o pid=,ppid=,uid=,user=,state=,lstart=,comm=`; comm (a path) may contain spaces. */
export function parseDarwinPsLine(line: string): ProcessIdentity | null {
  const t = line.trim().split(/\s+/);
  const [pid, ppid, uid, user, state] = t;
  const startTime = parseLstart(t.slice(5, 10));
  // comm is cut from the original line so runs of spaces inside its path survive.
  const commStart = nthFieldOffset(line, 10);
  if (!/^\d+$/.test(pid ?? '') || !/^\d+$/.test(ppid ?? '') || !/^\d+$/.test(uid ?? '')) return null;
  if (startTime === null || commStart === null) return null;
  return {
    pid: Number(pid),
    name: basename(line.slice(commStart).trimEnd()),
    startTime,
    ppid: Number(ppid),
    uid: Number(uid),
    user: user ?? null,
    kernelThread: Number(pid) === 0,
    zombie: (state ?? '').startsWith('Z'),
  };
}

function nthFieldOffset(line: string, n: number): number | null {
  const re = /\S+/g;
  let m: RegExpExecArray | null;
  let i = 0;
  while ((m = re.exec(line)) !== null) {
    if (i === n) return m.index;
    i++;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Windows: Win32_Process through PowerShell

/**
 * A constant script: the pid arrives in the NETLENS_PID environment variable and is cast with [uint32], so
 * no request value is ever part of PowerShell source. CreationDate has sub-ms precision; it is truncated
 * to whole ms by ToUnixTimeMilliseconds on both sides.
 */
export const WINDOWS_IDENTITY_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  '$id = [uint32]$env:NETLENS_PID',
  '$p = Get-CimInstance -ClassName Win32_Process -Filter ("ProcessId = " + $id)',
  "if ($null -eq $p) { Write-Output 'null'; exit 0 }",
  `$start = ${WINDOWS_START_MS}`,
  '[pscustomobject]@{ pid = $p.ProcessId; ppid = $p.ParentProcessId; name = $p.Name; start = $start } | ConvertTo-Json -Compress',
].join('; ');

export function windowsIdentityCommand(pid: number): { file: string; args: string[]; env: Record<string, string> } {
  return {
    file: 'powershell.exe',
    args: ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', WINDOWS_IDENTITY_SCRIPT],
    env: { NETLENS_PID: String(pid) },
  };
}

/** The Windows kernel's pseudo-processes: System Idle (0) and System (4). */
export const WINDOWS_KERNEL_PIDS: readonly number[] = [0, 4];

export function parseWindowsIdentity(json: string): ProcessIdentity | null {
  let o: unknown;
  try {
    o = JSON.parse(json.trim());
  } catch {
    return null;
  }
  if (o === null || typeof o !== 'object') return null;
  const r = o as { pid?: unknown; ppid?: unknown; name?: unknown; start?: unknown };
  if (typeof r.pid !== 'number' || typeof r.name !== 'string') return null;
  return {
    pid: r.pid,
    name: r.name,
    startTime: typeof r.start === 'number' ? r.start : null,
    ppid: typeof r.ppid === 'number' ? r.ppid : null,
    uid: null,
    user: null,
    kernelThread: WINDOWS_KERNEL_PIDS.includes(r.pid),
    zombie: false,
  };
}

// ---------------------------------------------------------------------------------------------

export interface IdentityOptions {
  platform?: NodeJS.Platform;
  run?: RunCommand;
}

/**
 * The process behind pid now, or null when no such process exists. Throws only when the OS answered
 * something this code cannot read (the caller reports that as a failure, never as "gone").
 */
export async function readProcessIdentity(pid: number, options: IdentityOptions = {}): Promise<ProcessIdentity | null> {
  if (!isValidPid(pid)) throw new Error(`invalid pid ${String(pid)}`);
  const platform = options.platform ?? process.platform;
  const run = options.run ?? runCommand;
  if (platform === 'linux') return readLinuxIdentity(pid);
  if (platform === 'darwin') {
    const r = await run('/bin/ps', darwinPsArgs(pid), { env: { LC_ALL: 'C' } });
    if (r.error) throw new Error(`ps could not run: ${r.error.message}`);
    const line = r.stdout.split('\n').find((l) => l.trim() !== '');
    // ps exits 1 with no output when the pid does not exist.
    if (line === undefined) return null;
    const id = parseDarwinPsLine(line);
    if (!id) throw new Error(`unreadable ps output for pid ${pid}`);
    return id;
  }
  if (platform === 'win32') {
    const c = windowsIdentityCommand(pid);
    const r = await run(c.file, c.args, { env: c.env });
    if (r.error || r.code !== 0)
      throw new Error(`PowerShell could not read process ${pid}: ${(r.error?.message ?? r.stderr).trim()}`);
    if (r.stdout.trim() === 'null') return null;
    const id = parseWindowsIdentity(r.stdout);
    if (!id) throw new Error(`unreadable process information for pid ${pid}`);
    return id;
  }
  throw new Error(`process actions are not supported on ${platform}`);
}
