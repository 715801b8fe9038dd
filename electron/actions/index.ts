// The process and connection actions, assembled for a host: createActions() is what electron/service.ts
// calls through the Actions interface. Every action, whatever its outcome, is appended to the action log.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inertText } from '../../shared/inert-text.js';
import type {
  ActionKind,
  ActionLogEntry,
  Capabilities,
  CloseResult,
  KillResult,
  RequestParams,
} from '../../shared/protocol.js';
import type { Actions } from './api.js';
import { createActionLog, type ActionLog } from './action-log.js';
import { cached, readCapabilities } from './capabilities.js';
import { closeConnection, probeLinuxCloseSupport, verifiedCloseOwner } from './close-connection.js';
import { runCommand, type RunCommand } from './command.js';
import { elevationCapability, findExecutable } from './elevate.js';
import { killProcess } from './kill.js';
import { readProcessIdentity } from './process-identity.js';
import { closeRemote, killRemote } from './remote.js';

export interface ActionsOptions {
  /** The app's data folder; the action log lives in <dataDir>/actions.log. null: no log (the privileged
   *  agent, whose parent records what it asked for). */
  dataDir: string | null;
  /** NetLens's other processes (renderer, GPU, utility, worker processes): never killed. */
  ownPids?: () => number[];
  platform?: NodeJS.Platform;
  /** Runs outside programs (ss, pkexec, taskkill...); tests inject one to check argv. */
  run?: RunCommand;
  /** How long Terminate waits for the process to exit before answering 'alive' (default 3000 ms). */
  graceMs?: number;
  pollMs?: number;
  now?: () => number;
  /** Whether Close connection may find out by trying on a loopback pair of its own when the kernel config
   *  is unreadable (default true; the agent, which opens no socket, says false). */
  socketProbe?: boolean;
  /** The privileged helper, when one runs (electron/agent): what this process may not do, it asks of it. */
  agent?: () => Pick<Actions, 'kill' | 'closeConnection' | 'capabilities'> | null;
  /** The ssh argv that reaches a remote host shown beside this machine through its own connection (the
   *  monitor's, electron/remote/fleet.ts); absent where none are shown. Kill and close with `host` go there. */
  remoteRoute?: (destination: string) => Promise<string[]>;
}

/** When this code runs in an Electron child process (utility process), its parent is NetLens's main. */
function electronParentPid(): number[] {
  const electron = typeof process.versions.electron === 'string';
  const type = (process as NodeJS.Process & { type?: string }).type;
  return electron && type !== 'browser' ? [process.ppid] : [];
}

/** The launcher that started this host and passes a SIGTERM on to it (scripts/start.mjs: `npm start`, `npm run
 *  web`), named by it in NETLENS_LAUNCHER_PID: killing it stopped NetLens before the kill's log line was written
 *  (attack review of 12-05). Only while it is still this process's parent. */
function launcherPid(): number[] {
  const pid = Number(process.env.NETLENS_LAUNCHER_PID);
  return Number.isSafeInteger(pid) && pid > 1 && pid === process.ppid ? [pid] : [];
}

/** The most children of this process read as its own (its helpers are a handful: ss's destroy events, an ssh
 *  ControlMaster per remote host). */
const MAX_CHILDREN = 1000;

/** The programs NetLens runs as its helpers: its long-lived `ss -tinHeE` (through stdbuf), ssh to remote hosts (a
 *  ControlMaster each), ip. */
const HELPERS: ReadonlySet<string> = new Set(['ss', 'stdbuf', 'ssh', 'ip']);

/** This process's children that run one of its helper programs (Linux: each thread's `children` in /proc, and each
 *  child's `comm`; none elsewhere, or where the kernel keeps no such list): the `ss -tinHeE` showed as any process,
 *  with Kill offered (a new user's review of 12-07). A child of another program is not NetLens's own (a test runner
 *  that holds the actions kills children of its own). */
export function helperPids(procRoot = '/proc/self', procs = '/proc'): number[] {
  return childPids(procRoot).filter((pid) => {
    try {
      return HELPERS.has(readFileSync(join(procs, String(pid), 'comm'), 'utf8').trim());
    } catch {
      return false; // ended meanwhile
    }
  });
}

/** This process's children (each thread's `children` in /proc), at most MAX_CHILDREN. */
function childPids(procRoot: string): number[] {
  if (process.platform !== 'linux') return [];
  const out: number[] = [];
  try {
    for (const task of readdirSync(join(procRoot, 'task'))) {
      let text = '';
      try {
        text = readFileSync(join(procRoot, 'task', task, 'children'), 'utf8');
      } catch {
        continue; // a thread that ended meanwhile, or no such file
      }
      for (const word of text.split(' ')) {
        if (/^\d{1,10}$/.test(word)) out.push(Number(word));
        if (out.length >= MAX_CHILDREN) return out;
      }
    }
  } catch {
    // No /proc: none known.
  }
  return out;
}

/** NetLens's own processes, which kill refuses (and the page does not offer Kill on): this one, the Electron parent
 *  or the launcher that started it, the helpers it started (helperPids), and `extra` (the Electron app's other
 *  processes, app.getAppMetrics). */
export function ownProcessIds(extra?: () => number[]): number[] {
  return [process.pid, ...electronParentPid(), ...launcherPid(), ...helperPids(), ...(extra?.() ?? [])];
}

export function createActions(options: ActionsOptions): Actions & { readonly log: ActionLog | null } {
  const platform = options.platform ?? process.platform;
  const run = options.run ?? runCommand;
  const now = options.now ?? Date.now;
  const log = options.dataDir === null ? null : createActionLog(options.dataDir);
  const agent = () => options.agent?.() ?? null;
  const ownPids = () => ownProcessIds(options.ownPids);
  // The polkit agent may start or stop with the session: re-check now and then. Privileges and the kernel
  // do not change while NetLens runs.
  const elevation = cached(() => elevationCapability(platform), 15_000, now);
  const linuxSupport = cached(() => probeLinuxCloseSupport(run, options.socketProbe ?? true), Infinity, now);
  const pkexecPath = cached(() => findExecutable('pkexec'), Infinity, now);
  const closeDeps = { platform, run, linuxSupport };
  const capabilities = cached(() => readCapabilities({ platform, run, elevation, linuxSupport }), 15_000, now);

  async function record(entry: Omit<ActionLogEntry, 'time'>): Promise<void> {
    if (!log) return;
    try {
      await log.append({ time: now(), ...entry });
    } catch (err) {
      // The action already happened; losing its log line must not turn its result into an error.
      console.warn(`[actions] could not write ${log.path}: ${(err as Error).message}`);
    }
  }

  /** The route to a remote host, or why there is none (not shown, not connected): nothing is done then. */
  async function routeTo(host: string): Promise<string[] | string> {
    if (!options.remoteRoute) return 'this NetLens shows no remote hosts';
    try {
      return await options.remoteRoute(host);
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  }

  async function killOnHost(host: string, params: RequestParams<'kill'>): Promise<KillResult> {
    const route = await routeTo(host);
    const { result, name } =
      typeof route === 'string'
        ? { result: { outcome: 'failed' as const, message: route }, name: null }
        : await killRemote(run, route, host, params);
    await record({
      action: `kill:${params.signal === 'KILL' ? 'KILL' : 'TERM'}`,
      pid: params.pid,
      name,
      startTime: params.startTime,
      target: null,
      outcome: result.outcome,
      message: result.message,
      host,
    });
    return result;
  }

  async function closeOnHost(host: string, params: RequestParams<'closeConnection'>): Promise<CloseResult> {
    const route = await routeTo(host);
    const { result, target } =
      typeof route === 'string'
        ? { result: { outcome: 'failed' as const, message: route }, target: null }
        : await closeRemote(run, route, host, params);
    // The owner as the client named it: on another host this side cannot check it.
    const owner = params.owner;
    await record({
      action: 'close-connection',
      pid: owner?.pid ?? null,
      name: owner?.name ?? null,
      startTime: owner?.startTime ?? null,
      target,
      outcome: result.outcome,
      message: owner ? `${result.message} (owner as listed, not verified: PID ${owner.pid})` : result.message,
      host,
    });
    return result;
  }

  return {
    log,
    async capabilities(): Promise<Capabilities> {
      const own = await capabilities();
      const helper = agent();
      if (!helper || own.closeConnection.available) return own;
      // What the agent can do, this process can ask of it.
      const theirs = await helper.capabilities().catch(() => null);
      return theirs?.closeConnection.available ? { ...own, closeConnection: theirs.closeConnection } : own;
    },

    async kill(params: RequestParams<'kill'>): Promise<KillResult> {
      if (params.host !== undefined) return killOnHost(params.host, params);
      const helper = agent();
      // With the privileged helper running, "as administrator" means asking it (same guard, signalled as
      // root), not a new pkexec prompt.
      const report = await killProcess(
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
        helper ? { ...params, elevate: false } : params,
      );
      let { result } = report;
      let how: 'kill' | 'kill-elevated' | 'kill-agent' = params.elevate ? 'kill-elevated' : 'kill';
      if (helper && result.outcome === 'denied') {
        result = await helper.kill({ ...params, elevate: false }).catch((err: unknown) => ({
          outcome: 'failed' as const,
          message: `the NetLens agent failed: ${String(err)}`,
        }));
        how = 'kill-agent';
      }
      const identity = report.identity;
      await record({
        action: `${how}:${params.signal === 'KILL' ? 'KILL' : 'TERM'}`,
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
      if (params.host !== undefined) return closeOnHost(params.host, params);
      // The owner a client names goes into the log only once the OS confirms it (checked before closing,
      // while the socket exists); otherwise the claim is logged as unverified, without its name.
      const check = await verifiedCloseOwner(closeDeps, params, (pid) => readProcessIdentity(pid, { platform, run }));
      if (check !== null && 'refused' in check) {
        const refused: CloseResult = { outcome: 'failed', message: check.refused };
        await record({
          action: 'close-connection',
          pid: null,
          name: null,
          startTime: null,
          target: null,
          outcome: refused.outcome,
          message: refused.message,
        });
        return refused;
      }
      const owner = check?.owner ?? null;
      const closed = await closeConnection(closeDeps, params);
      let raw = closed.result;
      const target = closed.target;
      let action: ActionKind = 'close-connection';
      const helper = agent();
      // Without CAP_NET_ADMIN here, the helper (root) may close it.
      if (helper && raw.outcome === 'denied') {
        raw = await helper.closeConnection(params).catch((err: unknown) => ({
          outcome: 'failed' as const,
          message: `the NetLens agent failed: ${String(err)}`,
        }));
        action = 'close-connection-agent';
      }
      const unverified =
        params.owner && !owner ? ` (owner not verified: the client named PID ${params.owner.pid})` : '';
      // Whose connection it was, in the result and the log, as the OS names it: "Closed a:1 → b:2 (owner: curl)".
      const result =
        raw.outcome === 'closed' && owner
          ? { ...raw, message: `${raw.message} (owner: ${inertText(owner.name)})` }
          : raw;
      await record({
        action,
        pid: owner?.pid ?? null,
        name: owner?.name ?? null,
        startTime: owner?.startTime ?? null,
        target,
        outcome: result.outcome,
        message: result.message + unverified,
      });
      return result;
    },

    async actionLog(limit: number): Promise<ActionLogEntry[]> {
      return log ? log.recent(limit) : [];
    },
  };
}
export type { Actions } from './api.js';
export { readProcessIdentity, type ProcessIdentity } from './process-identity.js';
