// Closing one TCP connection without touching its process. Linux: sock_diag SOCK_DESTROY through `ss -K`
// with the exact four-tuple, each part its own argv entry. Windows: SetTcpEntry(DELETE_TCB) on IPv4, called
// from a constant PowerShell script that takes the tuple from environment variables. macOS has no
// interface for it.
import { once } from 'node:events';
import { readFile, readdir, readlink } from 'node:fs/promises';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { release } from 'node:os';
import { gunzipSync } from 'node:zlib';
import type { Capability, CloseResult, RequestParams } from '../../shared/protocol.js';
import type { RunCommand } from './command.js';
import { normalizeTcpState } from '../collectors/connections/endpoints.js';
import { findExecutable } from './elevate.js';
import type { ProcessIdentity } from './process-identity.js';
import { isUnspecified } from '../../shared/address.js';
import { CLOSABLE_TCP_STATES } from '../../shared/types.js';
import { isValidPort, parseNumericAddress, type ParsedAddress } from './validation.js';

export type CloseParams = RequestParams<'closeConnection'>;

export interface Tuple {
  family: 'inet' | 'inet6';
  local: ParsedAddress;
  localPort: number;
  remote: ParsedAddress;
  remotePort: number;
}

/** Re-checks the four-tuple where it is used; returns why not when it does not describe one connection. */
export function checkTuple(p: CloseParams): Tuple | string {
  if (p.proto !== 'tcp') return 'only TCP connections can be closed';
  if (p.family !== 'inet' && p.family !== 'inet6') return `unknown address family ${JSON.stringify(p.family)}`;
  const local = parseNumericAddress(p.localAddress);
  const remote = parseNumericAddress(p.remoteAddress);
  if (!local || !remote) return 'the addresses must be numeric IPv4 or IPv6 addresses';
  if (local.family !== p.family || remote.family !== p.family) return `the addresses are not ${p.family} addresses`;
  if (!isValidPort(p.localPort) || !isValidPort(p.remotePort)) return 'ports must be integers from 0 to 65535';
  if (p.localPort === 0 || p.remotePort === 0 || isUnspecified(local.address) || isUnspecified(remote.address)) {
    return 'this is not an established connection (an address or port is unspecified)';
  }
  return { family: p.family, local, localPort: p.localPort, remote, remotePort: p.remotePort };
}

// ---------------------------------------------------------------------------------------------
// Linux

function ssHost(a: ParsedAddress): string {
  // ss needs IPv6 hosts in brackets; the zone is not part of the four-tuple and ss's host syntax has none.
  return a.family === 'inet6' ? `[${a.address}]` : a.address;
}

/** The ss expression for exactly this connection: `src A sport = :P dst B dport = :Q`. */
function ssTupleExpression(t: Tuple): string[] {
  return [
    'src',
    ssHost(t.local),
    'sport',
    '=',
    `:${t.localPort}`,
    'dst',
    ssHost(t.remote),
    'dport',
    '=',
    `:${t.remotePort}`,
  ];
}

function ssFamily(t: Tuple): string {
  return t.family === 'inet' ? '-4' : '-6';
}

/** ss's words for CLOSABLE_TCP_STATES in its state filter. */
const SS_STATE: Readonly<Record<string, string>> = {
  ESTABLISHED: 'established',
  SYN_SENT: 'syn-sent',
  SYN_RECV: 'syn-recv',
  FIN_WAIT1: 'fin-wait-1',
  FIN_WAIT2: 'fin-wait-2',
  CLOSE_WAIT: 'close-wait',
  LAST_ACK: 'last-ack',
  CLOSING: 'closing',
};
const SS_CLOSABLE = [...CLOSABLE_TCP_STATES].map((st) => SS_STATE[st]!);

/** Destroys the socket with this four-tuple, if it is open at an end (CLOSABLE_TCP_STATES): `ss -K ... state
 *  established state close-wait … <tuple>`. */
export function linuxCloseArgs(t: Tuple): string[] {
  return ['-K', '-H', '-n', '-t', ssFamily(t), ...SS_CLOSABLE.flatMap((st) => ['state', st]), ...ssTupleExpression(t)];
}

/** Lists the socket with this four-tuple in any state, the state first: to explain why nothing was closed. */
export function linuxListArgs(t: Tuple): string[] {
  return ['-H', '-n', '-t', ssFamily(t), 'state', 'all', ...ssTupleExpression(t)];
}

/** The socket with this four-tuple with its inode (`ino:N`): no process names, which any user can choose. */
export function linuxInodeArgs(t: Tuple): string[] {
  return ['-H', '-n', '-t', '-e', ssFamily(t), 'state', 'all', ...ssTupleExpression(t)];
}

/** Whether pid has the socket with this inode open, from its fd links (not from a client's word). */
async function holdsSocket(pid: number, inode: number): Promise<boolean> {
  let fds: string[];
  try {
    fds = await readdir(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  for (const fd of fds) {
    const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    if (link === `socket:[${inode}]`) return true;
  }
  return false;
}

/**
 * Checked before the connection is closed (Linux, with ss). `owner`: the owner a client names, for the action log,
 * when the OS confirms it: the pid holds this very socket (the inode ss reports, found among the pid's fds), its
 * name and start time then read from the OS, never taken from the client (null `owner` when it cannot be
 * verified). `refused`: the client named the socket's inode and the socket with these ends now has another, so the
 * connection it confirmed ended and another took its ends (attack review of 12-06: a Close confirmed long before
 * it ran); that one is not closed. Whose the socket is never refuses a close (a process that forked and exited
 * leaves the same socket to its child; another user's fds may be unreadable). null when nothing can be told.
 */
export async function verifiedCloseOwner(
  deps: CloseDeps,
  params: CloseParams,
  identity: (pid: number) => Promise<ProcessIdentity | null>,
): Promise<{ owner: { pid: number; name: string; startTime: number | null } | null } | { refused: string } | null> {
  const claimed = params.owner;
  const t = checkTuple(params);
  if ((!claimed && params.inode === undefined) || typeof t === 'string' || deps.platform !== 'linux') return null;
  const support = await deps.linuxSupport();
  if (support.ssPath === null) return null;
  const r = await deps.run(support.ssPath, linuxInodeArgs(t), { timeoutMs: 10_000 });
  const inode = Number(/\bino:(\d+)\b/.exec(r.stdout)?.[1] ?? 0);
  if (!(inode > 0)) return null;
  if (params.inode !== undefined && params.inode !== inode)
    return {
      refused: `${describe(t)} not closed: it is another connection now (socket ${inode}, not ${params.inode}); look at it again`,
    };
  if (!claimed || !(await holdsSocket(claimed.pid, inode))) return { owner: null };
  const id = await identity(claimed.pid).catch(() => null);
  if (!id || (claimed.startTime !== null && id.startTime !== claimed.startTime)) return { owner: null };
  return { owner: { pid: id.pid, name: id.name, startTime: id.startTime } };
}

const CAP_NET_ADMIN = 12;

/** Whether CapEff in /proc/[pid]/status holds CAP_NET_ADMIN. */
export function hasNetAdmin(status: string): boolean | null {
  const m = /^CapEff:\s*([0-9a-fA-F]+)\s*$/m.exec(status);
  if (!m?.[1]) return null;
  return ((BigInt(`0x${m[1]}`) >> BigInt(CAP_NET_ADMIN)) & 1n) === 1n;
}

/** CONFIG_INET_DIAG_DESTROY in a kernel config text: true, false, or null when the text does not say. */
export function configHasInetDiagDestroy(config: string): boolean | null {
  if (/^CONFIG_INET_DIAG_DESTROY=y\s*$/m.test(config)) return true;
  if (/^# CONFIG_INET_DIAG_DESTROY is not set\s*$/m.test(config)) return false;
  if (/^CONFIG_INET_DIAG=/m.test(config)) return false; // a full config that does not mention it: absent
  return null;
}

async function kernelConfigSays(): Promise<boolean | null> {
  try {
    const r = configHasInetDiagDestroy(gunzipSync(await readFile('/proc/config.gz')).toString('utf8'));
    if (r !== null) return r;
  } catch {
    // no /proc/config.gz (CONFIG_IKCONFIG_PROC off): try /boot next
  }
  try {
    return configHasInetDiagDestroy(await readFile(`/boot/config-${release()}`, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * When the kernel config is nowhere to be read: destroy a loopback connection this probe opened itself and
 * see whether ss reports it closed (ss -K silently skips sockets the kernel cannot destroy).
 */
export async function probeSockDestroy(run: RunCommand, ssPath: string): Promise<boolean> {
  const server = createServer((s) => s.on('error', () => {}));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  let client: Socket | null = null;
  try {
    client = connect(port, '127.0.0.1');
    client.on('error', () => {}); // the probe expects to be reset
    await once(client, 'connect');
    const t = checkTuple({
      proto: 'tcp',
      family: 'inet',
      localAddress: '127.0.0.1',
      localPort: client.localPort ?? 0,
      remoteAddress: '127.0.0.1',
      remotePort: port,
    });
    if (typeof t === 'string') return false;
    const r = await run(ssPath, linuxCloseArgs(t), { timeoutMs: 5000 });
    return r.code === 0 && r.stdout.trim() !== '';
  } finally {
    client?.destroy();
    server.close();
  }
}

export interface LinuxCloseSupport {
  ssPath: string | null;
  netAdmin: boolean;
  destroy: boolean | null;
}

export function linuxCloseCapability(s: LinuxCloseSupport): Capability {
  if (s.ssPath === null) return { available: false, reason: 'ss (iproute2) is not installed' };
  if (!s.netAdmin) {
    return {
      available: false,
      reason: 'closing a connection needs CAP_NET_ADMIN: run NetLens as root (or grant it that capability)',
    };
  }
  if (s.destroy === false) {
    return { available: false, reason: 'this kernel cannot destroy sockets (built without CONFIG_INET_DIAG_DESTROY)' };
  }
  if (s.destroy === null) return { available: false, reason: 'could not tell whether this kernel can destroy sockets' };
  return { available: true, reason: null };
}

/** socketProbe false: never open the loopback pair (the privileged agent opens no socket at all). */
export async function probeLinuxCloseSupport(run: RunCommand, socketProbe = true): Promise<LinuxCloseSupport> {
  const ssPath = await findExecutable('ss');
  let netAdmin = false;
  try {
    netAdmin = hasNetAdmin(await readFile('/proc/self/status', 'utf8')) ?? false;
  } catch {
    netAdmin = false;
  }
  let destroy: boolean | null = null;
  if (ssPath !== null && netAdmin) {
    destroy = await kernelConfigSays();
    if (destroy === null && socketProbe) destroy = await probeSockDestroy(run, ssPath).catch(() => null);
  }
  return { ssPath, netAdmin, destroy };
}

async function closeLinux(run: RunCommand, support: LinuxCloseSupport, t: Tuple): Promise<CloseResult> {
  const cap = linuxCloseCapability(support);
  if (!cap.available || support.ssPath === null) {
    return { outcome: support.netAdmin ? 'unsupported' : 'denied', message: cap.reason ?? 'not available' };
  }
  const r = await run(support.ssPath, linuxCloseArgs(t), { timeoutMs: 10_000 });
  if (r.error) return { outcome: 'failed', message: `ss could not run: ${r.error.message}` };
  // ss prints each socket it destroyed; a refusal only shows on stderr (and the exit code stays 0).
  if (r.stdout.trim() !== '') return { outcome: 'closed', message: `Closed ${describe(t)}` };
  if (/not permitted/i.test(r.stderr))
    return { outcome: 'denied', message: `Permission denied closing ${describe(t)}` };
  if (r.code !== 0) return { outcome: 'failed', message: `ss failed: ${r.stderr.trim().slice(0, 300)}` };
  const still = await run(support.ssPath, linuxListArgs(t), { timeoutMs: 10_000 });
  const state = still.stdout.trim().split(/\s+/)[0];
  if (!state) return { outcome: 'gone', message: `${describe(t)} no longer exists` };
  const named = normalizeTcpState(state) ?? state;
  if (CLOSABLE_TCP_STATES.has(named)) return { outcome: 'failed', message: `The kernel did not close ${describe(t)}` };
  return {
    outcome: 'failed',
    message: `${describe(t)} is in state ${named}: only a connection open at an end (established, closing) can be closed`,
  };
}

function endpoint(a: ParsedAddress, port: number): string {
  return a.family === 'inet6' ? `[${a.address}]:${port}` : `${a.address}:${port}`;
}

export function describe(t: Tuple): string {
  return `${endpoint(t.local, t.localPort)} → ${endpoint(t.remote, t.remotePort)}`;
}

// ---------------------------------------------------------------------------------------------
// Windows

/**
 * SetTcpEntry with MIB_TCP_STATE_DELETE_TCB (12). The tuple comes from NETLENS_* environment variables and
 * is parsed by [IPAddress] and [uint16]; the script text never changes. Addresses and ports go into
 * MIB_TCPROW in network byte order: the address bytes as they are, the port in the low 16 bits, swapped.
 */
export const WINDOWS_CLOSE_SCRIPT = `$ErrorActionPreference = 'Stop'
Add-Type -Namespace NetLens -Name Tcp -MemberDefinition @'
[StructLayout(LayoutKind.Sequential)]
public struct MIB_TCPROW { public uint dwState; public uint dwLocalAddr; public uint dwLocalPort; public uint dwRemoteAddr; public uint dwRemotePort; }
[DllImport("iphlpapi.dll")]
public static extern uint SetTcpEntry(ref MIB_TCPROW row);
'@
function Addr([string]$s) { $a = [System.Net.IPAddress]::Parse($s); if ($a.AddressFamily -ne 'InterNetwork') { throw 'not IPv4' }; [BitConverter]::ToUInt32($a.GetAddressBytes(), 0) }
function Port([string]$s) { $p = [uint32][uint16]$s; (($p -band 0xFF) -shl 8) -bor ($p -shr 8) }
$row = New-Object 'NetLens.Tcp+MIB_TCPROW'
$row.dwState = 12
$row.dwLocalAddr = Addr $env:NETLENS_LADDR
$row.dwLocalPort = Port $env:NETLENS_LPORT
$row.dwRemoteAddr = Addr $env:NETLENS_RADDR
$row.dwRemotePort = Port $env:NETLENS_RPORT
Write-Output ([NetLens.Tcp]::SetTcpEntry([ref]$row))
`;

/** PowerShell's -EncodedCommand: base64 of the UTF-16LE script, so a multi-line script survives argv. */
export function encodePowerShell(script: string): string {
  return Buffer.from(script, 'utf16le').toString('base64');
}

export function windowsCloseCommand(t: Tuple): { file: string; args: string[]; env: Record<string, string> } {
  return {
    file: 'powershell.exe',
    args: [
      '-NoProfile',
      '-NonInteractive',
      '-ExecutionPolicy',
      'Bypass',
      '-EncodedCommand',
      encodePowerShell(WINDOWS_CLOSE_SCRIPT),
    ],
    env: {
      NETLENS_LADDR: t.local.address,
      NETLENS_LPORT: String(t.localPort),
      NETLENS_RADDR: t.remote.address,
      NETLENS_RPORT: String(t.remotePort),
    },
  };
}

const ERROR_ACCESS_DENIED = 5;
const ERROR_MR_MID_NOT_FOUND = 317; // what SetTcpEntry answers when the caller is not elevated
const ERROR_NOT_FOUND = 1168;

export function interpretWindowsClose(t: Tuple, stdout: string): CloseResult {
  const code = Number(stdout.trim().split(/\s+/).pop());
  if (!Number.isInteger(code))
    return { outcome: 'failed', message: `unexpected answer from SetTcpEntry: ${stdout.trim().slice(0, 200)}` };
  if (code === 0) return { outcome: 'closed', message: `Closed ${describe(t)}` };
  if (code === ERROR_ACCESS_DENIED || code === ERROR_MR_MID_NOT_FOUND) {
    return { outcome: 'denied', message: 'closing a connection needs NetLens to run as administrator' };
  }
  if (code === ERROR_NOT_FOUND) return { outcome: 'gone', message: `${describe(t)} no longer exists` };
  return { outcome: 'failed', message: `SetTcpEntry failed with error ${code}` };
}

async function closeWindows(run: RunCommand, t: Tuple): Promise<CloseResult> {
  if (t.family !== 'inet') {
    return {
      outcome: 'unsupported',
      message: 'Windows can only close IPv4 connections (SetTcpEntry has no IPv6 form)',
    };
  }
  const c = windowsCloseCommand(t);
  const r = await run(c.file, c.args, { env: c.env, timeoutMs: 30_000 });
  if (r.error || r.code !== 0) {
    return { outcome: 'failed', message: `PowerShell failed: ${(r.error?.message ?? r.stderr.trim()).slice(0, 300)}` };
  }
  return interpretWindowsClose(t, r.stdout);
}

export const WINDOWS_ADMIN_SCRIPT =
  '([Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent()).IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)';

export async function windowsCloseCapability(run: RunCommand): Promise<Capability> {
  const r = await run('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', WINDOWS_ADMIN_SCRIPT], {
    timeoutMs: 30_000,
  });
  if (r.error || r.code !== 0)
    return { available: false, reason: 'could not tell whether NetLens runs as administrator' };
  if (r.stdout.trim() === 'True') return { available: true, reason: null };
  return { available: false, reason: 'closing a connection needs NetLens to run as administrator (SetTcpEntry)' };
}

export const DARWIN_CLOSE_REASON = 'macOS has no public interface to close a single TCP connection';

// ---------------------------------------------------------------------------------------------

export interface CloseDeps {
  platform: NodeJS.Platform;
  run: RunCommand;
  linuxSupport: () => Promise<LinuxCloseSupport>;
}

export async function closeConnection(
  deps: CloseDeps,
  params: CloseParams,
): Promise<{ result: CloseResult; target: string | null }> {
  const t = checkTuple(params);
  if (typeof t === 'string') return { result: { outcome: 'failed', message: `refused: ${t}` }, target: null };
  const target = `${endpoint(t.local, t.localPort)} -> ${endpoint(t.remote, t.remotePort)}`;
  if (deps.platform === 'linux') return { result: await closeLinux(deps.run, await deps.linuxSupport(), t), target };
  if (deps.platform === 'win32') return { result: await closeWindows(deps.run, t), target };
  if (deps.platform === 'darwin') return { result: { outcome: 'unsupported', message: DARWIN_CLOSE_REASON }, target };
  return { result: { outcome: 'unsupported', message: `not supported on ${deps.platform}` }, target };
}
