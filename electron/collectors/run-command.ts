// The one way NetLens runs a program to completion and reads what it said: collectors (netstat, ss, ip, ps),
// actions (kill, close, the elevated helpers that actions/elevate.ts builds as argv) and the firewall check all
// come here. Always an argument array, never a shell, so no value from a request or a capture is ever parsed as
// shell syntax. Nothing throws: every way a run can end is a case of RunResult, and the callers turn the
// failures into diagnostics or action outcomes.
//
// Long-lived children that stream (the PowerShell helper, `ss -E`, the agent, ssh) are not run here: they are
// conversations, not runs. Elevation is not an option either: each OS needs its own argv (pkexec with a
// constant script, osascript, Start-Process -Verb RunAs) built from validated values in actions/elevate.ts,
// which then runs here like any other program.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import type { Collector } from './collector.js';
import type { DatasetResult } from '../../shared/types.js';
import { emptyDiagnostics } from '../../shared/types.js';

export interface RunOptions {
  /** Default 10 s; the child is killed after it. */
  timeoutMs?: number;
  /** Turns stdout bytes into text; UTF-8 unless the tool writes in another code page (Windows OEM). */
  decode?: (bytes: Buffer) => string;
  /** Output beyond this is cut off (a runaway tool must not exhaust memory); the result says so. */
  maxBytes?: number;
  /** Write stdout to this file (created or truncated; the caller owns its folder) and read it back at the
   *  end. A pipe holds 64 KiB: a tool with megabytes to say waits on it whenever this thread is busy, so
   *  its run cannot overlap the caller's own work; a file never makes it wait. */
  stdoutFile?: string;
  /** Write stderr to this file and read its start back at the end. A pipe to a child is a socket pair,
   *  which a connections reading taken meanwhile lists as this process's own: a collector that runs a tool
   *  every tick while connections are read (ss for traffic) would add one row of its own per tick. */
  stderrFile?: string;
  /** Entries added to this process's environment; values reach the program as data, never as code. */
  env?: Record<string, string>;
}

/** Why a run produced no exit code. */
export type RunFailure = 'not-installed' | 'not-started' | 'timeout' | 'signal' | 'output-unreadable';

export type RunResult =
  | {
      status: 'exited';
      code: number;
      stdout: string;
      stderr: string;
      /** stdout was longer than maxBytes and was cut there. */
      truncated: boolean;
    }
  | {
      status: 'failed';
      reason: RunFailure;
      /** For a person: names the program and what went wrong. */
      message: string;
      /** The errno of a failure to start (ENOENT, EACCES), when there was one. */
      errno?: string;
      stdout: string;
      stderr: string;
    };

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
/** After the timeout's SIGTERM, how long a child has to end before SIGKILL. */
export const KILL_GRACE_MS = 1000;
/** stderr is for messages: the first chunks are kept, the rest dropped. */
const MAX_STDERR_CHUNKS = 64;
/** The same bound for a stderr spool file (64 chunks of a 64 KiB pipe). */
const MAX_STDERR_BYTES = 64 * 64 * 1024;

export function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const {
    timeoutMs = DEFAULT_TIMEOUT_MS,
    decode = (b: Buffer) => b.toString('utf8'),
    maxBytes = DEFAULT_MAX_BYTES,
    stdoutFile,
    stderrFile,
    env,
  } = options;
  const failed = (reason: RunFailure, message: string, extra: Partial<RunResult> = {}): RunResult => ({
    stdout: '',
    stderr: '',
    ...extra,
    status: 'failed',
    reason,
    message,
  });
  return new Promise((resolve) => {
    let child: ReturnType<typeof spawn>;
    let outFd: number | null = null;
    let errFd: number | null = null;
    try {
      if (stdoutFile !== undefined) outFd = fs.openSync(stdoutFile, 'w', 0o600);
      if (stderrFile !== undefined) errFd = fs.openSync(stderrFile, 'w', 0o600);
      child = spawn(file, [...args], {
        stdio: ['ignore', outFd ?? 'pipe', errFd ?? 'pipe'],
        shell: false,
        windowsHide: true,
        env: env ? { ...process.env, ...env } : process.env,
      });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      resolve(failed('not-started', `${file}: ${e instanceof Error ? e.message : String(e)}`, errnoOf(e)));
      return;
    } finally {
      // The child has its own copy of the descriptors.
      if (outFd !== null) fs.closeSync(outFd);
      if (errFd !== null) fs.closeSync(errFd);
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (r: RunResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    // A child that ignores SIGTERM must not hold the caller: the run ends at the timeout, whatever the child does,
    // and the child gets SIGKILL after KILL_GRACE_MS (else every timed-out read of a stuck tool leaves one behind).
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    const timer = setTimeout(() => {
      child.kill();
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
      finish(failed('timeout', `${file} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('exit', () => clearTimeout(killTimer));
    child.stdout?.on('data', (b: Buffer) => {
      size += b.length;
      if (size <= maxBytes) out.push(b);
      else if (size - b.length < maxBytes) out.push(b.subarray(0, maxBytes - (size - b.length)));
    });
    child.stderr?.on('data', (b: Buffer) => {
      if (err.length < MAX_STDERR_CHUNKS) err.push(b);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') finish(failed('not-installed', `${file} is not installed`, errnoOf(e)));
      else finish(failed('not-started', `${file}: ${e.message}`, errnoOf(e)));
    });
    child.on('close', (code, signal) => {
      let truncated = size > maxBytes;
      try {
        if (stdoutFile !== undefined) {
          const spooled = readSpool(stdoutFile, maxBytes);
          truncated = spooled.truncated;
          out.push(spooled.bytes);
        }
        if (stderrFile !== undefined) err.push(readSpool(stderrFile, MAX_STDERR_BYTES).bytes);
      } catch (e) {
        finish(
          failed(
            'output-unreadable',
            `${file}: reading its output failed: ${e instanceof Error ? e.message : String(e)}`,
          ),
        );
        return;
      }
      // One chunk (the spool file) needs no concatenating copy: at 20,000 sockets it is 14 MB.
      const stdout = decode(out.length === 1 ? out[0]! : Buffer.concat(out));
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === null) finish(failed('signal', `${file} was killed by ${signal ?? 'a signal'}`, { stdout, stderr }));
      else finish({ status: 'exited', code, stdout, stderr, truncated });
    });
  });
}

/** The start of a spool file (at most `max` bytes), and whether there was more. */
function readSpool(file: string, max: number): { bytes: Buffer; truncated: boolean } {
  const fd = fs.openSync(file, 'r');
  try {
    const total = fs.fstatSync(fd).size;
    const bytes = Buffer.allocUnsafe(Math.min(total, max));
    return { bytes: bytes.subarray(0, fs.readSync(fd, bytes, 0, bytes.length, 0)), truncated: total > max };
  } finally {
    fs.closeSync(fd);
  }
}

function errnoOf(e: NodeJS.ErrnoException): { errno?: string } {
  return typeof e.code === 'string' ? { errno: e.code } : {};
}

/**
 * A program run to completion on this thread, for the one caller that must not go on before it ends: the record's
 * lock makes its FIFO with `mkfifo` before the open's long statements run (record/lock.ts says why an asynchronous
 * spawn would not spare the thread). Output ignored; true when it exited 0, false however else it ended (not
 * installed, a failing code, killed at the timeout). An argument array, never a shell, as `run`.
 */
export function runQuietSync(file: string, args: readonly string[], timeoutMs = DEFAULT_TIMEOUT_MS): boolean {
  try {
    return spawnSync(file, [...args], { stdio: 'ignore', timeout: timeoutMs, killSignal: 'SIGKILL' }).status === 0;
  } catch {
    return false;
  }
}

/** What a collector needs of a run: the text to parse, or why there is none. */
export type CommandResult = { ok: true; text: string; stderr: string } | { ok: false; error: string };

/** Runs a tool for a collector, in the C locale (the parsers read English headers and numbers). Some tools
 *  print a usable table and still exit non-zero (netstat on a partly unreadable /proc): only a non-zero exit
 *  with no output is a failure. */
export async function runCommand(file: string, args: string[], options: RunOptions = {}): Promise<CommandResult> {
  const r = await run(file, args, { ...options, env: { ...options.env, LC_ALL: 'C' } });
  if (r.status === 'failed') return { ok: false, error: r.message };
  const stderr = r.stderr.trim();
  if (r.code !== 0 && r.stdout.trim() === '')
    return { ok: false, error: `${file} exited with ${r.code}${stderr ? `: ${stderr}` : ''}` };
  return { ok: true, text: r.stdout, stderr };
}

/** The rows of a failed source: none, and the reason listed as missing. */
export function missingSource<Row>(source: string, reason: string): DatasetResult<Row> {
  const diagnostics = emptyDiagnostics();
  diagnostics.missing.push({ source, reason });
  return { rows: [], diagnostics };
}

/** A collector for what this OS cannot give: no rows, and the reason, on every read. */
export function unavailableCollector<Row>(source: string, reason: string): Collector<Row> {
  return { read: async () => missingSource<Row>(source, reason) };
}

/** A collector that runs one command per read and parses its text. */
export function commandCollector<Row>(
  file: string,
  args: string[],
  parse: (text: string) => DatasetResult<Row>,
  options: () => Promise<RunOptions> | RunOptions = () => ({}),
): Collector<Row> {
  const source = [file, ...args].join(' ');
  return {
    async read() {
      const out = await runCommand(file, args, await options());
      return out.ok ? parse(out.text) : missingSource<Row>(source, out.error);
    },
  };
}
