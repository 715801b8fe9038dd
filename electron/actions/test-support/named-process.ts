// Test support: a real program started under a name of the test's choosing (a copy of its binary), such as one
// with spaces and both parentheses, the classic /proc/[pid]/stat trap.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface NamedProcess {
  child: ChildProcess;
  /** A private folder the program's copy lives in; the test may put its own files there. */
  dir: string;
  stop(): void;
}

/** `args` may name files in the folder through the function form. */
export function startNamedProcess(
  binary: string,
  name: string,
  args: (dir: string) => string[],
  prefix = 'netlens-named-',
): NamedProcess {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const exe = join(dir, name);
  copyFileSync(binary, exe);
  spawnSync('chmod', ['755', exe]);
  const child = spawn(exe, args(dir), { stdio: 'ignore' });
  return {
    child,
    dir,
    stop() {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
