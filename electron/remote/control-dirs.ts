// The folders that hold ssh's ControlMaster sockets (one per remote host, made 0700 by mkdtemp in the temp
// folder). A RemoteHost removes its own when it closes; a monitor worker that is terminated (the watchdog ends a
// worker that stopped answering) closes none, so each worker's folders carry a prefix of that worker's, and the
// thread that ended it removes what is left under that prefix (electron/monitor/host.ts).
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What a lone RemoteHost (the CLI's `--host`) names its folder with. */
export const CONTROL_DIR_PREFIX = 'netlens-ssh-';

/** A prefix of one worker's own: `netlens-ssh-1a2b3c-` (short: a ControlPath must fit a socket address). */
export function workerControlPrefix(): string {
  return `${CONTROL_DIR_PREFIX}${randomBytes(3).toString('hex')}-`;
}

/** A new folder for one host's ControlMaster socket, only this user may enter. */
export function makeControlDir(prefix = CONTROL_DIR_PREFIX): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Removes the folders made with `prefix` (a worker's own) that this user owns; how many were removed. A folder
 *  that cannot be removed is left, said by the count. */
export function removeControlDirs(prefix: string): number {
  if (!prefix.startsWith(CONTROL_DIR_PREFIX) || prefix === CONTROL_DIR_PREFIX) return 0;
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return 0;
  }
  const uid = process.getuid?.();
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const path = join(tmpdir(), name);
    try {
      const st = lstatSync(path);
      if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) continue;
      rmSync(path, { recursive: true, force: true });
      removed++;
    } catch {
      // Gone meanwhile, or not this user's to remove.
    }
  }
  return removed;
}
