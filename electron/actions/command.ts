// Running an outside program for an action: always an argv array handed to execFile, never a shell, so no
// value from a request is ever parsed as shell syntax. Injected into the action modules so tests can check
// the exact argv for macOS and Windows (which cannot run here) without starting anything.
import { execFile } from 'node:child_process';

export interface CommandResult {
  /** Exit code; null when the program could not be started or was killed by a signal. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Set when the program could not be started at all (ENOENT, EACCES) or timed out. */
  error: NodeJS.ErrnoException | null;
}

export interface CommandOptions {
  timeoutMs?: number;
  /** Extra environment entries; values reach the program as data, never as code. */
  env?: Record<string, string>;
}

export type RunCommand = (file: string, args: readonly string[], options?: CommandOptions) => Promise<CommandResult>;

const DEFAULT_TIMEOUT_MS = 15_000;

export const runCommand: RunCommand = (file, args, options = {}) =>
  new Promise((resolve) => {
    execFile(
      file,
      [...args],
      {
        shell: false,
        windowsHide: true,
        timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        maxBuffer: 4 * 1024 * 1024,
        encoding: 'utf8',
        env: options.env ? { ...process.env, ...options.env } : process.env,
      },
      (err, stdout, stderr) => {
        if (!err) {
          resolve({ code: 0, stdout, stderr, error: null });
          return;
        }
        const e = err as NodeJS.ErrnoException & { code?: number | string };
        // execFile reports a non-zero exit as an error whose `code` is the exit status (a number); a failure
        // to start has a string errno code instead.
        if (typeof e.code === 'number') resolve({ code: e.code, stdout, stderr, error: null });
        else resolve({ code: null, stdout, stderr, error: e });
      },
    );
  });
