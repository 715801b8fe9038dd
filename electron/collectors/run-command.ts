// Runs a system command with an argument array (never through a shell) and returns its output as text.
// Collectors call this for the tools they parse (netstat, route, ps...). A failure is a value, not a
// throw: the collector reports it as a missing source.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import type { Collector } from './collector.js';
import type { DatasetResult } from '../../shared/types.js';
import { emptyDiagnostics } from '../../shared/types.js';

export type CommandResult = { ok: true; text: string; stderr: string } | { ok: false; error: string };

export interface RunOptions {
  timeoutMs?: number;
  /** Turns stdout bytes into text; UTF-8 unless the tool writes in another code page (Windows OEM). */
  decode?: (bytes: Buffer) => string;
  /** Output beyond this is cut off (a runaway tool must not exhaust memory). */
  maxBytes?: number;
  /** Write stdout to this file (created or truncated; the caller owns its folder) and read it back at the
   *  end. A pipe holds 64 KiB: a tool with megabytes to say waits on it whenever this thread is busy, so
   *  its run cannot overlap the caller's own work; a file never makes it wait. */
  stdoutFile?: string;
}

export function runCommand(file: string, args: string[], options: RunOptions = {}): Promise<CommandResult> {
  const {
    timeoutMs = 10_000,
    decode = (b: Buffer) => b.toString('utf8'),
    maxBytes = 64 * 1024 * 1024,
    stdoutFile,
  } = options;
  return new Promise((resolve) => {
    let child;
    let outFd: number | null = null;
    try {
      if (stdoutFile !== undefined) outFd = fs.openSync(stdoutFile, 'w', 0o600);
      child = spawn(file, args, {
        stdio: ['ignore', outFd ?? 'pipe', 'pipe'],
        windowsHide: true,
        env: { ...process.env, LC_ALL: 'C' },
      });
    } catch (err) {
      resolve({ ok: false, error: `${file}: ${err instanceof Error ? err.message : String(err)}` });
      return;
    } finally {
      // The child has its own copy of the descriptor.
      if (outFd !== null) fs.closeSync(outFd);
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (r: CommandResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const timer = setTimeout(() => {
      child.kill();
      finish({ ok: false, error: `${file} did not finish within ${timeoutMs} ms` });
    }, timeoutMs);
    child.stdout?.on('data', (b: Buffer) => {
      size += b.length;
      if (size <= maxBytes) out.push(b);
    });
    child.stderr?.on('data', (b: Buffer) => {
      if (err.length < 64) err.push(b);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      finish({ ok: false, error: e.code === 'ENOENT' ? `${file} is not installed` : `${file}: ${e.message}` });
    });
    child.on('close', (code) => {
      if (stdoutFile !== undefined) {
        try {
          const fd = fs.openSync(stdoutFile, 'r');
          try {
            const bytes = Buffer.allocUnsafe(Math.min(fs.fstatSync(fd).size, maxBytes));
            out.push(bytes.subarray(0, fs.readSync(fd, bytes, 0, bytes.length, 0)));
          } finally {
            fs.closeSync(fd);
          }
        } catch (e) {
          finish({
            ok: false,
            error: `${file}: reading its output failed: ${e instanceof Error ? e.message : String(e)}`,
          });
          return;
        }
      }
      // One chunk (the spool file) needs no concatenating copy: at 20,000 sockets it is 14 MB.
      const text = decode(out.length === 1 ? out[0]! : Buffer.concat(out));
      const stderr = Buffer.concat(err).toString('utf8').trim();
      // Some tools print a usable table and still exit non-zero (netstat on a partly unreadable /proc); a
      // non-zero exit with no output is a failure.
      if (code !== 0 && text.trim() === '')
        finish({ ok: false, error: `${file} exited with ${code}${stderr ? `: ${stderr}` : ''}` });
      else finish({ ok: true, text, stderr });
    });
  });
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
