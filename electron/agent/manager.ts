// The privileged helper for one host's session: started once on request ("Show all processes…"), shared by
// every window or browser tab of the host, used by the collectors (through the monitor) and by the actions.
// When it is refused or dies, every client gets a notice and NetLens carries on with what it can see.
import type { AgentStatus, Capability, ServerMessage } from '../../shared/protocol.js';
import type { Actions } from '../actions/api.js';
import type { PrivilegedOwners } from '../collectors/linux/socket-owners.js';
import { AgentClient, type AgentClientOptions } from './client.js';
import { elevationPlan, type ElevationPlan } from './elevation.js';

export interface AgentManagerOptions {
  /** The agent's own argv (host-specific: Node and the CLI script, or the app binary in agent mode). */
  invocation: () => string[];
  /** Where the elevation comes from; tests and hosts may replace the OS probe. */
  plan?: () => Promise<ElevationPlan>;
  /** The collectors' way to the agent (the monitor relays to its worker); absent in the CLI. */
  setOwnerSource?: (source: PrivilegedOwners | null) => void;
  /** A notice for every client. */
  notify?: (message: ServerMessage) => void;
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Tests may start something else in the agent's place. */
  startClient?: (options: AgentClientOptions) => AgentClient;
}

export interface AgentManager {
  status(): Promise<AgentStatus>;
  /** Starts the agent unless it runs; concurrent calls share one prompt. Never rejects. */
  elevate(): Promise<AgentStatus>;
  /** The running agent's actions, for createActions({ agent }). */
  actions(): Pick<Actions, 'kill' | 'closeConnection' | 'capabilities'> | null;
  /** The running agent as an owner source (null answers while none runs). */
  readonly owners: PrivilegedOwners;
  stop(): void;
}

export function createAgentManager(options: AgentManagerOptions): AgentManager {
  const log = options.log ?? ((line: string) => console.warn(`[netlens] ${line}`));
  const env = options.env ?? process.env;
  const plan =
    options.plan ?? (() => elevationPlan({ platform: process.platform, env, uid: process.getuid?.() ?? -1 }));
  const startClient = options.startClient ?? ((o: AgentClientOptions) => new AgentClient(o));
  let client: AgentClient | null = null;
  let state: AgentStatus['state'] = 'off';
  let message: string | null = null;
  let starting: Promise<AgentStatus> | null = null;
  let stopping = false;
  let rejectedNoticeAt = 0;

  const notice = (level: 'info' | 'warning' | 'error', code: string, text: string) =>
    options.notify?.({ type: 'notice', level, code, text });

  async function elevation(): Promise<Capability> {
    const p = await plan();
    return p.available ? { available: true, reason: null } : { available: false, reason: p.reason };
  }

  async function status(): Promise<AgentStatus> {
    return { state, elevation: await elevation(), message, rejectedLines: client?.stats.rejected ?? 0 };
  }

  async function start(): Promise<AgentStatus> {
    const p = await plan();
    if (!p.available) {
      state = 'failed';
      message = p.reason;
      return status();
    }
    state = 'starting';
    message = null;
    const c = startClient({
      command: [...p.prefix, ...(p.agent ?? options.invocation())],
      env,
      log,
      onExit: (reason) => {
        if (client !== c) return;
        const wasRunning = state === 'running';
        client = null;
        if (wasRunning) options.setOwnerSource?.(null);
        state = 'failed';
        message = reason;
        if (wasRunning && !stopping) {
          log(`agent stopped: ${reason}`);
          notice(
            'warning',
            'agent-stopped',
            `The NetLens administrator helper stopped (${reason}). Processes of other users are hidden again; "Show all processes…" starts it again.`,
          );
        }
      },
      onRejected: (count) => {
        // One notice for the first, then one per tenfold: visible, never a flood.
        if (count >= rejectedNoticeAt * 10 || rejectedNoticeAt === 0) {
          rejectedNoticeAt = Math.max(1, count);
          notice(
            'warning',
            'agent-rejected',
            `The NetLens administrator helper sent ${count} invalid message${count === 1 ? '' : 's'}; ${count === 1 ? 'it was' : 'they were'} ignored.`,
          );
        }
      },
    });
    client = c;
    try {
      const hello = await c.ready;
      state = 'running';
      log(`agent running as uid ${hello.uid} (pid ${hello.pid}) through ${p.via}`);
      options.setOwnerSource?.(manager.owners);
      notice('info', 'agent-started', 'NetLens now shows the processes of every user (administrator helper running).');
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (client === c) client = null;
      state = 'failed';
      message = reason;
      log(`agent did not start: ${reason}`);
      notice(
        'warning',
        'agent-refused',
        `NetLens could not start its administrator helper (${reason}); it carries on with the processes it can see.`,
      );
    }
    return status();
  }

  const manager: AgentManager = {
    status,
    elevate() {
      if (state === 'running') return status();
      starting ??= start().finally(() => {
        starting = null;
      });
      return starting;
    },
    actions() {
      const c = client;
      if (!c?.running) return null;
      return {
        kill: (p) => c.kill(p),
        closeConnection: (p) => c.closeConnection(p),
        capabilities: () => c.capabilities(),
      };
    },
    owners: {
      owners(inodes) {
        const c = client;
        return c?.running ? c.owners(inodes) : Promise.resolve(null);
      },
      available: () => client?.running ?? false,
    },
    stop() {
      stopping = true;
      client?.stop();
    },
  };
  return manager;
}
