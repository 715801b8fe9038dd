// The one way tests and benchmarks stop a child process they started. Test and bench support only.
import type { ChildProcess } from 'node:child_process';

/**
 * Sends `signal` and waits for the child to exit, then SIGKILL after `graceMs`. At once when it has exited
 * already, by a code or a signal: waiting for an 'exit' that came before would never end.
 */
export async function stopProcess(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 5000,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
  clearTimeout(timer);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
