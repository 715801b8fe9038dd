// Running an outside program for an action, through the one runner (collectors/run-command.ts): an argv array,
// never a shell, so no value from a request is ever parsed as shell syntax. Injected into the action modules so
// tests can check the exact argv for macOS and Windows (which cannot run here) without starting anything.
import { run } from '../collectors/run-command.js';

export interface CommandResult {
  /** Exit code; null when the program could not be started or was killed by a signal. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Set when the program could not be started at all (ENOENT, EACCES), timed out or said too much. */
  error: NodeJS.ErrnoException | null;
}

export interface CommandOptions {
  timeoutMs?: number;
  /** Extra environment entries; values reach the program as data, never as code. */
  env?: Record<string, string>;
}

export type RunCommand = (file: string, args: readonly string[], options?: CommandOptions) => Promise<CommandResult>;

const DEFAULT_TIMEOUT_MS = 15_000;
/** Actions read short answers (ps, taskkill, ss -K); more than this is not an answer. */
const MAX_OUTPUT_BYTES = 4 * 1024 * 1024;

export const runCommand: RunCommand = async (file, args, options = {}) => {
  const r = await run(file, args, {
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxBytes: MAX_OUTPUT_BYTES,
    ...(options.env ? { env: options.env } : {}),
  });
  if (r.status === 'failed') {
    const error: NodeJS.ErrnoException = new Error(r.message);
    if (r.errno !== undefined) error.code = r.errno;
    return { code: null, stdout: r.stdout, stderr: r.stderr, error };
  }
  if (r.truncated) {
    const error: NodeJS.ErrnoException = new Error(`${file} wrote more than ${MAX_OUTPUT_BYTES} bytes`);
    return { code: r.code, stdout: r.stdout, stderr: r.stderr, error };
  }
  return { code: r.code, stdout: r.stdout, stderr: r.stderr, error: null };
};
