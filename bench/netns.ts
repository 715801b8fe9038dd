// Benchmarks that read the machine's socket tables run in a network namespace of their own (loopback only),
// so that other work on a shared machine (its sockets opening and closing, its own benchmarks' tens of
// thousands of sockets) is not in the tables they measure. The kernel's TCP hash is the machine's
// (net.ipv4.tcp_child_ehash_entries is 0 unless set), so reading the tables costs what it costs outside;
// processes and their fds are the machine's too. Bench support only.
import { spawn, spawnSync } from 'node:child_process';

const INSIDE = 'BENCH_NETNS_INSIDE';

/** The code a run that returned asks to exit with (a benchmark that failed set process.exitCode). */
const exitCode = () => Number(process.exitCode ?? 0);

/** Where this run measures: 'own' inside a namespace of its own, 'machine' in the machine's. */
export function netnsOfThisRun(): 'own' | 'machine' {
  return process.env[INSIDE] === '1' ? 'own' : 'machine';
}

/**
 * Runs `main` in a namespace of its own: this very script is run again under `unshare --net` (root), with
 * loopback up, unless BENCH_NETNS=machine or it already runs there. Where unshare fails it says so and runs
 * `main` here. Exits with the run's code.
 */
export function inOwnNetns(name: string, main: () => Promise<unknown>): void {
  const run = (): Promise<number> => {
    if (process.env[INSIDE] === '1' || process.env.BENCH_NETNS === 'machine') return main().then(exitCode);
    if (spawnSync('unshare', ['--net', 'true'], { stdio: 'ignore' }).status !== 0) {
      console.error(`${name}: unshare --net failed; measuring in the machine's network namespace`);
      return main().then(exitCode);
    }
    const args = [...process.execArgv, ...process.argv.slice(1)];
    const child = spawn(
      'unshare',
      ['--net', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', process.execPath, ...args],
      {
        stdio: 'inherit',
        env: { ...process.env, [INSIDE]: '1' },
      },
    );
    return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  };
  run().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
