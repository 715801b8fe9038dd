// "Kill as administrator…": asking the OS for rights the backend does not have, per OS. The pid is always a
// validated integer; it reaches pkexec and taskkill as its own argv entry, and the only place it is
// interpolated into source text is the osascript line, which macOS runs through /bin/sh as root. That is
// why it is re-validated right here, immediately before the string is built.
import { access, readdir, readFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Capability } from '../../shared/protocol.js';
import type { CommandResult } from './command.js';
import { isValidPid } from './validation.js';

export type KillSignal = 'TERM' | 'KILL';

export interface ElevatedCommand {
  file: string;
  args: string[];
  env?: Record<string, string>;
}

/** Windows: a constant script; the pid and the force flag come from the environment, never from source. */
export const WINDOWS_ELEVATED_KILL_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  '$id = [uint32]$env:NETLENS_PID',
  "$argv = @('/PID', [string]$id)",
  "if ($env:NETLENS_FORCE -eq '1') { $argv += @('/T', '/F') }",
  "$p = Start-Process -FilePath 'taskkill.exe' -ArgumentList $argv -Verb RunAs -WindowStyle Hidden -Wait -PassThru",
  'exit $p.ExitCode',
].join('; ');

/**
 * Linux: a constant script run as root by pkexec, its values as positional arguments (never source). The
 * password prompt may take minutes, in which the process may exit and its pid be reused: right before
 * signalling, as root, it re-reads the start time (field 22 of /proc/PID/stat, after the last `) ` since
 * comm may hold anything) and Tgid, and refuses with exit 3 unless both still match. Pure sh, no tools.
 */
// biome-ignore-start lint/suspicious/noTemplateCurlyInString: a shell script, whose ${…} are shell expansions.
export const LINUX_ELEVATED_KILL_SCRIPT = [
  'p=$1; want=$2; sig=$3; t=',
  's=$(cat "/proc/$p/stat" 2>/dev/null) || { echo "kill: ($p) - No such process" >&2; exit 1; }',
  'while read -r k v rest; do [ "$k" = "Tgid:" ] && t=$v; done < "/proc/$p/status"',
  's=${s##*) }',
  'set -f; set -- $s',
  'if [ "${20}" != "$want" ] || [ "$t" != "$p" ]; then echo "netlens: PID $p is no longer the process that was confirmed" >&2; exit 3; fi',
  'exec kill -s "$sig" "$p"',
].join('\n');
// biome-ignore-end lint/suspicious/noTemplateCurlyInString: the script ends here.
/** The exit code of LINUX_ELEVATED_KILL_SCRIPT when the process changed while the prompt was open. */
export const ELEVATED_PROCESS_CHANGED = 3;

function assertPid(pid: number): void {
  if (!isValidPid(pid)) throw new Error(`invalid pid ${String(pid)}`);
}

export function elevatedKillCommand(
  platform: NodeJS.Platform,
  pid: number,
  signal: KillSignal,
  pkexecPath = 'pkexec',
  startTicks?: number,
): ElevatedCommand {
  assertPid(pid);
  if (platform === 'linux') {
    if (startTicks === undefined || !Number.isSafeInteger(startTicks))
      return { file: pkexecPath, args: ['kill', `-${signal}`, String(pid)] };
    return {
      file: pkexecPath,
      args: ['/bin/sh', '-c', LINUX_ELEVATED_KILL_SCRIPT, 'netlens-kill', String(pid), String(startTicks), signal],
    };
  }
  if (platform === 'darwin') {
    const line = `do shell script "/bin/kill -${signal} ${String(Math.trunc(pid))}" with administrator privileges`;
    return { file: '/usr/bin/osascript', args: ['-e', line] };
  }
  if (platform === 'win32') {
    return {
      file: 'powershell.exe',
      args: ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', WINDOWS_ELEVATED_KILL_SCRIPT],
      env: { NETLENS_PID: String(pid), NETLENS_FORCE: signal === 'KILL' ? '1' : '0' },
    };
  }
  throw new Error(`no elevation on ${platform}`);
}

export type ElevatedOutcome =
  | { kind: 'done' }
  | { kind: 'changed'; message: string }
  | { kind: 'gone' }
  | { kind: 'cancelled'; message: string }
  | { kind: 'failed'; message: string };

function tail(r: CommandResult): string {
  return (r.error?.message ?? (r.stderr.trim() || r.stdout.trim() || `exit code ${String(r.code)}`)).slice(0, 300);
}

/** What the elevation helper's exit says, per OS (pkexec 126/127, osascript -128, UAC cancelled). */
export function interpretElevatedResult(platform: NodeJS.Platform, r: CommandResult): ElevatedOutcome {
  if (r.error) return { kind: 'failed', message: `could not start the elevation helper: ${r.error.message}` };
  if (r.code === 0) return { kind: 'done' };
  const text = `${r.stderr}\n${r.stdout}`;
  if (platform === 'linux') {
    if (r.code === 126)
      return { kind: 'cancelled', message: 'administrator authentication was dismissed or not authorized' };
    if (r.code === 127) return { kind: 'failed', message: `pkexec could not authenticate: ${tail(r)}` };
    if (r.code === ELEVATED_PROCESS_CHANGED && /no longer the process/.test(text))
      return {
        kind: 'changed',
        message:
          'the process changed while the administrator prompt was open (it exited and its PID was reused); nothing was signalled',
      };
    if (/no such process/i.test(text)) return { kind: 'gone' };
  }
  if (platform === 'darwin') {
    if (/-128\b|user canceled/i.test(text))
      return { kind: 'cancelled', message: 'the administrator password prompt was cancelled' };
    if (/no such process/i.test(text)) return { kind: 'gone' };
  }
  if (platform === 'win32') {
    if (/cancel+ed by the user/i.test(text))
      return { kind: 'cancelled', message: 'the administrator (UAC) prompt was cancelled' };
    // taskkill exits 128 when the pid does not exist.
    if (r.code === 128) return { kind: 'gone' };
  }
  return { kind: 'failed', message: tail(r) };
}

// ---------------------------------------------------------------------------------------------
// Can "Kill as administrator…" be offered?

/** Processes that answer polkit's authentication requests in a desktop session. */
export const POLKIT_AGENT_NAMES: readonly string[] = [
  'polkit-gnome-au', // polkit-gnome-authentication-agent-1 (comm is cut to 15 characters)
  'polkit-kde-auth',
  'polkit-mate-aut',
  'polkit-efl-auth',
  'lxpolkit',
  'lxqt-policykit-',
  'xfce-polkit',
  'mate-polkit',
  'hyprpolkitagent',
  'soteria',
  'budgie-polkit-d',
  'gnome-shell', // has its own agent built in
  'cinnamon', // likewise
];

export interface LinuxElevationProbe {
  uid: number;
  pkexecPath: string | null;
  agentRunning: boolean;
  graphicalSession: boolean;
}

export function linuxElevationCapability(p: LinuxElevationProbe): Capability {
  if (p.uid === 0) return { available: false, reason: 'NetLens already runs as root' };
  const missing: string[] = [];
  if (p.pkexecPath === null) missing.push('pkexec is not installed (package polkit / pkexec)');
  if (!p.agentRunning && !p.graphicalSession) {
    missing.push(
      'no polkit authentication agent is running and there is no graphical session to show a password prompt',
    );
  }
  return missing.length === 0 ? { available: true, reason: null } : { available: false, reason: missing.join('; ') };
}

export async function findExecutable(name: string, pathVar = process.env.PATH ?? ''): Promise<string | null> {
  const dirs = [...pathVar.split(delimiter).filter(Boolean), '/usr/bin', '/bin', '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

export async function polkitAgentRunning(procRoot = '/proc'): Promise<boolean> {
  let entries: string[];
  try {
    entries = await readdir(procRoot);
  } catch {
    return false;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const comm = (await readFile(`${procRoot}/${e}/comm`, 'utf8')).trim();
      if (POLKIT_AGENT_NAMES.includes(comm)) return true;
    } catch {
      // exited while we looked
    }
  }
  return false;
}

export async function probeLinuxElevation(env: NodeJS.ProcessEnv = process.env): Promise<LinuxElevationProbe> {
  return {
    uid: process.getuid?.() ?? -1,
    pkexecPath: await findExecutable('pkexec', env.PATH ?? ''),
    agentRunning: await polkitAgentRunning(),
    graphicalSession: Boolean(env.WAYLAND_DISPLAY || env.DISPLAY),
  };
}

export async function elevationCapability(platform: NodeJS.Platform): Promise<Capability> {
  if (platform === 'linux') return linuxElevationCapability(await probeLinuxElevation());
  if (platform === 'darwin') {
    if (process.getuid?.() === 0) return { available: false, reason: 'NetLens already runs as root' };
    return (await findExecutable('osascript'))
      ? { available: true, reason: null }
      : { available: false, reason: 'osascript is missing' };
  }
  // Windows: Start-Process -Verb RunAs shows the UAC prompt whenever UAC is on; PowerShell ships with Windows.
  if (platform === 'win32') return { available: true, reason: null };
  return { available: false, reason: `not supported on ${platform}` };
}
