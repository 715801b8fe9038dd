// Runs a system command with an argument array (never through a shell) and returns its output as text.
// Collectors call this for the tools they parse (netstat, route, ps...). A failure is a value, not a
// throw: the collector reports it as a missing source.
import { spawn } from 'node:child_process';
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
}

export function runCommand(file: string, args: string[], options: RunOptions = {}): Promise<CommandResult> {
  const { timeoutMs = 10_000, decode = (b: Buffer) => b.toString('utf8'), maxBytes = 64 * 1024 * 1024 } = options;
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true, env: { ...process.env, LC_ALL: 'C' } });
    } catch (err) {
      resolve({ ok: false, error: `${file}: ${err instanceof Error ? err.message : String(err)}` });
      return;
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
    child.stdout.on('data', (b: Buffer) => {
      size += b.length;
      if (size <= maxBytes) out.push(b);
    });
    child.stderr.on('data', (b: Buffer) => {
      if (err.length < 64) err.push(b);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      finish({ ok: false, error: e.code === 'ENOENT' ? `${file} is not installed` : `${file}: ${e.message}` });
    });
    child.on('close', (code) => {
      const text = decode(Buffer.concat(out));
      const stderr = Buffer.concat(err).toString('utf8').trim();
      // Some tools print a usable table and still exit non-zero (netstat on a partly unreadable /proc); a
      // non-zero exit with no output is a failure.
      if (code !== 0 && text.trim() === '') finish({ ok: false, error: `${file} exited with ${code}${stderr ? `: ${stderr}` : ''}` });
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

/** A collector that runs one command per read and parses its text. */
export function commandCollector<Row>(
  file: string, args: string[], parse: (text: string) => DatasetResult<Row>, options: () => Promise<RunOptions> | RunOptions = () => ({}),
): Collector<Row> {
  const source = [file, ...args].join(' ');
  return {
    async read() {
      const out = await runCommand(file, args, await options());
      return out.ok ? parse(out.text) : missingSource<Row>(source, out.error);
    },
  };
}
