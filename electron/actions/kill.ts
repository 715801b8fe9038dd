// Killing the process behind a row: the one action that can hurt. Every path goes through the same guard
// (a valid pid, never pid 0/1, never NetLens itself, never a kernel thread, and the same process the UI saw,
// judged by its start time re-read just before signalling), then signals without any shell.
import { inertText } from '../../shared/inert-text.js';
import type { Capability, KillResult, RequestParams } from '../../shared/protocol.js';
import type { RunCommand } from './command.js';
import { elevatedKillCommand, interpretElevatedResult, type KillSignal } from './elevate.js';
import { linuxStartTicksNow, type ProcessIdentity } from './process-identity.js';
import { isValidPid } from './validation.js';

export interface KillDeps {
  platform: NodeJS.Platform;
  /** Every pid of NetLens itself, this process included. */
  ownPids: () => number[];
  identity: (pid: number) => Promise<ProcessIdentity | null>;
  elevation: () => Promise<Capability>;
  run: RunCommand;
  /** The path of pkexec when known (Linux). */
  pkexecPath?: () => Promise<string | null>;
  /** Linux: the start ticks of the process that has the pid now, read with nothing awaited before the signal
   *  (linuxStartTicksNow; null: none has it). */
  startTicksNow?: (pid: number) => number | null;
  /** How long to wait for a process to exit after a signal. */
  graceMs: number;
  pollMs: number;
}

/** What the action log needs besides the result. */
export interface KillReport {
  result: KillResult;
  identity: ProcessIdentity | null;
}

const SIGNAL_NAMES: Record<KillSignal, NodeJS.Signals> = { TERM: 'SIGTERM', KILL: 'SIGKILL' };

function label(id: ProcessIdentity): string {
  // Names and users are anyone's choice: escaped, so a bidi override or a newline cannot reshape the message.
  return `${inertText(id.name)} (PID ${id.pid})`;
}

// Whether a signal is allowed is the kernel's own rule, never judged here: kill(2) lets the sender through when
// its real or effective uid is the target's real or saved set uid (or it is privileged), so the signal is simply
// sent and EPERM reported. The message names the target's REAL uid (ProcessIdentity.uid), one of the two the
// kernel compares, not the user the rows show (the effective uid, processUserUid): for a setuid program the two
// differ, and it is the real one that decides.
function owner(id: ProcessIdentity): string {
  if (id.user) return `, which belongs to ${inertText(id.user)}`;
  if (id.uid !== null) return `, which belongs to uid ${id.uid}`;
  return '';
}

/** pids that must never be signalled on this OS, with why. */
export function reservedPidReason(platform: NodeJS.Platform, pid: number): string | null {
  if (pid === 0) return 'PID 0 is not a process that can be killed';
  if (platform === 'win32') {
    if (pid === 4) return 'PID 4 is the Windows System process and cannot be killed';
    return null;
  }
  if (pid === 1) {
    const init = platform === 'darwin' ? 'launchd' : 'init';
    return `PID 1 is ${init}, the first process of the system: killing it would bring the system down`;
  }
  return null;
}

/**
 * Windows processes whose end is the end of the session or of the machine (a bugcheck for csrss, wininit,
 * smss and services; a logoff for winlogon); an administrator could otherwise terminate them.
 */
export const WINDOWS_CRITICAL_PROCESSES: readonly string[] = [
  'csrss.exe',
  'smss.exe',
  'wininit.exe',
  'winlogon.exe',
  'services.exe',
  'lsass.exe',
  'lsaiso.exe',
  'Registry',
  'Memory Compression',
  'Secure System',
];

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

type Liveness = 'alive' | 'exited';

/** Whether the process we identified is still there (same pid AND same start time, not a zombie). */
async function liveness(deps: KillDeps, target: ProcessIdentity): Promise<Liveness> {
  if (deps.platform === 'linux') {
    // /proc tells a zombie and a reused pid apart from our process, which kill(pid, 0) cannot.
    const now = await deps.identity(target.pid).catch(() => target);
    if (now === null || now.zombie) return 'exited';
    return now.startTime === target.startTime ? 'alive' : 'exited';
  }
  // Elsewhere re-reading the identity means a ps or PowerShell run per poll; existence is enough for a few
  // seconds of waiting.
  try {
    process.kill(target.pid, 0);
    return 'alive';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH' ? 'exited' : 'alive';
  }
}

async function waitForExit(deps: KillDeps, target: ProcessIdentity): Promise<Liveness> {
  const deadline = Date.now() + deps.graceMs;
  for (;;) {
    if ((await liveness(deps, target)) === 'exited') return 'exited';
    if (Date.now() >= deadline) return 'alive';
    await sleep(deps.pollMs);
  }
}

async function afterSignal(
  deps: KillDeps,
  target: ProcessIdentity,
  signal: KillSignal,
  how: string,
): Promise<KillResult> {
  const state = await waitForExit(deps, target);
  if (state === 'exited') {
    // Plain words for the dialog and the action log ("Terminated nginx (PID 812)"); the log's Action column
    // names the signal.
    const elevated = how.endsWith('as administrator') ? ' as administrator' : '';
    return {
      outcome: 'killed',
      message: `${signal === 'TERM' ? 'Terminated' : 'Force-killed'} ${label(target)}${elevated}`,
    };
  }
  if (signal === 'TERM')
    return { outcome: 'alive', message: `${label(target)} is still running after ${how}: Force kill?` };
  return {
    outcome: 'alive',
    message: `${label(target)} is still running after ${how} (it may be stuck in the kernel)`,
  };
}

/** The guard: returns the process to signal, or the result that refuses it. */
async function checkTarget(deps: KillDeps, params: RequestParams<'kill'>): Promise<KillReport | ProcessIdentity> {
  const { pid, startTime } = params;
  const refuse = (message: string, identity: ProcessIdentity | null = null): KillReport => ({
    result: { outcome: 'refused', message },
    identity,
  });
  // pid 0 would otherwise only fail the integer check; it deserves its own reason (kill(0) = our group).
  if (pid === 0) return refuse(reservedPidReason(deps.platform, 0) ?? 'PID 0 cannot be killed');
  if (!isValidPid(pid)) return refuse(`invalid pid ${JSON.stringify(pid)}: a pid is a positive integer`);
  if (params.signal !== 'TERM' && params.signal !== 'KILL')
    return refuse(`unknown signal ${JSON.stringify(params.signal)}`);
  if (startTime !== null && (typeof startTime !== 'number' || !Number.isFinite(startTime))) {
    return refuse('invalid start time');
  }
  const reserved = reservedPidReason(deps.platform, pid);
  if (reserved) return refuse(reserved);
  const own = deps.ownPids();

  let current: ProcessIdentity | null = null;
  let unreadable: string | null = null;
  try {
    current = await deps.identity(pid);
  } catch (err) {
    unreadable = (err as Error).message;
  }
  // Refused with its name where it can be read, so that the action log says what was asked (a new user's review).
  if (own.includes(pid)) return refuse(`PID ${pid} is part of NetLens itself`, current);
  if (unreadable !== null)
    return { result: { outcome: 'failed', message: `cannot check PID ${pid}: ${unreadable}` }, identity: null };
  if (current === null) return { result: { outcome: 'gone', message: 'the process has exited' }, identity: null };
  // A thread id answers in /proc like a process; the rules above apply to its thread group, and only a
  // group's leader (the process itself) is ever signalled: a signal to a thread id reaches its whole process.
  const group = current.tgid ?? pid;
  if (group !== pid) {
    const groupReserved = reservedPidReason(deps.platform, group);
    if (groupReserved) return refuse(`PID ${pid} is a thread of PID ${group}: ${groupReserved}`, current);
    if (own.includes(group)) return refuse(`PID ${pid} is a thread of NetLens itself (PID ${group})`, current);
    return refuse(`PID ${pid} is a thread of process ${group}, not a process: kill the process instead`, current);
  }
  if (current.kernelThread) {
    return refuse(`${label(current)} is a kernel thread: it cannot be killed from user space`, current);
  }
  if (
    deps.platform === 'win32' &&
    WINDOWS_CRITICAL_PROCESSES.some((n) => n.toLowerCase() === current.name.toLowerCase())
  ) {
    return refuse(
      `${label(current)} is a critical Windows process: ending it would crash or log off the system`,
      current,
    );
  }
  if (startTime === null) {
    return refuse(
      `the start time of PID ${pid} was unknown when it was listed, so NetLens cannot make sure it is still the same process; refresh and try again`,
      current,
    );
  }
  if (current.startTime === null) {
    return refuse(`cannot read the start time of PID ${pid} to make sure it is the same process`, current);
  }
  if (current.startTime !== startTime) {
    return refuse(`the process has exited; PID ${pid} now belongs to ${inertText(current.name)}`, current);
  }
  if (current.zombie) {
    return {
      result: {
        outcome: 'gone',
        message: `${label(current)} has already exited (it waits for its parent to collect it)`,
      },
      identity: current,
    };
  }
  return current;
}

async function deniedResult(deps: KillDeps, target: ProcessIdentity): Promise<KillResult> {
  const elevation = await deps.elevation();
  const offer = elevation.available
    ? ''
    : ` Kill as administrator is not available: ${elevation.reason ?? 'unknown reason'}.`;
  return {
    outcome: 'denied',
    message: `permission denied: NetLens may not signal ${label(target)}${owner(target)}.${offer}`,
    elevation,
  };
}

async function killElevated(deps: KillDeps, target: ProcessIdentity, signal: KillSignal): Promise<KillResult> {
  const elevation = await deps.elevation();
  if (!elevation.available) {
    return {
      outcome: 'denied',
      message: `Kill as administrator is not available: ${elevation.reason ?? 'unknown reason'}`,
      elevation,
    };
  }
  const pkexec = (await deps.pkexecPath?.()) ?? 'pkexec';
  // On Linux the helper re-checks, as root and after the prompt, that the pid is still this process.
  const cmd = elevatedKillCommand(deps.platform, target.pid, signal, pkexec, target.startTicks);
  // No timeout worth speaking of: the user may take a while to type a password.
  const r = await deps.run(cmd.file, cmd.args, { timeoutMs: 5 * 60_000, ...(cmd.env ? { env: cmd.env } : {}) });
  const o = interpretElevatedResult(deps.platform, r);
  if (o.kind === 'gone') return { outcome: 'gone', message: 'the process has exited' };
  if (o.kind === 'cancelled') return { outcome: 'denied', message: o.message, elevation };
  if (o.kind === 'changed') return { outcome: 'refused', message: o.message };
  if (o.kind === 'failed') return { outcome: 'failed', message: `Kill as administrator failed: ${o.message}` };
  return afterSignal(deps, target, signal, `${SIGNAL_NAMES[signal]} as administrator`);
}

/** taskkill: graceful asks windows to close (WM_CLOSE); /T /F terminates the tree. */
export function windowsKillArgs(pid: number, signal: KillSignal): string[] {
  if (!isValidPid(pid)) throw new Error(`invalid pid ${String(pid)}`);
  return signal === 'KILL' ? ['/PID', String(pid), '/T', '/F'] : ['/PID', String(pid)];
}

async function killWindows(deps: KillDeps, target: ProcessIdentity, signal: KillSignal): Promise<KillResult> {
  const r = await deps.run('taskkill.exe', windowsKillArgs(target.pid, signal));
  if (r.error) return { outcome: 'failed', message: `taskkill could not run: ${r.error.message}` };
  const text = `${r.stderr}\n${r.stdout}`;
  if (r.code === 128) return { outcome: 'gone', message: 'the process has exited' };
  if (r.code !== 0) {
    // taskkill's messages are localized; "Access is denied" is checked in English, and a survivor that we
    // may not even open is what "denied" means anyway.
    if (/access is denied/i.test(text)) return deniedResult(deps, target);
    if (signal === 'TERM' && /forcefully|\/F/i.test(text)) {
      return {
        outcome: 'alive',
        message: `${label(target)} has no window to close and ignores a graceful request: Force kill?`,
      };
    }
    return { outcome: 'failed', message: `taskkill failed: ${(r.stderr.trim() || r.stdout.trim()).slice(0, 300)}` };
  }
  return afterSignal(deps, target, signal, signal === 'TERM' ? 'a close request' : 'a forced kill');
}

export async function killProcess(deps: KillDeps, params: RequestParams<'kill'>): Promise<KillReport> {
  const checked = await checkTarget(deps, params);
  if (!('pid' in checked)) return checked;
  const target = checked;
  const signal = params.signal;
  if (params.elevate) return { result: await killElevated(deps, target, signal), identity: target };
  if (deps.platform === 'win32') return { result: await killWindows(deps, target, signal), identity: target };
  // The identity was read over several awaits (its status, the users file, maybe its command line), in which time the
  // process may have exited and its pid gone to another (an attack review of 12-06 killed an innocent `sleep` so, as
  // root): read its start again, with no await between that and the signal. (What is left is the kernel handing the
  // pid on between two system calls; only a pidfd closes that.)
  if (deps.platform === 'linux' && target.startTicks !== undefined) {
    const now = (deps.startTicksNow ?? linuxStartTicksNow)(target.pid);
    if (now === null) return { result: { outcome: 'gone', message: 'the process has exited' }, identity: target };
    if (now !== target.startTicks)
      return {
        result: {
          outcome: 'refused',
          message: `the process has exited; PID ${target.pid} now belongs to another process`,
        },
        identity: target,
      };
  }
  try {
    process.kill(target.pid, SIGNAL_NAMES[signal]);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return { result: { outcome: 'gone', message: 'the process has exited' }, identity: target };
    if (code === 'EPERM') return { result: await deniedResult(deps, target), identity: target };
    return {
      result: { outcome: 'failed', message: `could not signal ${label(target)}: ${(err as Error).message}` },
      identity: target,
    };
  }
  return { result: await afterSignal(deps, target, signal, SIGNAL_NAMES[signal]), identity: target };
}
