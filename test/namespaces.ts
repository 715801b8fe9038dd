// The network namespaces tests make are named `fleet<letters>[<n>p]<pid>` (or `rv5<letters><pid>`) after the process that made them
// (ssh-namespaces.ts, watch, metrics, interface names). A run killed before its cleanup leaves them behind, with
// what runs in them (sshd, `netlens metrics`, socat): removed before the next run (vitest's globalSetup) and
// before a new SshLab. Test support only.
import { spawnSync } from 'node:child_process';

const KILLED_RUN = /^(?:fleet|rv5)[a-z]+(?:\d+p)?(\d+)$/;

/** Kills every process in a namespace (by pid): a namespace with a process in it outlives `ip netns del`. */
export function killAllIn(ns: string): void {
  const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((p) => /^\d+$/.test(p));
  for (const pid of pids) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the namespaces named for a process that is gone, with what runs in them; deleting a namespace
 *  deletes the veth pairs with an end in it. */
export function sweepKilledRuns(): void {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return;
  const names = (spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '').split('\n');
  for (const ns of names.map((l) => l.split(' ')[0]!)) {
    const pid = KILLED_RUN.exec(ns)?.[1];
    if (pid === undefined || alive(Number(pid))) continue;
    killAllIn(ns);
    spawnSync('ip', ['netns', 'del', ns]);
  }
}

/** vitest's globalSetup. */
export default function setup(): void {
  sweepKilledRuns();
}
