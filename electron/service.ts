// The transport-agnostic service both hosts call: the Electron host feeds it MessagePort messages, the
// browser host WebSocket messages. It is the one door back up: every message is validated against
// shared/protocol.ts before anything acts on it, and invalid input is rejected, logged and answered.
import {
  type AgentStatus,
  validateClientMessage,
  type ClientMessage,
  type HostInfo,
  type Method,
  type MethodResults,
  type RequestParams,
  type ServerMessage,
} from '../shared/protocol.js';
import { asHostLog } from './log-lines.js';
import type { Actions } from './actions/api.js';
import type { AgentManager } from './agent/manager.js';
import type { ClientTransport, Monitor, RemoteRequest } from './monitor/api.js';
import type { RecordMethod } from './monitor/record/requests.js';
import type { SettingsStore } from './settings-store.js';

export interface ServiceOptions {
  hostInfo: () => HostInfo;
  monitor: Monitor;
  actions: Actions;
  parseCapture: (
    name: string,
    text: string,
    format: string,
  ) => Promise<MethodResults['parseCapture']> | MethodResults['parseCapture'];
  settings: SettingsStore;
  /** The privileged helper of this host's session ("Show all processes…"); absent where none can run. */
  agent?: AgentManager;
  /** Saves an export where the user chooses (the Electron host's save dialog); a browser downloads exports
   *  itself, so the browser host has none. */
  saveExport?: (fileName: string, text: string) => Promise<{ path: string | null }>;
  /** Whether the host firewall is likely to admit listening ports (electron/firewall.ts). */
  firewall?: (ports: RequestParams<'firewall'>['ports']) => Promise<MethodResults['firewall']>;
  /** Where rejected messages and failed requests are reported (the host's log). */
  log?: (line: string) => void;
}

/** What a transport passes for a message it could not turn into a value: text that is not JSON, a binary frame. */
export const NOT_JSON = Symbol('not JSON');
export const BINARY = Symbol('a binary frame');
export const TOO_LARGE = Symbol(
  'a frame over 1 MiB that is not a flat parseCapture or saveExport request (only a capture or an export is that large)',
);

export interface Session {
  /** One raw message from the client, exactly as the transport delivered it (parsed JSON or a clone), or NOT_JSON
   *  or BINARY. */
  receive(raw: unknown): void;
  close(): void;
}

export interface Service {
  /** `transport`: the socket the client is reached over, where it is one (the browser host's WebSocket). */
  connect(send: (message: ServerMessage) => void, label: string, transport?: ClientTransport): Session;
}

const NO_AGENT: AgentStatus = {
  state: 'off',
  elevation: { available: false, reason: 'this host has no administrator helper' },
  message: null,
  rejectedLines: 0,
};

/** Requests that cost real time and memory on the Node side, or hold much of it while they wait (an export's text,
 *  up to MAX_EXPORT_BYTES): one of each at a time per client. */
const HEAVY_METHODS: ReadonlySet<Method> = new Set<Method>(['parseCapture', 'saveExport']);
/** Requests of one client run at once; the next MAX_WAITING wait, one more is refused. The page's own run a few at a
 *  time, and in a burst one per interface or per process killed. */
export const MAX_RUNNING = 16;
export const MAX_WAITING = 1024;
type Request = Extract<ClientMessage, { type: 'request' }>;

type Handlers = { [M in Method]: (params: RequestParams<M>) => Promise<MethodResults[M]> | MethodResults[M] };

/** A message's first line for the log, and how many more the page is answered with (a capture not recognised lists
 *  every format, 60 lines): counted, not split, so a message of a million lines makes no million strings. */
export function firstLine(text: string): string {
  const end = text.indexOf('\n');
  if (end < 0) return text;
  let more = 0;
  for (let at = end; at >= 0; at = text.indexOf('\n', at + 1)) more++;
  return `${text.slice(0, end)} (${more} more line${more === 1 ? '' : 's'} in the answer)`;
}

export function createService(options: ServiceOptions): Service {
  const log = asHostLog(options.log ?? ((line: string) => console.warn(line)));
  const record = <M extends RecordMethod>(method: M, params: RequestParams<M>): Promise<MethodResults[M]> =>
    options.monitor.record
      ? options.monitor.record(method, params)
      : Promise.reject(new Error('this NetLens keeps no connection record'));
  const remote = <R extends RemoteRequest>(request: R) =>
    options.monitor.remote
      ? options.monitor.remote(request)
      : Promise.reject(new Error('this NetLens shows no remote hosts'));
  const handlers: Handlers = {
    hostInfo: () => options.hostInfo(),
    capabilities: () => options.actions.capabilities(),
    kill: (p) => options.actions.kill(p),
    closeConnection: (p) => options.actions.closeConnection(p),
    actionLog: (p) => options.actions.actionLog(p.limit),
    elevate: () => (options.agent ? options.agent.elevate() : NO_AGENT),
    agentStatus: () => (options.agent ? options.agent.status() : NO_AGENT),
    history: (p) => options.monitor.history(p.iface),
    recordStatus: (p) => record('recordStatus', p),
    recordConfigure: (p) => record('recordConfigure', p),
    recordTimeline: (p) => record('recordTimeline', p),
    recordConnections: (p) => record('recordConnections', p),
    recordChanges: (p) => record('recordChanges', p),
    recordAlerts: (p) => record('recordAlerts', p),
    recordMarkKnown: (p) => record('recordMarkKnown', p),
    firewall: (p) => (options.firewall ? options.firewall(p.ports) : { source: 'none', readable: false, verdicts: {} }),
    processHistory: (p) => options.monitor.history(p.name, 'process'),
    parseCapture: (p) => options.parseCapture(p.name, p.text, p.format),
    retryMonitor: () => ({ retrying: options.monitor.retry?.() ?? false }),
    remoteHosts: () => remote({ op: 'list' }),
    addRemoteHost: (p) => remote({ op: 'add', destination: p.destination }),
    removeRemoteHost: (p) => remote({ op: 'remove', destination: p.destination }),
    loadSettings: () => options.settings.load(),
    saveExport: (p) => {
      if (!options.saveExport) throw new Error('this host has no save dialog: the page downloads the export itself');
      return options.saveExport(p.fileName, p.text);
    },
    saveSettings: async (p) => {
      await options.settings.save(p.settings);
      return { saved: true } as const;
    },
  };

  return {
    connect(send, label, transport) {
      let open = true;
      const safeSend = (m: ServerMessage) => {
        if (open) send(m);
      };
      const client = options.monitor.attach(safeSend, transport);

      // Heavy requests (a capture of up to 32 MB) run one at a time per client: a second one is refused,
      // never queued, so one client cannot pile up work or memory (the parser also caps them globally).
      const heavyRunning = new Set<Method>();
      // Requests run MAX_RUNNING at a time per client, the next MAX_WAITING wait their turn in order, one more is
      // refused (a burst of 500 firewall requests ran 500 nft processes at once: attack review of 12-05). The page's
      // own bursts (a sparkline's history for each interface) wait.
      let running = 0;
      const waiting: Request[] = [];

      function refuse(message: Request, error: string): void {
        log.limited(`${label} refused`, `[${label}] ${message.method} refused: ${error}`);
        safeSend({ type: 'response', id: message.id, ok: false, error });
      }

      function answer(message: Request): void {
        const heavy = HEAVY_METHODS.has(message.method);
        if (heavy && heavyRunning.has(message.method)) {
          refuse(message, `a ${message.method} request from this window is still running; wait for it to finish`);
          return;
        }
        if (running >= MAX_RUNNING && waiting.length >= MAX_WAITING) {
          refuse(message, `this window has ${MAX_RUNNING + MAX_WAITING} requests unanswered; wait for their answers`);
          return;
        }
        if (heavy) heavyRunning.add(message.method);
        if (running < MAX_RUNNING) void run(message);
        else waiting.push(message);
      }

      async function run(message: Request): Promise<void> {
        running++;
        const handler = handlers[message.method] as (p: unknown) => Promise<unknown> | unknown;
        try {
          const result = await handler(message.params);
          safeSend({ type: 'response', id: message.id, ok: true, result });
        } catch (err) {
          const text = err instanceof Error ? err.message : String(err);
          log(`[${label}] ${message.method} failed: ${firstLine(text)}`);
          safeSend({ type: 'response', id: message.id, ok: false, error: text });
        } finally {
          running--;
          if (HEAVY_METHODS.has(message.method)) heavyRunning.delete(message.method);
          const next = open ? waiting.shift() : undefined;
          if (next) void run(next);
        }
      }

      return {
        receive(raw) {
          if (!open) return;
          let checked: ReturnType<typeof validateClientMessage>;
          try {
            checked =
              raw === NOT_JSON || raw === BINARY
                ? { ok: false, error: `rejected message: ${raw.description ?? ''} (messages are JSON text)` }
                : raw === TOO_LARGE
                  ? { ok: false, error: `rejected message: ${raw.description ?? ''}` }
                  : validateClientMessage(raw);
          } catch (err) {
            // Whatever a client sends (a cyclic or absurdly deep object) must not take the host down.
            checked = { ok: false, error: `rejected message: ${err instanceof Error ? err.message : String(err)}` };
          }
          if (!checked.ok) {
            log.limited(`${label} rejected`, `[${label}] ${checked.error}`);
            const id = requestIdOf(raw);
            if (id !== null) safeSend({ type: 'response', id, ok: false, error: checked.error });
            else safeSend({ type: 'notice', level: 'error', code: 'rejected', text: checked.error });
            return;
          }
          const message = checked.value;
          if (message.type === 'request') answer(message);
          else client.handle(message);
        },
        close() {
          if (!open) return;
          open = false;
          waiting.length = 0;
          client.detach();
        },
      };
    },
  };
}

/** A rejected request still gets an answer, so the client's promise settles with the reason. */
function requestIdOf(raw: unknown): number | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as { type?: unknown; id?: unknown };
  return r.type === 'request' && Number.isSafeInteger(r.id) && (r.id as number) >= 0 ? (r.id as number) : null;
}
