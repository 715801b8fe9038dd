// What /proc and /etc/passwd say about a process, parsed in one place. The socket owners put a process's
// start time in every row and the kill action's PID-reuse guard (actions/process-identity.ts) reads it again
// and compares it exactly before signalling: the guard is only as good as the two agreeing, so both use
// these functions (and process-start-time.ts for the arithmetic).
import { linuxStartTimeFromTicks } from '../process-start-time.js';

/** PF_KTHREAD in /proc/[pid]/stat field 9 (flags). */
export const PF_KTHREAD = 0x00200000;
/** kthreadd: the parent of every kernel thread. */
const KTHREADD_PID = 2;

export interface LinuxStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  flags: number;
  /** Field 22: clock ticks after boot. */
  startTicks: number;
}

/**
 * Parses one /proc/[pid]/stat line. comm (field 2) is in parentheses and may itself contain spaces and
 * parentheses ("a) b (c"), so it runs from the first '(' to the LAST ')'.
 */
export function parseLinuxStat(line: string): LinuxStat | null {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 1 || close < open) return null;
  const pid = Number(line.slice(0, open).trim());
  const rest = line
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  // rest[0] is field 3 (state), so field N is rest[N - 3].
  const state = rest[0];
  const ppid = Number(rest[1]);
  const flags = Number(rest[6]);
  const startTicks = Number(rest[19]);
  if (!Number.isSafeInteger(pid) || state === undefined || !/^[A-Za-z]$/.test(state)) return null;
  if (!Number.isSafeInteger(ppid) || !Number.isSafeInteger(flags) || !Number.isSafeInteger(startTicks)) return null;
  return { pid, comm: line.slice(open + 1, close), state, ppid, flags, startTicks };
}

/** The boot time in seconds since the epoch, from the `btime` line of /proc/stat. */
export function parseBtime(procStat: string): number | null {
  const m = /^btime\s+(\d+)\s*$/m.exec(procStat);
  return m ? Number(m[1]) : null;
}

/** Start time in ms since the epoch of the process a /proc/[pid]/stat line describes, or null if malformed. */
export function linuxStartTimeMs(statLine: string, btime: number): number | null {
  const stat = parseLinuxStat(statLine);
  return stat ? linuxStartTimeFromTicks(stat.startTicks, btime) : null;
}

export function isLinuxKernelThread(stat: LinuxStat): boolean {
  return (stat.flags & PF_KTHREAD) !== 0 || stat.pid === KTHREADD_PID || stat.ppid === KTHREADD_PID;
}

/** The thread group id from the Tgid: line of /proc/[pid]/status (equal to the pid for a process). */
export function parseStatusTgid(status: string): number | null {
  const m = /^Tgid:\s+(\d+)/m.exec(status);
  return m ? Number(m[1]) : null;
}

/** The Uid: line of /proc/[pid]/status: real, effective, saved set and filesystem uid. */
const STATUS_UIDS = /^Uid:[\t ]+(\d{1,10})[\t ]+(\d{1,10})[\t ]+(\d{1,10})[\t ]+(\d{1,10})[\t ]*$/m;

/** The real uid from the Uid: line of /proc/[pid]/status: the one kill(2) compares (with the saved set uid)
 *  against the sender's, so the kill action names it when a signal is refused. */
export function parseStatusUid(status: string): number | null {
  const m = STATUS_UIDS.exec(status);
  return m ? Number(m[1]) : null;
}

/**
 * The uid a process runs as, the one place its user is decided (the local socket owners and a remote host's
 * procstat both call it): the EFFECTIVE uid, the second field of the Uid: line, as `ps -o user` shows it.
 * Not the owner of /proc/<pid>: for a process that is not dumpable (a setuid program, sshd's privilege-separated
 * children, anything that called prctl(PR_SET_DUMPABLE, 0)) the kernel makes its files root's, and the folder
 * itself too before Linux 4.11. Not the real uid (the first field) either, which stays root in a daemon that
 * took another user's effective uid only.
 */
export function processUserUid(status: string): number | null {
  const m = STATUS_UIDS.exec(status);
  return m ? Number(m[2]) : null;
}

/** uid -> user name from /etc/passwd text: the first entry of each uid (of those `wanted`, when given: a remote
 *  host's passwd may list millions); comments and malformed lines are skipped. */
export function parsePasswd(text: string, wanted?: ReadonlySet<number>): Map<number, string> {
  const users = new Map<number, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const parts = line.split(':', 4);
    const name = parts[0];
    const uid = Number(parts[2]);
    if (!name || parts.length < 3 || !Number.isInteger(uid) || uid < 0) continue;
    if (wanted && !wanted.has(uid)) continue;
    if (!users.has(uid)) users.set(uid, name);
  }
  return users;
}

/** One uid's name from /etc/passwd text (the kill action reads the file once per request). */
export function userFromPasswd(passwd: string, uid: number): string | null {
  return parsePasswd(passwd).get(uid) ?? null;
}

/** The kernel keeps TASK_COMM_LEN - 1 bytes of a process's name (comm). */
export const COMM_MAX_BYTES = 15;
/** The longest name of a file (NAME_MAX): a full name taken from argv[0] is at most this long. */
const NAME_MAX_BYTES = 255;

/**
 * A process's name from its comm's bytes (the trailing newline dropped): UTF-8, less a character the kernel's cut at
 * 15 bytes split (which would read as U+FFFD: "ünïcødé-с�"), and where that cut may have shortened it, the name in
 * full as ps's and psutil's users know it: the base name of argv[0] (`cmdline`, its arguments joined by spaces), else
 * of the executable (`exe`), when it begins with what comm kept ("chrome_crashpad" → "chrome_crashpad_handler",
 * "systemd-journal" → "systemd-journald"; a new user's review of 12-06). A process that named itself otherwise keeps
 * its own name.
 */
export function processName(comm: Buffer, cmdline: string, exe: string | null): string {
  let bytes = comm;
  if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0a) bytes = bytes.subarray(0, bytes.length - 1);
  // A streaming decode returns whole characters only: the bytes of one cut short are held back, not replaced.
  const name = new TextDecoder('utf-8').decode(bytes, { stream: true });
  if (bytes.length < COMM_MAX_BYTES || name === '') return name;
  const space = cmdline.indexOf(' ');
  const argv0 = space < 0 ? cmdline : cmdline.slice(0, space);
  for (const path of [argv0, exe?.replace(/ \(deleted\)$/, '') ?? '']) {
    const base = path.slice(path.lastIndexOf('/') + 1);
    // Longer than a file's name can be (NAME_MAX), it is not one: a process's own choice, 4,096 bytes of it.
    if (base.length > name.length && base.startsWith(name) && Buffer.byteLength(base) <= NAME_MAX_BYTES) return base;
  }
  return name;
}
