// glibc's malloc settings for a long-running host (`netlens web`, `metrics`, `watch`), which glibc reads only as a
// process starts: two arenas for all the host's threads instead of one each, and its mmap and trim thresholds fixed
// at their starting 128 KiB. Left dynamic, each block malloc mapped alone and then freed raises them for the
// process's life (node's read of the 1 MB bundle at start, V8's optimising compiler's larger scratch zones): to 1
// and 2 MiB, after which the arenas kept their free memory resident. Together about 9 MB less at 20,000 sockets,
// for about 3 points of a core more under 1 % churn and none at rest (docs/performance.md, "glibc's thresholds
// fixed at the host's start"). The npm launchers (scripts/start.mjs) start the host with them; the `netlens`
// command, whose first line cannot carry them, restarts itself with them where node can (process.execve: Node
// 22.15, 23.11 and later, on Linux).
import settings from './malloc-settings.json';

export const MALLOC_SETTINGS: Readonly<Record<string, string>> = settings;

/**
 * Set in the environment of the restart: a process started with it is never restarted again, even where the
 * settings did not reach it (glibc erases MALLOC_* variables from a program run with raised privileges, a node
 * given file capabilities by setcap among them: without this, such a host would restart itself for ever).
 */
export const RESTARTED = 'NETLENS_MALLOC_RESTARTED';

/**
 * The environment to run with `settings` added, each unless `env` names a value (a user's own, or the restart's
 * already given), and RESTARTED; null when `env` lacks none or is a restart's, or off Linux (the variables are
 * glibc's).
 */
export function withMallocSettings(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
  given: Readonly<Record<string, string>> = MALLOC_SETTINGS,
): NodeJS.ProcessEnv | null {
  if (platform !== 'linux' || env[RESTARTED] !== undefined) return null;
  const missing = Object.entries(given).filter(([name]) => env[name] === undefined);
  return missing.length === 0 ? null : { ...env, ...Object.fromEntries(missing), [RESTARTED]: '1' };
}

type Execve = (file: string, args: string[], env: NodeJS.ProcessEnv) => never;

/**
 * Replaces this process (same pid, same standard streams, same arguments and node options) with one started with
 * the settings, where node has process.execve and the environment lacks one; otherwise, or when the exec fails,
 * returns and the command runs as it is.
 */
export function restartWithMallocSettings(): void {
  const execve = (process as unknown as { execve?: Execve }).execve;
  if (typeof execve !== 'function' || process.argv[1] === undefined) return;
  const env = withMallocSettings(process.env, process.platform);
  if (env === null) return;
  try {
    execve(process.execPath, [process.execPath, ...process.execArgv, process.argv[1], ...process.argv.slice(2)], env);
  } catch {
    // execve(2) refused (a limit on the arguments' size, the binary gone): the host runs without the settings.
  }
}
