// The process and connection actions, assembled for a host: createActions() is what electron/service.ts
// calls through the Actions interface. Every action, whatever its outcome, is appended to the action log.
import type { ActionLogEntry, Capabilities, CloseResult, KillResult, RequestParams } from '../../shared/protocol.js';
import type { Actions } from './api.js';
import { createActionLog, type ActionLog } from './action-log.js';
import { cached, readCapabilities } from './capabilities.js';
import { closeConnection, probeLinuxCloseSupport } from './close-connection.js';
import { runCommand, type RunCommand } from './command.js';
import { elevationCapability, findExecutable } from './elevate.js';
import { killProcess } from './kill.js';
import { readProcessIdentity } from './process-identity.js';

export interface ActionsOptions {
  /** The app's data folder; the action log lives in <dataDir>/actions.log. */
  dataDir: string;
  /** NetLens's other processes (renderer, GPU, utility, worker processes): never killed. */
  ownPids?: () => number[];
  platform?: NodeJS.Platform;
  /** Runs outside programs (ss, pkexec, taskkill...); tests inject one to check argv. */
  run?: RunCommand;
  /** How long Terminate waits for the process to exit before answering 'alive' (default 3000 ms). */
  graceMs?: number;
  pollMs?: number;
  now?: () => number;
}

/** When this code runs in an Electron child process (utility process), its parent is NetLens's main. */
function electronParentPid(): number[] {
  const electron = typeof process.versions.electron === 'string';
  const type = (process as NodeJS.Process & { type?: string }).type;
  return electron && type !== 'browser' ? [process.ppid] : [];
}

export function createActions(options: ActionsOptions): Actions & { readonly log: ActionLog } {
  const platform = options.platform ?? process.platform;
  const run = options.run ?? runCommand;
  const now = options.now ?? Date.now;
  const log = createActionLog(options.dataDir);
  const ownPids = () => [process.pid, ...electronParentPid(), ...(options.ownPids?.() ?? [])];
  // The polkit agent may start or stop with the session: re-check now and then. Privileges and the kernel
  // do not change while NetLens runs.
  const elevation = cached(() => elevationCapability(platform), 15_000, now);
  const linuxSupport = cached(() => probeLinuxCloseSupport(run), Infinity, now);
  const pkexecPath = cached(() => findExecutable('pkexec'), Infinity, now);
  const closeDeps = { platform, run, linuxSupport };
  const capabilities = cached(() => readCapabilities({ platform, run, elevation, linuxSupport }), 15_000, now);

  async function record(entry: Omit<ActionLogEntry, 'time'>): Promise<void> {
    try {
      await log.append({ time: now(), ...entry });
    } catch (err) {
      // The action already happened; losing its log line must not turn its result into an error.
      console.warn(`[actions] could not write ${log.path}: ${(err as Error).message}`);
    }
  }

  return {
    log,
    capabilities(): Promise<Capabilities> {
      return capabilities();
    },

    async kill(params: RequestParams<'kill'>): Promise<KillResult> {
      const { result, identity } = await killProcess(
        {
          platform,
          ownPids,
          identity: (pid) => readProcessIdentity(pid, { platform, run }),
          elevation,
          run,
          pkexecPath,
          graceMs: options.graceMs ?? 3000,
          pollMs: options.pollMs ?? 50,
        },
        params,
      );
      const action = `${params.elevate ? 'kill-elevated' : 'kill'}:${params.signal === 'KILL' ? 'KILL' : 'TERM'}`;
      await record({
        action,
        pid: typeof params.pid === 'number' && Number.isFinite(params.pid) ? params.pid : null,
        name: identity?.name ?? null,
        startTime: identity?.startTime ?? (typeof params.startTime === 'number' ? params.startTime : null),
        target: null,
        outcome: result.outcome,
        message: result.message,
      });
      return result;
    },

    async closeConnection(params: RequestParams<'closeConnection'>): Promise<CloseResult> {
      const { result, target } = await closeConnection(closeDeps, params);
      const owner = params.owner ?? null;
      await record({
        action: 'close-connection',
        pid: owner?.pid ?? null,
        name: owner?.name ?? null,
        startTime: owner?.startTime ?? null,
        target,
        outcome: result.outcome,
        message: result.message,
      });
      return result;
    },

    actionLog(limit: number): Promise<ActionLogEntry[]> {
      return log.recent(limit);
    },
  };
}

export type { Actions } from './api.js';
export { linuxStartTimeMs, linuxStartTimeFromTicks, parseLinuxStat, readProcessIdentity, type ProcessIdentity } from './process-identity.js';
